// SPDX-License-Identifier: MIT
// axi_checker.h — AXI4 protocol checker, fed once per clock with a plain snapshot of the five
// channels (VALID, READY, payload) as seen before the rising edge. It tracks the bursts it saw
// accepted and names each finding's port, rule, cycle and transaction (ProtocolViolation). It knows
// no Verilator type and drives nothing: the DRAM model and the DMA-port checker feed it, and so can
// a unit test. Not checked: RREADY / BREADY behaviour, R / B stability, exclusive access,
// AxCACHE / AxPROT / AxQOS, anything during reset (the owner calls Reset()).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "errors.h"

namespace dmacosim {

namespace axi {

inline constexpr uint8_t kBurstFixed = 0;
inline constexpr uint8_t kBurstIncr = 1;
inline constexpr uint8_t kBurstWrap = 2;
inline constexpr uint64_t k4KiB = 4096;
// The widest data bus a snapshot carries (512 bits: one WSTRB bit per lane in a uint64_t).
inline constexpr std::size_t kMaxBusBytes = 64;

// "FIXED", "INCR", "WRAP" or "reserved(3)" (only the low two bits of `burst` count).
const char* BurstName(uint32_t burst);

}  // namespace axi

// The payload of an AR or AW.
struct AxiAddr {
  uint64_t addr = 0;
  uint32_t id = 0;
  uint32_t len = 0;  // AxLEN = beats - 1; wider than the 8-bit port, so a test can say 256
  uint8_t size = 0;  // AxSIZE: 2^size bytes per beat
  uint8_t burst = axi::kBurstIncr;

  uint32_t beats() const { return len + 1; }
  bool operator==(const AxiAddr& o) const {
    return addr == o.addr && id == o.id && len == o.len && size == o.size && burst == o.burst;
  }
  bool operator!=(const AxiAddr& o) const { return !(*this == o); }
};

// Address of beat `beat` (0-based) of a burst (AXI A3.4.1): FIXED repeats addr, INCR aligns
// every beat after the first to 2^size, WRAP wraps at the (beats * 2^size)-aligned boundary.
uint64_t AxiBeatAddr(const AxiAddr& a, uint32_t beat);

// First and last byte a legal burst touches: INCR from addr to the end of its last beat, FIXED
// its 2^size-aligned container, WRAP its whole wrap range.
struct AxiByteRange {
  uint64_t lo, hi;
};
AxiByteRange AxiBurstBytes(const AxiAddr& a);

// One clock of the bus, sampled after the outputs settled and before the rising edge.
struct AxiSnapshot {
  struct Addr {  // AR, AW (master drives valid + payload, slave drives ready)
    bool valid = false, ready = false;
    AxiAddr beat;
  };
  struct W {  // master drives valid + payload
    bool valid = false, ready = false;
    bool last = false;
    uint64_t strb = 0;                              // bit n = byte lane n
    std::array<uint8_t, axi::kMaxBusBytes> data{};  // only compared with check_w_payload
  };
  struct Resp {  // R, B (slave drives valid + payload, master drives ready)
    bool valid = false, ready = false;
    uint32_t id = 0;
    bool last = true;  // RLAST; ignored on B
    uint8_t resp = 0;
  };
  Addr ar, aw;
  W w;
  Resp r, b;
};

struct AxiCheckerConfig {
  // The port's name in findings ("dram port": "AXI protocol violation on the dram port [...]");
  // empty: not named.
  std::string port;
  unsigned bus_bytes = 8;    // data bus width in bytes: 4, 8, 16, 32 or 64
  unsigned addr_width = 32;  // address bits, for messages (hex digits); 1..64
  // W_STABLE also compares WDATA / WSTRB / WLAST while WVALID waits for WREADY (else only the
  // drop of WVALID is a finding).
  bool check_w_payload = true;
  // Track AR / AW until their response and check R / B: RID_UNEXPECTED, BID_UNEXPECTED, RLAST.
  bool check_responses = true;
};

// The rule names a finding carries (ProtocolViolation::rule()); stable. The DRAM model's findings
// are those of docs/protocol.md §7 (it runs without check_w_payload; its own R / B never break
// the response rules).
namespace axi_rule {
inline constexpr char kAxSize[] = "AxSIZE";            // 2^AxSIZE wider than the data bus
inline constexpr char kAxLen[] = "AxLEN";              // INCR > 256, FIXED > 16, WRAP not 2/4/8/16
inline constexpr char k4KBoundary[] = "4KB_BOUNDARY";  // INCR burst crosses a 4 KiB boundary
inline constexpr char kWrapAlign[] = "WRAP_ALIGN";     // WRAP address not 2^AxSIZE-aligned
inline constexpr char kAxBurst[] = "AxBURST";          // AxBURST = 3
inline constexpr char kArStable[] = "AR_STABLE";       // ARVALID dropped / AR payload changed
inline constexpr char kAwStable[] = "AW_STABLE";       // AWVALID dropped / AW payload changed
inline constexpr char kWStable[] = "W_STABLE";         // WVALID dropped / W payload changed
inline constexpr char kWLast[] = "WLAST";              // WLAST early or missing
inline constexpr char kWStrb[] = "WSTRB";              // strobe outside the beat's lanes
inline constexpr char kRIdUnexpected[] = "RID_UNEXPECTED";  // R for an ID with no read pending
inline constexpr char kRLast[] = "RLAST";                   // RLAST early or missing
inline constexpr char kBIdUnexpected[] = "BID_UNEXPECTED";  // B for an ID with no write done
}  // namespace axi_rule

// What a checker has seen since it was built or ResetCounts() (its Reset() keeps them).
struct AxiCheckerCounts {
  uint64_t reads = 0;     // AR handshakes (bursts), legal or not
  uint64_t writes = 0;    // AW handshakes (bursts), legal or not
  uint64_t findings = 0;  // findings, at most one per channel and cycle
};

// The channels, in the order AxiCheckResult reports their findings.
enum class AxiChannel : unsigned { kR, kB, kW, kAr, kAw };
inline constexpr unsigned kAxiChannels = 5;

// What one cycle's check found: at most one finding per channel (the first), and per channel
// whether its handshake of this cycle was rejected — a malformed burst (AxSIZE, AxLEN,
// 4KB_BOUNDARY, WRAP_ALIGN, AxBURST), a W beat with a WLAST or WSTRB finding, an R or B with an
// ID / RLAST finding — which the checker did not track and a slave model should not apply.
class AxiCheckResult {
 public:
  bool clean() const { return count_ == 0; }
  bool rejected(AxiChannel c) const { return (rejected_ >> static_cast<unsigned>(c)) & 1; }
  const std::optional<ProtocolViolation>& finding(AxiChannel c) const;
  // The first finding in the order R, B, W, AR, AW; nullptr when clean.
  const ProtocolViolation* first() const;
  // Throws *first() when there is a finding.
  void ThrowFirst() const;

 private:
  friend class AxiChecker;
  // Keeps the first finding per channel, except that a rejecting one replaces a non-rejecting.
  void Add(AxiChannel c, ProtocolViolation finding, bool reject);

  using Findings = std::array<std::optional<ProtocolViolation>, kAxiChannels>;
  // Allocated by the first finding: a clean cycle (nearly every one) builds and drops no findings.
  std::unique_ptr<Findings> findings_;
  unsigned rejected_ = 0;
  unsigned count_ = 0;
};

class AxiChecker {
 public:
  // Throws std::invalid_argument on a bad config.
  explicit AxiChecker(const AxiCheckerConfig& config);

  const AxiCheckerConfig& config() const { return config_; }
  // Check the handshakes of `cycle` and advance the tracked bursts; never throws a finding.
  AxiCheckResult Step(const AxiSnapshot& bus, uint64_t cycle);
  // Step, then throw the first finding (ProtocolViolation).
  void Check(const AxiSnapshot& bus, uint64_t cycle) { Step(bus, cycle).ThrowFirst(); }
  // The bus was reset: forget every tracked burst and every waiting VALID.
  void Reset();
  const AxiCheckerCounts& counts() const { return counts_; }
  void ResetCounts() { counts_ = AxiCheckerCounts{}; }

  // Bursts tracked: reads not fully answered (check_responses only), writes still expecting W
  // beats, writes waiting for their B (check_responses only), W beats seen before their AW.
  std::size_t reads_outstanding() const { return reads_.size(); }
  std::size_t writes_expecting_w() const { return writes_.size(); }
  std::size_t writes_expecting_b() const { return b_pending_.size(); }
  std::size_t early_w_beats() const { return early_w_.size(); }

  // "AR id=1 addr=0x00001000 len=15 size=3 burst=INCR" (addr in addr_width / 4 hex digits).
  std::string Describe(const char* channel, const AxiAddr& a) const;
  // Describe(...) + " (accepted at cycle N)".
  std::string Describe(const char* channel, const AxiAddr& a, uint64_t accepted) const;
  std::string Hex(uint64_t value) const;

 private:
  struct Burst {
    AxiAddr a;
    uint64_t accepted = 0;  // cycle of the address handshake
    uint32_t beat = 0;      // next W / R beat
  };
  struct EarlyW {
    uint64_t cycle;
    uint64_t strb;
    bool last;
  };

  // A finding on this checker's port.
  ProtocolViolation Finding(const char* rule, uint64_t cycle, const std::string& what) const {
    return ProtocolViolation(config_.port, rule, cycle, what);
  }
  // The rule an AR / AW breaks by its shape alone, if any.
  std::optional<ProtocolViolation> CheckBurst(const char* channel, const AxiAddr& a,
                                              uint64_t cycle) const;
  // WLAST and WSTRB of beat w.beat of `w`; `when` is "" or " (taken at cycle N, before its AW)".
  std::optional<ProtocolViolation> CheckWBeat(const Burst& w, bool last, uint64_t strb,
                                              uint64_t cycle, std::string_view when) const;
  // Whether the next beat of `w` may use every byte lane (a full-width INCR beat after the first):
  // then no WSTRB is outside its lanes.
  bool AllLanes(const Burst& w) const {
    return w.a.burst == axi::kBurstIncr && w.a.size == bus_size_log2_ && w.beat != 0;
  }
  // One more W beat of writes_.front(); moves it to b_pending_ after its last.
  void AdvanceW();
  // R / B: called for a handshake only. W, AR, AW: called while VALID is up or was waiting.
  void StepR(const AxiSnapshot::Resp& r, uint64_t cycle, AxiCheckResult& result);
  void StepB(const AxiSnapshot::Resp& b, uint64_t cycle, AxiCheckResult& result);
  void StepW(const AxiSnapshot::W& w, uint64_t cycle, AxiCheckResult& result);
  void StepAr(const AxiSnapshot::Addr& ar, uint64_t cycle, AxiCheckResult& result);
  void StepAw(const AxiSnapshot::Addr& aw, uint64_t cycle, AxiCheckResult& result);
  std::string WPayload(const AxiSnapshot::W& w) const;

  AxiCheckerConfig config_;
  unsigned bus_size_log2_ = 3;
  uint64_t lane_mask_all_ = 0xFF;
  std::deque<Burst> reads_;      // accepted ARs, not fully answered, in AR order
  std::deque<Burst> writes_;     // accepted AWs whose W beats are not all in, in AW order
  std::deque<Burst> b_pending_;  // writes with AW and every W beat in, waiting for B
  std::deque<EarlyW> early_w_;   // W beats taken before any AW expected them
  // Handshake stability: a VALID that waited for READY in the last cycle, and its payload.
  bool ar_waiting_ = false, aw_waiting_ = false, w_waiting_ = false;
  AxiAddr ar_last_, aw_last_;
  AxiSnapshot::W w_last_;
  AxiCheckerCounts counts_;
};

}  // namespace dmacosim
