// SPDX-License-Identifier: Apache-2.0
// dma_port_checker.cpp — snapshot of dbg_dma_* per cycle, checked with every rule.
#include "dma_port_checker.h"

#include "axi_snapshot.h"
#include "port_checkers.h"

namespace dmacosim {

DmaPortChecker::DmaPortChecker()
    : checker_(PortCheckerConfig(proto::port::kDma, kBusBytes, kAddrWidth)) {}

void DmaPortChecker::Sample(const Top& top, uint64_t cycle) {
  DMACOSIM_AXI_SNAPSHOT(bus_, top, dbg_dma_, true);  // WDATA too: check_w_payload
  const AxiCheckResult found = checker_.Step(bus_, cycle);
  if (VL_UNLIKELY(!found.clean())) found.ThrowFirst();
}

}  // namespace dmacosim
