// SPDX-License-Identifier: MIT
// rig.cpp — the harness's model set around the verilated top.
#include "rig.h"

#include "protocol.h"

namespace dmacosim {
namespace {

DramConfig SeededDram(uint64_t seed, uint64_t cap, const std::string& dir) {
  DramConfig config;
  config.mem.seed = seed;
  config.cap = cap;
  config.backing_dir = dir;
  return config;
}

}  // namespace

Rig::Rig(VerilatedContext& context, Top& top, uint64_t seed, uint64_t dram_cap,
         const std::string& dram_dir)
    : dram(SeededDram(seed, dram_cap, dram_dir)),
      platform(context, top),
      dma_port(),
      axil(platform),
      cpu(platform),
      violations(platform, proto::kMaxViolationRecords),
      wild_dma(violations),
      iommu(platform, proto::kMaxViolationRecords) {
  // The DMA-side checker samples before the DRAM model: a burst the DMA gets wrong breaks the rule
  // on both ports in the same cycle, and the first finding is the one reported.
  platform.AddModel(dma_port);
  platform.AddModel(dram);
  platform.AddModel(axil);
  platform.AddModel(cpu);
  platform.AddModel(violations);
  platform.AddModel(wild_dma);
  platform.AddModel(iommu);
}

}  // namespace dmacosim
