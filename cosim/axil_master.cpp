// SPDX-License-Identifier: MIT
// axil_master.cpp — AXI-Lite master: AR/R and AW/W/B sequences, one or up to N in flight, with a
// cycle timeout per access.
#include "axil_master.h"

#include <cstdio>
#include <stdexcept>

#include "errors.h"
#include "splitmix64.h"

namespace dmacosim {
namespace {

const char* RespName(uint8_t resp) {
  static const char* const kNames[] = {"OKAY", "EXOKAY", "SLVERR", "DECERR"};
  return kNames[resp & 3];
}

std::string Hex(uint32_t value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%0*x", digits, value);
  return buf;
}

}  // namespace

AxiLiteMaster::AxiLiteMaster(Platform& platform, uint64_t timeout_cycles)
    : platform_(platform), timeout_cycles_(timeout_cycles) {}

void AxiLiteMaster::SetPipeline(unsigned depth) {
  if (depth < 1 || depth > kMaxPipeline) {
    throw std::invalid_argument("AXI-Lite pipeline depth " + std::to_string(depth) +
                                " is not in 1.." + std::to_string(kMaxPipeline));
  }
  depth_ = depth;
}

uint32_t AxiLiteMaster::Read(uint32_t addr) { return Take(false, addr, 0, 0, "reg_read").rdata; }

void AxiLiteMaster::Write(uint32_t addr, uint32_t value, uint8_t strobe) {
  Take(true, addr, value, strobe, "reg_write");
}

void AxiLiteMaster::Post(bool write, uint32_t addr, uint32_t value, uint8_t strobe) {
  Push(write, addr, value, write ? strobe : 0);
}

void AxiLiteMaster::Push(bool write, uint32_t addr, uint32_t value, uint8_t strobe) {
  Access a;
  a.write = write;
  a.addr = static_cast<uint16_t>(addr);
  a.wdata = value;
  a.wstrb = strobe & 0xF;
  a.w_pending = write;
  if (skew_) {
    const uint64_t r = SplitMix64(rng_);
    a.resp_delay = r & 3;
    if (write) {
      a.a_delay = (r >> 2) & 3;
      a.w_delay = (r >> 4) & 3;
    }
    if (a.resp_delay != 0 || a.a_delay != a.w_delay) ++skewed_;
  }
  queue_.push_back(a);
}

AxiLiteMaster::Access AxiLiteMaster::Take(bool write, uint32_t addr, uint32_t value, uint8_t strobe,
                                          const char* op) {
  if (queue_.empty()) {
    Push(write, addr, value, strobe);
  } else {
    const Access& f = queue_.front();
    if (f.write != write || f.addr != static_cast<uint16_t>(addr) ||
        (write && (f.wdata != value || f.wstrb != (strobe & 0xF)))) {
      throw std::logic_error(std::string(op) + " " + Hex(addr, 4) +
                             " is not the access posted next (" +
                             (f.write ? "reg_write " : "reg_read ") + Hex(f.addr, 4) + ")");
    }
  }
  const uint64_t start = platform_.cycle();
  const auto what = [op, addr] { return op + (" " + Hex(addr, 4)); };
  bool done = false;
  try {
    done = platform_.RunUntil([this] { return queue_.front().done(); }, timeout_cycles_);
  } catch (...) {
    Abandon();
    throw;
  }
  if (!done) {
    const Access& f = queue_.front();
    const char* channel = (!f.write && f.a_pending) ? "s_axil_arready"
                          : f.a_pending             ? "s_axil_awready"
                          : f.w_pending             ? "s_axil_wready"
                          : !f.write                ? "s_axil_rvalid"
                                                    : "s_axil_bvalid";
    const std::size_t behind = queue_.size() - 1;
    Abandon();
    throw Timeout(
        what() + ": no " + channel + " after " + std::to_string(timeout_cycles_) +
        " cycles (cycles " + std::to_string(start) + ".." + std::to_string(platform_.cycle()) +
        ")" +
        (behind ? "; " + std::to_string(behind) + " posted accesses behind it abandoned" : "") +
        "; " + platform_.ModelStatus());
  }
  const Access a = queue_.front();
  queue_.pop_front();
  if (a.resp != 0) {
    throw BusError(what() + ": " + RespName(a.resp) + " response (cycle " +
                   std::to_string(platform_.cycle()) + ")");
  }
  return a;
}

std::string AxiLiteMaster::DrainPosted() {
  // the accesses never presented are dropped (they never reached the bus); those presented (a
  // prefix: each channel and direction goes in order) run to their responses
  while (!queue_.empty() && !queue_.back().presented) queue_.pop_back();
  std::string errors;
  while (!queue_.empty()) {
    const Access f = queue_.front();
    try {
      Take(f.write, f.addr, f.wdata, f.wstrb, f.write ? "posted reg_write" : "posted reg_read");
    } catch (const BusError& e) {
      errors += (errors.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  return errors;
}

void AxiLiteMaster::Drive(Top& top, uint64_t /*cycle*/) {
  ar_on_ = aw_on_ = w_on_ = r_for_ = b_for_ = -1;
  ar_head_ = aw_head_ = w_head_ = -1;
  rready_ = bready_ = false;
  // one pass over the accesses that may issue: the first depth_ not done, of one direction; the
  // head of each channel is the oldest access still owing that channel's handshake
  unsigned open = 0;
  int dir = -1;
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    const Access& a = queue_[i];
    if (a.done()) continue;
    if (open == depth_ || (dir >= 0 && dir != static_cast<int>(a.write))) break;
    ++open;
    dir = a.write;
    const long k = static_cast<long>(i);
    if (a.write) {
      if (aw_head_ < 0 && a.a_pending) {
        aw_head_ = k;
        if (a.a_delay == 0) aw_on_ = k;
      }
      if (w_head_ < 0 && a.w_pending) {
        w_head_ = k;
        if (a.w_delay == 0) w_on_ = k;
      }
      if (b_for_ < 0) {
        b_for_ = k;
        bready_ = a.resp_delay == 0;
      }
    } else {
      if (ar_head_ < 0 && a.a_pending) {
        ar_head_ = k;
        ar_on_ = k;
      }
      if (r_for_ < 0) {
        r_for_ = k;
        rready_ = a.resp_delay == 0;
      }
    }
  }
  for (const long k : {ar_on_, aw_on_, w_on_}) {
    if (k >= 0) queue_[k].presented = true;
  }
  if (!queue_.empty()) addr_ = queue_.front().addr;
  if (ar_head_ >= 0) ar_addr_ = queue_[ar_head_].addr;
  if (aw_head_ >= 0) aw_addr_ = queue_[aw_head_].addr;
  if (w_head_ >= 0) {
    wdata_ = queue_[w_head_].wdata;
    wstrb_ = queue_[w_head_].wstrb;
  }
  // one access at a time (the default): AR and AW carry the access's address whatever it is
  top.s_axil_araddr = depth_ == 1 ? addr_ : ar_addr_;
  top.s_axil_arvalid = ar_on_ >= 0;
  top.s_axil_rready = rready_;
  top.s_axil_awaddr = depth_ == 1 ? addr_ : aw_addr_;
  top.s_axil_awvalid = aw_on_ >= 0;
  top.s_axil_wdata = wdata_;
  top.s_axil_wstrb = wstrb_;
  top.s_axil_wvalid = w_on_ >= 0;
  top.s_axil_bready = bready_;
}

void AxiLiteMaster::Sample(const Top& top, uint64_t cycle) {
  AxiLiteSnapshot& s = snap_;
  s.awvalid = top.s_axil_awvalid;
  s.awready = top.s_axil_awready;
  s.awaddr = top.s_axil_awaddr;
  s.wvalid = top.s_axil_wvalid;
  s.wready = top.s_axil_wready;
  s.wdata = top.s_axil_wdata;
  s.wstrb = top.s_axil_wstrb;
  s.bvalid = top.s_axil_bvalid;
  s.bready = top.s_axil_bready;
  s.bresp = top.s_axil_bresp;
  s.arvalid = top.s_axil_arvalid;
  s.arready = top.s_axil_arready;
  s.araddr = top.s_axil_araddr;
  s.rvalid = top.s_axil_rvalid;
  s.rready = top.s_axil_rready;
  s.rdata = top.s_axil_rdata;
  s.rresp = top.s_axil_rresp;
  std::optional<ProtocolViolation> finding = checker_.Step(s, cycle);

  if (ar_on_ >= 0 && s.arready) queue_[ar_on_].a_pending = false;
  if (r_for_ >= 0 && s.rvalid) {
    Access& a = queue_[r_for_];
    if (rready_) {
      a.rdata = s.rdata;
      a.resp = s.rresp & 3;
      a.resp_pending = false;
      ++reads_;
    } else {
      --a.resp_delay;  // RVALID is up: hold RREADY low this many cycles
    }
  }
  if (aw_on_ >= 0 && s.awready) queue_[aw_on_].a_pending = false;
  if (aw_head_ >= 0 && queue_[aw_head_].a_pending && queue_[aw_head_].a_delay != 0) {
    --queue_[aw_head_].a_delay;
  }
  if (w_on_ >= 0 && s.wready) queue_[w_on_].w_pending = false;
  if (w_head_ >= 0 && queue_[w_head_].w_pending && queue_[w_head_].w_delay != 0) {
    --queue_[w_head_].w_delay;
  }
  if (b_for_ >= 0 && s.bvalid) {
    Access& a = queue_[b_for_];
    if (bready_) {
      a.resp = s.bresp & 3;
      a.resp_pending = false;
      ++writes_;
    } else {
      --a.resp_delay;
    }
  }
  // in flight: presented, not answered (the accesses that may issue are the first depth_ not done)
  uint64_t in_flight = 0;
  for (std::size_t i = 0; i < queue_.size() && i <= depth_; ++i) {
    in_flight += queue_[i].presented && !queue_[i].done();
  }
  if (in_flight > max_in_flight_) max_in_flight_ = in_flight;
  if (VL_UNLIKELY(finding.has_value())) throw *finding;
}

void AxiLiteMaster::Abandon() {
  queue_.clear();
  ar_on_ = aw_on_ = w_on_ = r_for_ = b_for_ = -1;
  ar_head_ = aw_head_ = w_head_ = -1;
  rready_ = bready_ = false;
  checker_.MasterAbandoned();
}

void AxiLiteMaster::OnReset() {
  Abandon();
  checker_.Reset();
}

std::string AxiLiteMaster::Status() const {
  if (queue_.empty()) return {};
  const std::string oldest = "access to " + Hex(queue_.front().addr, 4) + " in flight";
  if (queue_.size() == 1) return oldest;
  return oldest + " (" + std::to_string(queue_.size() - 1) + " posted behind it)";
}

}  // namespace dmacosim
