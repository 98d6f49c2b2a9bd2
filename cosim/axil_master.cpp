// SPDX-License-Identifier: MIT
// axil_master.cpp — AXI-Lite master: AR/R and AW/W/B sequences with a cycle timeout.
#include "axil_master.h"

#include <cstdio>

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

uint32_t AxiLiteMaster::Read(uint32_t addr) {
  addr_ = static_cast<uint16_t>(addr);
  resp_ = 0;
  ar_pending_ = r_pending_ = true;
  Draw(false);
  Complete("reg_read");
  return rdata_;
}

void AxiLiteMaster::Write(uint32_t addr, uint32_t value, uint8_t strobe) {
  addr_ = static_cast<uint16_t>(addr);
  wdata_ = value;
  wstrb_ = strobe & 0xF;
  resp_ = 0;
  aw_pending_ = w_pending_ = b_pending_ = true;
  Draw(true);
  Complete("reg_write");
}

void AxiLiteMaster::Draw(bool write) {
  aw_delay_ = w_delay_ = resp_delay_ = 0;
  if (!skew_) return;
  const uint64_t r = SplitMix64(rng_);
  resp_delay_ = r & 3;
  if (write) {
    aw_delay_ = (r >> 2) & 3;
    w_delay_ = (r >> 4) & 3;
  }
  if (resp_delay_ != 0 || aw_delay_ != w_delay_) ++skewed_;
}

void AxiLiteMaster::Complete(const char* op) {
  const uint64_t start = platform_.cycle();
  const auto what = [this, op] { return op + (" " + Hex(addr_, 4)); };
  bool done = false;
  try {
    done = platform_.RunUntil(
        [this] { return !(ar_pending_ || r_pending_ || aw_pending_ || w_pending_ || b_pending_); },
        timeout_cycles_);
  } catch (...) {
    OnReset();  // abandon the access: the next one starts clean
    throw;
  }
  if (!done) {
    const char* channel = ar_pending_   ? "s_axil_arready"
                          : aw_pending_ ? "s_axil_awready"
                          : w_pending_  ? "s_axil_wready"
                          : r_pending_  ? "s_axil_rvalid"
                                        : "s_axil_bvalid";
    OnReset();
    throw Timeout(what() + ": no " + channel + " after " + std::to_string(timeout_cycles_) +
                  " cycles (cycles " + std::to_string(start) + ".." +
                  std::to_string(platform_.cycle()) + "); " + platform_.ModelStatus());
  }
  if (resp_ != 0) {
    throw BusError(what() + ": " + RespName(resp_) + " response (cycle " +
                   std::to_string(platform_.cycle()) + ")");
  }
}

void AxiLiteMaster::Drive(Top& top, uint64_t /*cycle*/) {
  aw_on_ = aw_pending_ && aw_delay_ == 0;
  w_on_ = w_pending_ && w_delay_ == 0;
  ready_on_ = resp_delay_ == 0;
  top.s_axil_araddr = addr_;
  top.s_axil_arvalid = ar_pending_;
  top.s_axil_rready = r_pending_ && ready_on_;
  top.s_axil_awaddr = addr_;
  top.s_axil_awvalid = aw_on_;
  top.s_axil_wdata = wdata_;
  top.s_axil_wstrb = wstrb_;
  top.s_axil_wvalid = w_on_;
  top.s_axil_bready = b_pending_ && ready_on_;
}

void AxiLiteMaster::Sample(const Top& top, uint64_t /*cycle*/) {
  if (ar_pending_ && top.s_axil_arready) ar_pending_ = false;
  if (r_pending_ && top.s_axil_rvalid) {
    if (ready_on_) {
      rdata_ = top.s_axil_rdata;
      resp_ = top.s_axil_rresp & 3;
      r_pending_ = false;
      ++reads_;
    } else {
      --resp_delay_;  // RVALID is up: hold RREADY low this many cycles
    }
  }
  if (aw_on_ && top.s_axil_awready) aw_pending_ = false;
  if (aw_pending_ && aw_delay_ != 0) --aw_delay_;
  if (w_on_ && top.s_axil_wready) w_pending_ = false;
  if (w_pending_ && w_delay_ != 0) --w_delay_;
  if (b_pending_ && top.s_axil_bvalid) {
    if (ready_on_) {
      resp_ = top.s_axil_bresp & 3;
      b_pending_ = false;
      ++writes_;
    } else {
      --resp_delay_;
    }
  }
}

void AxiLiteMaster::OnReset() {
  ar_pending_ = r_pending_ = aw_pending_ = w_pending_ = b_pending_ = false;
  aw_delay_ = w_delay_ = resp_delay_ = 0;
  aw_on_ = w_on_ = false;
  resp_ = 0;
}

std::string AxiLiteMaster::Status() const {
  if (!(ar_pending_ || r_pending_ || aw_pending_ || w_pending_ || b_pending_)) return {};
  return "access to " + Hex(addr_, 4) + " in flight";
}

}  // namespace dmacosim
