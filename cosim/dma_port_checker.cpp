// SPDX-License-Identifier: MIT
// dma_port_checker.cpp — snapshot of dbg_dma_* (and what the limit checks watch besides) per
// cycle, checked with every rule.
#include "dma_port_checker.h"

#include "axi_snapshot.h"
#include "port_checkers.h"

namespace dmacosim {

DmaPortChecker::DmaPortChecker()
    : checker_(PortCheckerConfig(proto::port::kDma, kBusBytes, kAddrWidth)),
      limits_(checker_.config().port, LimitBuild{kMaxBurst, kMaxOutstanding}, kAddrWidth) {}

AxiCheckerCounts DmaPortChecker::counts() const {
  AxiCheckerCounts c = checker_.counts();
  c.findings += limits_.stats().findings;
  return c;
}

void DmaPortChecker::Sample(const Top& top, uint64_t cycle) {
  DMACOSIM_AXI_SNAPSHOT(bus_, top, dbg_dma_, true);  // WDATA too: check_w_payload
  const AxiCheckResult found = checker_.Step(bus_, cycle);

  LimitSample& s = side_;
  s.axil_aw = top.s_axil_awvalid && top.s_axil_awready;
  s.axil_w = top.s_axil_wvalid && top.s_axil_wready;
  s.axil_b = top.s_axil_bvalid && top.s_axil_bready;
  s.axil_ar = top.s_axil_arvalid && top.s_axil_arready;
  s.axil_r = top.s_axil_rvalid && top.s_axil_rready;
  s.axil_awaddr = top.s_axil_awaddr;
  s.axil_wdata = top.s_axil_wdata;
  s.axil_wstrb = top.s_axil_wstrb;
  s.axil_araddr = top.s_axil_araddr;
  s.axil_rdata = top.s_axil_rdata;
  s.cpu_arvalid = top.dbg_cpu_arvalid;
  s.cpu_arready = top.dbg_cpu_arready;
  s.cpu_awvalid = top.dbg_cpu_awvalid;
  s.cpu_awready = top.dbg_cpu_awready;
  s.cpu_wvalid = top.dbg_cpu_wvalid;
  s.cpu_take = top.dbg_cpu_take;
  s.eng_arvalid = top.dbg_eng_arvalid;
  s.eng_arready = top.dbg_eng_arready;
  s.eng_awvalid = top.dbg_eng_awvalid;
  s.eng_awready = top.dbg_eng_awready;
  s.eng_wvalid = top.dbg_eng_wvalid;
  s.eng_wready = top.dbg_eng_wready;
  s.gate_awvalid = top.dbg_gate_awvalid;
  s.gate_awready = top.dbg_gate_awready;
  s.dma_idle = top.dma_idle;
  s.dp_arvalid = top.dbg_dp_arvalid;
  s.dp_arready = top.dbg_dp_arready;
  s.dp_awvalid = top.dbg_dp_awvalid;
  s.dp_awready = top.dbg_dp_awready;
  s.dp_r = top.dbg_dp_rvalid && top.dbg_dp_rready;
  s.dp_rresp = top.dbg_dp_rresp;
  s.dp_b = top.dbg_dp_bvalid && top.dbg_dp_bready;
  s.dp_bresp = top.dbg_dp_bresp;
  s.dp_cmd = (top.dbg_dp_rd_cmd_valid && top.dbg_dp_rd_cmd_ready) ||
             (top.dbg_dp_wr_cmd_valid && top.dbg_dp_wr_cmd_ready);
  const std::optional<ProtocolViolation> limit = limits_.Step(bus_, s, cycle);

  if (VL_UNLIKELY(!found.clean())) found.ThrowFirst();
  if (VL_UNLIKELY(limit.has_value())) throw *limit;
}

}  // namespace dmacosim
