// SPDX-License-Identifier: MIT
// options.cpp — command-line parsing: --name VALUE or --name=VALUE; strict numbers.
#include "options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "axil_master.h"
#include "build_params.h"
#include "dram_model.h"

namespace dmacosim {
namespace {

// Digits only (no sign, no space, no prefix) in `base` (10 or 16).
bool ParseU64(const std::string& text, uint64_t& out, int base = 10) {
  const char* digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
  if (text.empty() || text.find_first_not_of(digits) != std::string::npos) return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, base);
  if (errno != 0 || *end != '\0') return false;
  out = value;
  return true;
}

// "N", "NK", "NM", "NG" (binary units) → bytes.
bool ParseSize(const std::string& text, uint64_t& out) {
  if (text.empty()) return false;
  unsigned shift = 0;
  std::string digits = text;
  switch (text.back()) {
    case 'K':
    case 'k':
      shift = 10;
      break;
    case 'M':
    case 'm':
      shift = 20;
      break;
    case 'G':
    case 'g':
      shift = 30;
      break;
    case 'T':
    case 't':
      shift = 40;
      break;
    default:
      break;
  }
  if (shift != 0) digits.pop_back();
  uint64_t value = 0;
  if (!ParseU64(digits, value) || value > (UINT64_MAX >> shift)) return false;
  out = value << shift;
  return true;
}

// "N" (decimal) or "0xN" (hex) → value.
bool ParseU64Hex(const std::string& text, uint64_t& out) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    return ParseU64(text.substr(2), out, 16);
  }
  return ParseU64(text, out);
}

std::string HexText(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llX", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

std::string BusOffsetError(uint64_t offset,
                           const std::vector<std::pair<uint64_t, uint64_t>>& windows,
                           unsigned addr_width) {
  if (offset % 4096 != 0) return HexText(offset) + " is not a multiple of 4K (page-aligned)";
  const uint64_t top = addr_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << addr_width) - 1;
  for (const auto& [base, size] : windows) {
    const uint64_t last = base + size - 1;
    if (offset > top || last > top - offset) {
      return HexText(offset) + " puts the DRAM window " + HexText(base) + ".." + HexText(last) +
             " beyond the " + std::to_string(addr_width) + "-bit bus address space (it would be " +
             "unreachable for the DMA)";
    }
  }
  return {};
}

uint64_t DefaultDramCap() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return uint64_t{1} << 30;
  return (static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2) & ~uint64_t{4095};
}

std::string Usage(const char* argv0) {
  return std::string("usage: ") + argv0 +
         " [--endpoint ENDPOINT] [--trace-dir DIR] [--seed N] [--parent-pid PID]\n"
         "       [--spin-us N] [--keys FILE|-] [--no-curve] [--dram-cap SIZE] [--dram-dir DIR]\n"
         "       [--bus-offset N] [--axil-skew] [--axil-pipeline N]\n"
         "\n"
         "DmaCosim co-simulation harness: binds a ZeroMQ ROUTER socket, prints\n"
         "'READY <endpoint>' on stdout and serves MessagePack requests (docs/protocol.md).\n"
         "\n"
         "  --endpoint ENDPOINT  tcp://HOST:PORT (port 0 picks one) or ipc://PATH;\n"
         "                       default: tcp://127.0.0.1:0\n"
         "  --trace-dir DIR      directory for FST waveforms\n"
         "  --seed N             initial seed of the DRAM backpressure RNG (mem_config seed)\n"
         "  --parent-pid PID     exit when the parent process is no longer PID\n"
         "  --spin-us N          after a reply to a client that asks again quickly, poll for its\n"
         "                       next request without blocking for N microseconds (0..100000,\n"
         "                       default 200; 0 always blocks)\n"
         "  --keys FILE|-        CURVE keys (docs/protocol.md): server_secret=Z85 and one or\n"
         "                       more client_public=Z85 lines, from a file only its owner can\n"
         "                       read, or from standard input (-). Required for a non-loopback\n"
         "                       endpoint. Without it the harness makes fresh keys and writes the\n"
         "                       client's to a 0600 file in a 0700 directory, named in READY\n"
         "  --no-curve           no authentication (loopback endpoints only)\n"
         "  --dram-cap SIZE      the most DRAM bytes resident at once (N, NK, NM, NG; a multiple\n"
         "                       of 4K, at least 1M; default half the machine's memory). A\n"
         "                       mem_write / cpu_write beyond it fails DRAM_CAP, a DMA write\n"
         "                       burst beyond it gets SLVERR\n"
         "  --dram-dir DIR       back the DRAM windows with 0600 files in DIR (removed at exit)\n"
         "                       instead of anonymous memory files (memfd) shared as\n"
         "                       /proc/<pid>/fd/<n>\n"
         "  --bus-offset N       host bridge (Linux dma-ranges): the DMA's bus address = CPU\n"
         "                       physical + N (decimal or 0x hex, a multiple of 4K; every DRAM\n"
         "                       window must stay inside the bus's address space); default 0\n"
         "  --axil-skew          the AXI-Lite master skews each register access, drawn from\n"
         "                       --seed: AW and W 0..3 cycles apart (either first), RREADY /\n"
         "                       BREADY 0..3 cycles late (default: AW and W together, at once)\n"
         "  --axil-pipeline N    the AXI-Lite master issues a batch's consecutive reg_read /\n"
         "                       reg_write entries with up to N (1..16) in flight: the next\n"
         "                       write's AW / W before the previous B, the next read's AR before\n"
         "                       the previous R (reads wait for earlier writes' B and writes for\n"
         "                       earlier reads' R); default 1, one access at a time\n"
         "  --help               this text\n";
}

ParsedOptions ParseOptions(int argc, char** argv) {
  ParsedOptions parsed;
  auto fail = [&parsed](const std::string& message) {
    parsed.action = ParsedOptions::Action::kError;
    parsed.error = message;
    return parsed;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      parsed.action = ParsedOptions::Action::kHelp;
      return parsed;
    }
    std::string value;
    bool has_value = false;
    if (const std::size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    }
    if (arg == "--no-curve") {
      if (has_value) return fail("--no-curve takes no value");
      parsed.options.no_curve = true;
      continue;
    }
    if (arg == "--axil-skew") {
      if (has_value) return fail("--axil-skew takes no value");
      parsed.options.axil_skew = true;
      continue;
    }
    const bool known = arg == "--endpoint" || arg == "--trace-dir" || arg == "--seed" ||
                       arg == "--parent-pid" || arg == "--spin-us" || arg == "--keys" ||
                       arg == "--dram-cap" || arg == "--dram-dir" || arg == "--bus-offset" ||
                       arg == "--axil-pipeline";
    if (!known) return fail("unknown option '" + arg + "'");
    if (!has_value) {
      if (i + 1 >= argc) return fail("option " + arg + " needs a value");
      value = argv[++i];
    }
    if (arg == "--endpoint") {
      if (value.empty()) return fail("--endpoint: empty endpoint");
      parsed.options.endpoint = value;
    } else if (arg == "--trace-dir") {
      if (value.empty()) return fail("--trace-dir: empty directory");
      parsed.options.trace_dir = value;
    } else if (arg == "--seed") {
      if (!ParseU64(value, parsed.options.seed)) {
        return fail("--seed: '" + value + "' is not an unsigned integer");
      }
    } else if (arg == "--dram-cap") {
      uint64_t cap = 0;
      if (!ParseSize(value, cap)) {
        return fail("--dram-cap: '" + value + "' is not a size (N, NK, NM or NG bytes)");
      }
      if (cap < kMinDramCap || cap % 4096 != 0) {
        return fail("--dram-cap: " + value + " is " +
                    (cap < kMinDramCap ? "smaller than the smallest cap, 1M"
                                       : std::string("not a multiple of 4K (whole pages)")));
      }
      parsed.options.dram_cap = cap;
    } else if (arg == "--bus-offset") {
      uint64_t offset = 0;
      if (!ParseU64Hex(value, offset)) {
        return fail("--bus-offset: '" + value + "' is not an unsigned integer (decimal or 0x hex)");
      }
      std::vector<std::pair<uint64_t, uint64_t>> windows;
      for (const DramWindowConfig& w : DramConfig{}.windows) windows.emplace_back(w.base, w.size);
      if (std::string why = BusOffsetError(offset, windows, kAddrWidth); !why.empty()) {
        return fail("--bus-offset: " + why);
      }
      parsed.options.bus_offset = offset;
    } else if (arg == "--axil-pipeline") {
      uint64_t depth = 0;
      if (!ParseU64(value, depth) || depth < 1 || depth > AxiLiteMaster::kMaxPipeline) {
        return fail("--axil-pipeline: '" + value + "' is not a number of accesses in 1.." +
                    std::to_string(AxiLiteMaster::kMaxPipeline));
      }
      parsed.options.axil_pipeline = static_cast<unsigned>(depth);
    } else if (arg == "--dram-dir") {
      struct stat st {};
      if (value.empty()) return fail("--dram-dir: empty directory");
      if (::stat(value.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return fail("--dram-dir " + value + ": not a directory");
      }
      if (::access(value.c_str(), W_OK | X_OK) != 0) {
        return fail("--dram-dir " + value + ": not writable by this user");
      }
      parsed.options.dram_dir = value;
    } else if (arg == "--keys") {
      if (value.empty()) return fail("--keys: empty path");
      parsed.options.keys = value;
    } else if (arg == "--spin-us") {
      if (!ParseU64(value, parsed.options.spin_us) || parsed.options.spin_us > kMaxSpinUs) {
        return fail("--spin-us: '" + value + "' is not a number of microseconds in 0.." +
                    std::to_string(kMaxSpinUs));
      }
    } else {
      uint64_t pid = 0;
      if (!ParseU64(value, pid) || pid < 1 || pid > 0x7FFFFFFF) {
        return fail("--parent-pid: '" + value + "' is not a process id");
      }
      parsed.options.parent_pid = static_cast<pid_t>(pid);
    }
  }
  if (parsed.options.no_curve && !parsed.options.keys.empty()) {
    return fail("--no-curve and --keys exclude each other");
  }
  return parsed;
}

}  // namespace dmacosim
