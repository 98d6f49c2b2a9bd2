// SPDX-License-Identifier: MIT
// axil_checker.cpp — AXI-Lite protocol checker (see axil_checker.h).
#include "axil_checker.h"

#include <cstdio>

namespace dmacosim {
namespace {

std::string Hex(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", value);
  return buf;
}

}  // namespace

void AxiLiteChecker::Reset() {
  aw_taken_ = w_taken_ = b_taken_ = ar_taken_ = r_taken_ = 0;
  aw_wait_ = w_wait_ = ar_wait_ = b_wait_ = r_wait_ = false;
}

std::optional<ProtocolViolation> AxiLiteChecker::Step(const AxiLiteSnapshot& s, uint64_t cycle) {
  std::optional<ProtocolViolation> first;
  const auto find = [&](const char* rule, const std::string& what) {
    ++findings_;
    if (!first) first.emplace(port_, rule, cycle, what);
  };
  const uint64_t writes = writes_owed(), reads = reads_owed();

  // the slave: responses only for what is owed (handshakes of earlier cycles), held until taken
  if (s.bvalid && writes == 0) {
    find(axil_rule::kBUnexpected, "BVALID (BRESP " + std::to_string(s.bresp) +
                                      ") with no write owed a B (" + std::to_string(aw_taken_) +
                                      " AW and " + std::to_string(w_taken_) + " W taken, " +
                                      std::to_string(b_taken_) + " B given)");
  }
  if (s.rvalid && reads == 0) {
    find(axil_rule::kRUnexpected, "RVALID (RDATA " + Hex(s.rdata) + ") with no read owed an R (" +
                                      std::to_string(ar_taken_) + " AR taken, " +
                                      std::to_string(r_taken_) + " R given)");
  }
  if (b_wait_ && (!s.bvalid || s.bresp != last_.bresp)) {
    find(axil_rule::kBStable, !s.bvalid ? "BVALID dropped before BREADY"
                                        : "BRESP changed from " + std::to_string(last_.bresp) +
                                              " to " + std::to_string(s.bresp) +
                                              " while BVALID waited for BREADY");
  }
  if (r_wait_ && (!s.rvalid || s.rdata != last_.rdata || s.rresp != last_.rresp)) {
    find(axil_rule::kRStable, !s.rvalid ? "RVALID dropped before RREADY"
                                        : "RDATA / RRESP changed from " + Hex(last_.rdata) + " / " +
                                              std::to_string(last_.rresp) + " to " + Hex(s.rdata) +
                                              " / " + std::to_string(s.rresp) +
                                              " while RVALID waited for RREADY");
  }
  // the master (the harness): requests held until taken
  if (aw_wait_ && (!s.awvalid || s.awaddr != last_.awaddr)) {
    find(axil_rule::kAwStable, "AWVALID dropped or AWADDR changed (" + Hex(last_.awaddr) + " -> " +
                                   Hex(s.awaddr) + ") before AWREADY");
  }
  if (w_wait_ && (!s.wvalid || s.wdata != last_.wdata || s.wstrb != last_.wstrb)) {
    find(axil_rule::kWStable, "WVALID dropped or WDATA / WSTRB changed (" + Hex(last_.wdata) +
                                  " -> " + Hex(s.wdata) + ") before WREADY");
  }
  if (ar_wait_ && (!s.arvalid || s.araddr != last_.araddr)) {
    find(axil_rule::kArStable, "ARVALID dropped or ARADDR changed (" + Hex(last_.araddr) + " -> " +
                                   Hex(s.araddr) + ") before ARREADY");
  }

  aw_taken_ += s.awvalid && s.awready;
  w_taken_ += s.wvalid && s.wready;
  ar_taken_ += s.arvalid && s.arready;
  // a response with nothing owed was reported; it does not count (the next one is checked anew)
  b_taken_ += s.bvalid && s.bready && writes != 0;
  r_taken_ += s.rvalid && s.rready && reads != 0;
  aw_wait_ = s.awvalid && !s.awready;
  w_wait_ = s.wvalid && !s.wready;
  ar_wait_ = s.arvalid && !s.arready;
  b_wait_ = s.bvalid && !s.bready;
  r_wait_ = s.rvalid && !s.rready;
  last_ = s;
  return first;
}

}  // namespace dmacosim
