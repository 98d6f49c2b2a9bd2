// SPDX-License-Identifier: MIT
// axil_master.h — AXI-Lite master on the s_axil_* ports, driven cycle by cycle through Platform
// ticks, with a cycle timeout per access, and the port's protocol checker (AxiLiteChecker, every
// cycle out of reset). By default one access is in flight: AW and W go out together in the access's
// first cycle and B / R are taken at once. With skew on (`--axil-skew`) each access draws, from a
// seeded RNG, a delay of 0..3 cycles before AW and before W (either may lead) and 0..3 cycles of
// RREADY / BREADY held low once RVALID / BVALID is up, so the slave's ordering and backpressure
// paths are exercised. With a pipeline depth N > 1 (`--axil-pipeline N`) the accesses the caller
// posts ahead (Post: a batch's run of reg_read / reg_write entries) are issued with up to N in
// flight, as a CPU posts writes back to back: the next write's AW / W before the previous B, the
// next read's AR before the previous R. Program order between directions is kept (as on Device
// memory): a read is issued only once every earlier write has its B, and a write once every earlier
// read has its R. Each channel is in order; responses are matched in order (AXI-Lite has no IDs).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "axil_checker.h"
#include "clocked_model.h"
#include "platform.h"

namespace dmacosim {

class AxiLiteMaster final : public ClockedModel {
 public:
  static constexpr uint64_t kDefaultTimeoutCycles = 1000;
  // --axil-pipeline: the most accesses in flight (1: one at a time, the default).
  static constexpr unsigned kMaxPipeline = 16;

  // Runs `platform` during an access; add the master to it with Platform::AddModel.
  explicit AxiLiteMaster(Platform& platform, uint64_t timeout_cycles = kDefaultTimeoutCycles);

  // One access, run to completion (with posted accesses: the oldest, which must be this one).
  // Throw Timeout (naming the channel it waited on) when the slave does not answer within the
  // timeout, BusError on SLVERR / DECERR / EXOKAY.
  uint32_t Read(uint32_t addr);
  void Write(uint32_t addr, uint32_t value, uint8_t strobe = 0xF);
  // Announce the next access the caller will make (Read / Write then take them in this order):
  // with a pipeline depth above 1 it may be issued while earlier ones are in flight. Runs no cycle.
  void Post(bool write, uint32_t addr, uint32_t value, uint8_t strobe = 0xF);
  // Posted accesses not yet taken by a Read / Write.
  std::size_t posted() const { return queue_.size(); }
  // Finish the posted accesses nobody will take (a batch stopped at an error): those not presented
  // yet are dropped, those presented run until their response (ignored), within the timeout per
  // access; then none is posted. Returns the error responses among them ("" for none); throws as
  // Read / Write do on a timeout or a finding (the rest abandoned).
  std::string DrainPosted();

  // Accesses that got their response (R / B handshake), whatever the response.
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }
  // Skew from now on (see above), drawn from `seed`; the same seed and accesses give the same
  // cycles. Accesses that took a skewed path: AW and W apart, or a response held back.
  void EnableSkew(uint64_t seed) {
    skew_ = true;
    rng_ = seed;
  }
  bool skew() const { return skew_; }
  uint64_t skewed() const { return skewed_; }
  // Up to `depth` (1..kMaxPipeline) posted accesses in flight; throws std::invalid_argument else.
  void SetPipeline(unsigned depth);
  unsigned pipeline() const { return depth_; }
  // The most accesses in flight at once (a VALID of each presented, its response not yet taken);
  // since start or ResetStats.
  uint64_t max_in_flight() const { return max_in_flight_; }
  const AxiLiteChecker& checker() const { return checker_; }
  void ResetStats() { reads_ = writes_ = max_in_flight_ = 0; }

  // ClockedModel
  void Drive(Top& top, uint64_t cycle) override;
  void Sample(const Top& top, uint64_t cycle) override;
  void OnReset() override;
  std::string Name() const override { return "axil"; }
  std::string Status() const override;

 private:
  struct Access {
    bool write = false;
    uint16_t addr = 0;
    uint32_t wdata = 0;
    uint8_t wstrb = 0;
    // which channels still wait for their handshake: AR or AW, W (writes), R or B
    bool a_pending = true, w_pending = false, resp_pending = true;
    // skew: cycles before AxVALID / WVALID rise (counted while the access may issue), cycles
    // RREADY / BREADY stay low after VALID
    unsigned a_delay = 0, w_delay = 0, resp_delay = 0;
    uint32_t rdata = 0;
    uint8_t resp = 0;
    bool presented = false;  // a VALID of it was driven
    bool done() const { return !resp_pending; }
  };

  // The oldest access, made by Post or now: checks that it is (write, addr), runs it to its
  // response and removes it. Errors name it as `op` and the address ("reg_read 0x0004").
  Access Take(bool write, uint32_t addr, uint32_t value, uint8_t strobe, const char* op);
  void Push(bool write, uint32_t addr, uint32_t value, uint8_t strobe);
  // Give up every access (a timeout, or an error thrown while one ran): the next starts clean.
  void Abandon();

  Platform& platform_;
  uint64_t timeout_cycles_;
  std::deque<Access> queue_;  // program order; the front is the next Read / Write to return
  unsigned depth_ = 1;
  uint64_t reads_ = 0;
  uint64_t writes_ = 0;
  bool skew_ = false;
  uint64_t rng_ = 0;
  uint64_t skewed_ = 0;
  uint64_t max_in_flight_ = 0;
  // What Drive presented this cycle (Sample's handshakes are of these): the queue index of the
  // access on AR, AW, W and the one R / B is taken for (-1: none), and RREADY / BREADY.
  long ar_on_ = -1, aw_on_ = -1, w_on_ = -1, r_for_ = -1, b_for_ = -1;
  // the oldest access owing AR / AW / W, whether presented or still delayed (-1: none)
  long ar_head_ = -1, aw_head_ = -1, w_head_ = -1;
  bool rready_ = false, bready_ = false;
  // what the address and data lines carry (held while nothing is presented)
  uint16_t addr_ = 0, ar_addr_ = 0, aw_addr_ = 0;
  uint32_t wdata_ = 0;
  uint8_t wstrb_ = 0;
  AxiLiteChecker checker_{"axil port"};
  AxiLiteSnapshot snap_;
};

}  // namespace dmacosim
