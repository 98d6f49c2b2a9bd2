// SPDX-License-Identifier: MIT
// splitmix64.h — the harness's seeded random numbers (DRAM backpressure, CPU load): splitmix64
// draws and an exact uniform integer below a bound. No state of its own: callers keep the 64-bit
// state, so a model restarts its sequence by assigning the seed again.
#pragma once

#include <cstdint>

namespace dmacosim {

// splitmix64 (Steele, Lea, Flood 2014): one 64-bit draw per call; any state is a valid seed.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, bound), bound ≥ 1, exactly (Lemire 2019, multiply-shift with rejection): one
// draw, and another only with probability below bound / 2^64.
inline uint64_t SplitMix64Below(uint64_t& state, uint64_t bound) {
  unsigned __int128 m = static_cast<unsigned __int128>(SplitMix64(state)) * bound;
  auto low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    while (low < threshold) {
      m = static_cast<unsigned __int128>(SplitMix64(state)) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace dmacosim
