// SPDX-License-Identifier: Apache-2.0
// ops.cpp — the op handlers and the dispatch table.
#include "ops.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "errors.h"
#include "protocol.h"

namespace dmacosim {
namespace {

namespace f = proto::field;

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

// ---- handlers --------------------------------------------------------------------------------

void Hello(Harness& h, const Request&, ReplyWriter& w) {
  w.Uint(f::kProtocol, proto::kProtocolVersion);
  w.Str(f::kHarness, proto::kHarnessVersion);
  auto& p = w.Key(f::kRtl);
  p.pack_map(6);
  PackStr(p, f::kDataWidth);
  p.pack_uint64(kDataWidth);
  PackStr(p, f::kAddrWidth);
  p.pack_uint64(kAddrWidth);
  PackStr(p, f::kMaxBurst);
  p.pack_uint64(kMaxBurst);
  PackStr(p, f::kCacheLine);  // no cache in this build yet
  p.pack_uint64(0);
  PackStr(p, f::kCacheSets);
  p.pack_uint64(0);
  PackStr(p, f::kCacheWays);
  p.pack_uint64(0);
  w.Key(f::kDram).pack_array(static_cast<uint32_t>(h.dram.windows().size()));
  for (const DramModel::Window& win : h.dram.windows()) {
    p.pack_map(3);
    PackStr(p, f::kBase);
    p.pack_uint64(win.base);
    PackStr(p, f::kSize);
    p.pack_uint64(win.size);
    PackStr(p, f::kShm);
    PackStr(p, win.shm->path());
  }
  w.Key(f::kOps).pack_array(static_cast<uint32_t>(OpTable().size()));
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
  } else {
    throw BadRequest("field 'event' = " + QuoteForMessage(event) + " is not one of: " +
                     std::string(proto::event::kIrq) + ", " + std::string(proto::event::kIdle));
  }
  if (!fired) {
    throw Timeout("run_until " + std::string(event) + ": no " + std::string(event) + " after " +
                  std::to_string(max_cycles) + " cycles (cycle " +
                  std::to_string(h.platform.cycle()) + "); irq=" + std::to_string(top.irq) +
                  ", dma_idle=" + std::to_string(top.dma_idle) + ", " + h.platform.ModelStatus());
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
  const uint8_t* host = DramRange(h, addr, len);
  w.Reserve(len + 16);
  w.Bin(f::kData, host, len);
}

void MemWrite(Harness& h, const Request& req, ReplyWriter&) {
  const uint64_t addr = req.Uint(f::kAddr);
  const std::string_view data = req.Bin(f::kData);
  uint8_t* host = DramRange(h, addr, data.size());
  if (!data.empty()) std::memcpy(host, data.data(), data.size());
}

void Shutdown(Harness& h, const Request&, ReplyWriter&) { h.shutdown_requested = true; }

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
         }) {
      t.emplace(spec.name, spec);
    }
    return t;
  }();
  return table;
}

EncodedReply HandleRequest(Harness& harness, const char* data, std::size_t size) {
  std::optional<uint64_t> id;
  try {
    const Request req = Request::Decode(data, size, id);
    const auto it = OpTable().find(req.op());
    if (it == OpTable().end()) {
      throw UnknownOp("unknown op " + QuoteForMessage(req.op()) + "; known ops: " + KnownOps());
    }
    const OpSpec& spec = it->second;
    for (std::string_view name : req.ParamNames()) {
      bool known = false;
      for (std::string_view p : spec.params) known = known || p == name;
      if (!known) {
        throw BadRequest("op '" + std::string(spec.name) + "' has no field " +
                         QuoteForMessage(name) + " (fields: " + JoinParams(spec) + ")");
      }
    }
    ReplyWriter reply;
    spec.handler(harness, req, reply);
    return reply.Finish(id);
  } catch (const CosimError& e) {
    return ReplyWriter::Error(id, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return ReplyWriter::Error(id, proto::ErrorCode::kSimError, "harness out of memory");
  } catch (const std::exception& e) {
    return ReplyWriter::Error(id, proto::ErrorCode::kSimError,
                              std::string("internal error: ") + e.what());
  }
}

}  // namespace dmacosim
