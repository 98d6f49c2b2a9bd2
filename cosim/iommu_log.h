// SPDX-License-Identifier: MIT
// iommu_log.h — records the IOMMU's fault reports (cosim_top iommu_fault_*): one per cycle in which
// iommu_fault_valid is high, timestamped with that cycle, up to a cap (the rest are counted).
// Observes only: drives no input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "clocked_model.h"
#include "platform.h"

namespace dmacosim {

struct IommuFault {
  uint64_t cycle = 0;  // the cycle the report was on the port
  uint64_t iova = 0;
  bool write = false;
  uint8_t kind = 0;  // IOMMU_FAULT_*
};

class IommuLog final : public ClockedModel {
 public:
  IommuLog(Platform& platform, std::size_t capacity);

  // Records the report on the port in `cycle` unless that cycle was captured already; whether a
  // report was newly seen. Sample calls it; run_until calls it for the current cycle.
  bool Capture(const Top& top, uint64_t cycle);
  bool CaptureNow() { return Capture(platform_.top(), platform_.cycle()); }

  const std::vector<IommuFault>& records() const { return records_; }
  uint64_t dropped() const { return dropped_; }
  uint64_t total() const { return records_.size() + dropped_; }
  void Clear();

  // ClockedModel
  void Drive(Top& /*top*/, uint64_t /*cycle*/) override {}
  void Sample(const Top& top, uint64_t cycle) override { Capture(top, cycle); }
  void OnReset() override { Clear(); }
  std::string Name() const override { return "iommu"; }

 private:
  Platform& platform_;
  std::size_t capacity_;
  std::vector<IommuFault> records_;
  uint64_t dropped_ = 0;
  uint64_t next_cycle_ = 0;  // the first cycle not yet captured
};

}  // namespace dmacosim
