// SPDX-License-Identifier: MIT
// cpu_load.cpp — `cpu_load` parameters, the load generator's draws, latency percentiles.
#include "cpu_load.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>

#include "errors.h"
#include "protocol.h"

namespace dmacosim {
namespace {

namespace f = proto::field;

constexpr std::string_view kPatternNames[] = {proto::cpu_load_pattern::kNone,
                                              proto::cpu_load_pattern::kStream,
                                              proto::cpu_load_pattern::kRandom};

}  // namespace

ParsedCpuLoad ParseCpuLoad(const Request& req) {
  const std::optional<Value> pattern = req.Field(f::kPattern);
  if (!pattern) throw BadRequest("missing field 'pattern'");
  ParsedCpuLoad out;
  CpuLoadConfig& c = out.config;
  c.pattern = static_cast<CpuLoadPattern>(pattern->OneOf(kPatternNames));
  const bool required = c.pattern != CpuLoadPattern::kNone;
  // required with a pattern; with "none" optional, and checked when given
  auto field = [&](std::string_view name, uint64_t lo, uint64_t hi) -> std::optional<uint64_t> {
    if (required) return req.Uint(name, lo, hi);
    return req.OptUint(name, lo, hi);
  };
  if (auto v = field(f::kRate, proto::kCpuLoadRateMin, proto::kCpuLoadRateMax)) {
    c.rate = static_cast<uint32_t>(*v);
  }
  const std::optional<uint64_t> addr = field(f::kAddr, 0, UINT64_MAX);
  const std::optional<uint64_t> len = field(f::kLen, proto::kCpuLoadMinBytes, UINT64_MAX);
  if (len && *len % 4 != 0) {
    throw BadRequest("field 'len' = " + std::to_string(*len) +
                     " is not a multiple of 4 (the load accesses whole 32-bit words)");
  }
  if (auto v = field(f::kSeed, 0, UINT64_MAX)) c.seed = *v;
  if (auto v = req.OptUint(f::kStorePercent, 0, proto::kCpuLoadStorePercentMax)) {
    c.store_percent = static_cast<uint32_t>(*v);
  }
  c.cached = req.OptBool(f::kCached).value_or(true);
  if (addr && *addr % 4 != 0) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "cpu_load: addr 0x%" PRIx64 " is not 4-byte aligned", *addr);
    throw BadAddress(buf);
  }
  c.addr = addr.value_or(0);
  c.len = len.value_or(0);
  out.has_region = addr && len;
  return out;
}

// ---- CpuLoadGenerator ------------------------------------------------------------------------

void CpuLoadGenerator::Configure(const CpuLoadConfig& config) {
  config_ = config;
  words_ = config.len / 4;
  Restart();
}

void CpuLoadGenerator::Restart() {
  rng_ = config_.seed;
  next_word_ = 0;
}

CpuLoadAccess CpuLoadGenerator::Next() {
  CpuLoadAccess access;
  uint64_t word;
  if (config_.pattern == CpuLoadPattern::kRandom) {
    word = SplitMix64Below(rng_, words_);
  } else {
    word = next_word_;
    next_word_ = next_word_ + 1 == words_ ? 0 : next_word_ + 1;
  }
  access.addr = config_.addr + 4 * word;
  access.store = config_.store_percent != 0 && SplitMix64Below(rng_, 100) < config_.store_percent;
  if (access.store) access.wdata = static_cast<uint32_t>(SplitMix64(rng_));
  return access;
}

// ---- CpuLoadStats ----------------------------------------------------------------------------

void CpuLoadStats::Reset() {
  const uint64_t used = std::min(latency_max_, kExactBins - 1) + 1;
  std::fill(bins_.begin(), bins_.begin() + static_cast<std::ptrdiff_t>(used), 0);
  bins_[kExactBins] = 0;
  accesses_ = stores_ = latency_sum_ = latency_max_ = 0;
}

double CpuLoadStats::LatencyMean() const {
  return accesses_ == 0 ? 0.0 : static_cast<double>(latency_sum_) / static_cast<double>(accesses_);
}

uint64_t CpuLoadStats::Percentile(unsigned percent) const {
  if (accesses_ == 0) return 0;
  percent = std::clamp(percent, 1u, 100u);
  // ceil(percent * accesses / 100) without overflowing
  const uint64_t rank = accesses_ / 100 * percent + (accesses_ % 100 * percent + 99) / 100;
  uint64_t seen = 0;
  const uint64_t last = std::min(latency_max_, kExactBins - 1);
  for (uint64_t latency = 0; latency <= last; ++latency) {
    seen += bins_[latency];
    if (seen >= rank) return latency;
  }
  return latency_max_;  // the rank is in the overflow bin
}

}  // namespace dmacosim
