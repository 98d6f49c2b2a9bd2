// SPDX-License-Identifier: MIT
// limit_checker_test.cpp — each configured-limit rule of the DMA port (cosim/limit_checker.h) with
// a legal trace and one that breaks it; the configuration is learnt from AXI-Lite writes exactly
// as the harness's master makes them; the counts behind `stats`.
#include "limit_checker.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "reg_map.h"

namespace dmacosim {
namespace {

AxiAddr Burst(uint64_t addr, uint32_t beats, uint8_t burst = axi::kBurstIncr) {
  return AxiAddr{addr, 1, beats - 1, 3, burst};
}

// A checker fed cycle by cycle; findings collected.
class Rig {
 public:
  explicit Rig(unsigned max_outstanding = 4)
      : c_("dma port", LimitBuild{256, max_outstanding}, 32) {}

  // One cycle; returns its finding (if any) and records every one.
  std::optional<ProtocolViolation> Step(const AxiSnapshot& bus, LimitSample s) {
    s.dma_idle = s.dma_idle && !busy_;
    auto f = c_.Step(bus, s, cycle_++);
    if (f) rules_ += std::string(rules_.empty() ? "" : ",") + f->rule();
    return f;
  }
  std::optional<ProtocolViolation> Step(const AxiSnapshot& bus) { return Step(bus, LimitSample{}); }
  void Idle(unsigned n) {
    for (unsigned i = 0; i < n; ++i) Step(AxiSnapshot{});
  }
  // The harness's AXI-Lite write: AW and W in one cycle, B in the next.
  void Write(uint32_t offset, uint32_t data, uint32_t strb = 0xF) {
    LimitSample s;
    s.axil_aw = s.axil_w = true;
    s.axil_awaddr = offset;
    s.axil_wdata = data;
    s.axil_wstrb = strb;
    Step(AxiSnapshot{}, s);
    LimitSample b;
    b.axil_b = true;
    Step(AxiSnapshot{}, b);
  }
  void Read(uint32_t offset, uint32_t data) {
    LimitSample s;
    s.axil_ar = true;
    s.axil_araddr = offset;
    Step(AxiSnapshot{}, s);
    LimitSample r;
    r.axil_r = true;
    r.axil_rdata = data;
    Step(AxiSnapshot{}, r);
  }
  void XferCtrl(unsigned mode, unsigned max_burst, unsigned max_out) {
    Write(kExtXferCtrlOffset, (mode << kExtXferCtrlModeLsb) |
                                  ((max_burst - 1) << kExtXferCtrlMaxBurstM1Lsb) |
                                  (max_out << kExtXferCtrlMaxOutLsb));
  }
  void StealCfg(unsigned beats, unsigned idle) {
    Write(kExtStealCfgOffset, (beats << kExtStealCfgBeatsLsb) | (idle << kExtStealCfgIdleLsb));
  }

  // A request accepted in the cycle it appears.
  std::optional<ProtocolViolation> Ar(const AxiAddr& a, LimitSample s = {}) {
    AxiSnapshot b;
    b.ar.valid = b.ar.ready = true;
    b.ar.beat = a;
    return Step(b, s);
  }
  std::optional<ProtocolViolation> Aw(const AxiAddr& a, LimitSample s = {}) {
    AxiSnapshot b;
    b.aw.valid = b.aw.ready = true;
    b.aw.beat = a;
    return Step(b, s);
  }
  void RLast() {
    AxiSnapshot b;
    b.r.valid = b.r.ready = true;
    b.r.id = 1;
    Step(b);
  }
  void WLast() {
    AxiSnapshot b;
    b.w.valid = b.w.ready = b.w.last = true;
    Step(b);
  }
  void BResp() {
    AxiSnapshot b;
    b.b.valid = b.b.ready = true;
    b.b.id = 1;
    Step(b);
  }
  void SetBusy(bool busy) { busy_ = busy; }

  LimitChecker& checker() { return c_; }
  const std::string& rules() const { return rules_; }
  uint64_t cycle() const { return cycle_; }

 private:
  LimitChecker c_;
  uint64_t cycle_ = 100;
  bool busy_ = false;
  std::string rules_;
};

// ---- MAX_OUTSTANDING

TEST(LimitCheckerTest, MaxOutstanding_ConfiguredTwoAndTwoInFlight_Legal) {
  Rig r;
  r.XferCtrl(kXferModeBurst, 256, 2);
  r.SetBusy(true);
  r.Ar(Burst(0x1000, 8));
  r.Ar(Burst(0x1040, 8));
  r.RLast();
  r.Ar(Burst(0x1080, 8));
  r.Aw(Burst(0x2000, 8));
  r.Aw(Burst(0x2040, 8));
  EXPECT_EQ(r.rules(), "");
  EXPECT_EQ(r.checker().reads_in_flight(), 2u);
  EXPECT_EQ(r.checker().stats().max_writes_in_flight, 2u);
}

TEST(LimitCheckerTest, MaxOutstanding_ThirdReadWithTwoConfigured_Finding) {
  Rig r;
  r.XferCtrl(kXferModeBurst, 256, 2);
  r.SetBusy(true);
  r.Ar(Burst(0x1000, 8));
  r.Ar(Burst(0x1040, 8));
  const auto f = r.Ar(Burst(0x1080, 8));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kMaxOutstanding);
  EXPECT_NE(std::string(f->what()).find("3 read bursts in flight (max outstanding 2"),
            std::string::npos)
      << f->what();
}

TEST(LimitCheckerTest, MaxOutstanding_WritesBeyondTheBuildsLimit_FindingClampedConfig) {
  Rig r(4);
  r.XferCtrl(kXferModeBurst, 256, 200);  // clamps to MAX_OUTSTANDING 4
  EXPECT_EQ(r.checker().config().max_out, 4u);
  r.SetBusy(true);
  for (unsigned i = 0; i < 4; ++i) EXPECT_FALSE(r.Aw(Burst(0x2000 + 0x40 * i, 8)).has_value());
  const auto f = r.Aw(Burst(0x2100, 8));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kMaxOutstanding);
}

// ---- MAX_BURST_LEN

TEST(LimitCheckerTest, MaxBurstLen_BurstModeAtTheLimit_LegalOneBeyond_Finding) {
  Rig r;
  r.XferCtrl(kXferModeBurst, 16, 4);
  r.SetBusy(true);
  EXPECT_FALSE(r.Ar(Burst(0x1000, 16)).has_value());
  r.RLast();
  const auto f = r.Aw(Burst(0x2000, 17));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kMaxBurstLen);
  EXPECT_NE(std::string(f->what()).find("AW of 17 beats, burst mode allows 16"), std::string::npos)
      << f->what();
}

TEST(LimitCheckerTest, MaxBurstLen_CycleStealingBeatsPerGrant_LimitIsTheSmaller) {
  Rig r;
  r.XferCtrl(kXferModeCycleStealing, 32, 4);
  r.StealCfg(4, 0);
  r.SetBusy(true);
  EXPECT_FALSE(r.Ar(Burst(0x1000, 4)).has_value());
  r.RLast();
  const auto f = r.Ar(Burst(0x1020, 5));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kMaxBurstLen);
}

TEST(LimitCheckerTest, MaxBurstLen_TransparentOneBeat_LegalTwo_Finding) {
  Rig r;
  r.XferCtrl(kXferModeTransparent, 256, 4);
  r.SetBusy(true);
  EXPECT_FALSE(r.Ar(Burst(0x1000, 1)).has_value());
  const auto f = r.Ar(Burst(0x1008, 2));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kMaxBurstLen);
}

// ---- STEAL_IDLE

TEST(LimitCheckerTest, StealIdle_GapOfTheConfiguredCycles_Legal) {
  Rig r;
  r.XferCtrl(kXferModeCycleStealing, 256, 4);
  r.StealCfg(8, 3);
  r.SetBusy(true);
  r.Ar(Burst(0x1000, 8));
  r.RLast();
  r.Idle(3);
  EXPECT_FALSE(r.Ar(Burst(0x1040, 8)).has_value());
  r.Aw(Burst(0x2000, 8));
  r.WLast();
  r.Idle(3);
  EXPECT_FALSE(r.Aw(Burst(0x2040, 8)).has_value());
  EXPECT_EQ(r.rules(), "");
}

TEST(LimitCheckerTest, StealIdle_OneCycleShort_Finding) {
  Rig r;
  r.XferCtrl(kXferModeCycleStealing, 256, 4);
  r.StealCfg(8, 3);
  r.SetBusy(true);
  r.Aw(Burst(0x2000, 8));
  r.WLast();
  r.Idle(2);
  const auto f = r.Aw(Burst(0x2040, 8));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kStealIdle);
  EXPECT_NE(std::string(f->what()).find("AW started 2 idle cycles after the WLAST"),
            std::string::npos)
      << f->what();
}

TEST(LimitCheckerTest, StealIdle_SecondReadWhileTheFirstIsInFlight_Finding) {
  Rig r;
  r.XferCtrl(kXferModeCycleStealing, 256, 4);
  r.StealCfg(8, 0);
  r.SetBusy(true);
  r.Ar(Burst(0x1000, 8));
  const auto f = r.Ar(Burst(0x1040, 8));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kStealIdle);
}

TEST(LimitCheckerTest, StealIdle_SnoopModeOn_NotChecked) {
  Rig r;
  r.XferCtrl(kXferModeCycleStealing, 256, 4);
  r.StealCfg(8, 3);
  r.Write(kMonCtrlOffset, kMonCtrlSnoopEn);
  r.SetBusy(true);
  r.Ar(Burst(0x1000, 8));
  r.RLast();
  EXPECT_FALSE(r.Ar(Burst(0x1040, 8)).has_value());
}

// ---- TRANSPARENT_CPU_BUSY

TEST(LimitCheckerTest, Transparent_StartWhileTheCpuIsQuiet_LegalAndHeldThroughItsRequest) {
  Rig r;
  r.XferCtrl(kXferModeTransparent, 256, 4);
  r.SetBusy(true);
  EXPECT_FALSE(r.Ar(Burst(0x1000, 1)).has_value());
  AxiSnapshot waiting;
  waiting.aw.valid = true;
  waiting.aw.beat = Burst(0x2000, 1);
  EXPECT_FALSE(r.Step(waiting).has_value());
  LimitSample cpu;
  cpu.cpu_arvalid = true;
  waiting.aw.ready = true;  // presented before the CPU asked: held, then taken
  EXPECT_FALSE(r.Step(waiting, cpu).has_value());
}

TEST(LimitCheckerTest, Transparent_StartInTheCacheLookUpCycle_Finding) {
  Rig r;
  r.XferCtrl(kXferModeTransparent, 256, 4);
  r.SetBusy(true);
  LimitSample take;
  take.cpu_take = true;
  r.Step(AxiSnapshot{}, take);
  const auto f = r.Ar(Burst(0x1000, 1));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kTransparentCpuBusy);
  EXPECT_NE(std::string(f->what()).find("look-up"), std::string::npos) << f->what();
}

TEST(LimitCheckerTest, Transparent_AwWhileCpuWValid_Finding) {
  Rig r;
  r.XferCtrl(kXferModeTransparent, 256, 4);
  r.SetBusy(true);
  LimitSample cpu;
  cpu.cpu_wvalid = true;
  const auto f = r.Aw(Burst(0x2000, 1), cpu);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kTransparentCpuBusy);
}

TEST(LimitCheckerTest, Transparent_BurstMode_CpuBusyNotChecked) {
  Rig r;
  r.SetBusy(true);
  LimitSample cpu;
  cpu.cpu_arvalid = true;
  EXPECT_FALSE(r.Ar(Burst(0x1000, 1), cpu).has_value());
}

// ---- KEYHOLE_FIXED

TEST(LimitCheckerTest, Keyhole_EveryBurstFixedAtOneAddress_Legal) {
  Rig r;
  r.Write(kCdmacrOffset, (1u << kCdmacrKeyHoleRdBit) | (1u << kCdmacrKeyHoleWrBit));
  r.Write(kBttOffset, 4096);
  r.SetBusy(true);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(r.Ar(Burst(0x1004, 16, axi::kBurstFixed)).has_value());
    EXPECT_FALSE(r.Aw(Burst(0x8000, 16, axi::kBurstFixed)).has_value());
    r.RLast();
    r.BResp();
  }
  EXPECT_EQ(r.rules(), "");
}

TEST(LimitCheckerTest, Keyhole_SecondBurstAtAnotherAddress_Finding) {
  Rig r;
  r.Write(kCdmacrOffset, 1u << kCdmacrKeyHoleWrBit);
  r.Write(kBttOffset, 4096);
  r.SetBusy(true);
  r.Aw(Burst(0x8000, 16, axi::kBurstFixed));
  const auto f = r.Aw(Burst(0x8080, 16, axi::kBurstFixed));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kKeyholeFixed);
}

TEST(LimitCheckerTest, Keyhole_IncrReadInKeyholeRead_Finding) {
  Rig r;
  r.Write(kCdmacrOffset, 1u << kCdmacrKeyHoleRdBit);
  r.SetBusy(true);
  const auto f = r.Ar(Burst(0x1000, 4));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kKeyholeFixed);
}

TEST(LimitCheckerTest, Keyhole_SgDescriptorFetchBetweenTransfers_StartsANewAddress) {
  Rig r;
  r.Write(kCdmacrOffset, (1u << kCdmacrSgModeBit) | (1u << kCdmacrKeyHoleRdBit));
  r.Write(kTaildescOffset, 0x40);
  r.SetBusy(true);
  EXPECT_FALSE(r.Ar(Burst(0x0, 8)).has_value());  // descriptor 0
  r.RLast();
  EXPECT_FALSE(r.Ar(Burst(0x1000, 16, axi::kBurstFixed)).has_value());
  r.RLast();
  EXPECT_FALSE(r.Ar(Burst(0x40, 8)).has_value());  // descriptor 1
  r.RLast();
  EXPECT_FALSE(r.Ar(Burst(0x3000, 16, axi::kBurstFixed)).has_value());
  r.RLast();
  EXPECT_TRUE(r.Ar(Burst(0x3008, 16, axi::kBurstFixed)).has_value());
}

// ---- ARB_FAIRNESS

TEST(LimitCheckerTest, Fairness_CpuWaitsForOneDmaGrant_LegalAndCounted) {
  Rig r;
  AxiSnapshot dma;
  dma.ar.valid = dma.ar.ready = true;
  dma.ar.beat = Burst(0x1000, 1);
  LimitSample cpu;
  cpu.cpu_arvalid = true;
  EXPECT_FALSE(r.Step(dma, cpu).has_value());  // the DMA's, already on the bus
  r.Step(AxiSnapshot{}, cpu);
  cpu.cpu_arready = true;
  r.Step(AxiSnapshot{}, cpu);
  const LimitStats& s = r.checker().stats();
  const auto ar = static_cast<unsigned>(ArbChannel::kAr);
  EXPECT_EQ(s.grants[ar][static_cast<unsigned>(ArbMaster::kCpu)], 1u);
  EXPECT_EQ(s.grants[ar][static_cast<unsigned>(ArbMaster::kDma)], 1u);
  EXPECT_EQ(s.max_wait[ar][static_cast<unsigned>(ArbMaster::kCpu)], 2u);
  EXPECT_EQ(r.rules(), "");
}

TEST(LimitCheckerTest, Fairness_CpuPassedOverTwiceOnAr_FindingNamesChannelMasterCycles) {
  Rig r;
  AxiSnapshot dma;
  dma.ar.valid = dma.ar.ready = true;
  dma.ar.beat = Burst(0x1000, 1);
  LimitSample cpu;
  cpu.cpu_arvalid = true;
  r.Step(dma, cpu);
  r.Step(AxiSnapshot{}, cpu);
  dma.ar.beat = Burst(0x1008, 1);
  const auto f = r.Step(dma, cpu);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kArbFairness);
  EXPECT_NE(std::string(f->what()).find("AR: the cpu has waited 2 cycles"), std::string::npos)
      << f->what();
}

TEST(LimitCheckerTest, Fairness_DmaPassedOverThreeTimesOnAw_Finding) {
  Rig r;
  AxiSnapshot dma;
  dma.aw.valid = true;
  dma.aw.beat = Burst(0x2000, 1);
  LimitSample cpu;
  cpu.cpu_awvalid = cpu.cpu_awready = true;
  EXPECT_FALSE(r.Step(dma, cpu).has_value());
  EXPECT_FALSE(r.Step(dma, cpu).has_value());
  const auto f = r.Step(dma, cpu);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kArbFairness);
  EXPECT_NE(std::string(f->what()).find("AW: the dma"), std::string::npos) << f->what();
}

// ---- when a configuration applies

TEST(LimitCheckerTest, Config_LoweredMidTransfer_LooseUntilTheDmaIsQuiescent) {
  Rig r;
  r.SetBusy(true);
  r.Ar(Burst(0x1000, 256));
  r.XferCtrl(kXferModeBurst, 16, 4);  // the running transfer may keep its length
  EXPECT_FALSE(r.Ar(Burst(0x1800, 256)).has_value());
  r.RLast();
  r.RLast();
  r.SetBusy(false);
  r.Idle(1);  // quiescent: the new limit holds from here
  EXPECT_EQ(r.checker().bounds().max_burst, 16u);
  r.SetBusy(true);
  EXPECT_TRUE(r.Ar(Burst(0x2000, 17)).has_value());
}

TEST(LimitCheckerTest, Config_WrittenDuringASoftReset_OnlyLoosens) {
  Rig r;
  r.Write(kCdmacrOffset, 1u << kCdmacrResetBit);
  r.XferCtrl(kXferModeBurst, 16, 4);  // may be ignored by the RTL
  r.Read(kCdmacrOffset, 0);           // the reset is over
  r.Idle(1);
  EXPECT_EQ(r.checker().bounds().max_burst, 256u);
  r.SetBusy(true);
  EXPECT_FALSE(r.Ar(Burst(0x2000, 256)).has_value());
}

TEST(LimitCheckerTest, Config_ByteStrobes_MergedIntoTheValueInEffect) {
  Rig r;
  r.XferCtrl(kXferModeCycleStealing, 64, 3);
  r.Write(kExtXferCtrlOffset, 0x00000F00, 0x2);  // only max burst - 1
  EXPECT_EQ(r.checker().config().mode, kXferModeCycleStealing);
  EXPECT_EQ(r.checker().config().max_burst, 16u);
  EXPECT_EQ(r.checker().config().max_out, 3u);
  r.Write(kExtXferCtrlOffset, 0x00000003, 0x1);  // mode 3 keeps the mode
  EXPECT_EQ(r.checker().config().mode, kXferModeCycleStealing);
  r.Write(kExtStealCfgOffset, 0);  // beats 0 stores 1
  EXPECT_EQ(r.checker().config().steal_beats, 1u);
}

// ---- HALT_ON_ERROR: the data mover after an error response

namespace {

LimitSample DataMover(bool ar, bool aw) {
  LimitSample s;
  s.dma_idle = false;
  s.dp_arvalid = s.dp_arready = ar;
  s.dp_awvalid = s.dp_awready = aw;
  return s;
}

LimitSample ErrorResponse(bool read, uint8_t resp) {
  LimitSample s = DataMover(false, false);
  (read ? s.dp_r : s.dp_b) = true;
  (read ? s.dp_rresp : s.dp_bresp) = resp;
  return s;
}

}  // namespace

TEST(LimitCheckerTest, HaltOnError_RequestsWithinTheLatency_LegalAfterIt_Finding) {
  Rig r;
  r.Step(AxiSnapshot{}, DataMover(true, true));   // before any error: anything
  r.Step(AxiSnapshot{}, ErrorResponse(true, 2));  // R SLVERR at cycle 101
  r.Step(AxiSnapshot{}, DataMover(false, true));  // +1: decided before the halt
  r.Step(AxiSnapshot{}, DataMover(true, false));  // +2: still legal
  EXPECT_EQ(r.rules(), "");
  const auto f = r.Step(AxiSnapshot{}, DataMover(false, true));  // +3: a new AW
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), limit_rule::kHaltOnError);
  EXPECT_NE(std::string(f->what()).find("new AW 3 cycles after the R SLVERR of cycle 101"),
            std::string::npos)
      << f->what();
}

TEST(LimitCheckerTest, HaltOnError_ValidHeldFromBeforeTheHalt_NotNew_Legal) {
  Rig r;
  r.Step(AxiSnapshot{}, ErrorResponse(false, 3));  // B DECERR
  LimitSample wait = DataMover(false, false);
  wait.dp_awvalid = true;  // an AW raised in time, waiting for AWREADY
  r.Step(AxiSnapshot{}, wait);
  r.Step(AxiSnapshot{}, wait);
  r.Step(AxiSnapshot{}, wait);
  r.Step(AxiSnapshot{}, DataMover(false, true));  // ... and taken: not a new request
  EXPECT_EQ(r.rules(), "");
  r.Step(AxiSnapshot{}, DataMover(true, false));  // a new AR afterwards is
  EXPECT_EQ(r.rules(), "HALT_ON_ERROR");
}

TEST(LimitCheckerTest, HaltOnError_NewCommandOrReset_EndsTheHalt_OkayAndExokayAreNoErrors) {
  Rig r;
  r.Step(AxiSnapshot{}, ErrorResponse(true, 2));
  r.Idle(5);
  LimitSample cmd = DataMover(false, false);
  cmd.dp_cmd = true;  // the next transfer (after a soft reset)
  r.Step(AxiSnapshot{}, cmd);
  r.Idle(5);
  r.Step(AxiSnapshot{}, DataMover(true, true));
  r.Step(AxiSnapshot{}, ErrorResponse(false, 2));
  r.checker().Reset();  // a hardware reset
  r.Idle(5);
  r.Step(AxiSnapshot{}, DataMover(true, false));
  r.Step(AxiSnapshot{}, ErrorResponse(true, 1));  // EXOKAY
  r.Step(AxiSnapshot{}, ErrorResponse(false, 0));
  r.Idle(5);
  r.Step(AxiSnapshot{}, DataMover(true, true));
  EXPECT_EQ(r.rules(), "");
}

// ---- the configuration from a pipelining AXI-Lite master

TEST(LimitCheckerTest, Config_PipelinedAxiLiteWrites_PairedInOrder) {
  Rig r;
  // two writes back to back: both AWs, then both Ws, then both Bs
  LimitSample s;
  s.axil_aw = true;
  s.axil_awaddr = kExtXferCtrlOffset;
  r.Step(AxiSnapshot{}, s);
  s.axil_awaddr = kExtStealCfgOffset;
  r.Step(AxiSnapshot{}, s);
  s = LimitSample{};
  s.axil_w = true;
  s.axil_wstrb = 0xF;
  s.axil_wdata = (kXferModeCycleStealing << kExtXferCtrlModeLsb) |
                 (15u << kExtXferCtrlMaxBurstM1Lsb) | (2u << kExtXferCtrlMaxOutLsb);
  r.Step(AxiSnapshot{}, s);
  s.axil_wdata = (4u << kExtStealCfgBeatsLsb) | (9u << kExtStealCfgIdleLsb);
  r.Step(AxiSnapshot{}, s);
  EXPECT_EQ(r.checker().config().mode, kXferModeCycleStealing);
  EXPECT_EQ(r.checker().config().max_burst, 16u);
  EXPECT_EQ(r.checker().config().max_out, 2u);
  EXPECT_EQ(r.checker().config().steal_beats, 4u);
  EXPECT_EQ(r.checker().config().steal_idle, 9u);
}

// ---- the perf-counter events

TEST(LimitCheckerTest, Counts_BusyAndBusWait_AtTheModeGatesEngineSide) {
  Rig r;
  LimitSample s;
  s.dma_idle = false;
  s.eng_arvalid = true;  // AR waits
  r.Step(AxiSnapshot{}, s);
  s = LimitSample{};
  s.dma_idle = false;
  s.eng_awvalid = s.eng_awready = true;  // AW into the hold ...
  r.Step(AxiSnapshot{}, s);
  s = LimitSample{};
  s.dma_idle = false;  // ... held a cycle
  r.Step(AxiSnapshot{}, s);
  s.gate_awvalid = s.gate_awready = true;  // ... and out: no wait
  r.Step(AxiSnapshot{}, s);
  s = LimitSample{};
  s.eng_wvalid = true;  // idle, but a W waits
  r.Step(AxiSnapshot{}, s);
  EXPECT_EQ(r.checker().stats().busy_cycles, 4u);
  EXPECT_EQ(r.checker().stats().bus_wait_cycles, 3u);
  r.checker().ResetCounts();
  EXPECT_EQ(r.checker().stats().busy_cycles, 0u);
}

}  // namespace
}  // namespace dmacosim
