// SPDX-License-Identifier: MIT
// axi_checker.cpp — AXI4 protocol rules on per-cycle channel snapshots: burst shape, handshake
// stability, WLAST / WSTRB, and the responses against what is outstanding.
#include "axi_checker.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace dmacosim {
namespace {

std::string HexU64(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, value);
  return buf;
}

std::string BeatOf(uint32_t beat, uint32_t beats) {
  return "beat " + std::to_string(beat + 1) + " of " + std::to_string(beats);
}

}  // namespace

const char* axi::BurstName(uint32_t burst) {
  static const char* const kNames[] = {"FIXED", "INCR", "WRAP", "reserved(3)"};
  return kNames[burst & 3];
}

uint64_t AxiBeatAddr(const AxiAddr& a, uint32_t beat) {
  const uint64_t size = uint64_t{1} << a.size;
  switch (a.burst) {
    case axi::kBurstFixed:
      return a.addr;
    case axi::kBurstWrap: {
      const uint64_t wrap = uint64_t{a.beats()} * size;
      const uint64_t lower = a.addr & ~(wrap - 1);
      return lower + ((a.addr - lower + uint64_t{beat} * size) & (wrap - 1));
    }
    default:
      return beat == 0 ? a.addr : (a.addr & ~(size - 1)) + uint64_t{beat} * size;
  }
}

AxiByteRange AxiBurstBytes(const AxiAddr& a) {
  const uint64_t size = uint64_t{1} << a.size;
  const uint64_t beats = a.beats();
  switch (a.burst) {
    case axi::kBurstFixed:
      return {a.addr, (a.addr & ~(size - 1)) + size - 1};
    case axi::kBurstWrap: {
      const uint64_t lo = a.addr & ~(beats * size - 1);
      return {lo, lo + beats * size - 1};
    }
    default:
      return {a.addr, (a.addr & ~(size - 1)) + beats * size - 1};
  }
}

// ---- result ----------------------------------------------------------------------------------

void AxiCheckResult::Add(AxiChannel c, ProtocolViolation finding, bool reject) {
  const unsigned i = static_cast<unsigned>(c);
  if (!findings_) findings_ = std::make_unique<Findings>();
  std::optional<ProtocolViolation>& slot = (*findings_)[i];
  if (!slot) {
    ++count_;
    slot.emplace(std::move(finding));
  } else if (reject && !rejected(c)) {
    slot.emplace(std::move(finding));
  }
  if (reject) rejected_ |= 1u << i;
}

const std::optional<ProtocolViolation>& AxiCheckResult::finding(AxiChannel c) const {
  static const std::optional<ProtocolViolation> kNone;
  return findings_ ? (*findings_)[static_cast<unsigned>(c)] : kNone;
}

const ProtocolViolation* AxiCheckResult::first() const {
  if (!findings_) return nullptr;
  for (const auto& f : *findings_) {
    if (f) return &*f;
  }
  return nullptr;
}

void AxiCheckResult::ThrowFirst() const {
  if (const ProtocolViolation* f = first()) throw *f;
}

// ---- checker ---------------------------------------------------------------------------------

AxiChecker::AxiChecker(const AxiCheckerConfig& config) : config_(config) {
  const unsigned bytes = config.bus_bytes;
  if (bytes < 4 || bytes > axi::kMaxBusBytes || (bytes & (bytes - 1)) != 0) {
    throw std::invalid_argument("AXI checker: bus_bytes must be 4, 8, 16, 32 or 64, not " +
                                std::to_string(bytes));
  }
  if (config.addr_width == 0 || config.addr_width > 64) {
    throw std::invalid_argument("AXI checker: addr_width must be 1..64");
  }
  bus_size_log2_ = static_cast<unsigned>(__builtin_ctz(bytes));
  lane_mask_all_ = bytes == 64 ? ~uint64_t{0} : (uint64_t{1} << bytes) - 1;
}

void AxiChecker::Reset() {
  reads_.clear();
  writes_.clear();
  b_pending_.clear();
  early_w_.clear();
  ar_waiting_ = aw_waiting_ = w_waiting_ = false;
}

std::string AxiChecker::Hex(uint64_t value) const {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%0*" PRIx64, static_cast<int>((config_.addr_width + 3) / 4),
                value);
  return buf;
}

std::string AxiChecker::Describe(const char* channel, const AxiAddr& a) const {
  return std::string(channel) + " id=" + std::to_string(a.id) + " addr=" + Hex(a.addr) +
         " len=" + std::to_string(a.len) + " size=" + std::to_string(a.size) +
         " burst=" + axi::BurstName(a.burst);
}

std::string AxiChecker::Describe(const char* channel, const AxiAddr& a, uint64_t accepted) const {
  return Describe(channel, a) + " (accepted at cycle " + std::to_string(accepted) + ")";
}

AxiCheckResult AxiChecker::Step(const AxiSnapshot& bus, uint64_t cycle) {
  AxiCheckResult result;
  // A channel is looked at only in a cycle with a handshake (R, B) or with its VALID up or waiting
  // (AR, AW, W): an idle one costs a test, a clean cycle allocates nothing.
  // Responses first: an R / B in the cycle of its own AR / last W beat is too early.
  if (config_.check_responses) {
    if (bus.r.valid && bus.r.ready) StepR(bus.r, cycle, result);
    if (bus.b.valid && bus.b.ready) StepB(bus.b, cycle, result);
  }
  // W before AW: a W beat in the cycle of its AW waits in early_w_ for StepAw.
  if (bus.w.valid || w_waiting_) StepW(bus.w, cycle, result);
  if (bus.ar.valid || ar_waiting_) StepAr(bus.ar, cycle, result);
  if (bus.aw.valid || aw_waiting_) StepAw(bus.aw, cycle, result);
  counts_.reads += bus.ar.valid && bus.ar.ready;
  counts_.writes += bus.aw.valid && bus.aw.ready;
  counts_.findings += result.count_;
  return result;
}

// ---- address channels ------------------------------------------------------------------------

std::optional<ProtocolViolation> AxiChecker::CheckBurst(const char* channel, const AxiAddr& a,
                                                        uint64_t cycle) const {
  auto violation = [&](const char* rule, const std::string& what) {
    return Finding(rule, cycle, what + ": " + Describe(channel, a));
  };
  if (a.size > bus_size_log2_) {
    return violation(axi_rule::kAxSize, "transfer size " +
                                            std::to_string(uint64_t{1} << (a.size & 63)) +
                                            " bytes is wider than the " +
                                            std::to_string(config_.bus_bytes) + "-byte data bus");
  }
  const uint64_t size = uint64_t{1} << a.size;
  const uint64_t beats = a.beats();
  switch (a.burst) {
    case axi::kBurstFixed:
      if (beats > 16) return violation(axi_rule::kAxLen, "FIXED burst longer than 16 beats");
      return std::nullopt;
    case axi::kBurstIncr: {
      if (beats > 256) return violation(axi_rule::kAxLen, "INCR burst longer than 256 beats");
      const AxiByteRange r = AxiBurstBytes(a);
      if (r.hi < r.lo || (r.lo / axi::k4KiB) != (r.hi / axi::k4KiB)) {
        return violation(axi_rule::k4KBoundary, "INCR burst crosses a 4 KiB boundary (bytes " +
                                                    Hex(r.lo) + ".." + Hex(r.hi) + ")");
      }
      return std::nullopt;
    }
    case axi::kBurstWrap:
      if (beats != 2 && beats != 4 && beats != 8 && beats != 16) {
        return violation(axi_rule::kAxLen, "WRAP burst length must be 2, 4, 8 or 16 beats");
      }
      if (a.addr % size != 0) {
        return violation(axi_rule::kWrapAlign, "WRAP burst address not size-aligned");
      }
      return std::nullopt;
    default:
      return violation(axi_rule::kAxBurst, "reserved burst type 3");
  }
}

void AxiChecker::StepAr(const AxiSnapshot::Addr& ar, uint64_t cycle, AxiCheckResult& result) {
  if (ar_waiting_ && !ar.valid) {
    result.Add(AxiChannel::kAr,
               Finding(axi_rule::kArStable, cycle,
                       "ARVALID dropped before ARREADY: " + Describe("AR", ar_last_)),
               false);
  } else if (ar_waiting_ && ar.beat != ar_last_) {
    result.Add(AxiChannel::kAr,
               Finding(axi_rule::kArStable, cycle,
                       "AR payload changed while waiting for ARREADY: was " +
                           Describe("AR", ar_last_) + ", now " + Describe("AR", ar.beat)),
               false);
  }
  ar_waiting_ = ar.valid && !ar.ready;
  if (ar_waiting_) ar_last_ = ar.beat;
  if (!(ar.valid && ar.ready)) return;
  if (auto bad = CheckBurst("AR", ar.beat, cycle)) {
    result.Add(AxiChannel::kAr, std::move(*bad), true);
    return;
  }
  if (config_.check_responses) reads_.push_back(Burst{ar.beat, cycle, 0});
}

void AxiChecker::StepAw(const AxiSnapshot::Addr& aw, uint64_t cycle, AxiCheckResult& result) {
  if (aw_waiting_ && !aw.valid) {
    result.Add(AxiChannel::kAw,
               Finding(axi_rule::kAwStable, cycle,
                       "AWVALID dropped before AWREADY: " + Describe("AW", aw_last_)),
               false);
  } else if (aw_waiting_ && aw.beat != aw_last_) {
    result.Add(AxiChannel::kAw,
               Finding(axi_rule::kAwStable, cycle,
                       "AW payload changed while waiting for AWREADY: was " +
                           Describe("AW", aw_last_) + ", now " + Describe("AW", aw.beat)),
               false);
  }
  aw_waiting_ = aw.valid && !aw.ready;
  if (aw_waiting_) aw_last_ = aw.beat;
  if (!(aw.valid && aw.ready)) return;
  if (auto bad = CheckBurst("AW", aw.beat, cycle)) {
    result.Add(AxiChannel::kAw, std::move(*bad), true);
    return;
  }
  writes_.push_back(Burst{aw.beat, cycle, 0});
  // W beats that came before this AW belong to the oldest AW still expecting beats.
  while (!early_w_.empty() && !writes_.empty()) {
    const EarlyW e = early_w_.front();
    early_w_.pop_front();
    auto bad = CheckWBeat(writes_.front(), e.last, e.strb, cycle,
                          " (taken at cycle " + std::to_string(e.cycle) + ", before its AW)");
    if (bad) result.Add(AxiChannel::kW, std::move(*bad), false);
    AdvanceW();  // taken on the bus: counted whatever it broke
  }
}

// ---- W ---------------------------------------------------------------------------------------

std::string AxiChecker::WPayload(const AxiSnapshot::W& w) const {
  std::string out = "WSTRB=" + HexU64(w.strb) + " WLAST=" + (w.last ? "1" : "0") + " WDATA=0x";
  char byte[3];
  for (unsigned i = config_.bus_bytes; i-- > 0;) {
    std::snprintf(byte, sizeof(byte), "%02x", w.data[i]);
    out += byte;
  }
  return out;
}

std::optional<ProtocolViolation> AxiChecker::CheckWBeat(const Burst& w, bool last, uint64_t strb,
                                                        uint64_t cycle,
                                                        std::string_view when) const {
  const uint32_t beats = w.a.beats();
  if (last != (w.beat + 1 == beats)) {
    return Finding(axi_rule::kWLast, cycle,
                   std::string(last ? "WLAST on " : "no WLAST on the last beat, ") +
                       BeatOf(w.beat, beats) + std::string(when) + ": " +
                       Describe("AW", w.a, w.accepted));
  }
  if (AllLanes(w)) return std::nullopt;
  // The beat's byte lanes: from its address's lane to the end of its 2^AxSIZE-aligned container.
  const uint64_t addr = AxiBeatAddr(w.a, w.beat);
  const uint64_t size = uint64_t{1} << w.a.size;
  const unsigned bus_bytes = config_.bus_bytes;
  const unsigned first_lane = static_cast<unsigned>(addr & (bus_bytes - 1));
  const unsigned end_lane = static_cast<unsigned>((addr & ~(size - 1) & (bus_bytes - 1)) + size);
  const uint64_t lanes =
      (lane_mask_all_ >> (bus_bytes - end_lane)) & ~((uint64_t{1} << first_lane) - 1);
  strb &= lane_mask_all_;
  if ((strb & ~lanes) != 0) {
    return Finding(axi_rule::kWStrb, cycle,
                   "WSTRB " + HexU64(strb) + " outside the beat's byte lanes " + HexU64(lanes) +
                       " on " + BeatOf(w.beat, beats) + std::string(when) + ": " +
                       Describe("AW", w.a, w.accepted));
  }
  return std::nullopt;
}

void AxiChecker::AdvanceW() {
  Burst& w = writes_.front();
  if (++w.beat < w.a.beats()) return;
  if (config_.check_responses) b_pending_.push_back(w);
  writes_.pop_front();
}

void AxiChecker::StepW(const AxiSnapshot::W& w, uint64_t cycle, AxiCheckResult& result) {
  auto burst = [this]() -> std::string {
    if (writes_.empty()) return " (no AW expecting W beats)";
    return ": " + Describe("AW", writes_.front().a, writes_.front().accepted);
  };
  if (w_waiting_ && !w.valid) {
    result.Add(
        AxiChannel::kW,
        Finding(axi_rule::kWStable, cycle,
                "WVALID dropped before WREADY" + (writes_.empty() ? std::string() : burst())),
        false);
  } else if (w_waiting_ && config_.check_w_payload &&
             (w.last != w_last_.last || w.strb != w_last_.strb ||
              std::memcmp(w.data.data(), w_last_.data.data(), config_.bus_bytes) != 0)) {
    result.Add(AxiChannel::kW,
               Finding(axi_rule::kWStable, cycle,
                       "W payload changed while waiting for WREADY: was " + WPayload(w_last_) +
                           ", now " + WPayload(w) + burst()),
               false);
  }
  w_waiting_ = w.valid && !w.ready;
  if (w_waiting_ && config_.check_w_payload) w_last_ = w;
  if (!(w.valid && w.ready)) return;
  if (writes_.empty()) {
    early_w_.push_back(EarlyW{cycle, w.strb, w.last});
    return;
  }
  const Burst& b = writes_.front();
  // Nearly every beat of a copy: WLAST right on a beat that may use every lane.
  if (AllLanes(b) && w.last == (b.beat + 1 == b.a.beats())) {
    AdvanceW();
    return;
  }
  if (auto bad = CheckWBeat(b, w.last, w.strb, cycle, "")) {
    result.Add(AxiChannel::kW, std::move(*bad), true);
    return;
  }
  AdvanceW();
}

// ---- responses -------------------------------------------------------------------------------

void AxiChecker::StepR(const AxiSnapshot::Resp& r, uint64_t cycle, AxiCheckResult& result) {
  // Nearly every beat: not the last one of the oldest read, with its ID.
  if (!reads_.empty() && reads_.front().a.id == r.id && !r.last &&
      reads_.front().beat + 1 < reads_.front().a.beats()) {
    ++reads_.front().beat;
    return;
  }
  auto it = reads_.begin();
  while (it != reads_.end() && it->a.id != r.id) ++it;
  if (it == reads_.end()) {
    result.Add(
        AxiChannel::kR,
        Finding(axi_rule::kRIdUnexpected, cycle,
                "R beat with RID=" + std::to_string(r.id) + " RRESP=" + std::to_string(r.resp) +
                    " RLAST=" + (r.last ? "1" : "0") + " but no read with ID " +
                    std::to_string(r.id) + " is outstanding (" + std::to_string(reads_.size()) +
                    " reads outstanding): R id=" + std::to_string(r.id)),
        true);
    return;
  }
  const uint32_t beats = it->a.beats();
  if (r.last != (it->beat + 1 == beats)) {
    result.Add(AxiChannel::kR,
               Finding(axi_rule::kRLast, cycle,
                       std::string(r.last ? "RLAST on " : "no RLAST on the last beat, ") +
                           BeatOf(it->beat, beats) + ": " + Describe("AR", it->a, it->accepted)),
               true);
    // The slave ended the burst early, or ran past it: either way it is over for the checker.
    reads_.erase(it);
    return;
  }
  if (++it->beat == beats) reads_.erase(it);
}

void AxiChecker::StepB(const AxiSnapshot::Resp& b, uint64_t cycle, AxiCheckResult& result) {
  auto it = b_pending_.begin();
  while (it != b_pending_.end() && it->a.id != b.id) ++it;
  if (it == b_pending_.end()) {
    result.Add(AxiChannel::kB,
               Finding(axi_rule::kBIdUnexpected, cycle,
                       "B with BID=" + std::to_string(b.id) + " BRESP=" + std::to_string(b.resp) +
                           " but no write with ID " + std::to_string(b.id) +
                           " has its AW and last W beat in (" + std::to_string(b_pending_.size()) +
                           " writes waiting for B, " + std::to_string(writes_.size()) +
                           " expecting W beats): B id=" + std::to_string(b.id)),
               true);
    return;
  }
  b_pending_.erase(it);
}

}  // namespace dmacosim
