// SPDX-License-Identifier: MIT
// port_checkers.h — the AXI4 ports of cosim_top whose protocol the harness checks, and the checker
// configuration of each. No Verilator type: the C++ unit tests build exactly these checkers.
#pragma once

#include <string>
#include <string_view>

#include "axi_checker.h"
#include "protocol.h"

namespace dmacosim {

// The checker of `port` (proto::port: kDram = m_axi_*, checked by the DRAM model; kDma =
// dbg_dma_*, the DMA side of the arbiter, checked by DmaPortChecker). Findings name it ("dma
// port"). Every rule on both, the responses included (on the DRAM port a self-check of the model's
// own R / B, on the DMA port the arbiter's routing back by ID); W data stability on the DMA port
// only: the DRAM model does not copy WDATA for it (docs/protocol.md §7).
inline AxiCheckerConfig PortCheckerConfig(std::string_view port, unsigned bus_bytes,
                                          unsigned addr_width) {
  AxiCheckerConfig c;
  c.port = std::string(port) + " port";
  c.bus_bytes = bus_bytes;
  c.addr_width = addr_width;
  c.check_w_payload = port == proto::port::kDma;
  c.check_responses = true;
  return c;
}

}  // namespace dmacosim
