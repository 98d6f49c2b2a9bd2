// SPDX-License-Identifier: MIT
// dram_model.cpp — AXI4 slave: address decode, fault windows, R/B timing, random backpressure,
// byte-exact W, traffic counters; the protocol checks are the AxiChecker's.
#include "dram_model.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "axi_snapshot.h"
#include "errors.h"
#include "port_checkers.h"
#include "signal_bytes.h"
#include "splitmix64.h"

namespace dmacosim {
namespace {

constexpr uint64_t k4KiB = axi::k4KiB;
constexpr uint8_t kRespOkay = 0;
constexpr uint8_t kRespSlvErr = 2;
constexpr uint8_t kRespDecErr = 3;
constexpr uint64_t kIdMask = 0xF;    // ID_WIDTH = 4 on cosim_top
constexpr uint64_t kDmaIdBit = 0x8;  // the arbiter's master bit (the ID's top bit): 1 = DMA
constexpr uint64_t kLaneMaskAll = snapshot::kLaneMaskAll;

constexpr unsigned Bit(DramChannel channel) { return 1u << channel; }

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%0*" PRIx64, static_cast<int>(kAddrWidth / 4), value);
  return buf;
}

}  // namespace

DramModel::DramModel(const DramConfig& config)
    : config_(config), checker_(PortCheckerConfig(proto::port::kDram, kBusBytes, kAddrWidth)) {
  SetMemConfig(config.mem);
  RestartRng();
  if (config_.windows.empty()) throw std::runtime_error("DRAM: no window configured");
  int index = 0;
  for (const DramWindowConfig& w : config_.windows) {
    if (w.size == 0 || w.base % k4KiB != 0 || w.size % k4KiB != 0 || w.base + w.size - 1 < w.base ||
        ((w.base + w.size - 1) & ~kAddrMask) != 0) {
      throw std::runtime_error("DRAM window " + Hex(w.base) + "+" + Hex(w.size) +
                               ": base and size must be 4 KiB multiples inside the address space");
    }
    for (const Window& other : windows_) {
      if (w.base < other.base + other.size && other.base < w.base + w.size) {
        throw std::runtime_error("DRAM windows overlap at " + Hex(w.base));
      }
    }
    windows_.push_back(Window{
        w.base, w.size,
        std::make_unique<ShmFile>("dram" + std::to_string(index++), w.size, config_.backing_dir),
        std::vector<uint64_t>((w.size / k4KiB + 63) / 64, 0)});
    cap_ += w.size;
  }
  if (config_.cap != 0) cap_ = std::min(cap_, config_.cap);
}

uint64_t DramModel::ResidentBytes() const {
  uint64_t total = 0;
  for (const Window& w : windows_) total += w.shm->AllocatedBytes();
  return total;
}

bool DramModel::ReserveIn(Window& w, uint64_t offset, uint64_t len) {
  if (len == 0) return true;
  const uint64_t first = offset / k4KiB;
  const uint64_t last = (offset + len - 1) / k4KiB;
  const auto is_set = [&w](uint64_t page) { return (w.reserved[page / 64] >> (page % 64)) & 1; };
  uint64_t page = first;
  while (page <= last && is_set(page)) ++page;
  if (page > last) return true;  // the common case: touched before
  const uint64_t lo = page * k4KiB;
  const uint64_t hi = (last + 1) * k4KiB;
  // Pages a mapped client wrote are allocated already and cost nothing more.
  const uint64_t needed = w.shm->HoleBytes(lo, hi - lo);
  if (needed != 0) {
    if (ResidentBytes() + needed > cap_) return false;
    if (!w.shm->Allocate(lo, hi - lo)) return false;
  }
  for (uint64_t p = page; p <= last; ++p) w.reserved[p / 64] |= uint64_t{1} << (p % 64);
  return true;
}

bool DramModel::Reserve(uint64_t addr, uint64_t len) {
  for (Window& w : windows_) {
    if (addr >= w.base && addr - w.base <= w.size && len <= w.size - (addr - w.base)) {
      return ReserveIn(w, addr - w.base, len);
    }
  }
  return false;
}

void DramModel::ReadBackdoor(uint64_t addr, uint64_t len, uint8_t* out) const {
  for (const Window& w : windows_) {
    if (addr >= w.base && addr - w.base <= w.size && len <= w.size - (addr - w.base)) {
      w.shm->ReadAt(addr - w.base, out, len);
      return;
    }
  }
  throw std::logic_error("ReadBackdoor outside the windows");
}

void DramModel::SetMemConfig(const MemConfig& mem) {
  if (mem.max_outstanding == 0) throw std::invalid_argument("DRAM: max_outstanding must be >= 1");
  for (double p : mem.backpressure) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw std::invalid_argument("DRAM: backpressure probabilities must be in 0..1");
    }
  }
  for (const FaultWindow& f : mem.faults) {
    if (f.len == 0 || f.len - 1 > UINT64_MAX - f.addr ||
        (f.resp != kRespSlvErr && f.resp != kRespDecErr) || (f.on & FaultWindow::kBoth) == 0) {
      throw std::invalid_argument("DRAM: bad fault window at " + Hex(f.addr));
    }
  }
  config_.mem = mem;
  backpressure_on_ = false;
  for (unsigned c = 0; c < kChanCount; ++c) {
    // A 32-bit draw below the threshold withholds: P = threshold / 2^32.
    stall_threshold_[c] = static_cast<uint64_t>(std::llround(mem.backpressure[c] * 4294967296.0));
    backpressure_on_ = backpressure_on_ || stall_threshold_[c] != 0;
  }
}

void DramModel::RestartRng() { rng_ = config_.mem.seed; }

void DramModel::DmaBurstStart(DmaBurstStats& s, DmaFlow& flow, uint32_t beats, uint64_t cycle) {
  // the idle cycles since the previous burst's last beat; none while a burst is still open
  if (flow.ended || flow.open != 0) {
    s.min_gap = std::min(s.min_gap, flow.open != 0 ? uint64_t{0} : cycle - flow.last_end - 1);
  }
  s.max_burst = std::max<uint64_t>(s.max_burst, beats);
  ++s.bursts;
  ++flow.open;
}

void DramModel::DmaBurstEnd(DmaFlow& flow, uint64_t cycle) {
  --flow.open;
  flow.last_end = cycle;
  flow.ended = true;
}

void DramModel::ResetStats() {
  stats_ = DramStats{};
  cap_refusals_.clear();
  cap_refusals_total_ = 0;
  checker_.ResetCounts();
  dma_rd_.ended = dma_wr_.ended = false;
}

uint8_t* DramModel::Backdoor(uint64_t addr, uint64_t len) {
  for (Window& w : windows_) {
    if (addr >= w.base && addr - w.base <= w.size && len <= w.size - (addr - w.base)) {
      return w.shm->data() + (addr - w.base);
    }
  }
  return nullptr;
}

// ---- decode ----------------------------------------------------------------------------------

DramModel::Burst DramModel::DecodeBurst(const AxiAddr& a, uint64_t cycle, bool is_read) {
  // The checker has passed the burst: its size fits the bus, its length and type are legal and an
  // INCR burst stays inside one 4 KiB page.
  const AxiByteRange range = AxiBurstBytes(a);
  uint64_t lo = range.lo;  // first and last byte the burst touches
  uint64_t hi = range.hi;
  Burst b;
  b.a = a;
  b.accepted = cycle;
  b.resp = kRespDecErr;
  // Fault windows first (they may lie anywhere, inside a DRAM window or not): the first one that
  // shares a byte with the burst answers.
  const uint8_t direction = is_read ? FaultWindow::kRead : FaultWindow::kWrite;
  for (const FaultWindow& f : config_.mem.faults) {
    if ((f.on & direction) != 0 && lo <= f.addr + (f.len - 1) && f.addr <= hi) {
      b.resp = f.resp;
      return b;  // host stays nullptr: reads carry 0, writes are discarded
    }
  }
  // Whole bus words: windows are 4 KiB aligned and a legal burst stays inside one 4 KiB page.
  lo &= ~uint64_t{kBusBytes - 1};
  hi |= kBusBytes - 1;
  for (Window& w : windows_) {
    if (lo >= w.base && hi - w.base < w.size) {
      b.resp = kRespOkay;
      // The burst's page (a legal burst stays inside one 4 KiB page) is allocated before it is
      // touched. A read that cannot have it reads the hole's zeros (a write to that page cannot
      // have it either, so it stays a hole); a write is refused.
      if (ReserveIn(w, lo - w.base, hi - lo + 1)) {
        b.host = w.shm->data();
        b.window_base = w.base;
      } else if (!is_read) {
        b.resp = kRespSlvErr;
        ++cap_refusals_total_;
        if (cap_refusals_.size() < kMaxCapRefusals) {
          cap_refusals_.push_back(DramCapRefusal{cycle, a.addr, range.hi - range.lo + 1});
        }
      }
      break;
    }
  }
  return b;
}

std::string DramModel::Describe(const char* channel, const Burst& b) const {
  return checker_.Describe(channel, b.a, b.accepted);
}

// ---- per cycle -------------------------------------------------------------------------------

unsigned DramModel::DrawStalls() {
  unsigned stall = 0;
  uint64_t bits = 0;
  unsigned left = 0;  // unused 32-bit halves of `bits`
  for (unsigned c = 0; c < kChanCount; ++c) {
    const uint64_t threshold = stall_threshold_[c];
    if (threshold == 0) continue;  // channels without backpressure take no draw
    if (left == 0) {
      bits = SplitMix64(rng_);
      left = 2;
    }
    if ((bits & 0xFFFFFFFFu) < threshold) stall |= 1u << c;
    bits >>= 32;
    --left;
  }
  return stall;
}

void DramModel::Drive(Top& top, uint64_t cycle) {
  // Backpressure is decided from the RNG alone (registered state), one draw sequence per cycle,
  // never from what the RTL drives: the same seed and the same requests give the same cycles.
  const unsigned stall = VL_UNLIKELY(backpressure_on_) ? DrawStalls() : 0;
  ar_ready_ = reads_.size() < config_.mem.max_outstanding && !(stall & Bit(kChanAr));
  aw_ready_ = outstanding_writes() < config_.mem.max_outstanding && !(stall & Bit(kChanAw));
  w_ready_ = !aw_queue_.empty() && !(stall & Bit(kChanW));
  top.m_axi_arready = ar_ready_;
  top.m_axi_awready = aw_ready_;
  top.m_axi_wready = w_ready_;

  // A VALID that was presented and not taken stays, with its payload, until READY (AXI A3.2.1):
  // the port still holds what was driven, so a held channel is not touched.
  if (!r_hold_) {
    r_valid_ = !reads_.empty() && cycle >= reads_.front().ready_cycle && !(stall & Bit(kChanR));
    top.m_axi_rvalid = r_valid_;
  }
  if (r_valid_ && !r_hold_) {
    const Burst& r = reads_.front();
    top.m_axi_rid = static_cast<CData>(r.a.id);
    top.m_axi_rresp = r.resp;
    top.m_axi_rlast = r.beat + 1 == r.a.beats();
    static const uint8_t kZeros[kBusBytes] = {};
    const uint8_t* src = kZeros;
    if (r.host != nullptr) {
      const uint64_t word = AxiBeatAddr(r.a, r.beat) & ~uint64_t{kBusBytes - 1};
      src = r.host + (word - r.window_base);
    }
    sig::FromBytes(top.m_axi_rdata, src, kBusBytes);
  }

  if (b_hold_) return;
  b_valid_ = !b_queue_.empty() && cycle >= b_queue_.front().ready_cycle && !(stall & Bit(kChanB));
  top.m_axi_bvalid = b_valid_;
  if (b_valid_) {
    top.m_axi_bid = static_cast<CData>(b_queue_.front().a.id);
    top.m_axi_bresp = b_queue_.front().resp;
  }
}

void DramModel::Sample(const Top& top, uint64_t cycle) {
  // The RTL's outputs and this model's inputs as driven (the registered state of Drive); WDATA is
  // not compared (check_w_payload off), so it is not copied.
  DMACOSIM_AXI_SNAPSHOT(bus_, top, m_axi_, false);
  // Levels for ChannelPicture, as the handshakes below see them.
  const unsigned valid = (bus_.ar.valid ? Bit(kChanAr) : 0u) | (bus_.r.valid ? Bit(kChanR) : 0u) |
                         (bus_.aw.valid ? Bit(kChanAw) : 0u) | (bus_.w.valid ? Bit(kChanW) : 0u) |
                         (bus_.b.valid ? Bit(kChanB) : 0u);
  const unsigned ready = (bus_.ar.ready ? Bit(kChanAr) : 0u) | (bus_.r.ready ? Bit(kChanR) : 0u) |
                         (bus_.aw.ready ? Bit(kChanAw) : 0u) | (bus_.w.ready ? Bit(kChanW) : 0u) |
                         (bus_.b.ready ? Bit(kChanB) : 0u);
  const unsigned waiting = valid & ~ready;
  const unsigned was_waiting = sampled_ ? valid_bits_ & ~ready_bits_ : 0u;
  if (VL_UNLIKELY((waiting & ~was_waiting) != 0)) {
    for (unsigned c = 0; c < kChanCount; ++c) {
      if ((waiting & ~was_waiting) & (1u << c)) wait_start_[c] = cycle;
    }
  }
  sampled_ = true;
  sampled_cycle_ = cycle;
  valid_bits_ = valid;
  ready_bits_ = ready;

  // Every channel's handshake of this cycle is applied even if another channel is in violation
  // (the RTL saw them all at the edge), except one the checker rejected; then the first finding,
  // in the order R, B, W, AR, AW, is thrown.
  const AxiCheckResult found = checker_.Step(bus_, cycle);
  SampleR(top, cycle);
  SampleB(top);
  SampleW(top, cycle, found.rejected(AxiChannel::kW));
  SampleAr(cycle, found.rejected(AxiChannel::kAr));
  SampleAw(cycle, found.rejected(AxiChannel::kAw));
  if (VL_UNLIKELY(!found.clean())) found.ThrowFirst();
}

void DramModel::SampleR(const Top& top, uint64_t cycle) {
  if (!r_valid_) return;
  r_hold_ = !top.m_axi_rready;
  if (r_hold_) return;
  Burst& r = reads_.front();
  const uint64_t size = uint64_t{1} << r.a.size;
  const uint64_t skipped =
      (r.beat == 0 || r.a.burst == axi::kBurstFixed) ? (r.a.addr & (size - 1)) : 0;
  ++stats_.read_beats;
  stats_.read_bytes += size - skipped;
  const bool dma = (r.a.id & kDmaIdBit) != 0;
  if (dma) ++stats_.dma_read.beats;
  if (++r.beat == r.a.beats()) {
    if (r.resp != kRespOkay) ++stats_.errors;
    if (dma) DmaBurstEnd(dma_rd_, cycle);
    reads_.pop_front();
  }
}

void DramModel::SampleB(const Top& top) {
  if (!b_valid_) return;
  b_hold_ = !top.m_axi_bready;
  if (b_hold_) return;
  if (b_queue_.front().resp != kRespOkay) ++stats_.errors;
  b_queue_.pop_front();
}

void DramModel::SampleAr(uint64_t cycle, bool rejected) {
  const AxiSnapshot::Addr& ar = bus_.ar;
  stats_.ar_stall_cycles += ar.valid && !ar.ready;
  if (!(ar.valid && ar.ready) || rejected) return;
  Burst b = DecodeBurst(ar.beat, cycle, /*is_read=*/true);
  b.ready_cycle = cycle + 1 + config_.mem.read_latency;
  if ((b.a.id & kDmaIdBit) != 0) DmaBurstStart(stats_.dma_read, dma_rd_, b.a.beats(), cycle);
  reads_.push_back(b);
  ++stats_.reads;
}

void DramModel::SampleAw(uint64_t cycle, bool rejected) {
  const AxiSnapshot::Addr& aw = bus_.aw;
  stats_.aw_stall_cycles += aw.valid && !aw.ready;
  if (!(aw.valid && aw.ready) || rejected) return;
  aw_queue_.push_back(DecodeBurst(aw.beat, cycle, /*is_read=*/false));
  ++stats_.writes;
  if ((aw.beat.id & kDmaIdBit) != 0) {
    DmaBurstStart(stats_.dma_write, dma_wr_, aw.beat.beats(), cycle);
  }
}

void DramModel::SampleW(const Top& top, uint64_t cycle, bool rejected) {
  const AxiSnapshot::W& bw = bus_.w;
  stats_.w_stall_cycles += bw.valid && !bw.ready;
  if (!(bw.valid && bw.ready) || rejected) return;

  Burst& w = aw_queue_.front();
  const uint64_t addr = AxiBeatAddr(w.a, w.beat);
  const uint64_t strobe = bw.strb;
  ++stats_.write_beats;
  stats_.write_bytes += static_cast<uint64_t>(__builtin_popcountll(strobe));
  const bool dma = (w.a.id & kDmaIdBit) != 0;
  if (dma) ++stats_.dma_write.beats;
  if (w.host != nullptr && strobe != 0) {
    uint8_t* dst = w.host + ((addr & ~uint64_t{kBusBytes - 1}) - w.window_base);
    if (strobe == kLaneMaskAll) {
      sig::ToBytes(top.m_axi_wdata, dst, kBusBytes);
    } else {
      uint8_t data[kBusBytes];
      sig::ToBytes(top.m_axi_wdata, data, kBusBytes);
      for (unsigned lane = 0; lane < kBusBytes; ++lane) {
        if ((strobe >> lane) & 1) dst[lane] = data[lane];
      }
    }
  }
  if (++w.beat == w.a.beats()) {
    if (dma) DmaBurstEnd(dma_wr_, cycle);
    w.ready_cycle = cycle + 1 + config_.mem.write_latency;
    b_queue_.push_back(w);
    aw_queue_.pop_front();
  }
}

void DramModel::OnReset() {
  reads_.clear();
  aw_queue_.clear();
  b_queue_.clear();
  dma_rd_.open = dma_wr_.open = 0;  // dropped in flight
  ar_ready_ = aw_ready_ = w_ready_ = r_valid_ = b_valid_ = false;
  r_hold_ = b_hold_ = false;
  checker_.Reset();
  sampled_ = false;
  valid_bits_ = ready_bits_ = 0;
  RestartRng();  // reset keeps the configuration; the same requests after it give the same cycles
}

std::string DramModel::ChannelPicture() const {
  if (!sampled_) return "bus not sampled since reset";
  static const char* const kNames[kChanCount] = {"AR", "R", "AW", "W", "B"};
  std::string out = "bus at cycle " + std::to_string(sampled_cycle_) + ": ";
  for (unsigned c = 0; c < kChanCount; ++c) {
    const bool valid = (valid_bits_ >> c) & 1;
    const bool ready = (ready_bits_ >> c) & 1;
    if (c != 0) out += ", ";
    out += std::string(kNames[c]) + ": " + kNames[c] + "VALID=" + (valid ? "1 " : "0 ") +
           kNames[c] + "READY=" + (ready ? "1" : "0");
    if (!valid || ready) continue;
    const uint64_t waited = sampled_cycle_ - wait_start_[c] + 1;
    out += " for " + std::to_string(waited) + (waited == 1 ? " cycle" : " cycles");
    if (c == kChanAr) out += " (" + checker_.Describe("AR", bus_.ar.beat) + ")";
    if (c == kChanAw) out += " (" + checker_.Describe("AW", bus_.aw.beat) + ")";
  }
  out += "; DRAM queues: " + std::to_string(reads_.size()) + " of " +
         std::to_string(config_.mem.max_outstanding) + " reads in flight";
  if (!reads_.empty()) {
    const Burst& r = reads_.front();
    out += ", returning beat " + std::to_string(r.beat + 1) + " of " + std::to_string(r.a.beats()) +
           " of " + Describe("AR", r);
  }
  out += "; " + std::to_string(aw_queue_.size()) + " writes waiting for W beats";
  if (!aw_queue_.empty()) {
    const Burst& w = aw_queue_.front();
    out += ", next: beat " + std::to_string(w.beat + 1) + " of " + std::to_string(w.a.beats()) +
           " of " + Describe("AW", w);
  }
  out += "; " + std::to_string(b_queue_.size()) + " writes waiting for B";
  return out;
}

std::string DramModel::Status() const {
  const std::size_t reads = outstanding_reads();
  const std::size_t writes = outstanding_writes();
  if (reads == 0 && writes == 0) return {};
  return std::to_string(reads) + (reads == 1 ? " read, " : " reads, ") + std::to_string(writes) +
         (writes == 1 ? " write" : " writes") + " outstanding";
}

}  // namespace dmacosim
