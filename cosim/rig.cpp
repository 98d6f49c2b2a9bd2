// SPDX-License-Identifier: Apache-2.0
// rig.cpp — the harness's model set around the verilated top.
#include "rig.h"

#include "protocol.h"

namespace dmacosim {
namespace {

DramConfig SeededDram(uint64_t seed) {
  DramConfig config;
  config.mem.seed = seed;
  return config;
}

}  // namespace

Rig::Rig(VerilatedContext& context, Top& top, uint64_t seed)
    : dram(SeededDram(seed)),
      platform(context, top),
      dma_port(),
      axil(platform),
      cpu(platform),
      violations(platform, proto::kMaxViolationRecords),
      iommu(platform, proto::kMaxViolationRecords) {
  // The DMA-side checker samples before the DRAM model: a burst the DMA gets wrong breaks the rule
  // on both ports in the same cycle, and the first finding is the one reported.
  platform.AddModel(dma_port);
  platform.AddModel(dram);
  platform.AddModel(axil);
  platform.AddModel(cpu);
  platform.AddModel(violations);
  platform.AddModel(iommu);
}

}  // namespace dmacosim
