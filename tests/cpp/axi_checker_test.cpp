// SPDX-License-Identifier: MIT
// axi_checker_test.cpp — AxiChecker fed synthetic per-cycle snapshots: for every rule, a cycle
// sequence that breaks it (the finding names the rule, the cycle and the transaction) and the
// legal sequence next to it (no finding). 64-bit data bus, 32-bit addresses, every check on.
#include "axi_checker.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace dmacosim {
namespace {

constexpr uint64_t kFirstCycle = 100;

AxiAddr Burst(uint64_t addr, uint32_t len, uint32_t id = 1, uint8_t size = 3,
              uint8_t burst = axi::kBurstIncr) {
  AxiAddr a;
  a.addr = addr;
  a.id = id;
  a.len = len;
  a.size = size;
  a.burst = burst;
  return a;
}

AxiSnapshot::Addr AddrValid(const AxiAddr& a, bool ready) {
  AxiSnapshot::Addr c;
  c.valid = true;
  c.ready = ready;
  c.beat = a;
  return c;
}

AxiSnapshot::W WValid(bool ready, bool last, uint64_t strb = 0xFF, uint8_t fill = 0x5A) {
  AxiSnapshot::W w;
  w.valid = true;
  w.ready = ready;
  w.last = last;
  w.strb = strb;
  w.data.fill(fill);
  return w;
}

AxiSnapshot::Resp RespValid(uint32_t id, bool last = true) {
  AxiSnapshot::Resp r;
  r.valid = true;
  r.ready = true;
  r.id = id;
  r.last = last;
  return r;
}

// Snapshots of a single channel; the others idle.
AxiSnapshot Ar(const AxiAddr& a, bool ready = true) {
  AxiSnapshot s;
  s.ar = AddrValid(a, ready);
  return s;
}
AxiSnapshot Aw(const AxiAddr& a, bool ready = true) {
  AxiSnapshot s;
  s.aw = AddrValid(a, ready);
  return s;
}
AxiSnapshot W(bool ready, bool last, uint64_t strb = 0xFF, uint8_t fill = 0x5A) {
  AxiSnapshot s;
  s.w = WValid(ready, last, strb, fill);
  return s;
}
AxiSnapshot R(uint32_t id, bool last = true) {
  AxiSnapshot s;
  s.r = RespValid(id, last);
  return s;
}
AxiSnapshot B(uint32_t id) {
  AxiSnapshot s;
  s.b = RespValid(id);
  return s;
}
AxiSnapshot Idle() { return AxiSnapshot{}; }

class AxiCheckerTest : public ::testing::Test {
 protected:
  static AxiCheckerConfig Config() {
    AxiCheckerConfig c;
    c.bus_bytes = 8;
    c.addr_width = 32;
    c.check_w_payload = true;
    c.check_responses = true;
    return c;
  }

  AxiCheckerTest() : checker_(Config()) {}

  // One clock that must raise no finding.
  void Clean(const AxiSnapshot& s) {
    const AxiCheckResult r = checker_.Step(s, cycle_++);
    ASSERT_TRUE(r.clean()) << "unexpected finding: " << r.first()->what();
  }

  // One clock whose first finding must be `rule`, at this cycle, naming `transaction`.
  void Violation(const AxiSnapshot& s, const std::string& rule, const std::string& transaction) {
    const uint64_t cycle = cycle_++;
    try {
      checker_.Check(s, cycle);
      FAIL() << "no finding at cycle " << cycle << " (expected " << rule << ")";
    } catch (const ProtocolViolation& v) {
      EXPECT_EQ(v.rule(), rule) << v.what();
      EXPECT_EQ(v.cycle(), cycle) << v.what();
      const std::string what = v.what();
      EXPECT_NE(what.find("[" + rule + "] at cycle " + std::to_string(cycle)), std::string::npos)
          << what;
      EXPECT_NE(what.find(transaction), std::string::npos)
          << "'" << what << "' does not name '" << transaction << "'";
    }
  }

  // A whole legal write: AW accepted, `beats` full-strobe W beats, WLAST on the last.
  void Write(const AxiAddr& a) {
    Clean(Aw(a));
    for (uint32_t beat = 0; beat < a.beats(); ++beat) Clean(W(true, beat + 1 == a.beats()));
  }

  AxiChecker checker_;
  uint64_t cycle_ = kFirstCycle;
};

// ---- configuration ---------------------------------------------------------------------------

TEST(AxiCheckerConfigTest, Constructor_BusBytesNotPowerOfTwo_Throws) {
  AxiCheckerConfig c;
  c.bus_bytes = 12;
  EXPECT_THROW(AxiChecker{c}, std::invalid_argument);
}

TEST(AxiCheckerConfigTest, Constructor_AddrWidthZero_Throws) {
  AxiCheckerConfig c;
  c.addr_width = 0;
  EXPECT_THROW(AxiChecker{c}, std::invalid_argument);
}

// ---- rule 1: VALID dropped before READY (master side) ------------------------------------------

TEST_F(AxiCheckerTest, ArValidDroppedBeforeReady_ReportsArStable) {
  Clean(Ar(Burst(0x1000, 15), /*ready=*/false));
  Violation(Idle(), "AR_STABLE", "ARVALID dropped before ARREADY: AR id=1 addr=0x00001000 len=15");
}

TEST_F(AxiCheckerTest, ArValidHeldUntilReady_Passes) {
  Clean(Ar(Burst(0x1000, 15), false));
  Clean(Ar(Burst(0x1000, 15), false));
  Clean(Ar(Burst(0x1000, 15), true));
  Clean(Idle());  // dropped after the handshake: legal
}

TEST_F(AxiCheckerTest, AwValidDroppedBeforeReady_ReportsAwStable) {
  Clean(Aw(Burst(0x2000, 3, 2), false));
  Violation(Idle(), "AW_STABLE", "AWVALID dropped before AWREADY: AW id=2 addr=0x00002000 len=3");
}

TEST_F(AxiCheckerTest, AwValidHeldUntilReady_Passes) {
  Clean(Aw(Burst(0x2000, 3, 2), false));
  Clean(Aw(Burst(0x2000, 3, 2), true));
  Clean(Idle());
}

TEST_F(AxiCheckerTest, WValidDroppedBeforeReady_ReportsWStable) {
  Clean(Aw(Burst(0x2000, 1, 2)));
  Clean(W(false, false));
  Violation(Idle(), "W_STABLE", "WVALID dropped before WREADY: AW id=2 addr=0x00002000 len=1");
}

TEST_F(AxiCheckerTest, WValidHeldUntilReady_Passes) {
  Clean(Aw(Burst(0x2000, 1, 2)));
  Clean(W(false, false));
  Clean(W(true, false));
  Clean(Idle());
  Clean(W(true, true));
  EXPECT_EQ(checker_.writes_expecting_w(), 0u);
}

// ---- rule 2: payload changed while VALID and not READY -----------------------------------------

TEST_F(AxiCheckerTest, ArAddrChangedWhileWaiting_ReportsArStable) {
  Clean(Ar(Burst(0x1000, 15), false));
  Violation(Ar(Burst(0x1040, 15), false), "AR_STABLE",
            "was AR id=1 addr=0x00001000 len=15 size=3 burst=INCR, now AR id=1 addr=0x00001040");
}

TEST_F(AxiCheckerTest, ArLenChangedWhileWaiting_ReportsArStable) {
  Clean(Ar(Burst(0x1000, 15), false));
  Violation(Ar(Burst(0x1000, 7), true), "AR_STABLE", "now AR id=1 addr=0x00001000 len=7");
}

TEST_F(AxiCheckerTest, ArPayloadChangedAfterHandshake_Passes) {
  Clean(Ar(Burst(0x1000, 15), false));
  Clean(Ar(Burst(0x1000, 15), true));
  Clean(Ar(Burst(0x1080, 7, 3), false));  // the next burst, right after the handshake
  Clean(Ar(Burst(0x1080, 7, 3), true));
}

TEST_F(AxiCheckerTest, AwPayloadChangedWhileWaiting_ReportsAwStable) {
  Clean(Aw(Burst(0x2000, 3, 2), false));
  Violation(Aw(Burst(0x2000, 3, 5), false), "AW_STABLE",
            "was AW id=2 addr=0x00002000 len=3 size=3 burst=INCR, now AW id=5");
}

TEST_F(AxiCheckerTest, WDataChangedWhileWaiting_ReportsWStable) {
  Clean(Aw(Burst(0x2000, 0, 2)));
  Clean(W(false, true, 0xFF, 0x11));
  Violation(W(false, true, 0xFF, 0x22), "W_STABLE", "AW id=2 addr=0x00002000 len=0");
}

TEST_F(AxiCheckerTest, WStrbChangedWhileWaiting_ReportsWStable) {
  Clean(Aw(Burst(0x2000, 0, 2)));
  Clean(W(false, true, 0xFF));
  Violation(W(true, true, 0x0F), "W_STABLE", "was WSTRB=0xff WLAST=1");
}

TEST_F(AxiCheckerTest, WLastChangedWhileWaiting_ReportsWStable) {
  Clean(Aw(Burst(0x2000, 1, 2)));
  Clean(W(false, false));
  Violation(W(false, true), "W_STABLE", "now WSTRB=0xff WLAST=1");
}

TEST_F(AxiCheckerTest, WPayloadHeldUntilReady_Passes) {
  Clean(Aw(Burst(0x2000, 1, 2)));
  Clean(W(false, false, 0xFF, 0x11));
  Clean(W(true, false, 0xFF, 0x11));
  Clean(W(false, true, 0xFF, 0x22));  // the next beat may differ
  Clean(W(true, true, 0xFF, 0x22));
}

TEST(AxiCheckerWPayloadOffTest, WDataChangedWhileWaiting_PassesWithoutPayloadCheck) {
  AxiCheckerConfig c;
  c.check_w_payload = false;  // as the DRAM model runs it
  AxiChecker checker(c);
  checker.Check(Aw(Burst(0x2000, 0, 2)), 1);
  checker.Check(W(false, true, 0xFF, 0x11), 2);
  EXPECT_NO_THROW(checker.Check(W(true, true, 0xFF, 0x22), 3));
}

// ---- rule 3: a burst across 4 KiB --------------------------------------------------------------

TEST_F(AxiCheckerTest, ArIncrAcross4KiB_Reports4KbBoundary) {
  // 2 beats of 8 bytes from 0x1ff8: bytes 0x1ff8..0x2007
  Violation(Ar(Burst(0x1FF8, 1, 4)), "4KB_BOUNDARY",
            "bytes 0x00001ff8..0x00002007): AR id=4 addr=0x00001ff8 len=1");
}

TEST_F(AxiCheckerTest, AwIncrAcross4KiB_Reports4KbBoundary) {
  Violation(Aw(Burst(0x3F00, 255, 6)), "4KB_BOUNDARY", "AW id=6 addr=0x00003f00 len=255");
}

TEST_F(AxiCheckerTest, IncrEndingAt4KiB_Passes) {
  Clean(Ar(Burst(0x1F00, 31)));    // 0x1f00..0x1fff
  Clean(Aw(Burst(0x1000, 255)));   // 0x1000..0x17ff
  Clean(Ar(Burst(0x1FFD, 0, 2)));  // unaligned single beat: its container ends at 0x1fff
}

TEST_F(AxiCheckerTest, RejectedBurst_IsNotTracked) {
  Violation(Ar(Burst(0x1FF8, 1, 4)), "4KB_BOUNDARY", "AR id=4");
  EXPECT_EQ(checker_.reads_outstanding(), 0u);
  Violation(R(4, false), "RID_UNEXPECTED", "R id=4");
}

// ---- rule 4: burst length ----------------------------------------------------------------------

TEST_F(AxiCheckerTest, IncrLongerThan256Beats_ReportsAxLen) {
  Violation(Ar(Burst(0x0, 256, 1, 0)), "AxLEN",
            "INCR burst longer than 256 beats: AR id=1 addr=0x00000000 len=256");
}

TEST_F(AxiCheckerTest, Incr256Beats_Passes) { Clean(Ar(Burst(0x0, 255, 1, 3))); }

TEST_F(AxiCheckerTest, FixedLongerThan16Beats_ReportsAxLen) {
  Violation(Aw(Burst(0x100, 16, 3, 3, axi::kBurstFixed)), "AxLEN",
            "FIXED burst longer than 16 beats: AW id=3 addr=0x00000100 len=16 size=3 burst=FIXED");
}

TEST_F(AxiCheckerTest, Fixed16Beats_Passes) { Clean(Aw(Burst(0x100, 15, 3, 3, axi::kBurstFixed))); }

TEST_F(AxiCheckerTest, WrapOf3Beats_ReportsAxLen) {
  Violation(Ar(Burst(0x100, 2, 1, 3, axi::kBurstWrap)), "AxLEN", "burst=WRAP");
}

TEST_F(AxiCheckerTest, WrapOf4Beats_Passes) { Clean(Ar(Burst(0x118, 3, 1, 3, axi::kBurstWrap))); }

// ---- the other burst-shape rules ---------------------------------------------------------------

TEST_F(AxiCheckerTest, SizeWiderThanBus_ReportsAxSize) {
  Violation(Ar(Burst(0x100, 0, 1, 4)), "AxSIZE", "16 bytes is wider than the 8-byte data bus");
}

TEST_F(AxiCheckerTest, WrapNotSizeAligned_ReportsWrapAlign) {
  Violation(Aw(Burst(0x104, 3, 1, 3, axi::kBurstWrap)), "WRAP_ALIGN", "AW id=1 addr=0x00000104");
}

TEST_F(AxiCheckerTest, ReservedBurstType_ReportsAxBurst) {
  Violation(Ar(Burst(0x100, 0, 1, 3, 3)), "AxBURST", "burst=reserved(3)");
}

// ---- rule 5: WLAST on the wrong beat -----------------------------------------------------------

TEST_F(AxiCheckerTest, WLastEarly_ReportsWLast) {
  Clean(Aw(Burst(0x2000, 3, 7)));
  Clean(W(true, false));
  Violation(W(true, true), "WLAST",
            "WLAST on beat 2 of 4: AW id=7 addr=0x00002000 len=3 size=3 burst=INCR (accepted at "
            "cycle 100)");
}

TEST_F(AxiCheckerTest, WLastMissingOnLastBeat_ReportsWLast) {
  Clean(Aw(Burst(0x2000, 1, 7)));
  Clean(W(true, false));
  Violation(W(true, false), "WLAST", "no WLAST on the last beat, beat 2 of 2: AW id=7");
}

TEST_F(AxiCheckerTest, WLastOnLastBeat_Passes) {
  Write(Burst(0x2000, 3, 7));
  Write(Burst(0x3000, 0, 8));
  EXPECT_EQ(checker_.writes_expecting_w(), 0u);
}

TEST_F(AxiCheckerTest, WBeatsBeforeTheirAw_CheckedWhenAwArrives) {
  Clean(W(true, false));
  Clean(W(true, false));  // 2 beats, no WLAST: the AW will say 2 beats
  EXPECT_EQ(checker_.early_w_beats(), 2u);
  Violation(Aw(Burst(0x2000, 1, 9)), "WLAST", "before its AW): AW id=9 addr=0x00002000 len=1");
}

TEST_F(AxiCheckerTest, WBeatsBeforeAndWithTheirAw_Pass) {
  Clean(W(true, false));
  AxiSnapshot both = Aw(Burst(0x2000, 1, 9));
  both.w = WValid(true, true);  // the last beat in the AW's own cycle
  Clean(both);
  EXPECT_EQ(checker_.early_w_beats(), 0u);
  EXPECT_EQ(checker_.writes_expecting_b(), 1u);
  Clean(B(9));
}

// ---- rule 6: WSTRB outside the addressed bytes -------------------------------------------------

TEST_F(AxiCheckerTest, NarrowWriteStrobeOutsideItsLane_ReportsWStrb) {
  // size 0 (1 byte) at 0x2003: only lane 3 is addressed
  Clean(Aw(Burst(0x2003, 0, 1, 0)));
  Violation(W(true, true, 0x18), "WSTRB",
            "WSTRB 0x18 outside the beat's byte lanes 0x8 on beat 1 of 1: AW id=1 "
            "addr=0x00002003 len=0 size=0");
}

TEST_F(AxiCheckerTest, NarrowWriteStrobeInItsLane_Passes) {
  Clean(Aw(Burst(0x2003, 1, 1, 0)));
  Clean(W(true, false, 0x08));  // beat 1 at 0x2003: lane 3
  Clean(W(true, true, 0x10));   // beat 2 at 0x2004: lane 4
}

TEST_F(AxiCheckerTest, UnalignedIncrFirstBeatFullStrobe_ReportsWStrb) {
  // size 3 at 0x2003: the first beat addresses lanes 3..7 only
  Clean(Aw(Burst(0x2003, 1, 1, 3)));
  Violation(W(true, false, 0xFF), "WSTRB", "outside the beat's byte lanes 0xf8 on beat 1 of 2");
}

TEST_F(AxiCheckerTest, UnalignedIncrStrobesFromItsAddress_Pass) {
  Clean(Aw(Burst(0x2003, 1, 1, 3)));
  Clean(W(true, false, 0xF8));
  Clean(W(true, true, 0xFF));  // later beats are aligned: every lane
}

TEST_F(AxiCheckerTest, RejectedWBeat_IsNotCounted) {
  Clean(Aw(Burst(0x2003, 0, 1, 0)));
  Violation(W(true, true, 0xFF), "WSTRB", "AW id=1");
  EXPECT_EQ(checker_.writes_expecting_w(), 1u);
  Clean(W(true, true, 0x08));
}

// ---- rule 7: responses (slave side) ------------------------------------------------------------

TEST_F(AxiCheckerTest, RWithNoReadOutstanding_ReportsRidUnexpected) {
  Violation(R(3), "RID_UNEXPECTED", "no read with ID 3 is outstanding (0 reads outstanding)");
}

TEST_F(AxiCheckerTest, RForAnotherId_ReportsRidUnexpected) {
  Clean(Ar(Burst(0x1000, 0, 1)));
  Violation(R(2), "RID_UNEXPECTED", "RID=2 RRESP=0 RLAST=1 but no read with ID 2");
}

TEST_F(AxiCheckerTest, RInTheCycleOfItsAr_ReportsRidUnexpected) {
  AxiSnapshot s = Ar(Burst(0x1000, 0, 1));
  s.r = RespValid(1);
  Violation(s, "RID_UNEXPECTED", "R id=1");
}

TEST_F(AxiCheckerTest, ROfOutstandingReads_PassesAcrossIds) {
  Clean(Ar(Burst(0x1000, 1, 1)));
  Clean(Ar(Burst(0x2000, 0, 2)));
  Clean(R(2));  // another ID may overtake
  Clean(R(1, false));
  Clean(R(1, true));
  EXPECT_EQ(checker_.reads_outstanding(), 0u);
}

TEST_F(AxiCheckerTest, RLastEarly_ReportsRLast) {
  Clean(Ar(Burst(0x1000, 3, 5)));
  Clean(R(5, false));
  Violation(R(5, true), "RLAST",
            "RLAST on beat 2 of 4: AR id=5 addr=0x00001000 len=3 size=3 burst=INCR (accepted at "
            "cycle 100)");
}

TEST_F(AxiCheckerTest, RLastMissingOnLastBeat_ReportsRLast) {
  Clean(Ar(Burst(0x1000, 0, 5)));
  Violation(R(5, false), "RLAST", "no RLAST on the last beat, beat 1 of 1: AR id=5");
}

TEST_F(AxiCheckerTest, BWithNoWriteOutstanding_ReportsBidUnexpected) {
  Violation(B(4), "BID_UNEXPECTED", "no write with ID 4 has its AW and last W beat in");
}

TEST_F(AxiCheckerTest, BBeforeLastWBeat_ReportsBidUnexpected) {
  Clean(Aw(Burst(0x2000, 1, 4)));
  Clean(W(true, false));
  Violation(B(4), "BID_UNEXPECTED", "(0 writes waiting for B, 1 expecting W beats): B id=4");
}

TEST_F(AxiCheckerTest, BAfterLastWBeat_Passes) {
  Write(Burst(0x2000, 1, 4));
  Write(Burst(0x3000, 0, 6));
  Clean(B(6));
  Clean(B(4));
  EXPECT_EQ(checker_.writes_expecting_b(), 0u);
}

TEST_F(AxiCheckerTest, ResponseNotTaken_IsNotChecked) {
  AxiSnapshot s = R(3);
  s.r.ready = false;
  s.b = RespValid(3);
  s.b.ready = false;
  Clean(s);
}

// ---- reporting ---------------------------------------------------------------------------------

TEST_F(AxiCheckerTest, SeveralFindingsInOneCycle_FirstInOrderRBWArAw) {
  Clean(Ar(Burst(0x1000, 0, 1), false));
  AxiSnapshot s = Aw(Burst(0x1FF8, 1, 2));  // 4KB_BOUNDARY on AW
  s.r = RespValid(9);                       // RID_UNEXPECTED on R; ARVALID dropped: AR_STABLE
  const AxiCheckResult r = checker_.Step(s, cycle_);
  ASSERT_NE(r.first(), nullptr);
  EXPECT_EQ(r.first()->rule(), "RID_UNEXPECTED");
  ASSERT_TRUE(r.finding(AxiChannel::kAr).has_value());
  EXPECT_EQ(r.finding(AxiChannel::kAr)->rule(), "AR_STABLE");
  EXPECT_FALSE(r.rejected(AxiChannel::kAr));
  ASSERT_TRUE(r.finding(AxiChannel::kAw).has_value());
  EXPECT_EQ(r.finding(AxiChannel::kAw)->rule(), "4KB_BOUNDARY");
  EXPECT_TRUE(r.rejected(AxiChannel::kAw));
}

TEST_F(AxiCheckerTest, MalformedBurstWhileUnstable_ReportsTheShapeRule) {
  Clean(Ar(Burst(0x1000, 0, 1), false));
  const AxiCheckResult r = checker_.Step(Ar(Burst(0x1FF8, 1, 1)), cycle_);
  ASSERT_NE(r.first(), nullptr);
  EXPECT_EQ(r.first()->rule(), "4KB_BOUNDARY");
  EXPECT_TRUE(r.rejected(AxiChannel::kAr));
}

TEST_F(AxiCheckerTest, Reset_ForgetsWaitingValidsAndBursts) {
  AxiSnapshot s = Ar(Burst(0x1000, 0, 1), false);
  s.aw = AddrValid(Burst(0x2000, 0, 1), true);
  Clean(s);
  checker_.Reset();
  Clean(Idle());  // the dropped ARVALID is not a finding after a reset
  EXPECT_EQ(checker_.writes_expecting_w(), 0u);
  Clean(W(true, true));  // no AW expects it any more: it waits for its AW
  EXPECT_EQ(checker_.early_w_beats(), 1u);
}

}  // namespace
}  // namespace dmacosim
