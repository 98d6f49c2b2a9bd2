// SPDX-License-Identifier: MIT
// axil_master.h — AXI-Lite master on the s_axil_* ports: one register read or write at a time,
// driven cycle by cycle through Platform ticks, with a cycle timeout per access. By default AW and
// W go out together in the access's first cycle and B / R are taken at once; with skew on
// (`--axil-skew`) each access draws, from a seeded RNG, a delay of 0..3 cycles before AW and
// before W (either may lead) and 0..3 cycles of RREADY / BREADY held low once RVALID / BVALID is
// up, so the slave's ordering and backpressure paths are exercised.
#pragma once

#include <cstdint>
#include <string>

#include "clocked_model.h"
#include "platform.h"

namespace dmacosim {

class AxiLiteMaster final : public ClockedModel {
 public:
  static constexpr uint64_t kDefaultTimeoutCycles = 1000;

  // Runs `platform` during an access; add the master to it with Platform::AddModel.
  explicit AxiLiteMaster(Platform& platform, uint64_t timeout_cycles = kDefaultTimeoutCycles);

  // One access, run to completion. Throw Timeout (naming the channel it waited on) when the
  // slave does not answer within the timeout, BusError on SLVERR / DECERR / EXOKAY.
  uint32_t Read(uint32_t addr);
  void Write(uint32_t addr, uint32_t value, uint8_t strobe = 0xF);

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
  void ResetStats() { reads_ = writes_ = 0; }

  // ClockedModel
  void Drive(Top& top, uint64_t cycle) override;
  void Sample(const Top& top, uint64_t cycle) override;
  void OnReset() override;
  std::string Name() const override { return "axil"; }
  std::string Status() const override;

 private:
  // Runs the access set up in the pending flags; errors name it as `op` and the address
  // ("reg_read 0x0004"), a text built only when there is an error.
  void Complete(const char* op);
  // With skew on: this access's delays (AW, W, response), else all 0.
  void Draw(bool write);

  Platform& platform_;
  uint64_t timeout_cycles_;
  // registered state: which channels still wait for their handshake
  bool ar_pending_ = false;
  bool r_pending_ = false;
  bool aw_pending_ = false;
  bool w_pending_ = false;
  bool b_pending_ = false;
  uint16_t addr_ = 0;
  uint32_t wdata_ = 0;
  uint8_t wstrb_ = 0;
  uint32_t rdata_ = 0;
  uint8_t resp_ = 0;
  uint64_t reads_ = 0;
  uint64_t writes_ = 0;
  // skew: cycles before AWVALID / WVALID rise, cycles RREADY / BREADY stay low after VALID;
  // what Drive presented this cycle (Sample's handshakes are of these)
  bool skew_ = false;
  uint64_t rng_ = 0;
  uint64_t skewed_ = 0;
  unsigned aw_delay_ = 0, w_delay_ = 0, resp_delay_ = 0;
  bool aw_on_ = false, w_on_ = false, ready_on_ = false;
};

}  // namespace dmacosim
