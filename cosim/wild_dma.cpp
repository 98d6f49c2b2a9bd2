// SPDX-License-Identifier: MIT
// wild_dma.cpp — checks each DMA beat against the live windows the DMA API announced.
#include "wild_dma.h"

#include <algorithm>
#include <utility>

#include "axi_snapshot.h"
#include "signal_bytes.h"

namespace dmacosim {

void WildDmaChecker::SetWindows(std::vector<DmaWindow> windows) {
  std::sort(windows.begin(), windows.end(),
            [](const DmaWindow& a, const DmaWindow& b) { return a.base < b.base; });
  windows_ = std::move(windows);
}

uint64_t WildDmaChecker::BeatAddress(const Burst& b) {
  if (b.addr.burst == axi::kBurstFixed || b.beat == 0) return b.addr.addr;
  const uint64_t bytes = uint64_t{1} << b.addr.size;
  return (b.addr.addr & ~(bytes - 1)) + uint64_t{b.beat} * bytes;
}

std::optional<DmaWindow> WildDmaChecker::Nearest(uint64_t addr) const {
  std::optional<DmaWindow> best;
  uint64_t best_distance = UINT64_MAX;
  for (const DmaWindow& w : windows_) {
    const uint64_t last = w.base + w.size - 1;
    const uint64_t d = addr < w.base ? w.base - addr : addr > last ? addr - last : 0;
    if (d < best_distance) {
      best_distance = d;
      best = w;
    }
  }
  return best;
}

void WildDmaChecker::CheckBeat(bool write, uint64_t addr, uint64_t lanes, unsigned bytes,
                               uint64_t cycle) {
  ++beats_checked_;
  const uint8_t need = write ? kDmaWindowWrite : kDmaWindowRead;
  std::optional<uint64_t> bad;
  if (write) {
    // every strobed byte in a writable window (beats are at most 16 bytes: a short scan)
    for (unsigned lane = 0; lane < bytes && !bad; ++lane) {
      if (!((lanes >> lane) & 1)) continue;
      const uint64_t a = (addr & ~uint64_t{bytes - 1}) + lane;
      const bool inside = std::any_of(windows_.begin(), windows_.end(), [&](const DmaWindow& w) {
        return (w.access & need) && a >= w.base && a - w.base < w.size;
      });
      if (!inside) bad = a;
    }
  } else {
    // the beat's bytes overlap a readable window (an engine reads whole beats around a buffer)
    const uint64_t first = addr & ~uint64_t{bytes - 1};
    const bool inside = std::any_of(windows_.begin(), windows_.end(), [&](const DmaWindow& w) {
      return (w.access & need) && first <= w.base + w.size - 1 && w.base <= first + bytes - 1;
    });
    if (!inside) bad = addr;
  }
  if (!bad) return;
  ++beats_flagged_;
  Violation v;
  v.cycle = cycle;
  v.kind = kViolationWildDma;
  v.addr = *bad;
  v.master = 1;  // BUS_MASTER_DMA
  v.write = write;
  v.nearest = Nearest(*bad);
  log_.Record(v);
}

void WildDmaChecker::Sample(const Top& top, uint64_t cycle) {
  if (!enabled_) {
    // nothing to track: bursts accepted while off are not checked
    reads_.clear();
    writes_.clear();
    early_w_.clear();
    return;
  }
  if (top.dbg_dma_arvalid && top.dbg_dma_arready) {
    reads_.push_back(Burst{AxiAddr{sig::ToU64(top.dbg_dma_araddr), 0, top.dbg_dma_arlen,
                                   top.dbg_dma_arsize, top.dbg_dma_arburst},
                           0});
  }
  if (top.dbg_dma_awvalid && top.dbg_dma_awready) {
    writes_.push_back(Burst{AxiAddr{sig::ToU64(top.dbg_dma_awaddr), 0, top.dbg_dma_awlen,
                                    top.dbg_dma_awsize, top.dbg_dma_awburst},
                            0});
  }
  // the DMA's reads and writes each use one ID: beats come back in burst order
  if (top.dbg_dma_rvalid && top.dbg_dma_rready && !reads_.empty()) {
    Burst& b = reads_.front();
    CheckBeat(false, BeatAddress(b), 0, 1u << b.addr.size, cycle);
    if (++b.beat >= b.addr.beats()) reads_.pop_front();
  }
  while (!early_w_.empty() && !writes_.empty()) {
    const EarlyW e = early_w_.front();
    early_w_.pop_front();
    WriteBeat(e.strb, e.cycle);
  }
  if (top.dbg_dma_wvalid && top.dbg_dma_wready) {
    const uint64_t strb = sig::ToU64(top.dbg_dma_wstrb) & snapshot::kLaneMaskAll;
    if (writes_.empty()) {
      early_w_.push_back(EarlyW{strb, cycle});
    } else {
      WriteBeat(strb, cycle);
    }
  }
}

void WildDmaChecker::WriteBeat(uint64_t strb, uint64_t cycle) {
  Burst& b = writes_.front();
  CheckBeat(true, BeatAddress(b), strb, static_cast<unsigned>(kBusBytes), cycle);
  if (++b.beat >= b.addr.beats()) writes_.pop_front();
}

}  // namespace dmacosim
