// SPDX-License-Identifier: MIT
// axil_checker_test.cpp — each rule of the AXI-Lite checker (cosim/axil_checker.h) with a legal
// trace and one that breaks it, pipelined accesses included.
#include "axil_checker.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace dmacosim {
namespace {

class Rig {
 public:
  std::optional<ProtocolViolation> Step(const AxiLiteSnapshot& s) {
    auto f = c_.Step(s, cycle_++);
    if (f) rules_ += std::string(rules_.empty() ? "" : ",") + f->rule();
    return f;
  }
  void Idle() { Step(AxiLiteSnapshot{}); }
  AxiLiteChecker& checker() { return c_; }
  const std::string& rules() const { return rules_; }

 private:
  AxiLiteChecker c_{"axil port"};
  uint64_t cycle_ = 10;
  std::string rules_;
};

AxiLiteSnapshot Aw(uint32_t addr, bool ready = true) {
  AxiLiteSnapshot s;
  s.awvalid = true;
  s.awready = ready;
  s.awaddr = addr;
  return s;
}

AxiLiteSnapshot W(uint32_t data, bool ready = true) {
  AxiLiteSnapshot s;
  s.wvalid = true;
  s.wready = ready;
  s.wdata = data;
  s.wstrb = 0xF;
  return s;
}

AxiLiteSnapshot B(bool ready = true, uint8_t resp = 0) {
  AxiLiteSnapshot s;
  s.bvalid = true;
  s.bready = ready;
  s.bresp = resp;
  return s;
}

AxiLiteSnapshot Ar(uint32_t addr, bool ready = true) {
  AxiLiteSnapshot s;
  s.arvalid = true;
  s.arready = ready;
  s.araddr = addr;
  return s;
}

AxiLiteSnapshot R(uint32_t data, bool ready = true) {
  AxiLiteSnapshot s;
  s.rvalid = true;
  s.rready = ready;
  s.rdata = data;
  return s;
}

AxiLiteSnapshot Merge(AxiLiteSnapshot a, const AxiLiteSnapshot& b) {
  if (b.awvalid) a.awvalid = true, a.awready = b.awready, a.awaddr = b.awaddr;
  if (b.wvalid) a.wvalid = true, a.wready = b.wready, a.wdata = b.wdata, a.wstrb = b.wstrb;
  if (b.bvalid) a.bvalid = true, a.bready = b.bready, a.bresp = b.bresp;
  if (b.arvalid) a.arvalid = true, a.arready = b.arready, a.araddr = b.araddr;
  if (b.rvalid) a.rvalid = true, a.rready = b.rready, a.rdata = b.rdata;
  return a;
}

TEST(AxiLiteCheckerTest, PipelinedWritesAndReads_ResponsesInTurn_Legal) {
  Rig r;
  r.Step(Merge(Aw(0x10), W(1)));         // write 1
  r.Step(Merge(Aw(0x14), W(2, false)));  // write 2: AW taken, W waits
  r.Step(Merge(W(2), B()));              // W 2 taken, B of write 1
  EXPECT_EQ(r.checker().writes_owed(), 1u);
  r.Step(B(false, 2));  // B of write 2 held back (SLVERR) ...
  r.Step(B(true, 2));   // ... and taken
  r.Step(Ar(0x20));
  r.Step(Merge(Ar(0x24), R(7, false)));
  r.Step(R(7));
  r.Step(R(8));
  EXPECT_EQ(r.rules(), "");
  EXPECT_EQ(r.checker().writes_owed(), 0u);
  EXPECT_EQ(r.checker().reads_owed(), 0u);
}

TEST(AxiLiteCheckerTest, BUnexpected_BeforeTheWAndInTheCycleOfTheHandshakes_Finding) {
  Rig r;
  r.Step(Aw(0x10));  // W not yet
  const auto f = r.Step(B());
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule(), axil_rule::kBUnexpected);
  EXPECT_NE(std::string(f->what()).find("axil port"), std::string::npos) << f->what();
  Rig same;
  same.Step(Merge(Merge(Aw(0x10), W(1)), B()));  // B in the cycle of AW and W
  EXPECT_EQ(same.rules(), "B_UNEXPECTED");
}

TEST(AxiLiteCheckerTest, RUnexpected_MoreRsThanArs_Finding) {
  Rig r;
  r.Step(Ar(0x10));
  r.Step(R(1));
  EXPECT_EQ(r.rules(), "");
  r.Step(R(2));
  EXPECT_EQ(r.rules(), "R_UNEXPECTED");
}

TEST(AxiLiteCheckerTest, ResponseStability_DroppedOrChangedWhileWaiting_Finding) {
  Rig b;
  b.Step(Merge(Aw(0x10), W(1)));
  b.Step(B(false, 0));
  b.Step(B(true, 2));  // BRESP changed while waiting
  EXPECT_EQ(b.rules(), "B_STABLE");
  Rig r;
  r.Step(Ar(0x10));
  r.Step(R(1, false));
  r.Idle();  // RVALID dropped
  EXPECT_EQ(r.rules(), "R_STABLE");
  Rig d;
  d.Step(Ar(0x10));
  d.Step(R(1, false));
  d.Step(R(2, true));  // RDATA changed
  EXPECT_EQ(d.rules(), "R_STABLE");
}

TEST(AxiLiteCheckerTest, RequestStability_DroppedOrChangedWhileWaiting_FindingUnlessAbandoned) {
  Rig r;
  r.Step(Aw(0x10, false));
  r.Step(Aw(0x14, true));  // AWADDR changed
  r.Step(W(1, false));
  r.Step(W(2, true));  // WDATA changed
  r.Step(Ar(0x10, false));
  r.Idle();  // ARVALID dropped
  EXPECT_EQ(r.rules(), "AW_STABLE,W_STABLE,AR_STABLE");
  Rig a;
  a.Step(Ar(0x10, false));
  a.checker().MasterAbandoned();  // the master gave up (a timeout)
  a.Idle();
  EXPECT_EQ(a.rules(), "");
}

TEST(AxiLiteCheckerTest, Reset_ForgetsWhatIsOwed) {
  Rig r;
  r.Step(Merge(Aw(0x10), W(1)));
  r.checker().Reset();
  r.Step(B());
  EXPECT_EQ(r.rules(), "B_UNEXPECTED");
  EXPECT_EQ(r.checker().findings(), 1u);
}

}  // namespace
}  // namespace dmacosim
