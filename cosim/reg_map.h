// SPDX-License-Identifier: MIT
// reg_map.h — the AXI-Lite register offsets and fields the harness itself decodes, mirrored from
// rtl/dma_pkg.sv (the authority; tests/cpp/reg_map_test.cpp parses it and checks every value here).
// No Verilator type.
#pragma once

#include <cstdint>

namespace dmacosim {

// CDMA registers (PG034 model) the harness's limit checks follow
inline constexpr uint32_t kCdmacrOffset = 0x000;
inline constexpr uint32_t kTaildescOffset = 0x010;
inline constexpr uint32_t kTaildescMsbOffset = 0x014;
inline constexpr uint32_t kBttOffset = 0x028;
inline constexpr uint32_t kCdmacrResetBit = 2;      // self-clearing soft reset
inline constexpr uint32_t kCdmacrSgModeBit = 3;     // scatter-gather
inline constexpr uint32_t kCdmacrKeyHoleRdBit = 4;  // reads as FIXED bursts
inline constexpr uint32_t kCdmacrKeyHoleWrBit = 5;  // writes as FIXED bursts

// extension block: transfer modes (hardware reset only, not CDMACR.Reset)
inline constexpr uint32_t kExtXferCtrlOffset = 0x10C;
inline constexpr uint32_t kExtStealCfgOffset = 0x110;
inline constexpr uint32_t kExtXferCtrlModeLsb = 0;        // [1:0]
inline constexpr uint32_t kExtXferCtrlMaxBurstM1Lsb = 8;  // [15:8]
inline constexpr uint32_t kExtXferCtrlMaxOutLsb = 16;     // [23:16]
inline constexpr uint32_t kExtStealCfgBeatsLsb = 0;       // [7:0]
inline constexpr uint32_t kExtStealCfgIdleLsb = 16;       // [31:16]
inline constexpr uint32_t kXferModeBurst = 0;
inline constexpr uint32_t kXferModeCycleStealing = 1;
inline constexpr uint32_t kXferModeTransparent = 2;
inline constexpr uint32_t kXferModeKeep = 3;  // writing it keeps the mode

// descriptors: 64-byte aligned (DESC_ALIGN_BITS)
inline constexpr uint32_t kDescAlignBits = 6;

// coherency monitor: MON_CTRL_OFFSET and its bits
inline constexpr uint32_t kMonCtrlOffset = 0x1000;
inline constexpr uint32_t kMonCtrlSnoopEn = 1u << 0;
inline constexpr uint32_t kMonCtrlClear = 1u << 1;

// IOMMU: the AXI ID of its page-table walker's PTE reads on the DMA port (IOMMU_WALK_AXI_ID)
inline constexpr uint32_t kIommuWalkAxiId = 3;

}  // namespace dmacosim
