// SPDX-License-Identifier: MIT
// ops.h — the request boundary: decode a request, dispatch it through the op table, turn every
// exception into a typed error reply. Handlers validate all parameters before touching state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "axil_master.h"
#include "cpu_port.h"
#include "dma_port_checker.h"
#include "dram_model.h"
#include "iommu_log.h"
#include "msgpack_io.h"
#include "platform.h"
#include "violation_log.h"
#include "wild_dma.h"

namespace dmacosim {

// What the ops act on.
struct Harness {
  Platform& platform;
  DramModel& dram;
  DmaPortChecker& dma_port;
  AxiLiteMaster& axil;
  CpuPort& cpu;
  ViolationLog& violations;
  WildDmaChecker& wild_dma;
  IommuLog& iommu;
  // CURVE handshakes the socket refused (a wrong or missing key); stats "transport"
  uint64_t refused_handshakes = 0;
  bool shutdown_requested = false;  // set by "shutdown"; the server exits after replying
  // --trace-dir, resolved (realpath): every trace file lies in it or below; empty: anywhere.
  std::string trace_dir = {};
  // --bus-offset: the host bridge's offset cosim_top applies (hello "bus_offset")
  uint64_t bus_offset = 0;
};

using OpHandler = void (*)(Harness& harness, const Request& request, ReplyWriter& reply);

struct OpSpec {
  std::string_view name;
  std::vector<std::string_view> params;  // accepted fields besides id and op; others: BAD_REQUEST
  OpHandler handler;
};

// Every op, by name.
const std::map<std::string_view, OpSpec>& OpTable();

// Handles one request frame and returns the reply. Never throws (except std::bad_alloc while
// encoding the error reply itself).
EncodedReply HandleRequest(Harness& harness, const char* data, std::size_t size);

}  // namespace dmacosim
