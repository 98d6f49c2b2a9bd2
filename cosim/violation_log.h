// SPDX-License-Identifier: MIT
// violation_log.h — records the coherency monitor's reports (cosim_top viol_*): one per cycle in
// which viol_valid is high, timestamped with that cycle, up to a cap (the rest are counted); reads
// the monitor's counters. Observes only: drives no input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clocked_model.h"
#include "platform.h"
#include "reg_map.h"  // kMonCtrl*

namespace dmacosim {

// A live DMA mapping the DMA API announced (`dma_windows`): bytes [base, base + size), which
// directions the device may use there (kDmaWindowRead | kDmaWindowWrite).
inline constexpr uint8_t kDmaWindowRead = 1;
inline constexpr uint8_t kDmaWindowWrite = 2;
struct DmaWindow {
  uint64_t base = 0;
  uint64_t size = 0;
  uint8_t access = 0;
};

// Violation::kind of a harness-detected report: a DMA beat outside every live window (wild_dma.h);
// the RTL's kinds (mon_viol_e) are 0..3.
inline constexpr uint8_t kViolationWildDma = 4;

struct Violation {
  uint64_t cycle = 0;  // the cycle the report was on the port (Platform::cycle() after its edge)
  uint8_t kind = 0;    // mon_viol_e, or kViolationWildDma
  uint64_t addr = 0;
  uint8_t master = 0;  // bus_master_e
  // kViolationWildDma only: the beat's direction and the window nearest to addr (none when no
  // window is live)
  bool write = false;
  std::optional<DmaWindow> nearest;
};

// The monitor's counters, minus the values at the last ResetStats (modulo 2^32).
struct MonitorStats {
  uint32_t snoop_stall_cycles = 0;
  uint32_t violations = 0;
};

class ViolationLog final : public ClockedModel {
 public:
  ViolationLog(Platform& platform, std::size_t capacity);

  // Records the report on the port in `cycle` (the outputs `top` shows now) unless that cycle was
  // captured already. Returns whether a report was newly seen (recorded or dropped). Sample calls
  // it; ops call it for the current cycle, whose outputs no Sample has seen yet.
  bool Capture(const Top& top, uint64_t cycle);
  // Capture(top, cycle) for the current cycle.
  bool CaptureNow() { return Capture(platform_.top(), platform_.cycle()) || TakeRecorded(); }
  // A report found by the harness rather than the RTL (WildDmaChecker); counts as newly seen by
  // the next CaptureNow (run_until violation).
  void Record(const Violation& v);

  const std::vector<Violation>& records() const { return records_; }
  uint64_t dropped() const { return dropped_; }
  // Reports seen since the last clear: records().size() + dropped().
  uint64_t total() const { return records_.size() + dropped_; }
  // Empties the record (the reports already seen are gone; later ones are recorded).
  void Clear();

  MonitorStats stats() const;
  void ResetStats();
  // The RTL's monitor counters were zeroed (MON_CTRL clear): count from 0 again.
  void OnMonitorCleared() { base_ = MonitorStats{}; }

  // ClockedModel
  void Drive(Top& /*top*/, uint64_t /*cycle*/) override {}
  void Sample(const Top& top, uint64_t cycle) override { Capture(top, cycle); }
  void OnReset() override;  // hardware reset: empties the record, counters restart from 0
  std::string Name() const override { return "monitor"; }

 private:
  Platform& platform_;
  std::size_t capacity_;
  std::vector<Violation> records_;
  uint64_t dropped_ = 0;
  uint64_t next_cycle_ = 0;  // the first cycle not yet captured
  bool recorded_ = false;    // Record was called since the last CaptureNow
  bool TakeRecorded() { return std::exchange(recorded_, false); }
  MonitorStats base_;
};

}  // namespace dmacosim
