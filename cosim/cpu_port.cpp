// SPDX-License-Identifier: MIT
// cpu_port.cpp — CPU-port master: request / response handshakes with a cycle watchdog; the
// cpu_load generator's accesses in the free cycles.
#include "cpu_port.h"

#include <cinttypes>
#include <cstdio>
#include <type_traits>

#include "errors.h"

namespace dmacosim {
namespace {

const char* OpName(CpuOp op) {
  static const char* const kNames[] = {"LOAD", "STORE", "CLEAN", "INVALIDATE", "FLUSH"};
  const auto i = static_cast<unsigned>(op);
  return i < 5 ? kNames[i] : "?";
}

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%08" PRIx64, value);
  return buf;
}

}  // namespace

CpuPort::CpuPort(Platform& platform) : platform_(platform) {}

uint32_t CpuPort::Access(const CpuAccess& access, uint64_t timeout_cycles, std::string_view what) {
  explicit_ = access;
  explicit_waiting_ = true;  // the next Drive with the port free presents it
  explicit_done_ = false;
  const uint64_t start = platform_.cycle();
  bool done = false;
  try {
    done = platform_.RunUntil([this] { return explicit_done_; }, timeout_cycles);
  } catch (...) {
    AbandonExplicit();  // the next access starts clean
    throw;
  }
  if (!done) {
    const char* signal = explicit_waiting_ ? "free CPU port (a cpu_load access holds it)"
                         : req_pending_    ? "cpu_req_ready"
                                           : "cpu_rsp_valid";
    const std::string message = std::string(what) + ": " + OpName(access.op) +
                                (access.cacheable ? " " : " (uncached) ") + Hex(access.addr) +
                                ": no " + signal + " after " + std::to_string(timeout_cycles) +
                                " cycles (cycles " + std::to_string(start) + ".." +
                                std::to_string(platform_.cycle()) + "); " + platform_.ModelStatus();
    AbandonExplicit();
    throw Timeout(message);
  }
  return rdata_;
}

void CpuPort::AbandonExplicit() {
  explicit_waiting_ = false;
  if (owner_ == Owner::kExplicit) {
    owner_ = Owner::kNone;
    req_pending_ = rsp_pending_ = false;
  }
}

void CpuPort::Drive(Top& top, uint64_t cycle) {
  // A free port goes to the explicit access first, else (out of reset) maybe to the load.
  if (owner_ == Owner::kNone) {
    if (explicit_waiting_) {
      access_ = explicit_;
      owner_ = Owner::kExplicit;
      explicit_waiting_ = false;
      req_pending_ = rsp_pending_ = true;
    } else if (load_.active() && !top.rst && load_.Roll()) {
      const CpuLoadAccess next = load_.Next();
      access_ = CpuAccess{next.store ? CpuOp::kStore : CpuOp::kLoad, next.addr, next.wdata, 0xF,
                          load_.config().cached};
      owner_ = Owner::kLoad;
      load_start_ = cycle;
      req_pending_ = rsp_pending_ = true;
    }
  }
  top.cpu_req_valid = req_pending_;
  top.cpu_req_op = static_cast<uint8_t>(access_.op);
  top.cpu_req_addr = static_cast<std::remove_reference_t<decltype(top.cpu_req_addr)>>(access_.addr);
  top.cpu_req_wdata = access_.wdata;
  top.cpu_req_wstrb = access_.wstrb & 0xF;
  top.cpu_req_cacheable = access_.cacheable;
  // Always ready: a response nobody waits for (after a timeout) is taken and dropped.
  top.cpu_rsp_ready = 1;
}

void CpuPort::Sample(const Top& top, uint64_t cycle) {
  // The response of this request comes at the earliest one cycle after the request was taken
  // (a response while our request still waits for ready belongs to an abandoned one).
  if (rsp_pending_ && !req_pending_ && top.cpu_rsp_valid) {
    rsp_pending_ = false;
    if (owner_ == Owner::kLoad) {
      load_stats_.Add(cycle - load_start_, access_.op == CpuOp::kStore);
    } else {
      rdata_ = top.cpu_rsp_rdata;
      explicit_done_ = true;
      ++accesses_;
    }
    owner_ = Owner::kNone;
  }
  if (req_pending_ && top.cpu_req_ready) req_pending_ = false;
}

void CpuPort::OnReset() {
  owner_ = Owner::kNone;
  req_pending_ = rsp_pending_ = false;
  explicit_waiting_ = false;
  base_ = CpuPortStats{};
  load_.Restart();
}

CpuPortStats CpuPort::stats() const {
  const Top& top = platform_.top();
  CpuPortStats now;
  now.hits = top.cache_hits - base_.hits;
  now.misses = top.cache_misses - base_.misses;
  now.writebacks = top.cache_writebacks - base_.writebacks;
  now.cpu_wait_cycles = top.cpu_wait_cycles - base_.cpu_wait_cycles;
  return now;
}

void CpuPort::ResetStats() {
  load_stats_.Reset();
  const Top& top = platform_.top();
  base_.hits = top.cache_hits;
  base_.misses = top.cache_misses;
  base_.writebacks = top.cache_writebacks;
  base_.cpu_wait_cycles = top.cpu_wait_cycles;
}

std::string CpuPort::Status() const {
  if (owner_ == Owner::kNone) return explicit_waiting_ ? "request waiting for the port" : "";
  return std::string(owner_ == Owner::kLoad ? "cpu_load " : "") + OpName(access_.op) +
         (access_.cacheable ? "" : " (uncached)") + " " + Hex(access_.addr) +
         (req_pending_ ? " waiting for cpu_req_ready" : " waiting for cpu_rsp_valid") +
         (owner_ == Owner::kLoad ? " since cycle " + std::to_string(load_start_) : "");
}

}  // namespace dmacosim
