// SPDX-License-Identifier: Apache-2.0
// rtl_top.h — the verilated top (cosim_top) and the build parameters it was verilated with.
// The widths come from the DMACOSIM_* macros the Makefile passes alongside -G; checked here
// against the storage Verilator chose for the ports.
#pragma once

#include <cstddef>
#include <cstdint>

#include "Vcosim_top.h"
#include "signal_bytes.h"

#ifndef DMACOSIM_DATA_WIDTH
#error "DMACOSIM_DATA_WIDTH must be defined (the -GDATA_WIDTH the RTL was verilated with)"
#endif
#ifndef DMACOSIM_ADDR_WIDTH
#error "DMACOSIM_ADDR_WIDTH must be defined (the -GADDR_WIDTH the RTL was verilated with)"
#endif
#ifndef DMACOSIM_MAX_BURST
#error "DMACOSIM_MAX_BURST must be defined (the -GMAX_BURST the RTL was verilated with)"
#endif

namespace dmacosim {

using Top = Vcosim_top;

inline constexpr unsigned kDataWidth = DMACOSIM_DATA_WIDTH;
inline constexpr unsigned kAddrWidth = DMACOSIM_ADDR_WIDTH;
inline constexpr unsigned kMaxBurst = DMACOSIM_MAX_BURST;
inline constexpr std::size_t kBusBytes = kDataWidth / 8;
inline constexpr uint64_t kAddrMask =
    kAddrWidth >= 64 ? ~uint64_t{0} : (uint64_t{1} << kAddrWidth) - 1;
// log2(kBusBytes): the largest legal AxSIZE.
inline constexpr unsigned kBusSizeLog2 = kBusBytes == 4 ? 2 : kBusBytes == 8 ? 3 : 4;

static_assert(kDataWidth == 32 || kDataWidth == 64 || kDataWidth == 128,
              "DATA_WIDTH must be 32, 64 or 128");
static_assert(kAddrWidth == 32 || kAddrWidth == 64, "ADDR_WIDTH must be 32 or 64");
static_assert(kMaxBurst >= 2 && kMaxBurst <= 256, "MAX_BURST must be 2..256");
static_assert(sig::StorageBytes<decltype(Top::m_axi_rdata)>() * 8 >= kDataWidth &&
                  sig::StorageBytes<decltype(Top::m_axi_rdata)>() * 8 < 2 * kDataWidth,
              "m_axi_rdata storage does not match DMACOSIM_DATA_WIDTH: rebuild the harness");
static_assert(sig::StorageBytes<decltype(Top::m_axi_araddr)>() * 8 == kAddrWidth,
              "m_axi_araddr storage does not match DMACOSIM_ADDR_WIDTH: rebuild the harness");

}  // namespace dmacosim
