// SPDX-License-Identifier: MIT
// build_params.h — the RTL build parameters as C++ constants, without the verilated model: the
// widths come from the DMACOSIM_* macros the Makefile passes alongside -G; the cache geometry and
// MAX_OUTSTANDING are cosim_top's parameter defaults unless the build passes DMACOSIM_CACHE_* /
// DMACOSIM_MAX_OUTSTANDING (with the matching -G). tests/cpp/build_params_test.cpp checks the
// defaults against rtl/cosim_top.sv.
#pragma once

#include <cstddef>
#include <cstdint>

#ifndef DMACOSIM_DATA_WIDTH
#error "DMACOSIM_DATA_WIDTH must be defined (the -GDATA_WIDTH the RTL was verilated with)"
#endif
#ifndef DMACOSIM_ADDR_WIDTH
#error "DMACOSIM_ADDR_WIDTH must be defined (the -GADDR_WIDTH the RTL was verilated with)"
#endif
#ifndef DMACOSIM_MAX_BURST
#error "DMACOSIM_MAX_BURST must be defined (the -GMAX_BURST the RTL was verilated with)"
#endif

// 1: the engine has its realigner (DRE); 0: the nodre build (cosim_top HAS_DRE)
#ifndef DMACOSIM_HAS_DRE
#define DMACOSIM_HAS_DRE 1
#endif

// the CDMA's bursts in flight per direction (cosim_top MAX_OUTSTANDING)
#ifndef DMACOSIM_MAX_OUTSTANDING
#define DMACOSIM_MAX_OUTSTANDING 4
#endif

// cpu_cache geometry (cosim_top CACHE_BYTES, LINE_BYTES, WAYS)
#ifndef DMACOSIM_CACHE_BYTES
#define DMACOSIM_CACHE_BYTES 32768
#endif
#ifndef DMACOSIM_CACHE_LINE_BYTES
#define DMACOSIM_CACHE_LINE_BYTES 64
#endif
#ifndef DMACOSIM_CACHE_WAYS
#define DMACOSIM_CACHE_WAYS 2
#endif

namespace dmacosim {

inline constexpr unsigned kDataWidth = DMACOSIM_DATA_WIDTH;
inline constexpr unsigned kAddrWidth = DMACOSIM_ADDR_WIDTH;
inline constexpr unsigned kMaxBurst = DMACOSIM_MAX_BURST;
inline constexpr unsigned kMaxOutstanding = DMACOSIM_MAX_OUTSTANDING;
inline constexpr std::size_t kBusBytes = kDataWidth / 8;
inline constexpr uint64_t kAddrMask =
    kAddrWidth >= 64 ? ~uint64_t{0} : (uint64_t{1} << kAddrWidth) - 1;
// log2(kBusBytes): the largest legal AxSIZE.
inline constexpr unsigned kBusSizeLog2 = kBusBytes == 4 ? 2 : kBusBytes == 8 ? 3 : 4;

inline constexpr uint64_t kCacheBytes = DMACOSIM_CACHE_BYTES;
inline constexpr uint64_t kCacheLineBytes = DMACOSIM_CACHE_LINE_BYTES;
inline constexpr uint64_t kCacheWays = DMACOSIM_CACHE_WAYS;
inline constexpr bool kHasDre = DMACOSIM_HAS_DRE != 0;
inline constexpr uint64_t kCacheSets = kCacheBytes / (kCacheLineBytes * kCacheWays);

static_assert(kDataWidth == 32 || kDataWidth == 64 || kDataWidth == 128,
              "DATA_WIDTH must be 32, 64 or 128");
static_assert(kAddrWidth == 32 || kAddrWidth == 64, "ADDR_WIDTH must be 32 or 64");
static_assert(kMaxBurst >= 2 && kMaxBurst <= 256, "MAX_BURST must be 2..256");
static_assert(kMaxOutstanding >= 1 && kMaxOutstanding <= 16, "MAX_OUTSTANDING must be 1..16");
static_assert(kCacheLineBytes >= 16 && kCacheLineBytes <= 256 &&
                  (kCacheLineBytes & (kCacheLineBytes - 1)) == 0,
              "DMACOSIM_CACHE_LINE_BYTES must be a power of two, 16..256");
static_assert(kCacheWays >= 1 && kCacheWays <= 4, "DMACOSIM_CACHE_WAYS must be 1..4");
static_assert(kCacheSets >= 2 && (kCacheSets & (kCacheSets - 1)) == 0 &&
                  kCacheSets * kCacheLineBytes * kCacheWays == kCacheBytes,
              "DMACOSIM_CACHE_BYTES / (LINE_BYTES * WAYS) must be a power of two, at least 2");
}  // namespace dmacosim
