// SPDX-License-Identifier: MIT
// cpu_port.h — CPU-port master on cosim_top's cpu_req_* / cpu_rsp_* (cpu_cache): one word access
// or line maintenance op at a time, driven cycle by cycle through Platform ticks, with a cycle
// watchdog per access; the `cpu_load` generator's background accesses in the cycles the explicit
// ops leave the port free, and their latency; also reads the cache and bus counters the RTL
// exports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clocked_model.h"
#include "cpu_load.h"
#include "platform.h"

namespace dmacosim {

// cpu_op_e of rtl/dma_pkg.sv (values are stable).
enum class CpuOp : uint8_t { kLoad = 0, kStore = 1, kClean = 2, kInvalidate = 3, kFlush = 4 };

// One CPU-port request: a 32-bit word at a 4-aligned address (LOAD / STORE; wstrb names the bytes
// stored, or used by a LOAD), or a maintenance op on the line holding `addr`.
struct CpuAccess {
  CpuOp op = CpuOp::kLoad;
  uint64_t addr = 0;
  uint32_t wdata = 0;
  uint8_t wstrb = 0;
  bool cacheable = true;
};

// The RTL's free-running counters, minus the values at the last ResetStats (modulo 2^32).
struct CpuPortStats {
  uint32_t hits = 0;
  uint32_t misses = 0;
  uint32_t writebacks = 0;
  uint32_t cpu_wait_cycles = 0;
};

class CpuPort final : public ClockedModel {
 public:
  // Runs `platform` during an access; add the port to it with Platform::AddModel.
  explicit CpuPort(Platform& platform);

  // One request, run to its response (every request gets exactly one); returns cpu_rsp_rdata
  // (the loaded word for LOAD, else 0). An access of the load in flight finishes first; then
  // this request has the port (the load starts none meanwhile). Throws Timeout naming the signal
  // it waited for when the request is not taken and answered within `timeout_cycles`; the
  // message starts with `what` (the op) and the access. After a timeout the request may still be
  // in the RTL: its late response is dropped.
  uint32_t Access(const CpuAccess& access, uint64_t timeout_cycles, std::string_view what);

  // Background load (`cpu_load`): from the next cycle on, in every cycle out of reset in which
  // the port is free — no access in flight, none of Access() waiting — an access starts with
  // probability rate / 100. Pattern none stops it. An access in flight finishes (and counts).
  void ConfigureLoad(const CpuLoadConfig& config) { load_.Configure(config); }
  const CpuLoadConfig& load_config() const { return load_.config(); }
  // The load's accesses that got their response since start or the last ResetStats().
  const CpuLoadStats& load_stats() const { return load_stats_; }

  // Explicit requests (Access) that got their response.
  uint64_t accesses() const { return accesses_; }
  CpuPortStats stats() const;
  // Makes stats() count from now (the RTL's counters are not writable); clears load_stats().
  void ResetStats();

  // ClockedModel
  void Drive(Top& top, uint64_t cycle) override;
  void Sample(const Top& top, uint64_t cycle) override;
  // Also: the RTL's counters restart from 0; the load keeps its configuration and restarts its
  // draws from its seed (its access in flight is dropped, not counted).
  void OnReset() override;
  std::string Name() const override { return "cpu"; }
  std::string Status() const override;

 private:
  enum class Owner : uint8_t { kNone, kExplicit, kLoad };

  // Forgets the explicit access (after its timeout or an exception); a load access stays.
  void AbandonExplicit();

  Platform& platform_;
  // registered state: the request being presented / awaiting its response, and whose it is
  CpuAccess access_;
  Owner owner_ = Owner::kNone;
  bool req_pending_ = false;
  bool rsp_pending_ = false;
  uint32_t rdata_ = 0;
  // Access(): its request waits for the port / has got its response
  CpuAccess explicit_;
  bool explicit_waiting_ = false;
  bool explicit_done_ = false;
  uint64_t accesses_ = 0;
  CpuPortStats base_;  // counter values at the last ResetStats
  // cpu_load
  CpuLoadGenerator load_;
  CpuLoadStats load_stats_;
  uint64_t load_start_ = 0;  // cycle the load's access in flight was first presented
};

}  // namespace dmacosim
