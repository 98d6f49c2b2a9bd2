// SPDX-License-Identifier: MIT
// dram_model.h — AXI4 slave on the m_axi_* ports over DRAM windows backed by shared-memory
// files: latency, an outstanding-transaction limit, seeded random backpressure on all five
// channels, fault windows (SLVERR / DECERR), DECERR outside the windows, traffic counters; every
// cycle goes through an AxiChecker whose findings are errors (ProtocolViolation). Backdoor access
// for mem_read/mem_write. Not here: anything about the wire (ops.cpp validates what it sets).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "axi_checker.h"
#include "clocked_model.h"
#include "shm_file.h"

namespace dmacosim {

struct DramWindowConfig {
  uint64_t base = 0;                  // multiple of 4 KiB
  uint64_t size = uint64_t{1} << 30;  // multiple of 4 KiB, > 0
};

// The five AXI channels, as backpressure indexes them.
enum DramChannel : unsigned { kChanAr, kChanR, kChanAw, kChanW, kChanB, kChanCount };

// A range of addresses that answers an error instead of OKAY.
struct FaultWindow {
  enum On : uint8_t { kRead = 1, kWrite = 2, kBoth = 3 };
  uint64_t addr = 0;
  uint64_t len = 1;  // >= 1; addr + len does not overflow
  uint8_t resp = 2;  // 2 SLVERR, 3 DECERR
  uint8_t on = kBoth;
};

// What the op mem_config sets at run time: everything but the windows. Validated by the caller.
struct MemConfig {
  // Extra cycles beyond the minimum of one: AR handshake → first R beat, last W beat → B.
  uint64_t read_latency = 0;
  uint64_t write_latency = 0;
  // Per direction: ARREADY low while this many reads are in flight, AWREADY likewise for writes.
  unsigned max_outstanding = 8;
  // Per channel (DramChannel), the probability 0..1 that the slave withholds ARREADY / RVALID /
  // AWREADY / WREADY / BVALID in a cycle (a VALID already presented is never withdrawn).
  std::array<double, kChanCount> backpressure{};
  // Seeds the backpressure RNG: the same seed and the same requests give the same cycles.
  uint64_t seed = 0;
  // A burst touching a window answers its resp (first matching window wins), whatever memory
  // lies there; reads then carry data 0 and writes write nothing.
  std::vector<FaultWindow> faults;
};

struct DramConfig {
  std::vector<DramWindowConfig> windows = {DramWindowConfig{}};
  MemConfig mem;
  // Where the windows' files live: empty for anonymous memfds (shm_file.h), else a directory.
  std::string backing_dir;
  // The most bytes the windows' files may hold at once (resident DRAM): 0 for no cap beyond the
  // windows' size. Pages are reserved (allocated) before anything touches them.
  uint64_t cap = 0;
};

// A DMA write burst refused because it would have passed the resident cap: answered SLVERR.
struct DramCapRefusal {
  uint64_t cycle = 0;  // the cycle of its address handshake
  uint64_t addr = 0;   // AWADDR
  uint64_t len = 0;    // bytes the burst spans
};

// The DMA's bursts in one direction (ID top bit set: cosim_top's arbiter names the DMA there),
// for the transfer modes: how long its bursts are and how long the bus stays free between them.
struct DmaBurstStats {
  uint64_t bursts = 0, beats = 0;  // AR / AW handshakes, R / W handshakes
  uint64_t max_burst = 0;          // the longest burst (beats)
  // The fewest idle cycles between the last data beat of a burst (RLAST / WLAST handshake) and the
  // address handshake of the next; 0 when the address came before that beat. UINT64_MAX until a
  // second burst was seen.
  uint64_t min_gap = UINT64_MAX;
};

// Traffic counters since start or the last ResetStats().
struct DramStats {
  uint64_t reads = 0, writes = 0;            // accepted AR / AW (bursts)
  uint64_t read_beats = 0, write_beats = 0;  // R / W handshakes
  uint64_t read_bytes = 0, write_bytes = 0;  // R: bytes of the beats' lanes; W: WSTRB bits set
  uint64_t ar_stall_cycles = 0, aw_stall_cycles = 0, w_stall_cycles = 0;  // VALID && !READY
  uint64_t errors = 0;  // bursts answered SLVERR / DECERR (a read at its last beat, a write at B)
  DmaBurstStats dma_read, dma_write;  // the DMA's share, with burst shape
};

class DramModel final : public ClockedModel {
 public:
  struct Window {
    uint64_t base;
    uint64_t size;
    std::unique_ptr<ShmFile> shm;
    std::vector<uint64_t> reserved;  // one bit per 4 KiB page: allocated, may be touched
  };
  // DMA write bursts refused by the cap kept between two ResetStats (later ones only counted).
  static constexpr std::size_t kMaxCapRefusals = 1000;

  // Creates one shared-memory file per window. Throws std::runtime_error on bad windows or when
  // a file cannot be created, std::invalid_argument on a bad `mem`.
  explicit DramModel(const DramConfig& config);

  const std::vector<Window>& windows() const { return windows_; }
  // Host pointer to [addr, addr + len) when the range lies inside one window, else nullptr.
  // Touch only reserved memory through it (Reserve, or ReadBackdoor for reads).
  uint8_t* Backdoor(uint64_t addr, uint64_t len);
  // Reserves the pages of [addr, addr + len) (inside one window, as Backdoor found it): true when
  // they are all allocated now; false, with nothing changed, when that would pass the cap or the
  // backing store refuses.
  bool Reserve(uint64_t addr, uint64_t len);
  // Copies [addr, addr + len) (inside one window) to `out` without allocating a page: holes read
  // as zeros.
  void ReadBackdoor(uint64_t addr, uint64_t len, uint8_t* out) const;
  // Bytes the windows' files hold now (whoever wrote them: the harness or a mapped client).
  uint64_t ResidentBytes() const;
  uint64_t cap() const { return cap_; }
  const std::vector<DramCapRefusal>& cap_refusals() const { return cap_refusals_; }
  uint64_t cap_refusals_total() const { return cap_refusals_total_; }
  std::size_t outstanding_reads() const { return reads_.size(); }
  std::size_t outstanding_writes() const { return aw_queue_.size() + b_queue_.size(); }
  // The five channels as last sampled, for a watchdog message: per channel VALID / READY, how
  // long a VALID has waited for READY and on what, then the outstanding bursts, e.g.
  // "AR: ARVALID=1 ARREADY=0 for 4990 cycles (AR id=0 addr=0x00001000 len=255 size=3
  // burst=INCR), R: RVALID=0 RREADY=1, …; DRAM queues: 0 of 8 reads in flight; …".
  std::string ChannelPicture() const;

  const MemConfig& mem_config() const { return config_.mem; }
  // Takes effect from the next cycle; latencies and faults apply to bursts accepted from then on.
  // Does not restart the RNG (RestartRng does). Throws std::invalid_argument on a bad config.
  void SetMemConfig(const MemConfig& mem);
  // Restarts the backpressure RNG from mem_config().seed (also done by OnReset).
  void RestartRng();
  const DramStats& stats() const { return stats_; }
  // The protocol checker's counts on this port (AR / AW handshakes, findings).
  const AxiCheckerCounts& checker_counts() const { return checker_.counts(); }
  // Zeroes stats() and checker_counts(); the DMA's burst gaps are measured again from the next
  // burst on.
  void ResetStats();

  // ClockedModel
  void Drive(Top& top, uint64_t cycle) override;
  void Sample(const Top& top, uint64_t cycle) override;
  void OnReset() override;
  std::string Name() const override { return "DRAM"; }
  std::string Status() const override;

 private:
  // One accepted AR or AW (one the checker found legal).
  struct Burst {
    AxiAddr a;                 // AxADDR, ID (low 4 bits), LEN, SIZE, BURST as issued
    uint64_t accepted = 0;     // cycle of the address handshake
    uint64_t ready_cycle = 0;  // first cycle the next R beat / the B may be presented
    uint8_t* host = nullptr;   // window memory at window_base (nullptr: DECERR)
    uint64_t window_base = 0;
    uint32_t beat = 0;  // next beat
    uint8_t resp = 0;   // 0 OKAY, 2 SLVERR, 3 DECERR
  };

  // Address decode and fault windows of a legal AR/AW.
  // Reserves the burst's page: a read that cannot gets zeros (its page is a hole), a write that
  // cannot is answered SLVERR and recorded.
  Burst DecodeBurst(const AxiAddr& a, uint64_t cycle, bool is_read);
  // Reserve on one window, offsets relative to it.
  bool ReserveIn(Window& w, uint64_t offset, uint64_t len);
  // This cycle's backpressure: bit c set = withhold channel c. Advances the RNG.
  unsigned DrawStalls();
  std::string Describe(const char* channel, const Burst& b) const;
  void SampleAr(uint64_t cycle, bool rejected);
  void SampleR(const Top& top, uint64_t cycle);
  void SampleAw(uint64_t cycle, bool rejected);
  void SampleW(const Top& top, uint64_t cycle, bool rejected);
  void SampleB(const Top& top);

  DramConfig config_;
  std::vector<Window> windows_;
  uint64_t cap_ = 0;  // bytes; the windows' total when config_.cap is 0 or larger
  std::vector<DramCapRefusal> cap_refusals_;
  uint64_t cap_refusals_total_ = 0;
  // Backpressure: per channel, withhold when a 32-bit draw is below the threshold (0: never,
  // 2^32: always); splitmix64 state. Both follow config_.mem.
  std::array<uint64_t, kChanCount> stall_threshold_{};
  bool backpressure_on_ = false;
  uint64_t rng_ = 0;
  DramStats stats_;
  // Per direction of the DMA: bursts accepted whose last beat has not gone, the cycle of the last
  // burst's last beat and whether there was one since ResetStats (for DmaBurstStats::min_gap).
  struct DmaFlow {
    uint64_t open = 0;
    uint64_t last_end = 0;
    bool ended = false;
  };
  DmaFlow dma_rd_, dma_wr_;
  // A DMA burst's address handshake / last data beat in `cycle`.
  static void DmaBurstStart(DmaBurstStats& s, DmaFlow& flow, uint32_t beats, uint64_t cycle);
  static void DmaBurstEnd(DmaFlow& flow, uint64_t cycle);
  std::deque<Burst> reads_;     // accepted ARs, in order; the head is being returned on R
  std::deque<Burst> aw_queue_;  // accepted AWs whose W beats are not all in
  std::deque<Burst> b_queue_;   // writes waiting for their B
  // What Drive() presented this cycle (registered state, read back by Sample()).
  bool ar_ready_ = false, aw_ready_ = false, w_ready_ = false;
  bool r_valid_ = false, b_valid_ = false;
  // An RVALID / BVALID presented and not taken: held (with its payload) whatever the RNG says.
  bool r_hold_ = false, b_hold_ = false;
  // The protocol rules (docs/protocol.md §7), fed bus_ every sampled cycle.
  AxiChecker checker_;
  AxiSnapshot bus_;
  // For ChannelPicture: the levels seen by the last Sample (bit = DramChannel), and per channel
  // the cycle since which its VALID has been waiting for READY.
  bool sampled_ = false;
  uint64_t sampled_cycle_ = 0;
  unsigned valid_bits_ = 0, ready_bits_ = 0;
  std::array<uint64_t, kChanCount> wait_start_{};
};

}  // namespace dmacosim
