// SPDX-License-Identifier: MIT
// simrate.cpp — quick, reproducible simulation-speed figures of one dmacosim-harness build: cycles
// per second of an idle design and of 1 MiB CDMA copies (wall clock and CPU time of the harness
// process), and optionally the exact instructions per cycle under callgrind. docs/performance.md.
//
//   g++ -std=c++17 -O2 -o build/simrate tests/perf/simrate.cpp -lzmq
//   build/simrate build/dmacosim-harness [--idle N] [--reps N] [--copies N] [--snoop]
//                 [--callgrind FILE]
//
// idle:   `run` of N cycles (default 2 000 000), --reps times (default 5): median and best.
// active: --copies (default 8) simple-mode copies of 1 MiB, 0x0100_0000 -> 0x0200_0000, each timed
//         from the first register write to `run_until idle`; the first is checked byte for byte
//         and its cycle count printed (the same on every build of the same RTL behaviour).
// snoop:  the same copies in snoop mode, each after 32 KiB of the source was stored through the
//         cache (dirty lines for the monitor to clean first).
// CPU time is the harness's utime + stime from /proc: steadier than wall time on a loaded machine.
// --callgrind FILE runs the harness under valgrind --tool=callgrind with instrumentation switched
// on only around the first idle run and the first copy of each kind (FILE.1, FILE.2, ...): their
// `totals:` divided by the cycles is the exact instruction count per simulated cycle.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <msgpack.hpp>
#include <sstream>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace {

struct Options {
  std::string harness;
  uint64_t idle = 2000000;
  int reps = 5;
  int copies = 8;
  bool snoop = false;
  std::string callgrind;
};

struct Field {
  std::string key;
  enum { kUint, kStr, kBin, kBool } type;
  uint64_t u = 0;
  std::string s;
  bool b = false;
};
Field Uint(const char* k, uint64_t v) { return {k, Field::kUint, v, {}, false}; }
Field Str(const char* k, std::string v) { return {k, Field::kStr, 0, std::move(v), false}; }
Field Bin(const char* k, std::string v) { return {k, Field::kBin, 0, std::move(v), false}; }
Field Bool(const char* k, bool v) { return {k, Field::kBool, 0, {}, v}; }

using Reply = std::map<std::string, msgpack::object>;

class Client {
 public:
  Client(zmq::context_t& ctx, const std::string& endpoint)
      : socket_(ctx, zmq::socket_type::dealer) {
    socket_.connect(endpoint);
  }
  // Sends one request and returns its reply; exits on an error reply.
  msgpack::object_handle Call(const std::string& op, const std::vector<Field>& fields) {
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_map(2 + fields.size());
    pk.pack("id");
    pk.pack(next_id_++);
    pk.pack("op");
    pk.pack(op);
    for (const Field& f : fields) {
      pk.pack(f.key);
      switch (f.type) {
        case Field::kUint: pk.pack(f.u); break;
        case Field::kStr: pk.pack(f.s); break;
        case Field::kBool: pk.pack(f.b); break;
        case Field::kBin:
          pk.pack_bin(f.s.size());
          pk.pack_bin_body(f.s.data(), f.s.size());
          break;
      }
    }
    socket_.send(zmq::buffer(buf.data(), buf.size()));
    zmq::message_t msg;
    if (!socket_.recv(msg)) Fail("no reply to " + op);
    auto oh = msgpack::unpack(static_cast<const char*>(msg.data()), msg.size());
    Reply reply = oh.get().as<Reply>();
    if (!reply["ok"].as<bool>()) {
      std::ostringstream text;
      text << oh.get();
      Fail(op + " failed: " + text.str());
    }
    return oh;
  }
  uint64_t Cycle(const msgpack::object_handle& oh) {
    return oh.get().as<Reply>()["cycle"].as<uint64_t>();
  }

  [[noreturn]] static void Fail(const std::string& why) {
    std::fprintf(stderr, "simrate: %s\n", why.c_str());
    std::exit(1);
  }

 private:
  zmq::socket_t socket_;
  uint64_t next_id_ = 1;
};

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU seconds (user + system) process pid has used so far.
double CpuSeconds(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');
  unsigned long utime = 0, stime = 0;
  // after the command name: state, 10 fields, then utime and stime in clock ticks
  const char* fields = "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu";
  if (p == nullptr || std::sscanf(p + 2, fields, &utime, &stime) != 2) return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
double Best(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Client::Fail(a + " needs a value");
      return argv[++i];
    };
    if (a == "--idle") o.idle = std::stoull(value());
    else if (a == "--reps") o.reps = std::stoi(value());
    else if (a == "--copies") o.copies = std::stoi(value());
    else if (a == "--snoop") o.snoop = true;
    else if (a == "--callgrind") o.callgrind = value();
    else if (o.harness.empty() && a[0] != '-') o.harness = a;
    else Client::Fail("unknown argument " + a);
  }
  if (o.harness.empty() || o.reps < 1 || o.copies < 1) {
    Client::Fail("usage: simrate HARNESS [--idle N] [--reps N] [--copies N] [--snoop] "
                 "[--callgrind FILE]");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = Parse(argc, argv);
  int out[2];
  if (pipe(out) != 0) Client::Fail("pipe");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    if (!opt.callgrind.empty()) {
      const std::string file = "--callgrind-out-file=" + opt.callgrind;
      execlp("valgrind", "valgrind", "--tool=callgrind", "--instr-atstart=no", file.c_str(),
             opt.harness.c_str(), static_cast<char*>(nullptr));
    }
    execl(opt.harness.c_str(), opt.harness.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  if (line.rfind("READY ", 0) != 0) Client::Fail("the harness did not start: " + line);

  // callgrind_control switches the instrumentation of the harness process on and off
  auto instrument = [&](const std::string& what) {
    if (opt.callgrind.empty()) return;
    const std::string cmd = "callgrind_control " + what + " " + std::to_string(pid) + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) Client::Fail("callgrind_control " + what);
  };

  zmq::context_t ctx;
  Client sim(ctx, line.substr(6));
  sim.Call("hello", {});

  std::vector<double> wall, cpu;
  for (int i = 0; i < opt.reps; ++i) {
    const double t0 = Now(), c0 = CpuSeconds(pid);
    if (i == 0) instrument("-i on");
    sim.Call("run", {Uint("cycles", opt.idle)});
    if (i == 0) instrument("-i off"), instrument("--dump=idle");
    wall.push_back(static_cast<double>(opt.idle) / (Now() - t0));
    cpu.push_back(static_cast<double>(opt.idle) / std::max(CpuSeconds(pid) - c0, 0.01));
  }
  std::printf("idle:   %.3f M cycles/s wall, %.3f M per CPU-s (median of %d runs of %llu cycles; "
              "best %.3f wall, %.3f CPU)\n",
              Median(wall) / 1e6, Median(cpu) / 1e6, opt.reps,
              static_cast<unsigned long long>(opt.idle), Best(wall) / 1e6, Best(cpu) / 1e6);

  const uint64_t src = 0x01000000, dst = 0x02000000, len = 1 << 20;
  std::string pattern(len, '\0');
  uint32_t x = 12345;
  for (char& ch : pattern) {
    x = x * 1664525u + 1013904223u;
    ch = static_cast<char>(x >> 24);
  }
  sim.Call("mem_write", {Uint("addr", src), Bin("data", pattern)});

  auto copies = [&](const char* name, bool dirty) {
    std::vector<double> cwall;
    uint64_t total = 0;
    double cpu_total = 0;
    for (int i = 0; i < opt.copies; ++i) {
      sim.Call("mem_write", {Uint("addr", dst), Bin("data", std::string(len, '\0'))});
      if (dirty) sim.Call("cpu_write", {Uint("addr", src), Bin("data", pattern.substr(0, 32768))});
      const uint64_t start = sim.Cycle(sim.Call("run", {Uint("cycles", 0)}));
      const double t0 = Now(), c0 = CpuSeconds(pid);
      if (i == 0) instrument("-i on");
      sim.Call("reg_write", {Uint("addr", 0x18), Uint("value", src)});
      sim.Call("reg_write", {Uint("addr", 0x20), Uint("value", dst)});
      sim.Call("reg_write", {Uint("addr", 0x28), Uint("value", len)});
      const uint64_t end =
          sim.Cycle(sim.Call("run_until", {Str("event", "idle"), Uint("max_cycles", 10000000)}));
      if (i == 0) instrument("-i off"), instrument(std::string("--dump=") + name);
      const double dt = Now() - t0, dc = std::max(CpuSeconds(pid) - c0, 0.01);
      cwall.push_back(static_cast<double>(end - start) / dt);
      total += end - start;
      cpu_total += dc;
      if (i == 0) {
        auto rd = sim.Call("mem_read", {Uint("addr", dst), Uint("len", len)});
        auto data = rd.get().as<Reply>()["data"].as<std::vector<char>>();
        const bool same = data.size() == len && std::memcmp(data.data(), pattern.data(), len) == 0;
        std::printf("%-6s  first copy: %llu cycles (register writes + run_until), data %s\n", name,
                    static_cast<unsigned long long>(end - start), same ? "verified" : "WRONG");
      }
    }
    // CPU time ticks in 10 ms: the copies' total, not a median of single copies
    std::printf("%-6s  %.3f M cycles/s wall (median of %d copies), %.3f M per CPU-s (all %llu "
                "cycles); best copy %.3f wall\n",
                name, Median(cwall) / 1e6, opt.copies, static_cast<double>(total) / cpu_total / 1e6,
                static_cast<unsigned long long>(total), Best(cwall) / 1e6);
  };
  copies("active", false);
  if (opt.snoop) {
    sim.Call("reset", {});
    sim.Call("coherency", {Bool("snoop", true)});
    copies("snoop", true);
  }
  sim.Call("shutdown", {});
  waitpid(pid, nullptr, 0);
  return 0;
}
