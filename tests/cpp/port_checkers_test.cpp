// SPDX-License-Identifier: MIT
// port_checkers_test.cpp — the checkers of the two ports the harness watches, built exactly as the
// harness builds them (PortCheckerConfig): a finding names its port ("dma port" for the DMA side
// of the arbiter, "dram port" for m_axi) with its rule, cycle and transaction; the DMA port also
// compares W data; the counts behind `stats` checker.
#include "port_checkers.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "axi_checker.h"
#include "protocol.h"

namespace dmacosim {
namespace {

constexpr unsigned kBusBytes = 8;
constexpr unsigned kAddrWidth = 32;

AxiSnapshot ArHandshake(uint64_t addr, uint32_t len) {
  AxiSnapshot s;
  s.ar.valid = s.ar.ready = true;
  s.ar.beat.addr = addr;
  s.ar.beat.id = 1;
  s.ar.beat.len = len;
  s.ar.beat.size = 3;
  return s;
}

AxiSnapshot AwHandshake(uint64_t addr, uint32_t len) {
  AxiSnapshot s = ArHandshake(addr, len);
  std::swap(s.ar, s.aw);
  return s;
}

AxiSnapshot WBeat(bool ready, bool last, uint8_t fill) {
  AxiSnapshot s;
  s.w.valid = true;
  s.w.ready = ready;
  s.w.last = last;
  s.w.strb = 0xFF;
  s.w.data.fill(fill);
  return s;
}

// The finding `checker` reports for `bus` at `cycle` (fails the test when there is none).
ProtocolViolation FindingOf(AxiChecker& checker, const AxiSnapshot& bus, uint64_t cycle) {
  try {
    checker.Check(bus, cycle);
  } catch (const ProtocolViolation& v) {
    return v;
  }
  ADD_FAILURE() << "no finding at cycle " << cycle;
  return ProtocolViolation("", "", cycle, "");
}

TEST(PortCheckersTest, DmaPort_BurstAcross4KiB_FindingNamesTheDmaPortRuleCycleAndBurst) {
  AxiChecker checker(PortCheckerConfig(proto::port::kDma, kBusBytes, kAddrWidth));

  const ProtocolViolation v = FindingOf(checker, ArHandshake(0xFF8, 1), 1234);

  EXPECT_EQ(v.port(), "dma port");
  EXPECT_EQ(v.rule(), axi_rule::k4KBoundary);
  EXPECT_EQ(v.cycle(), 1234u);
  EXPECT_EQ(v.code(), proto::ErrorCode::kSimError);
  const std::string what = v.what();
  EXPECT_EQ(what.rfind("AXI protocol violation on the dma port [4KB_BOUNDARY] at cycle 1234: ", 0),
            0u)
      << what;
  EXPECT_NE(what.find("AR id=1 addr=0x00000ff8 len=1 size=3 burst=INCR"), std::string::npos)
      << what;
}

TEST(PortCheckersTest, DramPort_SameBurst_FindingNamesTheDramPort) {
  AxiChecker checker(PortCheckerConfig(proto::port::kDram, kBusBytes, kAddrWidth));

  const ProtocolViolation v = FindingOf(checker, ArHandshake(0xFF8, 1), 1234);

  EXPECT_EQ(v.port(), "dram port");
  EXPECT_EQ(
      std::string(v.what()).rfind("AXI protocol violation on the dram port [4KB_BOUNDARY]", 0), 0u)
      << v.what();
}

TEST(PortCheckersTest, UnnamedPort_Finding_MessageWithoutAPort) {
  AxiChecker checker(AxiCheckerConfig{});

  const ProtocolViolation v = FindingOf(checker, ArHandshake(0xFF8, 1), 7);

  EXPECT_EQ(v.port(), "");
  EXPECT_EQ(std::string(v.what()).rfind("AXI protocol violation [4KB_BOUNDARY] at cycle 7: ", 0),
            0u)
      << v.what();
}

TEST(PortCheckersTest, DmaPort_WDataChangedWhileWaiting_ReportsWStable) {
  AxiChecker checker(PortCheckerConfig(proto::port::kDma, kBusBytes, kAddrWidth));
  checker.Check(AwHandshake(0x1000, 0), 10);
  checker.Check(WBeat(/*ready=*/false, /*last=*/true, 0x11), 11);

  const ProtocolViolation v = FindingOf(checker, WBeat(true, true, 0x22), 12);

  EXPECT_EQ(v.port(), "dma port");
  EXPECT_EQ(v.rule(), axi_rule::kWStable);
}

TEST(PortCheckersTest, DramPort_WDataChangedWhileWaiting_NotCompared) {
  AxiChecker checker(PortCheckerConfig(proto::port::kDram, kBusBytes, kAddrWidth));
  checker.Check(AwHandshake(0x1000, 0), 10);
  checker.Check(WBeat(false, true, 0x11), 11);

  EXPECT_TRUE(checker.Step(WBeat(true, true, 0x22), 12).clean());
}

TEST(PortCheckersTest, Counts_BurstsAndFindings_CountedUntilResetCountsNotByReset) {
  AxiChecker checker(PortCheckerConfig(proto::port::kDma, kBusBytes, kAddrWidth));
  AxiSnapshot waiting = ArHandshake(0x2000, 3);
  waiting.ar.ready = false;

  checker.Check(waiting, 1);                                     // no handshake: not counted
  checker.Check(ArHandshake(0x2000, 3), 2);                      // read 1
  checker.Check(AwHandshake(0x3000, 0), 3);                      // write 1
  checker.Check(WBeat(true, true, 0), 4);                        // its W beat
  EXPECT_TRUE(!checker.Step(ArHandshake(0xFF8, 1), 5).clean());  // read 2, a finding
  checker.Reset();                                               // a bus reset keeps the counts

  EXPECT_EQ(checker.counts().reads, 2u);
  EXPECT_EQ(checker.counts().writes, 1u);
  EXPECT_EQ(checker.counts().findings, 1u);
  checker.ResetCounts();
  EXPECT_EQ(checker.counts().reads + checker.counts().writes + checker.counts().findings, 0u);
}

}  // namespace
}  // namespace dmacosim
