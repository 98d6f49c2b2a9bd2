// SPDX-License-Identifier: MIT
// violation_log.cpp — timestamps the coherency monitor's reports.
#include "violation_log.h"

namespace dmacosim {

ViolationLog::ViolationLog(Platform& platform, std::size_t capacity)
    : platform_(platform), capacity_(capacity) {}

bool ViolationLog::Capture(const Top& top, uint64_t cycle) {
  if (cycle < next_cycle_) return false;
  next_cycle_ = cycle + 1;
  if (!top.viol_valid) return false;
  if (records_.size() < capacity_) {
    Violation v;
    v.cycle = cycle;
    v.kind = static_cast<uint8_t>(top.viol_kind & 3);
    v.addr = static_cast<uint64_t>(top.viol_addr);
    v.master = static_cast<uint8_t>(top.viol_master & 1);
    records_.push_back(v);
  } else {
    ++dropped_;
  }
  return true;
}

void ViolationLog::Record(const Violation& v) {
  recorded_ = true;
  if (records_.size() < capacity_) {
    records_.push_back(v);
  } else {
    ++dropped_;
  }
}

void ViolationLog::Clear() {
  records_.clear();
  dropped_ = 0;
  recorded_ = false;
}

MonitorStats ViolationLog::stats() const {
  const Top& top = platform_.top();
  MonitorStats now;
  now.snoop_stall_cycles = top.snoop_stall_cycles - base_.snoop_stall_cycles;
  now.violations = top.viol_count - base_.violations;
  return now;
}

void ViolationLog::ResetStats() {
  const Top& top = platform_.top();
  base_.snoop_stall_cycles = top.snoop_stall_cycles;
  base_.violations = top.viol_count;
}

void ViolationLog::OnReset() {
  Clear();
  base_ = MonitorStats{};
}

}  // namespace dmacosim
