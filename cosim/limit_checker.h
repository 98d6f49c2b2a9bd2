// SPDX-License-Identifier: MIT
// limit_checker.h — checks, every cycle, that the DMA's bursts on the DMA port (cosim_top
// dbg_dma_*, the samples of DmaPortChecker) keep the limits software configured: bursts in flight,
// burst length per transfer mode, cycle stealing's idle gap, transparent mode's CPU-busy cycles,
// keyhole addresses, the arbiter's fairness between the CPU cache and the DMA per channel, and that
// the data mover starts no request after an error response reached it (dbg_dp_*). It
// learns the configuration from the harness's own AXI-Lite writes (never from the RTL's registers)
// and counts what `stats` reports (in-flight gauges, grants, EXT_PERF_BUSY / EXT_PERF_BUS_WAIT's
// events). No Verilator type: DmaPortChecker feeds it, and so can a unit test. Observes only.
//
// When a new configuration applies (docs/protocol.md §7): the RTL takes a register write a few
// cycles after its AXI-Lite handshake and applies it to the next burst (the write engine keeps a
// transfer's burst length to its end). So the checker keeps, besides the configuration written
// last, the *bounds* it checks against: the loosest of every configuration written since the DMA
// was last quiescent (CDMASR.Idle = 1, nothing in flight or requested on the DMA port, no AXI-Lite
// write waiting for its B, no soft reset pending). A change made while the DMA is idle — what
// drivers do — is checked exactly from the next transfer on; one made mid-transfer loosens the
// checks until the DMA is next quiescent. Register writes are ignored by the RTL during a soft
// reset (CDMACR.Reset until it reads 0): one made then only ever loosens the bounds (until the next
// hardware reset). The timing rules (STEAL_IDLE, TRANSPARENT_CPU_BUSY) are not checked while snoop
// mode may be on: the coherency monitor then holds and replays bursts after the mode gate decided.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "axi_checker.h"
#include "errors.h"

namespace dmacosim {

// The rule names of the limit checks (ProtocolViolation::rule()); stable.
namespace limit_rule {
inline constexpr char kMaxOutstanding[] = "MAX_OUTSTANDING";  // bursts in flight > configured
inline constexpr char kMaxBurstLen[] = "MAX_BURST_LEN";       // burst longer than the mode allows
inline constexpr char kStealIdle[] = "STEAL_IDLE";            // cycle stealing: grant too early
inline constexpr char kTransparentCpuBusy[] = "TRANSPARENT_CPU_BUSY";  // started while CPU busy
inline constexpr char kKeyholeFixed[] = "KEYHOLE_FIXED";  // keyhole burst not FIXED at one address
inline constexpr char kArbFairness[] = "ARB_FAIRNESS";    // a waiting master passed over too often
inline constexpr char kIommuWalk[] = "IOMMU_WALK";        // a PTE read not one beat, or not alone
inline constexpr char kHaltOnError[] = "HALT_ON_ERROR";   // data mover's new AR / AW after an error
}  // namespace limit_rule

// The build's limits (cosim_top MAX_BURST, MAX_OUTSTANDING): reset values and clamps.
struct LimitBuild {
  unsigned max_burst = 256;
  unsigned max_outstanding = 4;
};

// One configuration as the RTL stores it (clamped as cdma_regs does).
struct LimitConfig {
  unsigned mode = 0;         // XFER_MODE_*
  unsigned max_burst = 256;  // beats, 1..MAX_BURST
  unsigned max_out = 4;      // bursts in flight per direction, 1..MAX_OUTSTANDING
  unsigned steal_beats = 1;  // beats per grant, 1..MAX_BURST
  unsigned steal_idle = 1;   // idle cycles between grants
  bool keyhole_rd = false, keyhole_wr = false, sg = false, snoop = false;
};

// The two masters of the arbiter and its two arbitrated channels, as `stats` names them.
enum class ArbMaster : unsigned { kCpu, kDma };
enum class ArbChannel : unsigned { kAr, kAw };

// One cycle of what the checks watch besides the DMA port's five channels.
struct LimitSample {
  // the harness's AXI-Lite master (cosim_top s_axil_*): handshakes and the values it drove
  bool axil_aw = false, axil_w = false, axil_b = false, axil_ar = false, axil_r = false;
  uint32_t axil_awaddr = 0, axil_wdata = 0, axil_wstrb = 0, axil_araddr = 0, axil_rdata = 0;
  // the CPU side of the arbiter (dbg_cpu_*)
  bool cpu_arvalid = false, cpu_arready = false, cpu_awvalid = false, cpu_awready = false;
  bool cpu_wvalid = false, cpu_take = false;
  // the engines' requests entering the mode gate, and the gate's AW handshake (dbg_eng_*,
  // dbg_gate_*)
  bool eng_arvalid = false, eng_arready = false, eng_awvalid = false, eng_awready = false;
  bool eng_wvalid = false, eng_wready = false, gate_awvalid = false, gate_awready = false;
  bool dma_idle = true;  // CDMASR.Idle
  // the data mover's own bus (dbg_dp_*): cdma_rd's AR, cdma_wr's AW, the R beats / B routed to
  // them with their RRESP / BRESP, and the commands its engines take (handshakes)
  bool dp_arvalid = false, dp_arready = false, dp_awvalid = false, dp_awready = false;
  bool dp_r = false, dp_b = false, dp_cmd = false;
  uint8_t dp_rresp = 0, dp_bresp = 0;
};

// What `stats` reports (counts since start or ResetCounts; the gauges are state).
struct LimitStats {
  uint64_t busy_cycles = 0;  // cycles with dma_idle = 0 (EXT_PERF_BUSY's events)
  uint64_t bus_wait_cycles =
      0;  // cycles an engine AR / AW / W could not move (EXT_PERF_BUS_WAIT's)
  uint64_t max_reads_in_flight = 0, max_writes_in_flight = 0;
  uint64_t findings = 0;
  // [channel][master]: AR / AW handshakes, and the longest wait (cycles from VALID to handshake)
  std::array<std::array<uint64_t, 2>, 2> grants{}, max_wait{};
};

class LimitChecker {
 public:
  // Grants of the other master a waiting one may see before its own, per channel: AR 1 (the
  // request already on the bus); AW 2 (that one and the AW owed by a W burst already begun).
  static constexpr std::array<unsigned, 2> kFairnessBound = {1, 2};
  // HALT_ON_ERROR: cycles after an error response reached the data mover in which it may still
  // start a request it decided before the halt reached it (the engine registers the response, the
  // sequencer then raises halt_req: a burst issued in the cycle after the response shows 2 cycles
  // after it). From the cycle after, no new AR / AW until a new command or a reset.
  static constexpr uint64_t kHaltLatency = 2;

  // `port` names findings ("dma port").
  LimitChecker(std::string port, LimitBuild build, unsigned addr_width);

  // One cycle: update the configuration and counts; the cycle's first finding, if any.
  std::optional<ProtocolViolation> Step(const AxiSnapshot& dma, const LimitSample& s,
                                        uint64_t cycle);
  // The hardware reset: reset values, nothing in flight (counts kept).
  void Reset();
  const LimitStats& stats() const { return stats_; }
  // Zero the counts; the maxima restart from the current gauges.
  void ResetCounts();

  uint64_t reads_in_flight() const { return rd_inflight_; }   // AR taken, RLAST not yet
  uint64_t writes_in_flight() const { return wr_inflight_; }  // AW taken, B not yet
  const LimitConfig& config() const { return config_; }       // written last
  const LimitConfig& bounds() const { return bounds_; }       // checked against (see above)
  unsigned bound_modes() const { return modes_; }             // bit per XFER_MODE_* in bounds

 private:
  void RegWrite(uint32_t offset, uint32_t data, uint32_t strb);
  void Loosen(const LimitConfig& c);
  void Tighten();
  // The longest burst any mode in the bounds allows.
  unsigned BurstLimit() const;
  bool OnlyMode(unsigned mode) const { return modes_ == (1u << mode); }
  ProtocolViolation Finding(const char* rule, uint64_t cycle, const std::string& what) const {
    return ProtocolViolation(port_, rule, cycle, what);
  }
  void Keep(std::optional<ProtocolViolation>& first, std::optional<ProtocolViolation> f);

  std::string port_;
  LimitBuild build_;
  AxiChecker describe_;  // formats bursts in messages like the protocol checker

  LimitConfig config_, bounds_;
  unsigned modes_ = 1;
  bool reset_pending_ = false, uncertain_ = false;
  // AXI-Lite: AWs / Ws seen and not yet paired; writes applied and not yet answered; ARs not
  // yet answered
  std::deque<uint32_t> axil_awaddr_;
  std::deque<std::pair<uint32_t, uint32_t>> axil_wdata_;
  unsigned axil_open_ = 0;
  std::deque<uint32_t> axil_araddr_;

  // DMA port
  uint64_t rd_inflight_ = 0, wr_inflight_ = 0, w_owed_ = 0;
  uint64_t walk_inflight_ = 0;  // the IOMMU walker's PTE reads (AXI ID kIommuWalkAxiId)
  std::optional<uint64_t> last_rlast_, last_wlast_;
  bool ar_waiting_ = false, aw_waiting_ = false;
  bool cpu_take_prev_ = false;
  std::optional<uint64_t> rd_fixed_, wr_fixed_;  // keyhole: the transfer's FIXED address
  uint64_t gate_held_ = 0;                       // AWs in the mode gate's hold
  // the data mover: the cycle of the first error response since its last command; VALIDs waiting
  std::optional<uint64_t> dp_error_;
  const char* dp_error_what_ = "";
  bool dp_ar_waiting_ = false, dp_aw_waiting_ = false;

  // fairness, [channel][master]
  struct Wait {
    bool on = false, reported = false;
    uint64_t since = 0, others = 0;
  };
  std::array<std::array<Wait, 2>, 2> wait_{};

  LimitStats stats_;
};

}  // namespace dmacosim
