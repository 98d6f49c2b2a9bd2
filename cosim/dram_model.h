// SPDX-License-Identifier: Apache-2.0
// dram_model.h — AXI4 slave on the m_axi_* ports over DRAM windows backed by shared-memory
// files: latency, an outstanding-transaction limit, DECERR outside the windows, and a protocol
// checker whose findings are errors (ProtocolViolation). Backdoor access for mem_read/mem_write.
// Not here yet: random backpressure and fault windows (see DramConfig).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "clocked_model.h"
#include "shm_file.h"

namespace dmacosim {

struct DramWindowConfig {
  uint64_t base = 0;                  // multiple of 4 KiB
  uint64_t size = uint64_t{1} << 30;  // multiple of 4 KiB, > 0
};

struct DramConfig {
  std::vector<DramWindowConfig> windows = {DramWindowConfig{}};
  unsigned max_outstanding_reads = 8;   // ARREADY low while this many reads are in flight
  unsigned max_outstanding_writes = 8;  // AWREADY low while this many writes are in flight
  // Extra cycles beyond the minimum of one: AR handshake → first R beat, last W beat → B.
  uint64_t read_latency = 0;
  uint64_t write_latency = 0;
  // Later (op mem_config): seeded random backpressure per channel (AR, R, AW, W, B) applied
  // where Drive() computes the ready/valid signals, and fault windows {addr, len, resp} applied
  // where DecodeBurst() picks the response.
};

class DramModel final : public ClockedModel {
 public:
  struct Window {
    uint64_t base;
    uint64_t size;
    std::unique_ptr<ShmFile> shm;
  };

  // Creates one shared-memory file per window. Throws std::runtime_error on a bad config or when
  // a file cannot be created.
  explicit DramModel(const DramConfig& config);

  const std::vector<Window>& windows() const { return windows_; }
  // Host pointer to [addr, addr + len) when the range lies inside one window, else nullptr.
  uint8_t* Backdoor(uint64_t addr, uint64_t len);
  std::size_t outstanding_reads() const { return reads_.size(); }
  std::size_t outstanding_writes() const { return aw_queue_.size() + b_queue_.size(); }

  // ClockedModel
  void Drive(Top& top, uint64_t cycle) override;
  void Sample(const Top& top, uint64_t cycle) override;
  void OnReset() override;
  std::string Name() const override { return "DRAM"; }
  std::string Status() const override;

 private:
  // One accepted AR or AW.
  struct Burst {
    uint64_t addr = 0;         // AxADDR as issued
    uint64_t accepted = 0;     // cycle of the address handshake
    uint64_t ready_cycle = 0;  // first cycle the next R beat / the B may be presented
    uint8_t* host = nullptr;   // window memory at window_base (nullptr: DECERR)
    uint64_t window_base = 0;
    uint32_t id = 0;
    uint32_t beats = 0;     // AxLEN + 1
    uint32_t beat = 0;      // next beat
    uint8_t size_log2 = 0;  // AxSIZE
    uint8_t burst = 0;      // AxBURST: 0 FIXED, 1 INCR, 2 WRAP
    uint8_t resp = 0;       // 0 OKAY, 3 DECERR
  };
  // The payload of an address channel, for the stability check and for messages.
  struct AddrBeat {
    uint64_t addr;
    uint32_t id, len, size, burst;
    bool operator==(const AddrBeat& o) const {
      return addr == o.addr && id == o.id && len == o.len && size == o.size && burst == o.burst;
    }
  };

  // Protocol checks and address decode of an AR/AW; throws ProtocolViolation.
  Burst DecodeBurst(const char* channel, const AddrBeat& a, uint64_t cycle) const;
  static uint64_t BeatAddr(const Burst& b, uint32_t beat);
  static std::string Describe(const char* channel, const AddrBeat& a);
  static std::string Describe(const char* channel, const Burst& b);
  void SampleAr(const Top& top, uint64_t cycle);
  void SampleR(const Top& top);
  void SampleAw(const Top& top, uint64_t cycle);
  void SampleW(const Top& top, uint64_t cycle);
  void SampleB(const Top& top);

  DramConfig config_;
  std::vector<Window> windows_;
  std::deque<Burst> reads_;     // accepted ARs, in order; the head is being returned on R
  std::deque<Burst> aw_queue_;  // accepted AWs whose W beats are not all in
  std::deque<Burst> b_queue_;   // writes waiting for their B
  // What Drive() presented this cycle (registered state, read back by Sample()).
  bool ar_ready_ = false, aw_ready_ = false, w_ready_ = false;
  bool r_valid_ = false, b_valid_ = false;
  // Handshake stability: the payload of a valid that was not accepted last cycle.
  bool ar_waiting_ = false, aw_waiting_ = false, w_waiting_ = false;
  AddrBeat ar_last_{}, aw_last_{};
};

}  // namespace dmacosim
