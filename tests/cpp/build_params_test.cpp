// SPDX-License-Identifier: MIT
// build_params_test.cpp — the harness's build parameters (cosim/build_params.h) equal the parameter
// defaults of rtl/cosim_top.sv, parsed from the source: the cache geometry `hello` reports, the
// CPU port and the checkers use is the RTL's. (Compiled with the default variant's DMACOSIM_*
// widths, which are cosim_top's defaults too.)
#include "build_params.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>

#include "source_text.h"

namespace dmacosim {
namespace {

// `parameter int unsigned NAME = value` defaults of cosim_top's parameter list
std::map<std::string, uint64_t> TopParams() {
  const std::string src = SourceText("rtl/cosim_top.sv");
  std::map<std::string, uint64_t> out;
  const std::regex re(R"(parameter\s+(?:int\s+)?(?:unsigned\s+)?([A-Z][A-Z0-9_]*)\s*=\s*(\d+))");
  for (auto it = std::sregex_iterator(src.begin(), src.end(), re); it != std::sregex_iterator();
       ++it) {
    out.emplace((*it)[1], std::stoull((*it)[2]));
  }
  return out;
}

TEST(BuildParamsTest, EveryDefault_MatchesCosimTop) {
  const auto p = TopParams();
  ASSERT_FALSE(p.empty()) << "rtl/cosim_top.sv not found or not parsed";
  const std::pair<const char*, uint64_t> expected[] = {
      {"DATA_WIDTH", kDataWidth},   {"ADDR_WIDTH", kAddrWidth},
      {"MAX_BURST", kMaxBurst},     {"MAX_OUTSTANDING", kMaxOutstanding},
      {"CACHE_BYTES", kCacheBytes}, {"LINE_BYTES", kCacheLineBytes},
      {"WAYS", kCacheWays},         {"HAS_DRE", kHasDre ? 1u : 0u},
  };
  for (const auto& [name, value] : expected) {
    const auto it = p.find(name);
    ASSERT_NE(it, p.end()) << name << " is not a parameter of rtl/cosim_top.sv";
    EXPECT_EQ(it->second, value) << name;
  }
}

}  // namespace
}  // namespace dmacosim
