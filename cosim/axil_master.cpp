// SPDX-License-Identifier: MIT
// axil_master.cpp — AXI-Lite master: AR/R and AW/W/B sequences with a cycle timeout.
#include "axil_master.h"

#include <cstdio>

#include "errors.h"

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
  Complete("reg_read");
  return rdata_;
}

void AxiLiteMaster::Write(uint32_t addr, uint32_t value, uint8_t strobe) {
  addr_ = static_cast<uint16_t>(addr);
  wdata_ = value;
  wstrb_ = strobe & 0xF;
  resp_ = 0;
  aw_pending_ = w_pending_ = b_pending_ = true;
  Complete("reg_write");
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
  top.s_axil_araddr = addr_;
  top.s_axil_arvalid = ar_pending_;
  top.s_axil_rready = r_pending_;
  top.s_axil_awaddr = addr_;
  top.s_axil_awvalid = aw_pending_;
  top.s_axil_wdata = wdata_;
  top.s_axil_wstrb = wstrb_;
  top.s_axil_wvalid = w_pending_;
  top.s_axil_bready = b_pending_;
}

void AxiLiteMaster::Sample(const Top& top, uint64_t /*cycle*/) {
  if (ar_pending_ && top.s_axil_arready) ar_pending_ = false;
  if (r_pending_ && top.s_axil_rvalid) {
    rdata_ = top.s_axil_rdata;
    resp_ = top.s_axil_rresp & 3;
    r_pending_ = false;
    ++reads_;
  }
  if (aw_pending_ && top.s_axil_awready) aw_pending_ = false;
  if (w_pending_ && top.s_axil_wready) w_pending_ = false;
  if (b_pending_ && top.s_axil_bvalid) {
    resp_ = top.s_axil_bresp & 3;
    b_pending_ = false;
    ++writes_;
  }
}

void AxiLiteMaster::OnReset() {
  ar_pending_ = r_pending_ = aw_pending_ = w_pending_ = b_pending_ = false;
  resp_ = 0;
}

std::string AxiLiteMaster::Status() const {
  if (!(ar_pending_ || r_pending_ || aw_pending_ || w_pending_ || b_pending_)) return {};
  return "access to " + Hex(addr_, 4) + " in flight";
}

}  // namespace dmacosim
