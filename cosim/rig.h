// SPDX-License-Identifier: MIT
// rig.h — the verilated top with every clocked model the harness drives it with: the DMA-side
// protocol checker, the DRAM model, the AXI-Lite master, the CPU port and the violation log, on one
// Platform. The server builds one
// and serves it over the socket; the C++ bench driver (cosim/bench) builds the same one and drives
// it directly, so the two simulate exactly the same thing. No socket, no protocol.
#pragma once

#include <cstdint>
#include <string>

#include "axil_master.h"
#include "cpu_port.h"
#include "dma_port_checker.h"
#include "dram_model.h"
#include "iommu_log.h"
#include "platform.h"
#include "rtl_top.h"
#include "verilated.h"
#include "violation_log.h"
#include "wild_dma.h"

namespace dmacosim {

struct Rig {
  // The models, added to the platform in the order they are driven and sampled. `seed` seeds the
  // DRAM model's backpressure RNG; `dram_cap` and `dram_dir` are DramConfig's cap and
  // backing_dir. The RTL is still in reset: call platform.Reset() first.
  Rig(VerilatedContext& context, Top& top, uint64_t seed, uint64_t dram_cap = 0,
      const std::string& dram_dir = {});
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  DramModel dram;
  Platform platform;
  DmaPortChecker dma_port;
  AxiLiteMaster axil;
  CpuPort cpu;
  ViolationLog violations;
  WildDmaChecker wild_dma;  // off until `dma_windows` enables it
  IommuLog iommu;
};

}  // namespace dmacosim
