// SPDX-License-Identifier: MIT
// ops.cpp — the op handlers and the dispatch table.
#include "ops.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <iterator>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cpu_load.h"
#include "errors.h"
#include "protocol.h"
#include "waveform.h"
// hello's rtl.hash: the Makefile writes rtl_hash.h (DMACOSIM_RTL_HASH, the hash of the rtl/*.sv
// sources) into the build's object directory; a build without it says "unknown".
#if __has_include("rtl_hash.h")
#include "rtl_hash.h"
#endif
#ifndef DMACOSIM_RTL_HASH
#define DMACOSIM_RTL_HASH "unknown"
#endif

namespace dmacosim {
namespace {

namespace f = proto::field;

// mem_config names, indexed like the model's values: DramChannel; resp − 2; FaultWindow::On − 1.
constexpr std::string_view kChannelNames[kChanCount] = {proto::channel::kAr, proto::channel::kR,
                                                        proto::channel::kAw, proto::channel::kW,
                                                        proto::channel::kB};
constexpr std::string_view kRespNames[] = {proto::fault::kSlvErr, proto::fault::kDecErr};
constexpr std::string_view kOnNames[] = {proto::fault::kRead, proto::fault::kWrite,
                                         proto::fault::kBoth};
constexpr std::string_view kFaultKeys[] = {f::kAddr, f::kLen, f::kResp, f::kOn};
constexpr std::size_t kRequiredFaultKeys = 3;  // addr, len, resp; on defaults to both

// A batch checks the stop reasons (signal, parent death) every this many entries.
constexpr uint32_t kBatchStopPollEntries = 64;
// Room in a batch reply for its own envelope and the results array header.
constexpr uint64_t kBatchReplyOverhead = 64;

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, value);
  return buf;
}

// ---- parameter helpers -----------------------------------------------------------------------

uint32_t RegOffset(const Request& req) {
  const uint64_t addr = req.Uint(f::kAddr);
  if (addr >= proto::kRegSpaceBytes) {
    throw BadAddress("register offset " + Hex(addr) + " is outside the AXI-Lite space 0x0..0xffff");
  }
  if (addr % 4 != 0) throw BadAddress("register offset " + Hex(addr) + " is not 4-byte aligned");
  return static_cast<uint32_t>(addr);
}

uint8_t* DramRange(Harness& h, uint64_t addr, uint64_t len) {
  if (len > proto::kMaxMemOpBytes) {
    throw TooLarge(std::to_string(len) + " bytes: one memory op moves at most " +
                   std::to_string(proto::kMaxMemOpBytes) + " bytes");
  }
  uint8_t* host = h.dram.Backdoor(addr, len);
  if (host == nullptr) {
    std::string windows;
    for (const DramModel::Window& w : h.dram.windows()) {
      windows += (windows.empty() ? "" : ", ") + Hex(w.base) + ".." + Hex(w.base + w.size - 1);
    }
    throw BadAddress(Hex(addr) + "+" + std::to_string(len) + " is not inside a DRAM window (" +
                     windows + ")");
  }
  return host;
}

// The DRAM-window check shared by the CPU-port ops: TOO_LARGE above `max_len` (checked first),
// BAD_ADDRESS unless [addr, addr+len) lies inside one DRAM window.
void CheckCpuRange(Harness& h, std::string_view op, uint64_t addr, uint64_t len, uint64_t max_len) {
  if (len > max_len) {
    throw TooLarge(std::to_string(len) + " bytes: one " + std::string(op) + " covers at most " +
                   std::to_string(max_len) + " bytes");
  }
  if (h.dram.Backdoor(addr, len) == nullptr) {
    std::string windows;
    for (const DramModel::Window& w : h.dram.windows()) {
      windows += (windows.empty() ? "" : ", ") + Hex(w.base) + ".." + Hex(w.base + w.size - 1);
    }
    throw BadAddress(std::string(op) + ": " + Hex(addr) + "+" + std::to_string(len) +
                     " is not inside a DRAM window (" + windows + ")");
  }
}

// The CPU-port watchdog per access (protocol.h kCpuAccessCycles): room for a write-back and a
// fill behind the DMA's bursts at the configured latencies, stretched by backpressure.
uint64_t CpuWatchdogCycles(const MemConfig& c) {
  const double p = *std::max_element(c.backpressure.begin(), c.backpressure.end());
  const double factor = p >= 1.0 ? proto::kCpuBackpressureFactorMax
                                 : std::min(proto::kCpuBackpressureFactorMax, 1.0 / (1.0 - p));
  const uint64_t base = proto::kCpuAccessCycles + 2 * (c.read_latency + c.write_latency) +
                        2 * uint64_t{c.max_outstanding} * kMaxBurst;
  return static_cast<uint64_t>(static_cast<double>(base) * factor);
}

// A long CPU-port op checks the stop reasons (signal, parent death) every this many accesses.
constexpr uint64_t kCpuStopPollAccesses = 4096;

// Runs `count` CPU-port accesses back to back; `make(i)` builds access i, `done(i, rdata)` takes
// its response.
template <typename Make, typename Done>
void RunCpuAccesses(Harness& h, std::string_view op, uint64_t count, Make&& make, Done&& done) {
  const uint64_t timeout = CpuWatchdogCycles(h.dram.mem_config());
  for (uint64_t i = 0; i < count; ++i) {
    if (i % kCpuStopPollAccesses == kCpuStopPollAccesses - 1) h.platform.CheckStop();
    const CpuAccess access = make(i);
    done(i, h.cpu.Access(access, timeout, op));
  }
}

// ---- handlers --------------------------------------------------------------------------------

void Hello(Harness& h, const Request&, ReplyWriter& w) {
  w.Uint(f::kProtocol, proto::kProtocolVersion);
  w.Str(f::kHarness, proto::kHarnessVersion);
  w.Map(f::kRtl, [](MapWriter& m) {
    m.Uint(f::kDataWidth, kDataWidth);
    m.Uint(f::kAddrWidth, kAddrWidth);
    m.Uint(f::kMaxBurst, kMaxBurst);
    m.Uint(f::kMaxOutstanding, kMaxOutstanding);
    m.Uint(f::kCacheLine, kCacheLineBytes);
    m.Uint(f::kCacheSets, kCacheSets);
    m.Uint(f::kCacheWays, kCacheWays);
    m.Str(f::kHash, DMACOSIM_RTL_HASH);
    m.Bool(f::kHasDre, kHasDre);
  });
  w.Key(f::kDram).pack_array(static_cast<uint32_t>(h.dram.windows().size()));
  for (const DramModel::Window& win : h.dram.windows()) {
    w.MapValue([&](MapWriter& m) {
      m.Uint(f::kBase, win.base);
      m.Uint(f::kSize, win.size);
      m.Str(f::kShm, win.shm->path());
    });
  }
  w.Uint(f::kBusOffset, h.bus_offset);
  auto& p = w.Key(f::kOps);
  p.pack_array(static_cast<uint32_t>(OpTable().size()));
  for (const auto& [name, spec] : OpTable()) PackStr(p, name);
  w.Uint(f::kCycle, h.platform.cycle());
}

void Reset(Harness& h, const Request& req, ReplyWriter& w) {
  const uint64_t cycles =
      req.OptUint(f::kCycles, 1, proto::kResetCyclesMax).value_or(proto::kResetCyclesDefault);
  h.platform.Reset(cycles);
  w.Uint(f::kCycle, h.platform.cycle());
}

void Run(Harness& h, const Request& req, ReplyWriter& w) {
  const uint64_t cycles = req.Uint(f::kCycles, 0, proto::kRunCyclesMax);
  h.platform.Run(cycles);
  w.Uint(f::kCycle, h.platform.cycle());
}

void RunUntil(Harness& h, const Request& req, ReplyWriter& w) {
  const std::string_view event = req.Str(f::kEvent);
  const uint64_t max_cycles = req.Uint(f::kMaxCycles, 1, proto::kRunCyclesMax);
  Top& top = h.platform.top();
  bool fired = false;
  if (event == proto::event::kIrq) {
    fired = h.platform.RunUntil([&top] { return top.irq != 0; }, max_cycles);
  } else if (event == proto::event::kIdle) {
    fired = h.platform.RunUntil([&top] { return top.dma_idle != 0; }, max_cycles);
  } else if (event == proto::event::kViolation) {
    // a report the harness has not seen before, on the port in the current cycle or a later one
    fired = h.platform.RunUntil([&h] { return h.violations.CaptureNow(); }, max_cycles);
  } else if (event == proto::event::kIommuFault) {
    // a report not recorded before: seen now, or recorded by the log's own sampling during the run
    // (the port is registered in rtl/iommu.sv: it changes only at the rising edge, so both see it)
    const uint64_t before = h.iommu.total();
    fired = h.platform.RunUntil(
        [&h, before] { return h.iommu.CaptureNow() || h.iommu.total() > before; }, max_cycles);
  } else {
    throw BadRequest("field 'event' = " + QuoteForMessage(event) + " is not one of: " +
                     std::string(proto::event::kIrq) + ", " + std::string(proto::event::kIdle) +
                     ", " + std::string(proto::event::kViolation) + ", " +
                     std::string(proto::event::kIommuFault));
  }
  if (!fired) {
    throw Timeout("run_until " + std::string(event) + ": no " + std::string(event) + " after " +
                  std::to_string(max_cycles) + " cycles (cycle " +
                  std::to_string(h.platform.cycle()) + "); irq=" + std::to_string(top.irq) +
                  ", dma_idle=" + std::to_string(top.dma_idle) + ", " + h.platform.ModelStatus() +
                  "; " + h.dram.ChannelPicture());
  }
  w.Str(f::kEvent, event);
  w.Uint(f::kCycle, h.platform.cycle());
}

void RegRead(Harness& h, const Request& req, ReplyWriter& w) {
  const uint32_t addr = RegOffset(req);
  w.Uint(f::kValue, h.axil.Read(addr));
  w.Uint(f::kCycle, h.platform.cycle());
}

void RegWrite(Harness& h, const Request& req, ReplyWriter& w) {
  const uint32_t addr = RegOffset(req);
  const uint64_t value = req.Uint(f::kValue, 0, UINT32_MAX);
  h.axil.Write(addr, static_cast<uint32_t>(value));
  w.Uint(f::kCycle, h.platform.cycle());
}

void MemRead(Harness& h, const Request& req, ReplyWriter& w) {
  const uint64_t addr = req.Uint(f::kAddr);
  const uint64_t len = req.Uint(f::kLen);
  DramRange(h, addr, len);
  // Read without touching the mapping: a hole reads as zeros and takes no memory.
  std::vector<uint8_t> bytes(len);
  h.dram.ReadBackdoor(addr, len, bytes.data());
  w.Reserve(len + 16);
  w.Bin(f::kData, bytes.data(), len);
}

// DRAM_CAP unless the pages of [addr, addr + len) (inside a window) are reserved now.
void ReserveOrThrow(Harness& h, std::string_view op, uint64_t addr, uint64_t len) {
  if (h.dram.Reserve(addr, len)) return;
  throw DramCapError(std::string(op) + " " + Hex(addr) + "+" + std::to_string(len) +
                     " would pass the resident DRAM cap (--dram-cap " +
                     std::to_string(h.dram.cap()) + " bytes, " +
                     std::to_string(h.dram.ResidentBytes()) +
                     " resident) or the backing store is full: nothing written");
}

void MemWrite(Harness& h, const Request& req, ReplyWriter&) {
  const uint64_t addr = req.Uint(f::kAddr);
  const std::string_view data = req.Bin(f::kData);
  uint8_t* host = DramRange(h, addr, data.size());
  ReserveOrThrow(h, proto::op::kMemWrite, addr, data.size());
  if (!data.empty()) std::memcpy(host, data.data(), data.size());
}

void Shutdown(Harness& h, const Request&, ReplyWriter&) { h.shutdown_requested = true; }

// ---- mem_config ------------------------------------------------------------------------------

std::string JoinNames(const std::string_view* names, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i == 0 ? "" : ", ") + std::string(names[i]);
  return out;
}

FaultWindow ParseFault(const Value& entry) {
  FaultWindow fault;
  bool seen[std::size(kFaultKeys)] = {};
  for (const auto& [key, value] : entry.Entries()) {
    std::size_t k = 0;
    while (k < std::size(kFaultKeys) && kFaultKeys[k] != key) ++k;
    if (k == std::size(kFaultKeys)) {
      throw BadRequest("field " + QuoteForMessage(entry.path()) + " has no key " +
                       QuoteForMessage(key) +
                       " (keys: " + JoinNames(kFaultKeys, std::size(kFaultKeys)) + ")");
    }
    seen[k] = true;
    if (key == f::kAddr) {
      fault.addr = value.Uint();
    } else if (key == f::kLen) {
      fault.len = value.Uint(1, UINT64_MAX);
    } else if (key == f::kResp) {
      fault.resp = static_cast<uint8_t>(2 + value.OneOf(kRespNames));
    } else {
      fault.on = static_cast<uint8_t>(1 + value.OneOf(kOnNames));
    }
  }
  for (std::size_t k = 0; k < kRequiredFaultKeys; ++k) {
    if (!seen[k]) {
      throw BadRequest("field " + QuoteForMessage(entry.path()) + " is missing key '" +
                       std::string(kFaultKeys[k]) + "'");
    }
  }
  if (fault.len - 1 > UINT64_MAX - fault.addr) {
    throw BadRequest("field " + QuoteForMessage(entry.path()) + ": addr " + Hex(fault.addr) +
                     " + len " + std::to_string(fault.len) + " overflows 64 bits");
  }
  return fault;
}

// The current configuration with the request's fields applied. Validates every field (in the
// order of the op's table) before anything changes; throws BadRequest naming the field.
MemConfig ParseMemConfig(const Request& req, MemConfig next) {
  if (auto v = req.OptUint(f::kReadLatency, 0, proto::kMemLatencyMax)) next.read_latency = *v;
  if (auto v = req.OptUint(f::kWriteLatency, 0, proto::kMemLatencyMax)) next.write_latency = *v;
  if (auto v = req.OptUint(f::kMaxOutstanding, 1, proto::kMaxOutstandingMax)) {
    next.max_outstanding = static_cast<unsigned>(*v);
  }
  if (const std::optional<Value> v = req.Field(f::kBackpressure)) {
    if (v->IsMap()) {
      for (const auto& [key, value] : v->Entries()) {
        std::size_t c = 0;
        while (c < kChanCount && kChannelNames[c] != key) ++c;
        if (c == kChanCount) {
          throw BadRequest("field 'backpressure' has no channel " + QuoteForMessage(key) +
                           " (channels: " + JoinNames(kChannelNames, kChanCount) + ")");
        }
        next.backpressure[c] = value.Number(0.0, 1.0);
      }
    } else if (v->IsNumber()) {
      next.backpressure.fill(v->Number(0.0, 1.0));
    } else {
      throw BadRequest(std::string("field 'backpressure' must be a number 0..1 or a map of ") +
                       "channels, got " + v->TypeName());
    }
  }
  if (auto v = req.OptUint(f::kSeed)) next.seed = *v;
  if (const std::optional<Value> v = req.Field(f::kFaults)) {
    const uint32_t n = v->ArraySize();
    if (n > proto::kMaxFaultWindows) {
      throw BadRequest("field 'faults' has " + std::to_string(n) + " windows (at most " +
                       std::to_string(proto::kMaxFaultWindows) + ")");
    }
    next.faults.clear();
    for (uint32_t i = 0; i < n; ++i) next.faults.push_back(ParseFault(v->Element(i)));
  }
  return next;
}

void MemConfigOp(Harness& h, const Request& req, ReplyWriter& w) {
  const MemConfig next = ParseMemConfig(req, h.dram.mem_config());
  h.dram.SetMemConfig(next);
  if (req.Has(f::kSeed)) h.dram.RestartRng();

  const MemConfig& c = h.dram.mem_config();
  w.Uint(f::kReadLatency, c.read_latency);
  w.Uint(f::kWriteLatency, c.write_latency);
  w.Uint(f::kMaxOutstanding, c.max_outstanding);
  w.Map(f::kBackpressure, [&](MapWriter& m) {
    for (unsigned ch = 0; ch < kChanCount; ++ch) m.Float64(kChannelNames[ch], c.backpressure[ch]);
  });
  w.Uint(f::kSeed, c.seed);
  w.Key(f::kFaults).pack_array(static_cast<uint32_t>(c.faults.size()));
  for (const FaultWindow& fault : c.faults) {
    w.MapValue([&](MapWriter& m) {
      m.Uint(f::kAddr, fault.addr);
      m.Uint(f::kLen, fault.len);
      m.Str(f::kResp, kRespNames[fault.resp - 2]);
      m.Str(f::kOn, kOnNames[fault.on - 1]);
    });
  }
}

// ---- trace ---------------------------------------------------------------------------------

// The absolute path a trace request names: a relative `path` is taken from --trace-dir (else from
// the harness's working directory); its directory must exist (nothing is created), be writable
// and, with --trace-dir, lie inside it. Throws BadRequest.
std::string ResolveTracePath(const std::string& trace_dir, std::string_view path) {
  if (path.empty()) throw BadRequest("field 'path' is empty");
  if (path.size() > proto::kMaxTracePath) {
    throw BadRequest("field 'path' is " + std::to_string(path.size()) + " bytes long (at most " +
                     std::to_string(proto::kMaxTracePath) + ")");
  }
  if (path.find('\0') != std::string_view::npos) {
    throw BadRequest("field 'path' contains a NUL byte");
  }
  std::string full(path);
  if (full.front() != '/') full = (trace_dir.empty() ? std::string(".") : trace_dir) + "/" + full;
  const std::size_t slash = full.rfind('/');
  const std::string dir = slash == 0 ? "/" : full.substr(0, slash);
  const std::string name = full.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    throw BadRequest("field 'path' = " + QuoteForMessage(path) + " names no file");
  }
  char resolved[PATH_MAX];
  struct stat st {};
  if (::realpath(dir.c_str(), resolved) == nullptr || ::stat(resolved, &st) != 0 ||
      !S_ISDIR(st.st_mode)) {
    throw BadRequest("trace: directory " + QuoteForMessage(dir) + " does not exist");
  }
  const std::string real_dir = resolved;
  const std::string inside = trace_dir == "/" ? trace_dir : trace_dir + "/";
  if (!trace_dir.empty() && real_dir != trace_dir &&
      real_dir.compare(0, inside.size(), inside) != 0) {
    throw BadRequest("trace: " + QuoteForMessage(path) + " is outside --trace-dir " +
                     QuoteForMessage(trace_dir));
  }
  if (::access(resolved, W_OK) != 0) {
    throw BadRequest("trace: directory " + QuoteForMessage(real_dir) + " is not writable");
  }
  const std::string file = (real_dir == "/" ? std::string() : real_dir) + "/" + name;
  for (const std::string& p : {file, GtkwPathFor(file)}) {
    if (::lstat(p.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      throw BadRequest("trace: " + QuoteForMessage(p) + " exists and is not a regular file");
    }
  }
  return file;
}

void TraceOp(Harness& h, const Request& req, ReplyWriter& w) {
  const std::optional<Value> path = req.Field(f::kPath);
  const std::optional<bool> stop = req.OptBool(f::kStop);
  if (path && stop) throw BadRequest("give either 'path' (start) or 'stop' (stop), not both");
  if (stop && !*stop) throw BadRequest("field 'stop' must be true (omit it to ask the state)");
  if (path) {
    const std::string file = ResolveTracePath(h.trace_dir, path->Str());
    h.platform.StartTrace(file);
    try {
      WriteGtkwSave(file, GtkwPathFor(file));
    } catch (...) {
      h.platform.StopTrace();
      throw;
    }
  } else if (stop) {
    h.platform.StopTrace();
  }
  w.Str(f::kPath, h.platform.trace_path());
  w.Key(f::kActive).pack(h.platform.tracing());
}

// ---- CPU port: cpu_read, cpu_write, cache, coherency ------------------------------------------

// Byte strobe of the word at `word` (4-aligned) for the bytes of [addr, end) it holds.
uint8_t WordStrobe(uint64_t word, uint64_t addr, uint64_t end) {
  uint8_t strobe = 0;
  for (unsigned b = 0; b < 4; ++b) {
    if (word + b >= addr && word + b < end) strobe |= static_cast<uint8_t>(1u << b);
  }
  return strobe;
}

void CpuRead(Harness& h, const Request& req, ReplyWriter& w) {
  const uint64_t addr = req.Uint(f::kAddr);
  const uint64_t len = req.Uint(f::kLen, 1, UINT64_MAX);
  const bool cached = req.OptBool(f::kCached).value_or(true);
  CheckCpuRange(h, proto::op::kCpuRead, addr, len, proto::kMaxCpuOpBytes);
  const uint64_t first = addr & ~uint64_t{3};
  const uint64_t end = addr + len;
  std::string data(len, '\0');
  RunCpuAccesses(
      h, proto::op::kCpuRead, (end - first + 3) / 4,
      [&](uint64_t i) {
        const uint64_t word = first + 4 * i;
        return CpuAccess{CpuOp::kLoad, word, 0, WordStrobe(word, addr, end), cached};
      },
      [&](uint64_t i, uint32_t rdata) {
        const uint64_t word = first + 4 * i;
        for (unsigned b = 0; b < 4; ++b) {
          if (word + b >= addr && word + b < end) {
            data[word + b - addr] = static_cast<char>(rdata >> (8 * b));
          }
        }
      });
  w.Reserve(len + 32);
  w.Bin(f::kData, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  w.Uint(f::kCycle, h.platform.cycle());
}

void CpuWrite(Harness& h, const Request& req, ReplyWriter& w) {
  const uint64_t addr = req.Uint(f::kAddr);
  const std::string_view data = req.Bin(f::kData);
  const bool cached = req.OptBool(f::kCached).value_or(true);
  if (data.empty()) {
    throw BadRequest("field 'data' is empty (1 .. " + std::to_string(proto::kMaxCpuOpBytes) +
                     " bytes)");
  }
  CheckCpuRange(h, proto::op::kCpuWrite, addr, data.size(), proto::kMaxCpuOpBytes);
  // the lines it dirties are written back later: their pages are reserved now or never
  ReserveOrThrow(h, proto::op::kCpuWrite, addr, data.size());
  const uint64_t first = addr & ~uint64_t{3};
  const uint64_t end = addr + data.size();
  RunCpuAccesses(
      h, proto::op::kCpuWrite, (end - first + 3) / 4,
      [&](uint64_t i) {
        const uint64_t word = first + 4 * i;
        uint32_t wdata = 0;
        for (unsigned b = 0; b < 4; ++b) {
          if (word + b >= addr && word + b < end) {
            wdata |= uint32_t{static_cast<uint8_t>(data[word + b - addr])} << (8 * b);
          }
        }
        return CpuAccess{CpuOp::kStore, word, wdata, WordStrobe(word, addr, end), cached};
      },
      [](uint64_t, uint32_t) {});
  w.Uint(f::kCycle, h.platform.cycle());
}

constexpr std::string_view kCacheActions[] = {
    proto::cache_action::kClean, proto::cache_action::kInvalidate, proto::cache_action::kFlush};
constexpr CpuOp kCacheActionOps[] = {CpuOp::kClean, CpuOp::kInvalidate, CpuOp::kFlush};

void CacheOp(Harness& h, const Request& req, ReplyWriter& w) {
  const std::optional<Value> action_field = req.Field(f::kAction);
  if (!action_field) throw BadRequest("missing field 'action'");
  const CpuOp op = kCacheActionOps[action_field->OneOf(kCacheActions)];
  const uint64_t addr = req.Uint(f::kAddr);
  const uint64_t len = req.Uint(f::kLen, 1, UINT64_MAX);
  CheckCpuRange(h, proto::op::kCache, addr, len, proto::kMaxCacheOpBytes);
  const uint64_t first = addr & ~(kCacheLineBytes - 1);
  const uint64_t last = (addr + len - 1) & ~(kCacheLineBytes - 1);
  RunCpuAccesses(
      h, proto::op::kCache, (last - first) / kCacheLineBytes + 1,
      [&](uint64_t i) {
        return CpuAccess{op, first + i * kCacheLineBytes, 0, 0, true};
      },
      [](uint64_t, uint32_t) {});
  w.Uint(f::kCycle, h.platform.cycle());
}

// indexed by Violation::kind: mon_viol_e, then kViolationWildDma
constexpr std::string_view kViolationKinds[] = {
    proto::violation::kNone, proto::violation::kStaleCpuRead, proto::violation::kLostDmaWrite,
    proto::violation::kStaleDmaRead, proto::violation::kWildDma};
static_assert(std::size(kViolationKinds) == kViolationWildDma + 1);
constexpr std::string_view kDmaAccess[] = {proto::dma_access::kRead, proto::dma_access::kWrite,
                                           proto::dma_access::kReadWrite};

std::string_view AccessName(uint8_t access) {
  return access == (kDmaWindowRead | kDmaWindowWrite) ? proto::dma_access::kReadWrite
         : access == kDmaWindowWrite                  ? proto::dma_access::kWrite
                                                      : proto::dma_access::kRead;
}
constexpr std::string_view kMasters[] = {proto::violation::kCpu, proto::violation::kDma};

// iommu: the IOMMU's fault reports since the last clear (kind: the IOMMU_FAULT_* value)
void Iommu(Harness& h, const Request& req, ReplyWriter& w) {
  const bool clear = req.OptBool(f::kClear).value_or(false);
  h.iommu.CaptureNow();
  w.Uint(f::kTotal, h.iommu.total());
  const std::vector<IommuFault>& records = h.iommu.records();
  w.Reserve(records.size() * 64 + 64);
  w.Key(f::kFaults).pack_array(static_cast<uint32_t>(records.size()));
  for (const IommuFault& r : records) {
    w.MapValue([&](MapWriter& m) {
      m.Uint(f::kCycle, r.cycle);
      m.Uint(f::kAddr, r.iova);
      m.Bool(f::kWrite, r.write);
      m.Uint(f::kKind, r.kind);
    });
  }
  w.Uint(f::kDropped, h.iommu.dropped());
  w.Uint(f::kCycle, h.platform.cycle());
  if (clear) h.iommu.Clear();
}

void Coherency(Harness& h, const Request& req, ReplyWriter& w) {
  const std::optional<bool> snoop = req.OptBool(f::kSnoop);
  const bool clear = req.OptBool(f::kClear).value_or(false);
  Top& top = h.platform.top();
  const bool snoop_now = top.snoop_en != 0;
  const bool change = snoop && *snoop != snoop_now;
  if (change && !top.dma_idle) {
    throw BadRequest("snoop mode can only change while the DMA is idle (CDMASR.Idle = 0)");
  }
  if (change || clear) {
    // one MON_CTRL write: the snoop enable (new or kept) and the clear pulse
    const bool snoop_next = snoop ? *snoop : snoop_now;
    h.axil.Write(kMonCtrlOffset, (snoop_next ? kMonCtrlSnoopEn : 0) | (clear ? kMonCtrlClear : 0));
    if (clear) h.violations.OnMonitorCleared();
  }
  h.violations.CaptureNow();
  w.Bool(f::kSnoop, top.snoop_en != 0);
  w.Uint(f::kTotal, h.violations.total());
  const std::vector<Violation>& records = h.violations.records();
  w.Reserve(records.size() * 64 + 64);
  w.Key(f::kViolations).pack_array(static_cast<uint32_t>(records.size()));
  for (const Violation& v : records) {
    w.MapValue([&](MapWriter& m) {
      const bool wild = v.kind == kViolationWildDma;
      m.Uint(f::kCycle, v.cycle);
      m.Str(f::kKind, kViolationKinds[std::min<std::size_t>(v.kind, kViolationWildDma)]);
      m.Uint(f::kAddr, v.addr);
      m.Str(f::kMaster, kMasters[v.master & 1]);
      if (!wild) return;
      m.Str(f::kDir, v.write ? proto::dma_access::kWrite : proto::dma_access::kRead);
      if (!v.nearest) {
        m.Key(f::kNearest).pack_nil();
        return;
      }
      m.Map(f::kNearest, [&](MapWriter& n) {
        n.Uint(f::kBase, v.nearest->base);
        n.Uint(f::kSize, v.nearest->size);
        n.Str(f::kAccess, AccessName(v.nearest->access));
      });
    });
  }
  w.Uint(f::kDropped, h.violations.dropped());
  w.Uint(f::kCycle, h.platform.cycle());
  if (clear) h.violations.Clear();
}

// ---- dma_windows -----------------------------------------------------------------------------

// The whole window set is parsed and checked before anything changes; `windows` replaces the set,
// `enable` switches the analyser; neither runs a cycle.
void DmaWindowsOp(Harness& h, const Request& req, ReplyWriter& w) {
  const std::optional<bool> enable = req.OptBool(f::kEnable);
  std::optional<std::vector<DmaWindow>> windows;
  if (const std::optional<Value> list = req.Field(f::kWindows)) {
    const uint32_t n = list->ArraySize();
    if (n > proto::kMaxDmaWindows) {
      throw TooLarge("field 'windows': " + std::to_string(n) + " windows, at most " +
                     std::to_string(proto::kMaxDmaWindows));
    }
    windows.emplace();
    windows->reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      const Value e = list->Element(i);
      std::optional<uint64_t> base, size;
      std::optional<std::size_t> access;
      for (const auto& [key, value] : e.Entries()) {
        if (key == f::kBase) {
          base = value.Uint();
        } else if (key == f::kSize) {
          size = value.Uint(1);
        } else if (key == f::kAccess) {
          access = value.OneOf(kDmaAccess);
        } else {
          throw BadRequest("field '" + e.path() + "." + std::string(key) +
                           "' is not one of: base, size, access");
        }
      }
      if (!base || !size || !access) {
        throw BadRequest("field '" + e.path() + "' needs base, size and access");
      }
      if (*size - 1 > kAddrMask || *base > kAddrMask - (*size - 1)) {
        throw BadAddress("field '" + e.path() + "': [" + Hex(*base) + ", +" +
                         std::to_string(*size) + ") is outside the " + std::to_string(kAddrWidth) +
                         "-bit address space");
      }
      const uint8_t bits = *access == 0   ? kDmaWindowRead
                           : *access == 1 ? kDmaWindowWrite
                                          : kDmaWindowRead | kDmaWindowWrite;
      windows->push_back(DmaWindow{*base, *size, bits});
    }
  }
  if (windows) h.wild_dma.SetWindows(std::move(*windows));
  if (enable) h.wild_dma.Enable(*enable);
  w.Key(f::kEnable).pack(h.wild_dma.enabled());
  w.Uint(f::kWindows, h.wild_dma.windows().size());
  w.Uint(f::kBeatsChecked, h.wild_dma.beats_checked());
  w.Uint(f::kBeatsFlagged, h.wild_dma.beats_flagged());
  w.Uint(f::kCycle, h.platform.cycle());
}

// ---- cpu_load --------------------------------------------------------------------------------

// Every field is checked (and the region against the DRAM windows) before the load changes; no
// cycle runs: the load acts in the cycles later ops run.
void CpuLoadOp(Harness& h, const Request& req, ReplyWriter& w) {
  const ParsedCpuLoad load = ParseCpuLoad(req);
  if (load.has_region) {
    CheckCpuRange(h, proto::op::kCpuLoad, load.config.addr, load.config.len, UINT64_MAX);
    if (load.config.store_percent != 0) {
      ReserveOrThrow(h, proto::op::kCpuLoad, load.config.addr, load.config.len);
    }
  }
  h.cpu.ConfigureLoad(load.config);
  w.Uint(f::kCycle, h.platform.cycle());
}

// ---- stats -----------------------------------------------------------------------------------

void Stats(Harness& h, const Request& req, ReplyWriter& w) {
  const bool reset = req.OptBool(f::kReset).value_or(false);
  w.Uint(f::kCycle, h.platform.cycle());
  const DramStats& d = h.dram.stats();
  w.Counters(f::kDram, {{f::kReads, d.reads},
                        {f::kWrites, d.writes},
                        {f::kReadBeats, d.read_beats},
                        {f::kWriteBeats, d.write_beats},
                        {f::kReadBytes, d.read_bytes},
                        {f::kWriteBytes, d.write_bytes},
                        {f::kArStallCycles, d.ar_stall_cycles},
                        {f::kAwStallCycles, d.aw_stall_cycles},
                        {f::kWStallCycles, d.w_stall_cycles},
                        {f::kErrors, d.errors}});
  w.Counters(f::kAxil, {{f::kReads, h.axil.reads()},
                        {f::kWrites, h.axil.writes()},
                        {f::kMaxInFlight, h.axil.max_in_flight()}});
  // a min gap not measured yet (fewer than two bursts) reads 0
  const auto gap = [](uint64_t g) { return g == UINT64_MAX ? uint64_t{0} : g; };
  const LimitChecker& lim = h.dma_port.limits();
  const LimitStats& ls = lim.stats();
  w.Counters(f::kDma, {{f::kReads, d.dma_read.bursts},
                       {f::kWrites, d.dma_write.bursts},
                       {f::kReadBeats, d.dma_read.beats},
                       {f::kWriteBeats, d.dma_write.beats},
                       {f::kMaxReadBurst, d.dma_read.max_burst},
                       {f::kMaxWriteBurst, d.dma_write.max_burst},
                       {f::kMinReadGap, gap(d.dma_read.min_gap)},
                       {f::kMinWriteGap, gap(d.dma_write.min_gap)},
                       {f::kReadsInFlight, lim.reads_in_flight()},
                       {f::kWritesInFlight, lim.writes_in_flight()},
                       {f::kMaxReadsInFlight, ls.max_reads_in_flight},
                       {f::kMaxWritesInFlight, ls.max_writes_in_flight},
                       {f::kBusyCycles, ls.busy_cycles},
                       {f::kBusWaitCycles, ls.bus_wait_cycles}});
  w.Map(f::kArbiter, [&](MapWriter& arb) {
    const std::pair<std::string_view, ArbChannel> channels[] = {{f::kAr, ArbChannel::kAr},
                                                                {f::kAw, ArbChannel::kAw}};
    for (const auto& [name, ch] : channels) {
      const auto c = static_cast<unsigned>(ch);
      constexpr auto kCpu = static_cast<unsigned>(ArbMaster::kCpu);
      constexpr auto kDmaM = static_cast<unsigned>(ArbMaster::kDma);
      arb.Counters(name, {{f::kCpuGrants, ls.grants[c][kCpu]},
                          {f::kDmaGrants, ls.grants[c][kDmaM]},
                          {f::kCpuMaxWait, ls.max_wait[c][kCpu]},
                          {f::kDmaMaxWait, ls.max_wait[c][kDmaM]}});
    }
  });
  const CpuPortStats c = h.cpu.stats();
  w.Counters(f::kCache,
             {{f::kHits, c.hits}, {f::kMisses, c.misses}, {f::kWritebacks, c.writebacks}});
  w.Counters(f::kBus, {{f::kCpuWaitCycles, c.cpu_wait_cycles}});
  const MonitorStats m = h.violations.stats();
  w.Counters(f::kMonitor,
             {{f::kSnoopStallCycles, m.snoop_stall_cycles}, {f::kViolations, m.violations}});
  const std::pair<std::string_view, AxiCheckerCounts> checkers[] = {
      {proto::port::kDram, h.dram.checker_counts()},
      {proto::port::kDma, h.dma_port.counts()},
  };
  w.Map(f::kChecker, [&](MapWriter& m) {
    for (const auto& [port, counts] : checkers) {
      m.Counters(port, {{f::kReads, counts.reads},
                        {f::kWrites, counts.writes},
                        {f::kFindings, counts.findings}});
    }
  });
  const CpuLoadStats& l = h.cpu.load_stats();
  w.Map(f::kCpu, [&](MapWriter& m) {
    m.Uint(f::kAccesses, l.accesses());
    m.Uint(f::kLoads, l.loads());
    m.Uint(f::kStores, l.stores());
    m.Float64(f::kLatencyMean, l.LatencyMean());
    m.Uint(f::kLatencyP50, l.Percentile(50));
    m.Uint(f::kLatencyP99, l.Percentile(99));
    m.Uint(f::kLatencyMax, l.latency_max());
    m.Uint(f::kStallCycles, l.stall_cycles());
  });
  w.Map(f::kDramCap, [&](MapWriter& cap) {
    cap.Uint(f::kResident, h.dram.ResidentBytes());
    cap.Uint(f::kCap, h.dram.cap());
    cap.Uint(f::kRefused, h.dram.cap_refusals_total());
    const std::vector<DramCapRefusal>& refusals = h.dram.cap_refusals();
    cap.Key(f::kRefusals).pack_array(static_cast<uint32_t>(refusals.size()));
    for (const DramCapRefusal& refusal : refusals) {
      w.MapValue([&](MapWriter& e) {
        e.Uint(f::kCycle, refusal.cycle);
        e.Uint(f::kAddr, refusal.addr);
        e.Uint(f::kLen, refusal.len);
      });
    }
  });
  w.Counters(f::kTransport, {{f::kRefusedHandshakes, h.refused_handshakes}});
  if (reset) {
    h.refused_handshakes = 0;
    h.dram.ResetStats();
    h.dma_port.ResetCounts();
    h.axil.ResetStats();
    h.cpu.ResetStats();
    h.violations.ResetStats();
  }
}

// ---- dispatch --------------------------------------------------------------------------------

// One request, from decoding to its reply: `decode(id)` builds the Request (recording the id as
// soon as it is known). `nested`: a batch entry (no batch inside). `poll_stop`: check the stop
// reasons before running it. Never throws (except std::bad_alloc while encoding an error).
template <typename Decode>
EncodedReply Execute(Harness& harness, Decode&& decode, bool nested, bool poll_stop);

// Throws BadRequest when `req` has a field `spec` does not accept (besides id and op).
void CheckParams(const OpSpec& spec, const Request& req);

// With --axil-pipeline N > 1: the run of reg_read / reg_write entries from `first` on, as far as
// each would pass Execute's checks, posted to the AXI-Lite master, which issues them up to N at a
// time; each entry then takes its own access, in order (RegRead / RegWrite). Nothing at depth 1, or
// while accesses are still posted.
void PostRegisterRun(Harness& h, const Value& ops, uint32_t first, uint32_t n) {
  if (h.axil.pipeline() == 1 || h.axil.posted() != 0) return;
  for (uint32_t i = first; i < n; ++i) {
    try {
      std::optional<uint64_t> id;
      const Request req = Request::FromNested(ops.Element(i), id);
      const bool write = req.op() == proto::op::kRegWrite;
      if (!write && req.op() != proto::op::kRegRead) return;
      CheckParams(OpTable().at(req.op()), req);
      const uint32_t addr = RegOffset(req);
      const uint64_t value = write ? req.Uint(f::kValue, 0, UINT32_MAX) : 0;
      h.axil.Post(write, addr, static_cast<uint32_t>(value));
    } catch (const std::exception&) {
      return;  // this entry fails when it runs: nothing posted for it or after it
    }
  }
}

void Batch(Harness& h, const Request& req, ReplyWriter& w) {
  const std::optional<Value> ops = req.Field(f::kOps);
  if (!ops) throw BadRequest("missing field 'ops'");
  const uint32_t n = ops->ArraySize();
  if (n > proto::kMaxBatchOps) {
    throw TooLarge("batch of " + std::to_string(n) + " ops: one batch runs at most " +
                   std::to_string(proto::kMaxBatchOps));
  }
  std::string results;  // the replies, encoded back to back
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    PostRegisterRun(h, *ops, i, n);
    EncodedReply reply = Execute(
        h, [&](std::optional<uint64_t>& id) { return Request::FromNested(ops->Element(i), id); },
        /*nested=*/true, /*poll_stop=*/i % kBatchStopPollEntries == kBatchStopPollEntries - 1);
    if (results.size() + reply.size > proto::kMaxBatchReplyBytes - kBatchReplyOverhead) {
      reply = ReplyWriter::Error(reply.id, proto::ErrorCode::kTooLarge,
                                 "batch reply would exceed " +
                                     std::to_string(proto::kMaxBatchReplyBytes) +
                                     " bytes at entry " + std::to_string(i) +
                                     " (its reply: " + std::to_string(reply.size) + " bytes)");
    }
    results.append(reply.data, reply.size);
    ++count;
    if (!reply.ok || h.shutdown_requested) break;
  }
  // accesses posted behind the entry the batch stopped at: those already on the bus complete (as a
  // CPU's posted writes do; responses unreported), the others are dropped; a timeout or a finding
  // fails the batch
  if (h.axil.posted() != 0) h.axil.DrainPosted();
  w.Reserve(results.size() + 16);
  w.Key(f::kResults).pack_array(count);
  w.Raw(results.data(), results.size());
}

std::string KnownOps() {
  std::string names;
  for (const auto& [name, spec] : OpTable())
    names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

std::string JoinParams(const OpSpec& spec) {
  std::string names;
  for (std::string_view p : spec.params) names += (names.empty() ? "" : ", ") + std::string(p);
  return names.empty() ? "none" : names;
}

}  // namespace

const std::map<std::string_view, OpSpec>& OpTable() {
  namespace op = proto::op;
  static const std::map<std::string_view, OpSpec> table = [] {
    std::map<std::string_view, OpSpec> t;
    for (OpSpec spec : {
             OpSpec{op::kHello, {}, Hello},
             OpSpec{op::kReset, {f::kCycles}, Reset},
             OpSpec{op::kRun, {f::kCycles}, Run},
             OpSpec{op::kRunUntil, {f::kEvent, f::kMaxCycles}, RunUntil},
             OpSpec{op::kRegRead, {f::kAddr}, RegRead},
             OpSpec{op::kRegWrite, {f::kAddr, f::kValue}, RegWrite},
             OpSpec{op::kMemRead, {f::kAddr, f::kLen}, MemRead},
             OpSpec{op::kMemWrite, {f::kAddr, f::kData}, MemWrite},
             OpSpec{op::kShutdown, {}, Shutdown},
             OpSpec{op::kMemConfig,
                    {f::kReadLatency, f::kWriteLatency, f::kMaxOutstanding, f::kBackpressure,
                     f::kSeed, f::kFaults},
                    MemConfigOp},
             OpSpec{op::kBatch, {f::kOps}, Batch},
             OpSpec{op::kStats, {f::kReset}, Stats},
             OpSpec{op::kTrace, {f::kPath, f::kStop}, TraceOp},
             OpSpec{op::kCpuRead, {f::kAddr, f::kLen, f::kCached}, CpuRead},
             OpSpec{op::kCpuWrite, {f::kAddr, f::kData, f::kCached}, CpuWrite},
             OpSpec{op::kCache, {f::kAction, f::kAddr, f::kLen}, CacheOp},
             OpSpec{op::kCoherency, {f::kSnoop, f::kClear}, Coherency},
             OpSpec{op::kDmaWindows, {f::kEnable, f::kWindows}, DmaWindowsOp},
             OpSpec{op::kIommu, {f::kClear}, Iommu},
             OpSpec{
                 op::kCpuLoad,
                 {f::kPattern, f::kRate, f::kAddr, f::kLen, f::kSeed, f::kStorePercent, f::kCached},
                 CpuLoadOp},
         }) {
      t.emplace(spec.name, spec);
    }
    return t;
  }();
  return table;
}

namespace {

template <typename Decode>
EncodedReply Execute(Harness& harness, Decode&& decode, bool nested, bool poll_stop) {
  std::optional<uint64_t> id;
  try {
    const Request req = decode(id);
    const auto it = OpTable().find(req.op());
    if (it == OpTable().end()) {
      throw UnknownOp("unknown op " + QuoteForMessage(req.op()) + "; known ops: " + KnownOps());
    }
    const OpSpec& spec = it->second;
    if (nested && spec.name == proto::op::kBatch) {
      throw BadRequest("op 'batch' cannot be nested inside a batch");
    }
    CheckParams(spec, req);
    if (poll_stop) harness.platform.CheckStop();
    ReplyWriter reply;
    spec.handler(harness, req, reply);
    return reply.Finish(id);
  } catch (const CosimError& e) {
    // A waveform is most wanted right after a failure: make it complete up to here.
    if (e.code() == proto::ErrorCode::kSimError || e.code() == proto::ErrorCode::kTimeout ||
        e.code() == proto::ErrorCode::kBusError) {
      harness.platform.FlushTrace();
    }
    return ReplyWriter::Error(id, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return ReplyWriter::Error(id, proto::ErrorCode::kSimError, "harness out of memory");
  } catch (const std::exception& e) {
    return ReplyWriter::Error(id, proto::ErrorCode::kSimError,
                              std::string("internal error: ") + e.what());
  }
}

void CheckParams(const OpSpec& spec, const Request& req) {
  for (std::string_view name : req.ParamNames()) {
    bool known = false;
    for (std::string_view p : spec.params) known = known || p == name;
    if (!known) {
      throw BadRequest("op '" + std::string(spec.name) + "' has no field " + QuoteForMessage(name) +
                       " (fields: " + JoinParams(spec) + ")");
    }
  }
}

}  // namespace

EncodedReply HandleRequest(Harness& harness, const char* data, std::size_t size) {
  return Execute(
      harness, [&](std::optional<uint64_t>& id) { return Request::Decode(data, size, id); },
      /*nested=*/false, /*poll_stop=*/false);
}

}  // namespace dmacosim
