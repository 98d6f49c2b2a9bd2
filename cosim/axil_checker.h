// SPDX-License-Identifier: MIT
// axil_checker.h — AXI-Lite protocol checker of cosim_top's s_axil_* port, fed once per clock with
// a plain snapshot of the five channels as seen before the rising edge. AXI-Lite has no IDs: writes
// are answered in the order of their AW / W, reads in the order of their AR. The slave's rules (the
// RTL: axil_decoder and what sits behind it): a B only for a write whose AW and W were both taken
// in an earlier cycle and that has no B yet, an R only for a read whose AR was taken in an earlier
// cycle and that has no R yet (AXI A3.3.1), and BVALID / RVALID held with a stable payload until
// their READY. The master's (the harness's own AxiLiteMaster, a self-check): AWVALID / WVALID /
// ARVALID held with a stable payload until their READY. No Verilator type (a unit test can feed
// it); drives nothing; not checked during reset (the owner calls Reset()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "errors.h"

namespace dmacosim {

// The rule names of its findings (ProtocolViolation::rule()); stable.
namespace axil_rule {
inline constexpr char kAwStable[] = "AW_STABLE";        // AWVALID dropped / AWADDR changed
inline constexpr char kWStable[] = "W_STABLE";          // WVALID dropped / WDATA, WSTRB changed
inline constexpr char kArStable[] = "AR_STABLE";        // ARVALID dropped / ARADDR changed
inline constexpr char kBStable[] = "B_STABLE";          // BVALID dropped / BRESP changed
inline constexpr char kRStable[] = "R_STABLE";          // RVALID dropped / RDATA, RRESP changed
inline constexpr char kBUnexpected[] = "B_UNEXPECTED";  // BVALID with no write owed a B
inline constexpr char kRUnexpected[] = "R_UNEXPECTED";  // RVALID with no read owed an R
}  // namespace axil_rule

// One clock of the port.
struct AxiLiteSnapshot {
  bool awvalid = false, awready = false;
  uint32_t awaddr = 0;
  bool wvalid = false, wready = false;
  uint32_t wdata = 0;
  uint8_t wstrb = 0;
  bool bvalid = false, bready = false;
  uint8_t bresp = 0;
  bool arvalid = false, arready = false;
  uint32_t araddr = 0;
  bool rvalid = false, rready = false;
  uint32_t rdata = 0;
  uint8_t rresp = 0;
};

class AxiLiteChecker {
 public:
  // `port` names findings ("axil port").
  explicit AxiLiteChecker(std::string port) : port_(std::move(port)) {}

  // Check `cycle` and advance; the cycle's first finding (slave rules before master rules).
  std::optional<ProtocolViolation> Step(const AxiLiteSnapshot& s, uint64_t cycle);
  // The port was reset: nothing owed, nothing waiting (the findings count stays).
  void Reset();
  // The master gave up its accesses (a timeout): the requests it drops are no finding; what the
  // slave took stays owed.
  void MasterAbandoned() { aw_wait_ = w_wait_ = ar_wait_ = false; }
  uint64_t findings() const { return findings_; }
  // Writes whose AW and W were both taken and that wait for B; reads that wait for R.
  uint64_t writes_owed() const { return (aw_taken_ < w_taken_ ? aw_taken_ : w_taken_) - b_taken_; }
  uint64_t reads_owed() const { return ar_taken_ - r_taken_; }

 private:
  std::string port_;
  uint64_t aw_taken_ = 0, w_taken_ = 0, b_taken_ = 0, ar_taken_ = 0, r_taken_ = 0;
  // the last cycle: a VALID that waited for its READY, with its payload
  bool aw_wait_ = false, w_wait_ = false, ar_wait_ = false, b_wait_ = false, r_wait_ = false;
  AxiLiteSnapshot last_;
  uint64_t findings_ = 0;
};

}  // namespace dmacosim
