// SPDX-License-Identifier: Apache-2.0
// cpu_port.cpp — CPU-port master: request / response handshakes with a cycle watchdog.
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
  access_ = access;
  rdata_ = 0;
  req_pending_ = rsp_pending_ = true;
  const uint64_t start = platform_.cycle();
  bool done = false;
  try {
    done = platform_.RunUntil([this] { return !req_pending_ && !rsp_pending_; }, timeout_cycles);
  } catch (...) {
    OnReset();  // abandon the access: the next one starts clean
    throw;
  }
  if (!done) {
    const char* signal = req_pending_ ? "cpu_req_ready" : "cpu_rsp_valid";
    const std::string message = std::string(what) + ": " + OpName(access_.op) +
                                (access_.cacheable ? " " : " (uncached) ") + Hex(access_.addr) +
                                ": no " + signal + " after " + std::to_string(timeout_cycles) +
                                " cycles (cycles " + std::to_string(start) + ".." +
                                std::to_string(platform_.cycle()) + "); " + platform_.ModelStatus();
    req_pending_ = rsp_pending_ = false;
    throw Timeout(message);
  }
  return rdata_;
}

void CpuPort::Drive(Top& top, uint64_t /*cycle*/) {
  top.cpu_req_valid = req_pending_;
  top.cpu_req_op = static_cast<uint8_t>(access_.op);
  top.cpu_req_addr = static_cast<std::remove_reference_t<decltype(top.cpu_req_addr)>>(access_.addr);
  top.cpu_req_wdata = access_.wdata;
  top.cpu_req_wstrb = access_.wstrb & 0xF;
  top.cpu_req_cacheable = access_.cacheable;
  // Always ready: a response nobody waits for (after a timeout) is taken and dropped.
  top.cpu_rsp_ready = 1;
}

void CpuPort::Sample(const Top& top, uint64_t /*cycle*/) {
  // The response of this request comes at the earliest one cycle after the request was taken.
  if (rsp_pending_ && !req_pending_ && top.cpu_rsp_valid) {
    rdata_ = top.cpu_rsp_rdata;
    rsp_pending_ = false;
    ++accesses_;
  }
  if (req_pending_ && top.cpu_req_ready) req_pending_ = false;
}

void CpuPort::OnReset() {
  req_pending_ = rsp_pending_ = false;
  base_ = CpuPortStats{};
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
  const Top& top = platform_.top();
  base_.hits = top.cache_hits;
  base_.misses = top.cache_misses;
  base_.writebacks = top.cache_writebacks;
  base_.cpu_wait_cycles = top.cpu_wait_cycles;
}

std::string CpuPort::Status() const {
  if (!req_pending_ && !rsp_pending_) return {};
  return std::string(OpName(access_.op)) + (access_.cacheable ? "" : " (uncached)") + " " +
         Hex(access_.addr) +
         (req_pending_ ? " waiting for cpu_req_ready" : " waiting for cpu_rsp_valid");
}

}  // namespace dmacosim
