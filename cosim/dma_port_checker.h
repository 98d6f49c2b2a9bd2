// SPDX-License-Identifier: Apache-2.0
// dma_port_checker.h — the AXI4 protocol checker on the DMA side of the arbiter (cosim_top's
// dbg_dma_* debug outputs): every sampled cycle goes through an AxiChecker whose findings are
// errors naming the "dma port". Observes only: drives no input, models no slave.
#pragma once

#include <cstdint>
#include <string>

#include "axi_checker.h"
#include "clocked_model.h"

namespace dmacosim {

class DmaPortChecker final : public ClockedModel {
 public:
  DmaPortChecker();

  // AR / AW handshakes and findings since start or the last ResetCounts (`stats`).
  const AxiCheckerCounts& counts() const { return checker_.counts(); }
  void ResetCounts() { checker_.ResetCounts(); }

  // ClockedModel
  void Drive(Top& /*top*/, uint64_t /*cycle*/) override {}
  // Throws the cycle's first finding (ProtocolViolation).
  void Sample(const Top& top, uint64_t cycle) override;
  void OnReset() override { checker_.Reset(); }
  std::string Name() const override { return checker_.config().port; }  // "dma port"

 private:
  AxiChecker checker_;
  AxiSnapshot bus_;
};

}  // namespace dmacosim
