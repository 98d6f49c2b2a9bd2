// SPDX-License-Identifier: Apache-2.0
// protocol.h — the wire protocol v1 schema: op names, field names, error codes and limits.
// Every name the harness puts on or reads from the wire is spelled here and nowhere else.
#pragma once

#include <cstdint>
#include <string_view>

namespace dmacosim::proto {

inline constexpr uint64_t kProtocolVersion = 1;
inline constexpr std::string_view kHarnessVersion = "0.1.0";

// ---- limits ----------------------------------------------------------------------------------
inline constexpr int64_t kMaxFrameBytes = 64 << 20;    // ZMQ_MAXMSGSIZE
inline constexpr uint64_t kMaxMemOpBytes = 16u << 20;  // one mem_read / mem_write
inline constexpr uint64_t kRegSpaceBytes = 0x10000;    // AXI-Lite offsets 0 .. 0xFFFF
inline constexpr uint64_t kResetCyclesDefault = 16;
inline constexpr uint64_t kResetCyclesMax = 1000000;
inline constexpr uint64_t kRunCyclesMax = uint64_t{1} << 40;
// Request decoding bounds (hostile declared lengths never allocate more than this).
inline constexpr uint64_t kMaxRequestObjects = 65536;  // every value, key and container
inline constexpr uint64_t kMaxRequestDepth = 8;
inline constexpr uint64_t kMaxRequestArray = 4096;
inline constexpr uint64_t kMaxRequestMap = 64;
inline constexpr uint64_t kMaxRequestStr = 4096;
inline constexpr uint64_t kMaxRequestExt = 64;

// ---- error codes -----------------------------------------------------------------------------
enum class ErrorCode {
  kBadRequest,  // not a map, bad MessagePack, missing / wrong-typed / unknown field, out of range
  kUnknownOp,   // "op" names no operation
  kBadAddress,  // outside every DRAM window, misaligned or out-of-range register offset
  kTooLarge,    // a memory operation above kMaxMemOpBytes
  kBusError,    // AXI-Lite SLVERR / DECERR
  kSimError,    // protocol checker finding, RTL assertion / $stop / $finish
  kTimeout,     // a cycle limit was reached before the awaited event
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
inline constexpr std::string_view kDram = "dram";
inline constexpr std::string_view kBase = "base";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kShm = "shm";
inline constexpr std::string_view kOps = "ops";
}  // namespace field

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
}  // namespace op

// run_until events
namespace event {
inline constexpr std::string_view kIrq = "irq";
inline constexpr std::string_view kIdle = "idle";
}  // namespace event

}  // namespace dmacosim::proto
