// SPDX-License-Identifier: MIT
// cpu_load_test.cpp — the pure parts of `cpu_load`: request parsing (every field's type, range
// and granularity, nothing else), the generator's draws (rate, address sequences, store share,
// determinism) and the latency statistics (nearest-rank percentiles, overflow bin, reset).
#include "cpu_load.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "errors.h"

namespace dmacosim {
namespace {

// ---- parsing ---------------------------------------------------------------------------------

using Field = std::variant<uint64_t, int64_t, bool, std::string, double>;

// A request frame {"id": 1, "op": "cpu_load", fields...} and its decoded Request.
class Frame {
 public:
  explicit Frame(const std::vector<std::pair<std::string, Field>>& fields) {
    msgpack::packer<msgpack::sbuffer> p(buffer_);
    p.pack_map(static_cast<uint32_t>(fields.size() + 2));
    p.pack(std::string("id"));
    p.pack_uint64(1);
    p.pack(std::string("op"));
    p.pack(std::string("cpu_load"));
    for (const auto& [name, value] : fields) {
      p.pack(name);
      std::visit([&p](const auto& v) { p.pack(v); }, value);
    }
    std::optional<uint64_t> id;
    request_.emplace(Request::Decode(buffer_.data(), buffer_.size(), id));
  }
  const Request& request() const { return *request_; }

 private:
  msgpack::sbuffer buffer_;
  std::optional<Request> request_;
};

const std::vector<std::pair<std::string, Field>> kStream = {{"pattern", std::string("stream")},
                                                            {"rate", uint64_t{50}},
                                                            {"addr", uint64_t{0x1000}},
                                                            {"len", uint64_t{256}},
                                                            {"seed", uint64_t{7}}};

std::vector<std::pair<std::string, Field>> With(std::vector<std::pair<std::string, Field>> fields,
                                                const std::string& name, Field value) {
  for (auto& [n, v] : fields) {
    if (n == name) {
      v = std::move(value);
      return fields;
    }
  }
  fields.emplace_back(name, std::move(value));
  return fields;
}

std::vector<std::pair<std::string, Field>> Without(
    std::vector<std::pair<std::string, Field>> fields, const std::string& name) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->first == name) {
      fields.erase(it);
      break;
    }
  }
  return fields;
}

// Parsing throws `Error` and the message names `text`.
template <typename Error>
void ExpectError(const std::vector<std::pair<std::string, Field>>& fields,
                 const std::string& text) {
  Frame frame(fields);
  try {
    ParseCpuLoad(frame.request());
    ADD_FAILURE() << "no error; expected one naming " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(ParseCpuLoadTest, Stream_AllRequiredFields_ConfigWithDefaults) {
  Frame frame(kStream);
  const ParsedCpuLoad parsed = ParseCpuLoad(frame.request());
  EXPECT_EQ(parsed.config.pattern, CpuLoadPattern::kStream);
  EXPECT_EQ(parsed.config.rate, 50u);
  EXPECT_EQ(parsed.config.addr, 0x1000u);
  EXPECT_EQ(parsed.config.len, 256u);
  EXPECT_EQ(parsed.config.seed, 7u);
  EXPECT_EQ(parsed.config.store_percent, 0u);
  EXPECT_TRUE(parsed.config.cached);
  EXPECT_TRUE(parsed.has_region);
}

TEST(ParseCpuLoadTest, Random_OptionalFields_Taken) {
  Frame frame(
      With(With(With(kStream, "pattern", std::string("random")), "store_percent", uint64_t{100}),
           "cached", false));
  const ParsedCpuLoad parsed = ParseCpuLoad(frame.request());
  EXPECT_EQ(parsed.config.pattern, CpuLoadPattern::kRandom);
  EXPECT_EQ(parsed.config.store_percent, 100u);
  EXPECT_FALSE(parsed.config.cached);
}

TEST(ParseCpuLoadTest, None_Alone_NoRegion) {
  Frame frame({{"pattern", std::string("none")}});
  const ParsedCpuLoad parsed = ParseCpuLoad(frame.request());
  EXPECT_EQ(parsed.config.pattern, CpuLoadPattern::kNone);
  EXPECT_FALSE(parsed.has_region);
}

TEST(ParseCpuLoadTest, None_WithBadFields_StillChecked) {
  ExpectError<BadRequest>({{"pattern", std::string("none")}, {"rate", uint64_t{0}}}, "'rate'");
  ExpectError<BadRequest>({{"pattern", std::string("none")}, {"len", uint64_t{6}}}, "'len'");
  ExpectError<BadAddress>({{"pattern", std::string("none")}, {"addr", uint64_t{2}}}, "aligned");
}

TEST(ParseCpuLoadTest, None_WithAddrAndLen_HasRegion) {
  Frame frame({{"pattern", std::string("none")}, {"addr", uint64_t{0}}, {"len", uint64_t{4}}});
  EXPECT_TRUE(ParseCpuLoad(frame.request()).has_region);
}

TEST(ParseCpuLoadTest, Pattern_MissingOrUnknownOrWrongType_BadRequestNamingIt) {
  ExpectError<BadRequest>(Without(kStream, "pattern"), "'pattern'");
  ExpectError<BadRequest>(With(kStream, "pattern", std::string("burst")), "'pattern'");
  ExpectError<BadRequest>(With(kStream, "pattern", uint64_t{1}), "'pattern'");
}

TEST(ParseCpuLoadTest, RequiredField_Missing_BadRequestNamingIt) {
  for (const char* name : {"rate", "addr", "len", "seed"}) {
    ExpectError<BadRequest>(Without(kStream, name), std::string("'") + name + "'");
  }
}

TEST(ParseCpuLoadTest, Field_WrongType_BadRequestNamingIt) {
  for (const char* name : {"rate", "addr", "len", "seed", "store_percent"}) {
    ExpectError<BadRequest>(With(kStream, name, std::string("x")), std::string("'") + name + "'");
    ExpectError<BadRequest>(With(kStream, name, int64_t{-1}), std::string("'") + name + "'");
    ExpectError<BadRequest>(With(kStream, name, 1.5), std::string("'") + name + "'");
  }
  ExpectError<BadRequest>(With(kStream, "cached", uint64_t{1}), "'cached'");
}

TEST(ParseCpuLoadTest, Rate_OutsideOneToHundred_BadRequest) {
  ExpectError<BadRequest>(With(kStream, "rate", uint64_t{0}), "'rate' = 0 is out of range");
  ExpectError<BadRequest>(With(kStream, "rate", uint64_t{101}), "'rate' = 101 is out of range");
  Frame one(With(kStream, "rate", uint64_t{1}));
  EXPECT_EQ(ParseCpuLoad(one.request()).config.rate, 1u);
  Frame hundred(With(kStream, "rate", uint64_t{100}));
  EXPECT_EQ(ParseCpuLoad(hundred.request()).config.rate, 100u);
}

TEST(ParseCpuLoadTest, StorePercent_AboveHundred_BadRequest) {
  ExpectError<BadRequest>(With(kStream, "store_percent", uint64_t{101}), "'store_percent'");
}

TEST(ParseCpuLoadTest, Len_BelowFourOrNotWordGranular_BadRequest) {
  ExpectError<BadRequest>(With(kStream, "len", uint64_t{0}), "'len'");
  ExpectError<BadRequest>(With(kStream, "len", uint64_t{3}), "'len'");
  ExpectError<BadRequest>(With(kStream, "len", uint64_t{6}), "not a multiple of 4");
  Frame four(With(kStream, "len", uint64_t{4}));
  EXPECT_EQ(ParseCpuLoad(four.request()).config.len, 4u);
}

TEST(ParseCpuLoadTest, Addr_NotWordAligned_BadAddress) {
  ExpectError<BadAddress>(With(kStream, "addr", uint64_t{0x1002}), "0x1002 is not 4-byte aligned");
}

// ---- generator -------------------------------------------------------------------------------

CpuLoadConfig Config(CpuLoadPattern pattern, uint32_t rate, uint64_t addr, uint64_t len,
                     uint64_t seed, uint32_t store_percent = 0) {
  return CpuLoadConfig{pattern, rate, addr, len, seed, store_percent, /*cached=*/true};
}

TEST(CpuLoadGeneratorTest, None_Inactive) {
  CpuLoadGenerator g;
  EXPECT_FALSE(g.active());
  g.Configure(Config(CpuLoadPattern::kStream, 10, 0, 4, 1));
  EXPECT_TRUE(g.active());
  g.Configure(CpuLoadConfig{});
  EXPECT_FALSE(g.active());
}

TEST(CpuLoadGeneratorTest, Stream_WordsInOrder_WrapAtTheRegionEnd) {
  CpuLoadGenerator g;
  g.Configure(Config(CpuLoadPattern::kStream, 100, 0x2000, 12, 1));
  std::vector<uint64_t> addrs;
  for (int i = 0; i < 7; ++i) addrs.push_back(g.Next().addr);
  EXPECT_EQ(addrs, (std::vector<uint64_t>{0x2000, 0x2004, 0x2008, 0x2000, 0x2004, 0x2008, 0x2000}));
}

TEST(CpuLoadGeneratorTest, Random_UniformWordsInsideTheRegion) {
  constexpr uint64_t kBase = 0x10000;
  constexpr uint64_t kWords = 16;
  constexpr int kDraws = 16000;
  CpuLoadGenerator g;
  g.Configure(Config(CpuLoadPattern::kRandom, 100, kBase, 4 * kWords, 3));
  std::map<uint64_t, int> count;
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t a = g.Next().addr;
    ASSERT_GE(a, kBase);
    ASSERT_LT(a, kBase + 4 * kWords);
    ASSERT_EQ(a % 4, 0u);
    ++count[a];
  }
  ASSERT_EQ(count.size(), kWords);
  // 1000 expected per word, σ ≈ 31: ±200 is over 6σ
  for (const auto& [addr, n] : count) EXPECT_NEAR(n, kDraws / kWords, 200) << std::hex << addr;
}

// How many of `cycles` rolls of a generator configured with `rate` start an access.
int Starts(uint32_t rate, int cycles) {
  CpuLoadGenerator g;
  g.Configure(Config(CpuLoadPattern::kRandom, rate, 0, 4096, 9 + rate));
  int starts = 0;
  for (int i = 0; i < cycles; ++i) starts += g.Roll() ? 1 : 0;
  return starts;
}

TEST(CpuLoadGeneratorTest, Roll_RateHundred_Always) { EXPECT_EQ(Starts(100, 10000), 10000); }

TEST(CpuLoadGeneratorTest, Roll_RateOne_OneCycleInAHundred) {
  EXPECT_NEAR(Starts(1, 100000), 1000, 130);  // σ ≈ 31.5: 4σ
}

TEST(CpuLoadGeneratorTest, Roll_RateTwentyFive_AQuarterOfTheCycles) {
  EXPECT_NEAR(Starts(25, 100000), 25000, 550);  // σ ≈ 137: 4σ
}

TEST(CpuLoadGeneratorTest, StorePercent_ZeroHundredAndThirty) {
  CpuLoadGenerator g;
  g.Configure(Config(CpuLoadPattern::kStream, 100, 0, 64, 5, 0));
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(g.Next().store);
  g.Configure(Config(CpuLoadPattern::kStream, 100, 0, 64, 5, 100));
  std::set<uint32_t> data;
  for (int i = 0; i < 1000; ++i) {
    const CpuLoadAccess a = g.Next();
    ASSERT_TRUE(a.store);
    data.insert(a.wdata);
  }
  EXPECT_GT(data.size(), 990u);  // random data
  g.Configure(Config(CpuLoadPattern::kStream, 100, 0, 64, 5, 30));
  int stores = 0;
  for (int i = 0; i < 10000; ++i) stores += g.Next().store ? 1 : 0;
  EXPECT_NEAR(stores, 3000, 190);  // σ ≈ 46: 4σ
}

// Rolls and accesses as the port would take them: the sequence a generator produces.
std::vector<uint64_t> Trace(CpuLoadGenerator& g, int cycles) {
  std::vector<uint64_t> out;
  for (int c = 0; c < cycles; ++c) {
    if (!g.Roll()) continue;
    const CpuLoadAccess a = g.Next();
    out.push_back(uint64_t{static_cast<uint32_t>(c)} << 40 ^ a.addr ^ (a.store ? 1ull << 39 : 0) ^
                  uint64_t{a.wdata} << 2);
  }
  return out;
}

TEST(CpuLoadGeneratorTest, SameSeed_SameSequence_OtherSeedAnother_RestartRepeats) {
  const CpuLoadConfig c = Config(CpuLoadPattern::kRandom, 30, 0x4000, 4096, 1234, 40);
  CpuLoadGenerator a, b, other;
  a.Configure(c);
  b.Configure(c);
  CpuLoadConfig c2 = c;
  c2.seed = 1235;
  other.Configure(c2);
  const std::vector<uint64_t> first = Trace(a, 5000);
  EXPECT_EQ(first, Trace(b, 5000));
  EXPECT_NE(first, Trace(other, 5000));
  a.Restart();
  EXPECT_EQ(first, Trace(a, 5000));
  a.Configure(c);
  EXPECT_EQ(first, Trace(a, 5000));
}

TEST(CpuLoadGeneratorTest, Stream_Restart_BackToTheFirstWord) {
  CpuLoadGenerator g;
  g.Configure(Config(CpuLoadPattern::kStream, 100, 0x100, 64, 1));
  g.Next();
  g.Next();
  g.Restart();
  EXPECT_EQ(g.Next().addr, 0x100u);
}

// ---- statistics ------------------------------------------------------------------------------

TEST(CpuLoadStatsTest, Empty_AllZero) {
  CpuLoadStats s;
  EXPECT_EQ(s.accesses(), 0u);
  EXPECT_EQ(s.LatencyMean(), 0.0);
  EXPECT_EQ(s.Percentile(50), 0u);
  EXPECT_EQ(s.Percentile(99), 0u);
  EXPECT_EQ(s.latency_max(), 0u);
  EXPECT_EQ(s.stall_cycles(), 0u);
}

TEST(CpuLoadStatsTest, OneToHundred_NearestRankPercentilesMeanAndStalls) {
  CpuLoadStats s;
  for (uint64_t l = 100; l >= 1; --l) s.Add(l, l % 4 == 0);
  EXPECT_EQ(s.accesses(), 100u);
  EXPECT_EQ(s.stores(), 25u);
  EXPECT_EQ(s.loads(), 75u);
  EXPECT_EQ(s.Percentile(50), 50u);
  EXPECT_EQ(s.Percentile(99), 99u);
  EXPECT_EQ(s.Percentile(100), 100u);
  EXPECT_EQ(s.Percentile(1), 1u);
  EXPECT_EQ(s.latency_max(), 100u);
  EXPECT_DOUBLE_EQ(s.LatencyMean(), 50.5);
  EXPECT_EQ(s.stall_cycles(), 5050u - 100u);
}

TEST(CpuLoadStatsTest, FewAccesses_RankRoundsUp) {
  CpuLoadStats s;
  for (uint64_t l : {2, 2, 2, 40}) s.Add(l, false);
  EXPECT_EQ(s.Percentile(50), 2u);   // rank ceil(2.0) = 2
  EXPECT_EQ(s.Percentile(75), 2u);   // rank 3
  EXPECT_EQ(s.Percentile(76), 40u);  // rank ceil(3.04) = 4
  EXPECT_EQ(s.Percentile(99), 40u);
  CpuLoadStats one;
  one.Add(7, false);
  EXPECT_EQ(one.Percentile(50), 7u);
  EXPECT_EQ(one.Percentile(99), 7u);
}

TEST(CpuLoadStatsTest, Overflow_PercentileThereIsTheMaximum) {
  CpuLoadStats s;
  s.Add(3, false);
  s.Add(CpuLoadStats::kExactBins - 1, false);
  s.Add(CpuLoadStats::kExactBins + 5000, false);
  s.Add(CpuLoadStats::kExactBins + 10, false);
  EXPECT_EQ(s.Percentile(25), 3u);
  EXPECT_EQ(s.Percentile(50), CpuLoadStats::kExactBins - 1);
  EXPECT_EQ(s.Percentile(75), CpuLoadStats::kExactBins + 5000);
  EXPECT_EQ(s.latency_max(), CpuLoadStats::kExactBins + 5000);
}

TEST(CpuLoadStatsTest, Reset_ForgetsEverything) {
  CpuLoadStats s;
  for (uint64_t l : {1, 9, 70000, 12}) s.Add(l, true);
  s.Reset();
  EXPECT_EQ(s.accesses(), 0u);
  EXPECT_EQ(s.stores(), 0u);
  EXPECT_EQ(s.latency_max(), 0u);
  EXPECT_EQ(s.Percentile(99), 0u);
  s.Add(5, false);
  s.Add(6, false);
  EXPECT_EQ(s.Percentile(50), 5u);
  EXPECT_EQ(s.Percentile(99), 6u);
  EXPECT_EQ(s.latency_sum(), 11u);
}

TEST(CpuLoadStatsTest, ManyAccesses_RankWithoutOverflow) {
  CpuLoadStats s;
  for (int i = 0; i < 990; ++i) s.Add(2, false);
  for (int i = 0; i < 10; ++i) s.Add(30, false);
  EXPECT_EQ(s.Percentile(99), 2u);  // rank 990
  EXPECT_EQ(s.Percentile(100), 30u);
  s.Add(30, false);
  EXPECT_EQ(s.Percentile(99), 30u);  // rank ceil(990.99) = 991
}

}  // namespace
}  // namespace dmacosim
