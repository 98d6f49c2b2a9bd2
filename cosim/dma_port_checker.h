// SPDX-License-Identifier: MIT
// dma_port_checker.h — the checks on the DMA side of the arbiter (cosim_top's dbg_dma_* debug
// outputs): every sampled cycle goes through an AxiChecker (the AXI4 protocol rules) and a
// LimitChecker (the limits software configured, learnt from the harness's AXI-Lite writes; the
// arbiter's fairness, with the CPU side's dbg_cpu_*), whose findings are errors naming the "dma
// port". Observes only: drives no input, models no slave.
#pragma once

#include <cstdint>
#include <string>

#include "axi_checker.h"
#include "clocked_model.h"
#include "limit_checker.h"

namespace dmacosim {

class DmaPortChecker final : public ClockedModel {
 public:
  DmaPortChecker();

  // AR / AW handshakes and findings (protocol and limits) since start or the last ResetCounts
  // (`stats`).
  AxiCheckerCounts counts() const;
  // In-flight gauges, grants, busy and bus-wait cycles (`stats`).
  const LimitChecker& limits() const { return limits_; }
  void ResetCounts() {
    checker_.ResetCounts();
    limits_.ResetCounts();
  }

  // ClockedModel
  void Drive(Top& /*top*/, uint64_t /*cycle*/) override {}
  // Throws the cycle's first finding (ProtocolViolation): a protocol rule's before a limit's.
  void Sample(const Top& top, uint64_t cycle) override;
  void OnReset() override {
    checker_.Reset();
    limits_.Reset();
  }
  std::string Name() const override { return checker_.config().port; }  // "dma port"

 private:
  AxiChecker checker_;
  LimitChecker limits_;
  AxiSnapshot bus_;
  LimitSample side_;
};

}  // namespace dmacosim
