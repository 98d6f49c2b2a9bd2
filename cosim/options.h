// SPDX-License-Identifier: MIT
// options.h — the harness's command line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dmacosim {

// How long the harness polls without blocking after a reply, when its client asks quickly
// (--spin-us).
inline constexpr uint64_t kDefaultSpinUs = 200;
inline constexpr uint64_t kMaxSpinUs = 100'000;
// --dram-cap: the smallest cap accepted (room for descriptor rings and a few buffers; a cap is
// a whole number of 4 KiB pages).
inline constexpr uint64_t kMinDramCap = uint64_t{1} << 20;

struct Options {
  std::string endpoint;             // empty: tcp://127.0.0.1:0 (a free loopback port)
  std::string trace_dir;            // the trace op writes only in this directory (empty: anywhere)
  uint64_t seed = 0;                // initial seed of the DRAM backpressure RNG
  std::optional<pid_t> parent_pid;  // exit when our parent is no longer this process
  uint64_t spin_us = kDefaultSpinUs;  // after a reply, poll without blocking this long (0: never)
  // CURVE keys: a 0600 file, "-" for standard input, empty to make fresh ones (loopback only)
  std::string keys;
  bool no_curve = false;  // --no-curve: no authentication (loopback only)
  // --dram-cap: the most bytes of DRAM resident at once; 0 for the default (DefaultDramCap)
  uint64_t dram_cap = 0;
  std::string dram_dir;  // --dram-dir: back the DRAM windows with files there (empty: memfd)
  // --bus-offset: the host bridge's offset, DMA bus address = CPU physical + bus_offset (Linux
  // dma-ranges); cosim_top's bus_offset input, reported in hello
  uint64_t bus_offset = 0;
  bool axil_skew = false;  // --axil-skew: the AXI-Lite master skews AW / W and B / R (seeded)
  // --axil-pipeline N: a batch's run of register accesses goes out with up to N in flight (1: one
  // at a time); AxiLiteMaster::kMaxPipeline at most
  unsigned axil_pipeline = 1;
};

// Why `offset` cannot be the host bridge's bus offset with DRAM windows [base, base + size) on an
// `addr_width`-bit bus (not a multiple of 4 KiB, or a window that would end beyond the bus's
// address space), or empty when it can.
std::string BusOffsetError(uint64_t offset,
                           const std::vector<std::pair<uint64_t, uint64_t>>& windows,
                           unsigned addr_width);

// The cap without --dram-cap: half the machine's physical memory.
uint64_t DefaultDramCap();

struct ParsedOptions {
  enum class Action { kRun, kHelp, kError };
  Action action = Action::kRun;
  Options options;
  std::string error;  // for kError
};

ParsedOptions ParseOptions(int argc, char** argv);
// The --help text.
std::string Usage(const char* argv0);

}  // namespace dmacosim
