// SPDX-License-Identifier: MIT
// limit_checker.cpp — the configured-limit checks of the DMA port (see limit_checker.h).
#include "limit_checker.h"

#include <algorithm>
#include <utility>

#include "reg_map.h"

namespace dmacosim {

namespace {

const char* ModeName(unsigned mode) {
  switch (mode) {
    case kXferModeBurst:
      return "burst";
    case kXferModeCycleStealing:
      return "cycle stealing";
    case kXferModeTransparent:
      return "transparent";
    default:
      return "reserved";
  }
}

uint32_t ByteMask(uint32_t strb) {
  uint32_t m = 0;
  for (unsigned i = 0; i < 4; ++i) {
    if ((strb >> i) & 1) m |= 0xFFu << (8 * i);
  }
  return m;
}

AxiCheckerConfig DescribeConfig(const std::string& port, unsigned addr_width) {
  AxiCheckerConfig c;
  c.port = port;
  c.addr_width = addr_width;
  return c;
}

// An INCR read / write that stays inside one 64-byte descriptor: a descriptor fetch or a STATUS
// write-back in SG mode.
bool InOneDescriptor(const AxiAddr& a) {
  if (a.burst != axi::kBurstIncr) return false;
  const AxiByteRange r = AxiBurstBytes(a);
  return (r.lo >> kDescAlignBits) == (r.hi >> kDescAlignBits);
}

const char* const kMasterName[2] = {"cpu", "dma"};
const char* const kChannelName[2] = {"AR", "AW"};

}  // namespace

LimitChecker::LimitChecker(std::string port, LimitBuild build, unsigned addr_width)
    : port_(std::move(port)), build_(build), describe_(DescribeConfig(port_, addr_width)) {
  Reset();
}

void LimitChecker::Reset() {
  config_ = LimitConfig{};
  config_.max_burst = build_.max_burst;
  config_.max_out = build_.max_outstanding;
  reset_pending_ = uncertain_ = false;
  axil_awaddr_.clear();
  axil_wdata_.clear();
  axil_araddr_.clear();
  axil_open_ = 0;
  rd_inflight_ = wr_inflight_ = w_owed_ = walk_inflight_ = 0;
  last_rlast_.reset();
  last_wlast_.reset();
  ar_waiting_ = aw_waiting_ = cpu_take_prev_ = false;
  rd_fixed_.reset();
  wr_fixed_.reset();
  gate_held_ = 0;
  wait_ = {};
  dp_error_.reset();
  dp_ar_waiting_ = dp_aw_waiting_ = false;
  Tighten();
}

void LimitChecker::ResetCounts() {
  stats_ = LimitStats{};
  stats_.max_reads_in_flight = rd_inflight_;
  stats_.max_writes_in_flight = wr_inflight_;
}

void LimitChecker::Tighten() {
  bounds_ = config_;
  modes_ = 1u << config_.mode;
  rd_fixed_.reset();
  wr_fixed_.reset();
}

void LimitChecker::Loosen(const LimitConfig& c) {
  modes_ |= 1u << c.mode;
  bounds_.mode = c.mode;
  bounds_.max_burst = std::max(bounds_.max_burst, c.max_burst);
  bounds_.max_out = std::max(bounds_.max_out, c.max_out);
  bounds_.steal_beats = std::max(bounds_.steal_beats, c.steal_beats);
  bounds_.steal_idle = std::min(bounds_.steal_idle, c.steal_idle);
  bounds_.keyhole_rd = bounds_.keyhole_rd && c.keyhole_rd;
  bounds_.keyhole_wr = bounds_.keyhole_wr && c.keyhole_wr;
  bounds_.sg = bounds_.sg || c.sg;
  bounds_.snoop = bounds_.snoop || c.snoop;
}

// One AXI-Lite write of the harness, applied as cdma_regs / the monitor apply it (byte strobes
// merged into the value in effect, then clamped).
void LimitChecker::RegWrite(uint32_t offset, uint32_t data, uint32_t strb) {
  const uint32_t m = ByteMask(strb);
  LimitConfig c = config_;
  const auto merge = [&](uint32_t now) { return (now & ~m) | (data & m); };
  bool soft_reset = false;
  switch (offset) {
    case kCdmacrOffset: {
      const uint32_t now = (uint32_t{c.sg} << kCdmacrSgModeBit) |
                           (uint32_t{c.keyhole_rd} << kCdmacrKeyHoleRdBit) |
                           (uint32_t{c.keyhole_wr} << kCdmacrKeyHoleWrBit);
      const uint32_t v = merge(now);
      c.sg = (v >> kCdmacrSgModeBit) & 1;
      c.keyhole_rd = (v >> kCdmacrKeyHoleRdBit) & 1;
      c.keyhole_wr = (v >> kCdmacrKeyHoleWrBit) & 1;
      if ((strb & 1) && ((data >> kCdmacrResetBit) & 1)) soft_reset = true;
      break;
    }
    case kExtXferCtrlOffset: {
      const uint32_t now = (c.mode << kExtXferCtrlModeLsb) |
                           ((c.max_burst - 1) << kExtXferCtrlMaxBurstM1Lsb) |
                           (c.max_out << kExtXferCtrlMaxOutLsb);
      const uint32_t v = merge(now);
      const uint32_t mode = (v >> kExtXferCtrlModeLsb) & 3;
      if (mode != kXferModeKeep) c.mode = mode;
      c.max_burst = std::min(((v >> kExtXferCtrlMaxBurstM1Lsb) & 0xFF) + 1, build_.max_burst);
      c.max_out =
          std::min(std::max((v >> kExtXferCtrlMaxOutLsb) & 0xFFu, 1u), build_.max_outstanding);
      break;
    }
    case kExtStealCfgOffset: {
      const uint32_t now =
          (c.steal_beats << kExtStealCfgBeatsLsb) | (c.steal_idle << kExtStealCfgIdleLsb);
      const uint32_t v = merge(now);
      c.steal_beats = std::min(std::max((v >> kExtStealCfgBeatsLsb) & 0xFFu, 1u), build_.max_burst);
      c.steal_idle = (v >> kExtStealCfgIdleLsb) & 0xFFFF;
      break;
    }
    case kMonCtrlOffset:
      c.snoop = merge(c.snoop ? kMonCtrlSnoopEn : 0) & kMonCtrlSnoopEn;
      break;
    case kBttOffset:
    case kTaildescOffset:
    case kTaildescMsbOffset:
      // a transfer (or a walk) may start: keyhole addresses are learnt again
      rd_fixed_.reset();
      wr_fixed_.reset();
      return;
    default:
      return;
  }
  if (reset_pending_ && offset != kMonCtrlOffset) {
    // the RTL ignores it while the soft reset runs, or takes it: either may be in effect
    uncertain_ = true;
  }
  if (soft_reset) {
    // CDMACR returns to its reset value (not the extension block nor the monitor)
    c.sg = c.keyhole_rd = c.keyhole_wr = false;
    reset_pending_ = true;
  }
  config_ = c;
  Loosen(c);
}

unsigned LimitChecker::BurstLimit() const {
  unsigned limit = 0;
  if (modes_ & (1u << kXferModeBurst)) limit = std::max(limit, bounds_.max_burst);
  if (modes_ & (1u << kXferModeCycleStealing)) {
    limit = std::max(limit, std::min(bounds_.max_burst, bounds_.steal_beats));
  }
  if (modes_ & (1u << kXferModeTransparent)) limit = std::max(limit, 1u);
  return limit;
}

void LimitChecker::Keep(std::optional<ProtocolViolation>& first,
                        std::optional<ProtocolViolation> f) {
  if (!f) return;
  ++stats_.findings;
  if (!first) first = std::move(f);
}

std::optional<ProtocolViolation> LimitChecker::Step(const AxiSnapshot& dma, const LimitSample& s,
                                                    uint64_t cycle) {
  std::optional<ProtocolViolation> first;

  // ---- configuration: the harness's AXI-Lite writes (applied when both AW and W are in)
  // (AW and W pair in order, as do AR and R: a master may have several in flight)
  if (s.axil_aw) axil_awaddr_.push_back(s.axil_awaddr);
  if (s.axil_w) axil_wdata_.emplace_back(s.axil_wdata, s.axil_wstrb);
  while (!axil_awaddr_.empty() && !axil_wdata_.empty()) {
    RegWrite(axil_awaddr_.front() & ~3u, axil_wdata_.front().first, axil_wdata_.front().second);
    axil_awaddr_.pop_front();
    axil_wdata_.pop_front();
    ++axil_open_;
  }
  if (s.axil_b && axil_open_ > 0) --axil_open_;
  if (s.axil_ar) axil_araddr_.push_back(s.axil_araddr);
  if (s.axil_r && !axil_araddr_.empty()) {
    if ((axil_araddr_.front() & ~3u) == kCdmacrOffset && !((s.axil_rdata >> kCdmacrResetBit) & 1)) {
      reset_pending_ = false;  // the soft reset is over
    }
    axil_araddr_.pop_front();
  }

  // ---- the DMA port's events of this cycle. The IOMMU's page-table walker reads PTEs on this port
  // (AXI ID kIommuWalkAxiId): those reads are not the engine's, so the engine's limits (transfer
  // mode timing, burst length, keyhole, bursts in flight) apply to the engine's reads only; the
  // walker's are checked against its own contract (IOMMU_WALK): one beat, alone on the read
  // channel.
  const bool walk_ar = dma.ar.valid && dma.ar.beat.id == kIommuWalkAxiId;
  const bool walk_take = walk_ar && dma.ar.ready;
  const bool walk_end = dma.r.valid && dma.r.ready && dma.r.last && dma.r.id == kIommuWalkAxiId;
  const bool ar_start = dma.ar.valid && !walk_ar && !ar_waiting_;
  const bool aw_start = dma.aw.valid && !aw_waiting_;
  const bool ar_take = dma.ar.valid && dma.ar.ready && !walk_ar;
  const bool aw_take = dma.aw.valid && dma.aw.ready;
  const bool r_end = dma.r.valid && dma.r.ready && dma.r.last && !walk_end;
  const bool w_end = dma.w.valid && dma.w.ready && dma.w.last;
  const bool b_take = dma.b.valid && dma.b.ready;
  const bool cpu_busy = s.cpu_arvalid || s.cpu_awvalid || s.cpu_wvalid || cpu_take_prev_;
  const bool timing = !bounds_.snoop;

  // transparent: a new AR / AW only in a cycle the CPU neither requests nor looks up
  if (timing && OnlyMode(kXferModeTransparent) && cpu_busy && (ar_start || aw_start)) {
    std::string why;
    if (s.cpu_arvalid) why += " AR valid,";
    if (s.cpu_awvalid) why += " AW valid,";
    if (s.cpu_wvalid) why += " W valid,";
    if (cpu_take_prev_) why += " look-up (a request taken in the previous cycle),";
    why.pop_back();
    const char* ch = ar_start ? "AR" : "AW";
    Keep(first, Finding(limit_rule::kTransparentCpuBusy, cycle,
                        std::string("transparent mode started a DMA ") + ch +
                            " while the CPU is busy (" + why.substr(1) +
                            "): " + describe_.Describe(ch, ar_start ? dma.ar.beat : dma.aw.beat)));
  }

  // cycle stealing: per direction, a new burst only after the last one's last beat and the gap
  if (timing && OnlyMode(kXferModeCycleStealing)) {
    const auto gap = [&](const char* ch, const AxiAddr& a, uint64_t open, const char* open_what,
                         const std::optional<uint64_t>& last, const char* last_name) {
      if (open != 0) {
        Keep(first,
             Finding(limit_rule::kStealIdle, cycle,
                     std::string(ch) + " started with " + std::to_string(open) + " " + open_what +
                         " (cycle stealing: one burst per grant): " + describe_.Describe(ch, a)));
      } else if (last && cycle - *last - 1 < bounds_.steal_idle) {
        Keep(first,
             Finding(limit_rule::kStealIdle, cycle,
                     std::string(ch) + " started " + std::to_string(cycle - *last - 1) +
                         " idle cycles after the " + last_name + " of cycle " +
                         std::to_string(*last) + " (EXT_STEAL_CFG idle cycles " +
                         std::to_string(bounds_.steal_idle) + "): " + describe_.Describe(ch, a)));
      }
    };
    if (ar_start)
      gap("AR", dma.ar.beat, rd_inflight_, "read bursts in flight", last_rlast_, "RLAST");
    if (aw_start) {
      gap("AW", dma.aw.beat, w_owed_, "write bursts owing W beats", last_wlast_, "WLAST");
    }
  }

  // burst length: the longest the mode in force allows (descriptor traffic included)
  const unsigned limit = BurstLimit();
  const auto length = [&](const char* ch, const AxiAddr& a) {
    if (a.beats() <= limit) return;
    std::string modes;
    for (unsigned m = 0; m < 3; ++m) {
      if (modes_ & (1u << m)) modes += std::string(modes.empty() ? "" : " / ") + ModeName(m);
    }
    Keep(first,
         Finding(limit_rule::kMaxBurstLen, cycle,
                 std::string(ch) + " of " + std::to_string(a.beats()) + " beats, " + modes +
                     " mode allows " + std::to_string(limit) + " (max burst length " +
                     std::to_string(bounds_.max_burst) + ", beats per grant " +
                     std::to_string(bounds_.steal_beats) + "): " + describe_.Describe(ch, a)));
  };
  if (ar_take) length("AR", dma.ar.beat);
  if (aw_take) length("AW", dma.aw.beat);

  // keyhole: every data burst FIXED at the transfer's one address (SG: descriptor fetches and
  // STATUS write-backs stay inside one descriptor and start the next descriptor's transfer)
  const auto keyhole = [&](const char* ch, const AxiAddr& a, std::optional<uint64_t>& fixed,
                           const char* mode) {
    if (a.burst == axi::kBurstFixed) {
      if (!fixed) {
        fixed = a.addr;
      } else if (*fixed != a.addr) {
        Keep(first, Finding(limit_rule::kKeyholeFixed, cycle,
                            std::string(ch) + " at " + describe_.Hex(a.addr) + " in " + mode +
                                " mode, the transfer's keyhole address is " +
                                describe_.Hex(*fixed) + ": " + describe_.Describe(ch, a)));
      }
    } else if (!(bounds_.sg && InOneDescriptor(a))) {
      Keep(first, Finding(limit_rule::kKeyholeFixed, cycle,
                          std::string(ch) + " not FIXED in " + mode +
                              " mode: " + describe_.Describe(ch, a)));
    }
  };
  if (ar_take && bounds_.sg && InOneDescriptor(dma.ar.beat)) {  // the next descriptor
    rd_fixed_.reset();
    wr_fixed_.reset();
  }
  if (ar_take && bounds_.keyhole_rd) keyhole("AR", dma.ar.beat, rd_fixed_, "keyhole-read");
  if (aw_take && bounds_.keyhole_wr) keyhole("AW", dma.aw.beat, wr_fixed_, "keyhole-write");

  // bursts in flight, per direction, after this cycle's handshakes
  const auto in_flight = [&](const char* ch, const AxiAddr& a, uint64_t before, bool done,
                             const char* what) {
    const uint64_t after = before + 1 - (done ? 1 : 0);
    if (after <= bounds_.max_out) return;
    Keep(first, Finding(limit_rule::kMaxOutstanding, cycle,
                        std::string(ch) + " accepted with " + std::to_string(after) + " " + what +
                            " in flight (max outstanding " + std::to_string(bounds_.max_out) +
                            ", build MAX_OUTSTANDING " + std::to_string(build_.max_outstanding) +
                            "): " + describe_.Describe(ch, a)));
  };
  if (ar_take) in_flight("AR", dma.ar.beat, rd_inflight_, r_end, "read bursts");
  if (aw_take) in_flight("AW", dma.aw.beat, wr_inflight_, b_take, "write bursts");

  // arbitration: per channel, a waiting master sees the other granted at most kFairnessBound times
  const std::array<std::array<bool, 2>, 2> valid = {
      {{s.cpu_arvalid, dma.ar.valid}, {s.cpu_awvalid, dma.aw.valid}}};
  const std::array<std::array<bool, 2>, 2> take = {
      {{s.cpu_arvalid && s.cpu_arready, ar_take || walk_take},
       {s.cpu_awvalid && s.cpu_awready, aw_take}}};
  for (unsigned ch = 0; ch < 2; ++ch) {
    for (unsigned m = 0; m < 2; ++m) {
      Wait& w = wait_[ch][m];
      if (!valid[ch][m]) {
        w = Wait{};
        continue;
      }
      if (!w.on) w = Wait{true, false, cycle, 0};
      if (take[ch][1 - m]) ++w.others;
      if (w.others > kFairnessBound[ch] && !w.reported) {
        w.reported = true;
        Keep(first, Finding(limit_rule::kArbFairness, cycle,
                            std::string(kChannelName[ch]) + ": the " + kMasterName[m] +
                                " has waited " + std::to_string(cycle - w.since) +
                                " cycles (since cycle " + std::to_string(w.since) + ") while the " +
                                kMasterName[1 - m] + " was granted " + std::to_string(w.others) +
                                " times (bound " + std::to_string(kFairnessBound[ch]) + ")"));
      }
      if (take[ch][m]) {
        ++stats_.grants[ch][m];
        stats_.max_wait[ch][m] = std::max(stats_.max_wait[ch][m], cycle - w.since);
        w = Wait{};
      }
    }
  }

  // the walker: a one-beat read, never with another read (its own or the engine's) in flight
  if (walk_take && (dma.ar.beat.beats() != 1 || rd_inflight_ != 0 || walk_inflight_ != 0)) {
    Keep(first, Finding(limit_rule::kIommuWalk, cycle,
                        "PTE read of " + std::to_string(dma.ar.beat.beats()) + " beats with " +
                            std::to_string(rd_inflight_) + " engine and " +
                            std::to_string(walk_inflight_) +
                            " walker reads in flight (the walker reads one beat, alone): " +
                            describe_.Describe("AR", dma.ar.beat)));
  }
  walk_inflight_ =
      walk_inflight_ + (walk_take ? 1 : 0) - (walk_end && (walk_inflight_ || walk_take) ? 1 : 0);

  // the data mover halts on an error (PG034 "Error Interrupts": any error halts the engine
  // gracefully, completing only the transfers whose address was already accepted): after an error
  // response reached it, no new AR / AW (VALID rising, or again after a handshake) later than
  // kHaltLatency cycles, until its engines take a new command (after a reset) or a hardware reset
  if (s.dp_cmd) dp_error_.reset();
  const bool dp_ar_new = s.dp_arvalid && !dp_ar_waiting_;
  const bool dp_aw_new = s.dp_awvalid && !dp_aw_waiting_;
  if (dp_error_ && cycle > *dp_error_ + kHaltLatency && (dp_ar_new || dp_aw_new)) {
    Keep(first, Finding(limit_rule::kHaltOnError, cycle,
                        std::string("the data mover started a new ") + (dp_ar_new ? "AR" : "AW") +
                            " " + std::to_string(cycle - *dp_error_) + " cycles after the " +
                            dp_error_what_ + " of cycle " + std::to_string(*dp_error_) +
                            " reached it (it halts on an error: at most " +
                            std::to_string(kHaltLatency) + " cycles to stop)"));
  }
  if (!dp_error_ && ((s.dp_r && s.dp_rresp >= 2) || (s.dp_b && s.dp_bresp >= 2))) {
    dp_error_ = cycle;
    const bool r = s.dp_r && s.dp_rresp >= 2;
    dp_error_what_ = r ? (s.dp_rresp == 3 ? "R DECERR" : "R SLVERR")
                       : (s.dp_bresp == 3 ? "B DECERR" : "B SLVERR");
  }
  dp_ar_waiting_ = s.dp_arvalid && !s.dp_arready;
  dp_aw_waiting_ = s.dp_awvalid && !s.dp_awready;

  // ---- bookkeeping
  rd_inflight_ = rd_inflight_ + (ar_take ? 1 : 0) - (r_end && (rd_inflight_ || ar_take) ? 1 : 0);
  wr_inflight_ = wr_inflight_ + (aw_take ? 1 : 0) - (b_take && (wr_inflight_ || aw_take) ? 1 : 0);
  w_owed_ = w_owed_ + (aw_take ? 1 : 0) - (w_end && (w_owed_ || aw_take) ? 1 : 0);
  stats_.max_reads_in_flight = std::max(stats_.max_reads_in_flight, rd_inflight_);
  stats_.max_writes_in_flight = std::max(stats_.max_writes_in_flight, wr_inflight_);
  if (r_end) last_rlast_ = cycle;
  if (w_end) last_wlast_ = cycle;
  ar_waiting_ = dma.ar.valid && !dma.ar.ready && !walk_ar;
  aw_waiting_ = dma.aw.valid && !dma.aw.ready;
  cpu_take_prev_ = s.cpu_take;

  // EXT_PERF_BUSY / EXT_PERF_BUS_WAIT's events (cdma_perf), at the point cdma counts them
  if (!s.dma_idle) ++stats_.busy_cycles;
  const bool gate_aw_take = s.gate_awvalid && s.gate_awready;
  const bool bus_wait = (s.eng_arvalid && !s.eng_arready) || (s.eng_awvalid && !s.eng_awready) ||
                        (gate_held_ > 0 && !gate_aw_take) || (s.eng_wvalid && !s.eng_wready);
  if (bus_wait) ++stats_.bus_wait_cycles;
  gate_held_ = gate_held_ + (s.eng_awvalid && s.eng_awready ? 1 : 0) -
               (gate_aw_take && (gate_held_ || (s.eng_awvalid && s.eng_awready)) ? 1 : 0);

  // quiescent: the configuration written last is what the next transfer runs with
  if (!uncertain_ && !reset_pending_ && axil_open_ == 0 && axil_awaddr_.empty() &&
      axil_wdata_.empty() && s.dma_idle && rd_inflight_ == 0 && walk_inflight_ == 0 &&
      wr_inflight_ == 0 && w_owed_ == 0 && !dma.ar.valid && !dma.aw.valid && !dma.w.valid) {
    Tighten();
  }
  return first;
}

}  // namespace dmacosim
