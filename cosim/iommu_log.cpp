// SPDX-License-Identifier: MIT
// iommu_log.cpp — timestamps the IOMMU's fault reports.
#include "iommu_log.h"

namespace dmacosim {

IommuLog::IommuLog(Platform& platform, std::size_t capacity)
    : platform_(platform), capacity_(capacity) {}

bool IommuLog::Capture(const Top& top, uint64_t cycle) {
  if (cycle < next_cycle_) return false;
  next_cycle_ = cycle + 1;
  if (!top.iommu_fault_valid) return false;
  if (records_.size() < capacity_) {
    records_.push_back(IommuFault{cycle, static_cast<uint64_t>(top.iommu_fault_iova),
                                  top.iommu_fault_write != 0,
                                  static_cast<uint8_t>(top.iommu_fault_kind & 7)});
  } else {
    ++dropped_;
  }
  return true;
}

void IommuLog::Clear() {
  records_.clear();
  dropped_ = 0;
}

}  // namespace dmacosim
