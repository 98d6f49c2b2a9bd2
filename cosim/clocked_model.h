// SPDX-License-Identifier: MIT
// clocked_model.h — the interface every bus model that acts on each clock implements (DRAM,
// AXI-Lite master, later the CPU port). The Platform calls it; models never call eval().
//
// One Platform::Tick(), for each model in the order they were added:
//   Drive(top, cycle)   clk is low-going: set the inputs this model owns, from its own registered
//                       state only (never from RTL outputs of this cycle: no combinational paths);
//   -- clk = 0, eval() --
//   Sample(top, cycle)  the RTL outputs have settled: observe the handshakes of this cycle
//                       (valid && ready) and update the model's registered state — this is the
//                       model's rising edge; may throw ProtocolViolation / SimError;
//   -- clk = 1, eval(), cycle + 1 --
// While rst is high the Platform calls Drive but not Sample.
#pragma once

#include <cstdint>
#include <string>

#include "rtl_top.h"

namespace dmacosim {

class ClockedModel {
 public:
  virtual ~ClockedModel() = default;

  // Set this model's inputs of `top` for clock `cycle` from registered state.
  virtual void Drive(Top& top, uint64_t cycle) = 0;
  // Observe the settled outputs of `top` before the rising edge of `cycle`; update state.
  virtual void Sample(const Top& top, uint64_t cycle) = 0;
  // The RTL is being reset: drop every in-flight transaction (contents of memories stay).
  virtual void OnReset() = 0;
  // Short name for messages ("dram0", "axil").
  virtual std::string Name() const = 0;
  // One-line state for timeout messages ("2 reads, 1 write outstanding"); empty when idle.
  virtual std::string Status() const { return {}; }
};

}  // namespace dmacosim
