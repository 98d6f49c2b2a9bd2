// SPDX-License-Identifier: MIT
// wild_dma.h — the bus analyser of DMA outside any mapping: the DMA API tells the harness its live
// mappings (the `dma_windows` op, the whole set in one request); while it is on, every DMA beat on
// the DMA port (cosim_top dbg_dma_*, the monitor's side of the arbiter) is checked against them. A
// read beat must overlap a window that allows reads; every strobed byte of a write beat must lie in
// windows that allow writes. A beat that fails is a WILD_DMA report in the ViolationLog, the path
// the coherency monitor's reports take (`coherency`, `run_until violation`), with the beat's
// address, direction, cycle and the nearest window. Observes only: drives no input.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "axi_checker.h"
#include "clocked_model.h"
#include "violation_log.h"

namespace dmacosim {

class WildDmaChecker final : public ClockedModel {
 public:
  explicit WildDmaChecker(ViolationLog& log) : log_(log) {}

  // Replaces the live windows (any order; overlaps allowed). Each must have size >= 1 and
  // base + size - 1 must not wrap; the caller checked that.
  void SetWindows(std::vector<DmaWindow> windows);
  const std::vector<DmaWindow>& windows() const { return windows_; }
  void Enable(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }
  // Beats checked and beats reported since start (`dma_windows` reply).
  uint64_t beats_checked() const { return beats_checked_; }
  uint64_t beats_flagged() const { return beats_flagged_; }

  // ClockedModel
  void Drive(Top& /*top*/, uint64_t /*cycle*/) override {}
  void Sample(const Top& top, uint64_t cycle) override;
  // The `reset` op: the analyser is off and knows no window again, as at power-on (the windows
  // belonged to the software that ran before).
  void OnReset() override {
    reads_.clear();
    writes_.clear();
    early_w_.clear();
    windows_.clear();
    enabled_ = false;
  }
  std::string Name() const override { return "wild_dma"; }

 private:
  struct Burst {
    AxiAddr addr;
    uint32_t beat = 0;  // the next beat's index
  };
  // The address of `b`'s next beat (INCR: aligned to the size after the first; FIXED: the same).
  static uint64_t BeatAddress(const Burst& b);
  // Checks one beat: bytes [addr + lane] for each set bit of `lanes` (writes), or the beat's
  // address range [addr, addr + bytes) (reads).
  void CheckBeat(bool write, uint64_t addr, uint64_t lanes, unsigned bytes, uint64_t cycle);
  std::optional<DmaWindow> Nearest(uint64_t addr) const;

  ViolationLog& log_;
  std::vector<DmaWindow> windows_;
  bool enabled_ = false;
  std::deque<Burst> reads_, writes_;  // accepted bursts whose beats have not all passed
  struct EarlyW {
    uint64_t strb = 0;
    uint64_t cycle = 0;
  };
  std::deque<EarlyW> early_w_;  // W beats that came before their AW (AXI allows it)
  void WriteBeat(uint64_t strb, uint64_t cycle);
  uint64_t beats_checked_ = 0;
  uint64_t beats_flagged_ = 0;
};

}  // namespace dmacosim
