// SPDX-License-Identifier: MIT
// protocol.h — the wire protocol v1 schema: op names, field names, error codes and limits.
// Every name the harness puts on or reads from the wire is spelled here and nowhere else.
#pragma once

#include <cstdint>
#include <string_view>

namespace dmacosim::proto {

inline constexpr uint64_t kProtocolVersion = 1;
inline constexpr std::string_view kHarnessVersion = "0.1.0";

// ---- limits ----------------------------------------------------------------------------------
inline constexpr int64_t kMaxFrameBytes = 64 << 20;      // ZMQ_MAXMSGSIZE
inline constexpr uint64_t kMaxMemOpBytes = 16u << 20;    // one mem_read / mem_write
inline constexpr uint64_t kMaxCpuOpBytes = 1u << 20;     // one cpu_read / cpu_write
inline constexpr uint64_t kMaxCacheOpBytes = 16u << 20;  // the range of one cache op
// coherency: violations recorded between two clears (later ones are only counted, as dropped)
inline constexpr uint64_t kMaxViolationRecords = 10000;
// dma_windows: live mappings the wild-DMA analyser knows at once
inline constexpr uint64_t kMaxDmaWindows = 65536;
// CPU-port watchdog per access: kCpuAccessCycles + 2 * (read + write latency) +
// 2 * max_outstanding * MAX_BURST, times 1 / (1 - the highest backpressure), that factor capped
inline constexpr uint64_t kCpuAccessCycles = 1000;
inline constexpr double kCpuBackpressureFactorMax = 100.0;
// cpu_load: rate (accesses per 100 free cycles) and store_percent ranges, the smallest region
inline constexpr uint64_t kCpuLoadRateMin = 1;
inline constexpr uint64_t kCpuLoadRateMax = 100;
inline constexpr uint64_t kCpuLoadStorePercentMax = 100;
inline constexpr uint64_t kCpuLoadMinBytes = 4;
inline constexpr uint64_t kRegSpaceBytes = 0x10000;  // AXI-Lite offsets 0 .. 0xFFFF
inline constexpr uint64_t kResetCyclesDefault = 16;
inline constexpr uint64_t kResetCyclesMax = 1000000;
inline constexpr uint64_t kRunCyclesMax = uint64_t{1} << 40;
inline constexpr uint64_t kMemLatencyMax = 10000;    // mem_config read_latency / write_latency
inline constexpr uint64_t kMaxOutstandingMax = 256;  // mem_config max_outstanding (per direction)
inline constexpr uint64_t kMaxFaultWindows = 64;     // mem_config faults
inline constexpr uint64_t kMaxBatchOps = 100000;     // batch ops (TOO_LARGE beyond)
// A batch reply stays within what a client accepts as one frame (its ZMQ_MAXMSGSIZE).
inline constexpr uint64_t kMaxBatchReplyBytes = kMaxFrameBytes;
// Request decoding bounds (hostile declared lengths never allocate more than this).
// A batch of kMaxBatchOps requests of up to four fields each fits; larger batches reach the
// batch op's own TOO_LARGE check as long as they stay within these bounds.
inline constexpr uint64_t kMaxRequestObjects = uint64_t{1} << 20;  // every value, key, container
inline constexpr uint64_t kMaxRequestDepth = 8;
inline constexpr uint64_t kMaxRequestArray = uint64_t{1} << 17;
inline constexpr uint64_t kMaxRequestMap = 64;
inline constexpr uint64_t kMaxRequestStr = 4096;
inline constexpr uint64_t kMaxRequestExt = 64;
// trace: the longest waveform path accepted (PATH_MAX minus room for the ".gtkw" / ".hier" names)
inline constexpr uint64_t kMaxTracePath = 4000;

// ---- error codes -----------------------------------------------------------------------------
enum class ErrorCode {
  kBadRequest,  // not a map, bad MessagePack, missing / wrong-typed / unknown field, out of range
  kUnknownOp,   // "op" names no operation
  kBadAddress,  // outside every DRAM window, misaligned or out-of-range register offset
  kTooLarge,    // a memory operation above kMaxMemOpBytes
  kBusError,    // AXI-Lite SLVERR / DECERR
  kSimError,    // protocol checker finding, RTL assertion / $stop / $finish
  kTimeout,     // a cycle limit was reached before the awaited event
  kDramCap,     // a write would pass the resident DRAM cap (--dram-cap): nothing written
};

constexpr std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "BAD_REQUEST";
    case ErrorCode::kUnknownOp:
      return "UNKNOWN_OP";
    case ErrorCode::kBadAddress:
      return "BAD_ADDRESS";
    case ErrorCode::kTooLarge:
      return "TOO_LARGE";
    case ErrorCode::kBusError:
      return "BUS_ERROR";
    case ErrorCode::kSimError:
      return "SIM_ERROR";
    case ErrorCode::kTimeout:
      return "TIMEOUT";
    case ErrorCode::kDramCap:
      return "DRAM_CAP";
  }
  return "SIM_ERROR";
}

// ---- envelope fields (every request / reply) -------------------------------------------------
namespace field {
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kOp = "op";
inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kCode = "code";
inline constexpr std::string_view kMessage = "message";

// request parameters
inline constexpr std::string_view kCycles = "cycles";
inline constexpr std::string_view kEvent = "event";
inline constexpr std::string_view kMaxCycles = "max_cycles";
inline constexpr std::string_view kAddr = "addr";
inline constexpr std::string_view kValue = "value";
inline constexpr std::string_view kLen = "len";
inline constexpr std::string_view kData = "data";
// mem_config (its results use the same names)
inline constexpr std::string_view kReadLatency = "read_latency";
inline constexpr std::string_view kWriteLatency = "write_latency";
inline constexpr std::string_view kMaxOutstanding = "max_outstanding";
inline constexpr std::string_view kBackpressure = "backpressure";
inline constexpr std::string_view kSeed = "seed";
inline constexpr std::string_view kFaults = "faults";
inline constexpr std::string_view kResp = "resp";
inline constexpr std::string_view kOn = "on";
// stats
inline constexpr std::string_view kReset = "reset";
// cpu_read / cpu_write / cache (kAddr, kLen, kData above)
inline constexpr std::string_view kCached = "cached";
inline constexpr std::string_view kAction = "action";  // cache: "op" is the envelope's
// coherency (params kSnoop, kClear; results kSnoop, kTotal, kViolations, kDropped, kCycle)
inline constexpr std::string_view kSnoop = "snoop";
inline constexpr std::string_view kClear = "clear";
inline constexpr std::string_view kTotal = "total";
inline constexpr std::string_view kViolations = "violations";
inline constexpr std::string_view kDropped = "dropped";
inline constexpr std::string_view kKind = "kind";
inline constexpr std::string_view kMaster = "master";
// dma_windows (params kEnable, kWindows of {kBase, kSize, kAccess}; results kEnable, kWindows
// (the count), kBeatsChecked, kBeatsFlagged, kCycle); a WILD_DMA violation adds kDir and kNearest
inline constexpr std::string_view kEnable = "enable";
inline constexpr std::string_view kWindows = "windows";
inline constexpr std::string_view kAccess = "access";
inline constexpr std::string_view kBeatsChecked = "beats_checked";
inline constexpr std::string_view kBeatsFlagged = "beats_flagged";
inline constexpr std::string_view kDir = "dir";
inline constexpr std::string_view kNearest = "nearest";
// iommu (param kClear; results kTotal, kFaults of {kCycle, kAddr, kWrite, kKind}, kDropped, kCycle)
inline constexpr std::string_view kWrite = "write";
// cpu_load (besides kAddr, kLen, kSeed, kCached)
inline constexpr std::string_view kPattern = "pattern";
inline constexpr std::string_view kRate = "rate";
inline constexpr std::string_view kStorePercent = "store_percent";
// batch (its param is kOps)
inline constexpr std::string_view kResults = "results";
// trace (its results are kPath and kActive)
inline constexpr std::string_view kPath = "path";
inline constexpr std::string_view kStop = "stop";
inline constexpr std::string_view kActive = "active";

// results
inline constexpr std::string_view kCycle = "cycle";
inline constexpr std::string_view kProtocol = "protocol";
inline constexpr std::string_view kHarness = "harness";
inline constexpr std::string_view kRtl = "rtl";
inline constexpr std::string_view kDataWidth = "data_width";
inline constexpr std::string_view kAddrWidth = "addr_width";
inline constexpr std::string_view kMaxBurst = "max_burst";
inline constexpr std::string_view kCacheLine = "cache_line";
inline constexpr std::string_view kCacheSets = "cache_sets";
inline constexpr std::string_view kCacheWays = "cache_ways";
inline constexpr std::string_view kHash = "hash";
inline constexpr std::string_view kHasDre = "has_dre";
inline constexpr std::string_view kDram = "dram";
inline constexpr std::string_view kBase = "base";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kShm = "shm";
inline constexpr std::string_view kBusOffset = "bus_offset";
inline constexpr std::string_view kOps = "ops";
// stats results: kDram (the DRAM model) and kAxil (the AXI-Lite master) hold these counters
inline constexpr std::string_view kAxil = "axil";
inline constexpr std::string_view kReads = "reads";
inline constexpr std::string_view kWrites = "writes";
// stats kAxil: the most accesses the master had presented and not yet answered at once
inline constexpr std::string_view kMaxInFlight = "max_in_flight";
inline constexpr std::string_view kReadBeats = "read_beats";
inline constexpr std::string_view kWriteBeats = "write_beats";
inline constexpr std::string_view kReadBytes = "read_bytes";
inline constexpr std::string_view kWriteBytes = "write_bytes";
inline constexpr std::string_view kArStallCycles = "ar_stall_cycles";
inline constexpr std::string_view kAwStallCycles = "aw_stall_cycles";
inline constexpr std::string_view kWStallCycles = "w_stall_cycles";
inline constexpr std::string_view kErrors = "errors";
// stats results: kDma, the DMA's bursts at the DRAM port (kReads, kWrites, kReadBeats, kWriteBeats)
inline constexpr std::string_view kDma = "dma";
inline constexpr std::string_view kMaxReadBurst = "max_read_burst";
inline constexpr std::string_view kMaxWriteBurst = "max_write_burst";
inline constexpr std::string_view kMinReadGap = "min_read_gap";
inline constexpr std::string_view kMinWriteGap = "min_write_gap";
// kDma, from the DMA port's limit checks: bursts in flight now and at most, and the events of the
// RTL's EXT_PERF_BUSY / EXT_PERF_BUS_WAIT counters
inline constexpr std::string_view kReadsInFlight = "reads_in_flight";
inline constexpr std::string_view kWritesInFlight = "writes_in_flight";
inline constexpr std::string_view kMaxReadsInFlight = "max_reads_in_flight";
inline constexpr std::string_view kMaxWritesInFlight = "max_writes_in_flight";
inline constexpr std::string_view kBusyCycles = "busy_cycles";
inline constexpr std::string_view kBusWaitCycles = "bus_wait_cycles";
// stats results: kArbiter holds kAr and kAw, each with grants and the longest wait per master
inline constexpr std::string_view kArbiter = "arbiter";
inline constexpr std::string_view kAr = "ar";
inline constexpr std::string_view kAw = "aw";
inline constexpr std::string_view kCpuGrants = "cpu_grants";
inline constexpr std::string_view kDmaGrants = "dma_grants";
inline constexpr std::string_view kCpuMaxWait = "cpu_max_wait";
inline constexpr std::string_view kDmaMaxWait = "dma_max_wait";
// stats results from the RTL's counters: kCache, kBus, kMonitor groups
inline constexpr std::string_view kCache = "cache";
inline constexpr std::string_view kHits = "hits";
inline constexpr std::string_view kMisses = "misses";
inline constexpr std::string_view kWritebacks = "writebacks";
inline constexpr std::string_view kBus = "bus";
inline constexpr std::string_view kCpuWaitCycles = "cpu_wait_cycles";
inline constexpr std::string_view kMonitor = "monitor";
inline constexpr std::string_view kSnoopStallCycles = "snoop_stall_cycles";
// kViolations in kMonitor: the RTL's violation count
// stats results of the AXI protocol checkers: kChecker holds one map per port (namespace port)
// with kReads, kWrites and kFindings
inline constexpr std::string_view kChecker = "checker";
inline constexpr std::string_view kFindings = "findings";
// stats results: kCpu, the cpu_load generator's accesses and their latency
inline constexpr std::string_view kCpu = "cpu";
inline constexpr std::string_view kAccesses = "accesses";
inline constexpr std::string_view kLoads = "loads";
inline constexpr std::string_view kStores = "stores";
inline constexpr std::string_view kLatencyMean = "latency_mean";
inline constexpr std::string_view kLatencyP50 = "latency_p50";
inline constexpr std::string_view kLatencyP99 = "latency_p99";
inline constexpr std::string_view kLatencyMax = "latency_max";
inline constexpr std::string_view kStallCycles = "stall_cycles";
// stats results: kDramCap, the resident DRAM (kResident bytes held now, kCap the most allowed) and
// the DMA write bursts refused by the cap (kRefused since the last reset; kRefusals, the first
// ones, each kCycle, kAddr, kLen)
inline constexpr std::string_view kDramCap = "dram_cap";
inline constexpr std::string_view kResident = "resident";
inline constexpr std::string_view kCap = "cap";
inline constexpr std::string_view kRefused = "refused";
inline constexpr std::string_view kRefusals = "refusals";
// stats results: kTransport, the socket's CURVE handshakes refused (no reply, nothing changed)
inline constexpr std::string_view kTransport = "transport";
inline constexpr std::string_view kRefusedHandshakes = "refused_handshakes";
}  // namespace field

// The AXI4 ports the harness's protocol checkers watch: keys of stats kChecker, and "<name> port"
// in their findings' messages.
namespace port {
inline constexpr std::string_view kDram = "dram";  // cosim_top m_axi_* (behind the arbiter)
inline constexpr std::string_view kDma = "dma";    // cosim_top dbg_dma_* (the arbiter's DMA side)
}  // namespace port

// mem_config backpressure channels, in the order of DramChannel (dram_model.h)
namespace channel {
inline constexpr std::string_view kAr = "ar";
inline constexpr std::string_view kR = "r";
inline constexpr std::string_view kAw = "aw";
inline constexpr std::string_view kW = "w";
inline constexpr std::string_view kB = "b";
}  // namespace channel

// mem_config fault windows: resp and on
namespace fault {
inline constexpr std::string_view kSlvErr = "SLVERR";
inline constexpr std::string_view kDecErr = "DECERR";
inline constexpr std::string_view kRead = "read";
inline constexpr std::string_view kWrite = "write";
inline constexpr std::string_view kBoth = "both";
}  // namespace fault

// ---- ops -------------------------------------------------------------------------------------
namespace op {
inline constexpr std::string_view kHello = "hello";
inline constexpr std::string_view kReset = "reset";
inline constexpr std::string_view kRun = "run";
inline constexpr std::string_view kRunUntil = "run_until";
inline constexpr std::string_view kRegRead = "reg_read";
inline constexpr std::string_view kRegWrite = "reg_write";
inline constexpr std::string_view kMemRead = "mem_read";
inline constexpr std::string_view kMemWrite = "mem_write";
inline constexpr std::string_view kShutdown = "shutdown";
inline constexpr std::string_view kMemConfig = "mem_config";
inline constexpr std::string_view kBatch = "batch";
inline constexpr std::string_view kStats = "stats";
inline constexpr std::string_view kTrace = "trace";
inline constexpr std::string_view kCpuRead = "cpu_read";
inline constexpr std::string_view kCpuWrite = "cpu_write";
inline constexpr std::string_view kCache = "cache";
inline constexpr std::string_view kCoherency = "coherency";
inline constexpr std::string_view kCpuLoad = "cpu_load";
inline constexpr std::string_view kDmaWindows = "dma_windows";
inline constexpr std::string_view kIommu = "iommu";
}  // namespace op

// cpu_load patterns (the value of kPattern), indexed like CpuLoadPattern (cpu_load.h)
namespace cpu_load_pattern {
inline constexpr std::string_view kNone = "none";
inline constexpr std::string_view kStream = "stream";
inline constexpr std::string_view kRandom = "random";
}  // namespace cpu_load_pattern

// cache actions (the value of kAction)
namespace cache_action {
inline constexpr std::string_view kClean = "clean";
inline constexpr std::string_view kInvalidate = "invalidate";
inline constexpr std::string_view kFlush = "flush";
}  // namespace cache_action

// coherency violations: kind (indexed by mon_viol_e) and master (indexed by bus_master_e)
namespace violation {
inline constexpr std::string_view kNone = "NONE";  // never reported by the RTL
inline constexpr std::string_view kStaleCpuRead = "STALE_CPU_READ";
inline constexpr std::string_view kLostDmaWrite = "LOST_DMA_WRITE";
inline constexpr std::string_view kStaleDmaRead = "STALE_DMA_READ";
inline constexpr std::string_view kWildDma = "WILD_DMA";  // the harness's analyser (dma_windows)
inline constexpr std::string_view kCpu = "cpu";
inline constexpr std::string_view kDma = "dma";
}  // namespace violation

// dma_windows access (what the device may do in a window) and a WILD_DMA beat's dir
namespace dma_access {
inline constexpr std::string_view kRead = "r";
inline constexpr std::string_view kWrite = "w";
inline constexpr std::string_view kReadWrite = "rw";
}  // namespace dma_access

// run_until events
namespace event {
inline constexpr std::string_view kIrq = "irq";
inline constexpr std::string_view kIdle = "idle";
inline constexpr std::string_view kViolation = "violation";
inline constexpr std::string_view kIommuFault = "iommu_fault";
}  // namespace event

}  // namespace dmacosim::proto
