// SPDX-License-Identifier: MIT
// bench_driver.cpp — dmacosim-bench-driver: the pure C++ side of `dmacosim bench`'s
// bridge_overhead. It builds the harness's rig (cosim/rig.h: the same verilated model and models,
// no socket, no protocol) and runs the scatter-gather copy the C# driver runs through the bridge,
// step for step as CdmaChannel does it: probe (CDMASR, soft reset, interrupt enables), per segment
// a descriptor written by uncached CPU stores through the cache RTL's CPU port and linked to the
// one before, then issue-pending (IRQThreshold, SGMode off and on, CURDESC, TAILDESC), then
// interrupts handled until every descriptor reads Cmplt. Same descriptors, same register accesses,
// same order: the same cycle count, which `dmacosim bench` checks. Prints one JSON object with the
// cycles and the wall time of every round. Every wait is bounded in cycles; any failure exits 1
// with a message.
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "errors.h"
#include "msgpack_io.h"
#include "protocol.h"
#include "rig.h"
#include "rtl_top.h"
#include "verilated.h"

namespace dmacosim {
namespace {

// AXI CDMA registers and descriptor layout (rtl/dma_pkg.sv; the C# twin is CdmaRegisters.cs).
namespace cdma {
constexpr uint32_t kCdmacr = 0x00, kCdmasr = 0x04;
constexpr uint32_t kCurdesc = 0x08, kCurdescMsb = 0x0C, kTaildesc = 0x10, kTaildescMsb = 0x14;
constexpr uint32_t kCrReset = 1u << 2, kCrSgMode = 1u << 3;
constexpr uint32_t kCrIrqEnables = (1u << 12) | (1u << 13) | (1u << 14);  // IOC, Dly, Err
constexpr unsigned kCrIrqThresholdLsb = 16;
constexpr uint32_t kSrIdle = 1u << 1, kSrSgIncld = 1u << 3, kSrErrIrq = 1u << 14;
constexpr uint32_t kSrIrqMask = (1u << 12) | (1u << 13) | (1u << 14);
constexpr uint64_t kDescBytes = 64;          // size and alignment of a descriptor
constexpr uint64_t kDescHardwareBytes = 32;  // NXTDESC .. STATUS: what the CPU writes
constexpr uint64_t kDescStatusOffset = 0x1C;
constexpr uint32_t kStatusCmplt = 1u << 31, kStatusErrors = 7u << 28;
constexpr uint64_t kBttMax = (uint64_t{1} << 26) - 1;
constexpr unsigned kCoalesceMax = 255;  // IRQThreshold's largest value
}  // namespace cdma

// Watchdog of one CPU-port access: far above what an uncached access takes behind the DMA.
constexpr uint64_t kCpuAccessTimeoutCycles = 100000;

// The copy and the driver's budgets. None has a default here: the C# side
// (ScatterGatherBench.RunNativeAsync) passes every one from where it is defined — the plan
// (ScatterGatherPlan), the address of the first descriptor its channel took from the device's
// coherent pool, and CdmaChannelOptions — so this file keeps no copy of them.
struct Plan {
  uint64_t bytes = 0;
  uint64_t segments = 0;
  uint64_t src = 0;
  uint64_t dst = 0;
  uint64_t desc = 0;
  uint64_t budget = 0;         // cycles of the wait for the whole copy
  uint64_t reset_timeout = 0;  // cycles the soft reset may take
  uint64_t reset_poll = 0;     // cycles between two reads of CDMACR.Reset
  uint64_t rounds = 1;
};

struct Round {
  uint64_t cycles = 0;
  double wall_s = 0;
  double cpu_s = 0;  // CPU time of this (single-threaded) process over the same span
};

double CpuSeconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, value);
  return buf;
}

// The driver: register accesses through the AXI-Lite master, descriptor accesses through the CPU
// port (uncached, word by word, as the harness's cpu_write / cpu_read ops do them).
class CdmaDriver {
 public:
  CdmaDriver(Rig& rig, const Plan& plan) : rig_(rig), plan_(plan) {}

  // ProbeAsync + ResetAsync: CDMASR.SGIncld, the soft reset polled every 64 cycles, the enables.
  void Probe() {
    if ((Read(cdma::kCdmasr) & cdma::kSrSgIncld) == 0) {
      throw SimError("CDMASR.SGIncld is 0: this build has no scatter-gather");
    }
    Write(cdma::kCdmacr, cdma::kCrReset);
    const uint64_t start = rig_.platform.cycle();
    uint64_t now = start;
    for (;;) {
      const uint32_t control = Read(cdma::kCdmacr);
      if ((control & cdma::kCrReset) == 0) {
        Write(cdma::kCdmacr, control | cdma::kCrIrqEnables);
        return;
      }
      if (now - start >= plan_.reset_timeout) {
        throw Timeout("CDMACR.Reset still set " + std::to_string(now - start) +
                      " cycles after it was written");
      }
      rig_.platform.Run(plan_.reset_poll);
      now = rig_.platform.cycle();
    }
  }

  // PrepMemcpy + Submit per segment, IssuePending, then WaitAsync on the last segment.
  void Copy(const Plan& plan) {
    const uint64_t segment = plan.bytes / plan.segments;
    std::vector<uint64_t> descs;
    for (uint64_t i = 0; i < plan.segments; ++i) {
      const uint64_t desc = plan.desc + i * cdma::kDescBytes;
      const uint64_t offset = i * segment;
      const uint64_t length = i + 1 == plan.segments ? plan.bytes - offset : segment;
      // PrepMemcpy: a one-descriptor transaction, NXTDESC pointing at itself.
      uint8_t bytes[cdma::kDescHardwareBytes] = {};
      Put64(bytes + 0x00, desc);
      Put64(bytes + 0x08, plan.src + offset);
      Put64(bytes + 0x10, plan.dst + offset);
      Put32(bytes + 0x18, static_cast<uint32_t>(length));
      CpuStore(desc, bytes, sizeof(bytes));
      // Submit: the last pending descriptor's NXTDESC now points here.
      if (!descs.empty()) {
        uint8_t link[8];
        Put64(link, desc);
        CpuStore(descs.back(), link, sizeof(link));
      }
      descs.push_back(desc);
    }

    // IssuePending
    uint32_t control = Read(cdma::kCdmacr);
    if (descs.size() <= cdma::kCoalesceMax) {
      control &= ~(0xFFu << cdma::kCrIrqThresholdLsb);
      control |= static_cast<uint32_t>(descs.size()) << cdma::kCrIrqThresholdLsb;
      Write(cdma::kCdmacr, control);
    }
    Write(cdma::kCdmacr, control & ~cdma::kCrSgMode);
    Write(cdma::kCdmacr, control | cdma::kCrSgMode);
    WriteAddress(cdma::kCurdesc, cdma::kCurdescMsb, descs.front());
    WriteAddress(cdma::kTaildesc, cdma::kTaildescMsb, descs.back());

    // WaitAsync(last, budget): run to the interrupt and handle it until the last segment is
    // complete; the budget is the C# driver's formula over the whole copy (--budget).
    const uint64_t budget = plan.budget;
    std::vector<bool> complete(descs.size(), false);
    while (!complete.back()) {
      const uint64_t start = rig_.platform.cycle();
      Top& top = rig_.platform.top();
      if (!rig_.platform.RunUntil([&top] { return top.irq != 0; }, budget)) {
        throw Timeout("no interrupt after " + std::to_string(budget) + " cycles (cycles " +
                      std::to_string(start) + ".." + std::to_string(rig_.platform.cycle()) + "); " +
                      rig_.platform.ModelStatus());
      }
      HandleInterrupt(descs, complete);
    }
  }

 private:
  // HandleInterruptAsync: CDMASR, acknowledge the IRQ bits seen, complete every active segment
  // whose descriptor reads Cmplt, read CDMASR.Idle.
  void HandleInterrupt(const std::vector<uint64_t>& descs, std::vector<bool>& complete) {
    const uint32_t status = Read(cdma::kCdmasr);
    const uint32_t irq = status & cdma::kSrIrqMask;
    if (irq == 0) return;
    Write(cdma::kCdmasr, irq);
    for (std::size_t i = 0; i < descs.size(); ++i) {
      if (complete[i]) continue;
      const uint32_t desc_status = CpuLoad(descs[i] + cdma::kDescStatusOffset);
      complete[i] =
          (desc_status & cdma::kStatusCmplt) != 0 && (desc_status & cdma::kStatusErrors) == 0;
    }
    if ((status & cdma::kSrErrIrq) != 0) {
      throw SimError("Err_Irq: CDMASR " + Hex(status) + " at cycle " +
                     std::to_string(rig_.platform.cycle()));
    }
    (void)(Read(cdma::kCdmasr) & cdma::kSrIdle);  // the driver's idle check; nothing is pending
  }

  uint32_t Read(uint32_t offset) { return rig_.axil.Read(offset); }
  void Write(uint32_t offset, uint32_t value) { rig_.axil.Write(offset, value); }

  void WriteAddress(uint32_t low, uint32_t high, uint64_t address) {
    Write(low, static_cast<uint32_t>(address));
    if (kAddrWidth > 32) Write(high, static_cast<uint32_t>(address >> 32));
  }

  // cpu_write(addr, bytes, cached=false): one uncached store per 32-bit word, strobes for the
  // bytes.
  void CpuStore(uint64_t addr, const uint8_t* bytes, uint64_t len) {
    const uint64_t end = addr + len;
    for (uint64_t word = addr & ~uint64_t{3}; word < end; word += 4) {
      uint32_t wdata = 0;
      uint8_t strobe = 0;
      for (unsigned b = 0; b < 4; ++b) {
        if (word + b >= addr && word + b < end) {
          wdata |= uint32_t{bytes[word + b - addr]} << (8 * b);
          strobe |= static_cast<uint8_t>(1u << b);
        }
      }
      rig_.cpu.Access(CpuAccess{CpuOp::kStore, word, wdata, strobe, false}, kCpuAccessTimeoutCycles,
                      "bench cpu_write");
    }
  }

  // cpu_read(addr, 4, cached=false) of an aligned word.
  uint32_t CpuLoad(uint64_t addr) {
    return rig_.cpu.Access(CpuAccess{CpuOp::kLoad, addr, 0, 0xF, false}, kCpuAccessTimeoutCycles,
                           "bench cpu_read");
  }

  static void Put32(uint8_t* p, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
  static void Put64(uint8_t* p, uint64_t v) {
    Put32(p, static_cast<uint32_t>(v));
    Put32(p + 4, static_cast<uint32_t>(v >> 32));
  }

  Rig& rig_;
  const Plan& plan_;
};

uint8_t* Dram(Rig& rig, uint64_t addr, uint64_t len, const char* what) {
  uint8_t* host = rig.dram.Backdoor(addr, len);
  if (host == nullptr) {
    throw std::invalid_argument(std::string(what) + " " + Hex(addr) + "+" + std::to_string(len) +
                                " is not inside DRAM");
  }
  // pages are reserved before they are touched (dram_model.h), as the harness's ops do
  if (!rig.dram.Reserve(addr, len)) {
    throw std::runtime_error(std::string(what) + " " + Hex(addr) + "+" + std::to_string(len) +
                             " would pass the resident DRAM cap");
  }
  return host;
}

// One round: fill the source, clear the destination, probe (untimed); copy (timed); verify.
Round RunRound(Rig& rig, const Plan& plan, uint64_t round) {
  uint8_t* src = Dram(rig, plan.src, plan.bytes, "--src");
  uint8_t* dst = Dram(rig, plan.dst, plan.bytes, "--dst");
  (void)Dram(rig, plan.desc, plan.segments * cdma::kDescBytes, "--desc");
  uint64_t x = 0x9E3779B97F4A7C15ull * (round + 1);
  for (uint64_t i = 0; i < plan.bytes; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    src[i] = static_cast<uint8_t>(x);
  }
  std::memset(dst, 0, plan.bytes);

  CdmaDriver driver(rig, plan);
  driver.Probe();
  const uint64_t first = rig.platform.cycle();
  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  driver.Copy(plan);
  const auto end = std::chrono::steady_clock::now();
  const double cpu_end = CpuSeconds();
  const uint64_t last = rig.platform.cycle();

  if (std::memcmp(src, dst, plan.bytes) != 0) {
    uint64_t at = 0;
    while (src[at] == dst[at]) ++at;
    throw SimError("round " + std::to_string(round) +
                   ": the destination differs from the source at byte " + std::to_string(at));
  }
  return Round{last - first, std::chrono::duration<double>(end - start).count(),
               cpu_end - cpu_start};
}

const char kUsage[] =
    "usage: %s --bytes N --segments K --src ADDR --dst ADDR --desc ADDR --budget CYCLES\n"
    "          --reset-timeout CYCLES --reset-poll CYCLES [--rounds R]\n"
    "  Runs R rounds (default 1) of one scatter-gather copy of N bytes in K descriptors\n"
    "  from --src to --dst, descriptors at --desc (every 64 bytes), the way the C#\n"
    "  CdmaChannel does it, on the harness's model without the bridge: the soft reset\n"
    "  polled every --reset-poll cycles for at most --reset-timeout, the wait for the\n"
    "  copy bounded by --budget cycles. Every option but --rounds is required: `dmacosim\n"
    "  bench` passes them from its plan, its channel's descriptor pool and\n"
    "  CdmaChannelOptions. Prints JSON: {\"data_width\", \"addr_width\", \"max_burst\",\n"
    "  \"bytes\", \"segments\", \"rounds\": [{\"cycles\", \"wall_s\", \"cpu_s\"}, ...]}.\n"
    "  Exit 1 on any failure, 2 on a bad option.\n"
    "usage: %s --reg-ops ENDPOINT [--count N] [--rounds R]\n"
    "  N reg_read round trips (default 2000) of CDMASR to a running harness over libzmq,\n"
    "  R rounds (default 5); the client key file on standard input (empty: no CURVE).\n"
    "  Prints JSON: {\"reg_ops_rounds\": [round trips per second, ...]}.\n";

bool ParseUint(const char* text, uint64_t& out) {
  if (text == nullptr || *text == '\0' || *text == '-') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 0);
  if (errno != 0 || *end != '\0') return false;
  out = v;
  return true;
}

// Returns false (after printing why) on a bad command line.
bool ParsePlan(int argc, char** argv, Plan& plan, bool& help) {
  struct Required {
    const char* name;
    uint64_t* target;
    bool given;
  };
  Required required[] = {
      {"--bytes", &plan.bytes, false},
      {"--segments", &plan.segments, false},
      {"--src", &plan.src, false},
      {"--dst", &plan.dst, false},
      {"--desc", &plan.desc, false},
      {"--budget", &plan.budget, false},
      {"--reset-timeout", &plan.reset_timeout, false},
      {"--reset-poll", &plan.reset_poll, false},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return true;
    }
    uint64_t* target = arg == "--rounds" ? &plan.rounds : nullptr;
    for (Required& option : required) {
      if (arg == option.name) {
        target = option.target;
        option.given = true;
      }
    }
    if (target == nullptr) {
      std::fprintf(stderr, "dmacosim-bench-driver: unknown option %s\n", arg.c_str());
      return false;
    }
    if (!ParseUint(i + 1 < argc ? argv[i + 1] : nullptr, *target)) {
      std::fprintf(stderr, "dmacosim-bench-driver: %s needs an unsigned number\n", arg.c_str());
      return false;
    }
    ++i;
  }
  for (const Required& option : required) {
    if (!option.given) {
      std::fprintf(stderr, "dmacosim-bench-driver: %s is required\n", option.name);
      return false;
    }
  }
  const char* problem =
      plan.segments == 0 || plan.segments > cdma::kCoalesceMax ? "--segments must be 1..255"
      : plan.bytes < plan.segments ? "--bytes must be at least --segments"
      : plan.bytes / plan.segments + plan.bytes % plan.segments > cdma::kBttMax
          ? "a segment is larger than BTT allows (2^26 - 1 bytes)"
      : plan.rounds == 0 || plan.rounds > 1000 ? "--rounds must be 1..1000"
      : plan.budget == 0 || plan.reset_timeout == 0 || plan.reset_poll == 0
          ? "--budget, --reset-timeout and --reset-poll must be at least 1"
      : ((plan.src | plan.dst | plan.desc) & 63) != 0
          ? "--src, --dst and --desc must be 64-byte aligned"
      : ((plan.src | plan.dst | plan.desc) & ~kAddrMask) ? "an address is wider than ADDR_WIDTH"
                                                         : nullptr;
  if (problem != nullptr) {
    std::fprintf(stderr, "dmacosim-bench-driver: %s\n", problem);
    return false;
  }
  return true;
}

// --reg-ops ENDPOINT [--count N] [--rounds R]: the C++ twin of `dmacosim bench`'s reg_ops_per_s:
// N reg_read round trips of CDMASR over libzmq to a running harness, R rounds, one after another.
// The client's CURVE keys come on standard input as a client key file (docs/protocol.md §1), never
// on the command line; an empty standard input connects without keys (a --no-curve harness).
// Prints {"reg_ops_rounds": [rate, ...]} (round trips per second of each round).
int RegOpsMain(int argc, char** argv) {
  std::string endpoint;
  uint64_t count = 2000, rounds = 5;
  for (int i = 1; i < argc; i += 2) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--reg-ops" && value != nullptr && *value != '\0') {
      endpoint = value;
    } else if ((arg == "--count" && ParseUint(value, count) && count >= 1 && count <= 10000000) ||
               (arg == "--rounds" && ParseUint(value, rounds) && rounds >= 1 && rounds <= 1000)) {
    } else {
      std::fprintf(stderr, "dmacosim-bench-driver: --reg-ops: bad option %s\n", arg.c_str());
      return 2;
    }
  }
  std::map<std::string, std::string> keys;
  for (std::string line; std::getline(std::cin, line);) {
    const std::size_t eq = line.find('=');
    if (!line.empty() && line[0] != '#' && eq != std::string::npos) {
      keys[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  try {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 10000);
    if (!keys.empty()) {
      socket.set(zmq::sockopt::curve_serverkey, keys.at("server_public"));
      socket.set(zmq::sockopt::curve_publickey, keys.at("client_public"));
      socket.set(zmq::sockopt::curve_secretkey, keys.at("client_secret"));
    }
    socket.connect(endpoint);
    std::vector<double> rates;
    uint64_t id = 0;
    for (uint64_t r = 0; r < rounds; ++r) {
      const auto start = std::chrono::steady_clock::now();
      for (uint64_t n = 0; n < count; ++n) {
        msgpack::sbuffer request;
        msgpack::packer<msgpack::sbuffer> packer(request);
        packer.pack_map(3);
        packer.pack(std::string(proto::field::kId));
        packer.pack_uint64(++id);
        packer.pack(std::string(proto::field::kOp));
        packer.pack(std::string(proto::op::kRegRead));
        packer.pack(std::string(proto::field::kAddr));
        packer.pack_uint32(cdma::kCdmasr);
        socket.send(zmq::buffer(request.data(), request.size()), zmq::send_flags::none);
        zmq::message_t reply;
        if (!socket.recv(reply, zmq::recv_flags::none)) {
          throw std::runtime_error("no reply to reg_read within 10 s from " + endpoint);
        }
        const msgpack::object_handle handle =
            msgpack::unpack(static_cast<const char*>(reply.data()), reply.size());
        const auto map = handle.get().as<std::map<std::string, msgpack::object>>();
        if (map.count(std::string(proto::field::kOk)) == 0 ||
            !map.at(std::string(proto::field::kOk)).as<bool>()) {
          throw std::runtime_error("reg_read failed");
        }
      }
      const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
      rates.push_back(static_cast<double>(count) / wall.count());
    }
    std::printf("{\"reg_ops_rounds\": [");
    for (std::size_t r = 0; r < rates.size(); ++r)
      std::printf("%s%.1f", r == 0 ? "" : ", ", rates[r]);
    std::printf("]}\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dmacosim-bench-driver: --reg-ops: %s\n", e.what());
    return 1;
  }
}

int Main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--reg-ops") return RegOpsMain(argc, argv);
  Plan plan;
  bool help = false;
  if (!ParsePlan(argc, argv, plan, help)) {
    std::fprintf(stderr, kUsage, argv[0], argv[0]);
    return 2;
  }
  if (help) {
    std::printf(kUsage, argv[0], argv[0]);
    return 0;
  }

  auto context = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Top>(context.get(), "TOP");
  int code = 1;
  try {
    Rig rig(*context, *top, 0);
    rig.platform.Reset(proto::kResetCyclesDefault);
    std::vector<Round> rounds;
    for (uint64_t r = 0; r < plan.rounds; ++r) rounds.push_back(RunRound(rig, plan, r));
    std::printf("{\"data_width\": %u, \"addr_width\": %u, \"max_burst\": %u, \"bytes\": %" PRIu64
                ", \"segments\": %" PRIu64 ", \"rounds\": [",
                kDataWidth, kAddrWidth, kMaxBurst, plan.bytes, plan.segments);
    for (std::size_t r = 0; r < rounds.size(); ++r) {
      std::printf("%s{\"cycles\": %" PRIu64 ", \"wall_s\": %.6f, \"cpu_s\": %.6f}",
                  r == 0 ? "" : ", ", rounds[r].cycles, rounds[r].wall_s, rounds[r].cpu_s);
    }
    std::printf("]}\n");
    code = 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dmacosim-bench-driver: %s\n", e.what());
  }
  top->final();
  return code;
}

}  // namespace
}  // namespace dmacosim

int main(int argc, char** argv) { return dmacosim::Main(argc, argv); }
