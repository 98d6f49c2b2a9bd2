// SPDX-License-Identifier: MIT
// cpu_load.h — the pure parts of the `cpu_load` op: its parameters (parsed and checked from a
// request), the generator that decides in each free CPU-port cycle whether an access starts and
// which one, and the latency statistics of those accesses. No Verilator types: CpuPort drives
// the RTL with what these decide, and tests/cpp exercises them without a model.
#pragma once

#include <cstdint>
#include <vector>

#include "msgpack_io.h"
#include "splitmix64.h"

namespace dmacosim {

// The `pattern` values, in the order of proto::cpu_load_pattern's names.
enum class CpuLoadPattern : uint8_t { kNone = 0, kStream = 1, kRandom = 2 };

// What a `cpu_load` request asks for (docs/protocol.md §5 `cpu_load`).
struct CpuLoadConfig {
  CpuLoadPattern pattern = CpuLoadPattern::kNone;
  uint32_t rate = 0;           // accesses started per 100 free cycles, on average: 1..100
  uint64_t addr = 0;           // the region: 4-aligned ...
  uint64_t len = 0;            // ... at least 4 bytes, a multiple of 4
  uint64_t seed = 0;           // of the generator's draws
  uint32_t store_percent = 0;  // 0..100: the share of stores
  bool cached = true;          // false: every access is uncached
};

// A `cpu_load` request, every field checked; `has_region`: addr and len were both given (always
// so for a pattern other than none), so the caller checks [addr, addr+len) against the DRAM.
struct ParsedCpuLoad {
  CpuLoadConfig config;
  bool has_region = false;
};

// Checks a `cpu_load` request's fields in the order of the op's table. `pattern` is required;
// with "stream" / "random", `rate`, `addr`, `len` and `seed` are too; with "none" every other
// field is optional and, when given, checked all the same. Throws BadRequest naming the field
// (missing, wrong type, out of range, `len` below 4 or not a multiple of 4) and BadAddress for
// an `addr` that is not 4-aligned. Does not look at the DRAM windows.
ParsedCpuLoad ParseCpuLoad(const Request& req);

// One access the load starts: a 32-bit word LOAD, or a STORE of `wdata` with every strobe set.
struct CpuLoadAccess {
  uint64_t addr = 0;
  uint32_t wdata = 0;
  bool store = false;
};

// The load's decisions, from one splitmix64 sequence seeded with `seed`. Per free cycle one draw
// decides whether an access starts; per access, in this order: one draw for the address (random
// pattern only), one for load or store (only when store_percent > 0), one for the data (stores
// only). Same configuration, same sequence of free cycles → same accesses.
class CpuLoadGenerator {
 public:
  // Starts `config` (pattern none: stops): the draws restart from its seed, the stream from its
  // first word. The caller has checked it (ParseCpuLoad and the DRAM window).
  void Configure(const CpuLoadConfig& config);
  // Back to the first draw of the seed and the stream's first word; the configuration stays.
  void Restart();

  bool active() const { return config_.pattern != CpuLoadPattern::kNone; }
  const CpuLoadConfig& config() const { return config_; }

  // A cycle in which the CPU port is free: whether an access starts in it, with probability
  // rate / 100 exactly. One draw. Only while active().
  bool Roll() { return SplitMix64Below(rng_, 100) < config_.rate; }
  // The access that starts (after Roll() said so). Stream: the region's words in order from its
  // first, wrapping at its end; random: a uniform word of the region.
  CpuLoadAccess Next();

 private:
  CpuLoadConfig config_;
  uint64_t rng_ = 0;
  uint64_t words_ = 0;      // words in the region
  uint64_t next_word_ = 0;  // stream: index of the next word
};

// Latency statistics of the load's accesses (latency = response cycle − request cycle, ≥ 1).
// An exact histogram of latencies 0 .. kExactBins − 1 plus one bin for everything longer, whose
// exact maximum is kept apart. Adding is O(1) and never allocates.
class CpuLoadStats {
 public:
  static constexpr uint64_t kExactBins = 65536;

  CpuLoadStats() : bins_(kExactBins + 1, 0) {}

  void Add(uint64_t latency, bool store) {
    ++bins_[latency < kExactBins ? latency : kExactBins];
    ++accesses_;
    stores_ += store ? 1 : 0;
    latency_sum_ += latency;
    if (latency > latency_max_) latency_max_ = latency;
  }
  // Back to no accesses (clears only the bins that can be non-zero).
  void Reset();

  uint64_t accesses() const { return accesses_; }
  uint64_t loads() const { return accesses_ - stores_; }
  uint64_t stores() const { return stores_; }
  uint64_t latency_sum() const { return latency_sum_; }
  uint64_t latency_max() const { return latency_max_; }
  // Σ (latency − 1): the cycles the CPU waited beyond a response in the cycle after its request.
  uint64_t stall_cycles() const { return latency_sum_ - accesses_; }
  // latency_sum / accesses; 0 without accesses.
  double LatencyMean() const;
  // Nearest rank: the smallest latency L such that at least ceil(percent / 100 · accesses)
  // accesses took L cycles or fewer (percent 1..100; 100 gives the maximum). 0 without accesses.
  // When that rank falls among the latencies ≥ kExactBins, the result is latency_max (an upper
  // bound of the exact percentile).
  uint64_t Percentile(unsigned percent) const;

 private:
  std::vector<uint64_t> bins_;
  uint64_t accesses_ = 0;
  uint64_t stores_ = 0;
  uint64_t latency_sum_ = 0;
  uint64_t latency_max_ = 0;
};

}  // namespace dmacosim
