// SPDX-License-Identifier: MIT
// server.cpp — socket setup, the request loop, signals and parent-death detection.
#include "server.h"

#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "curve_auth.h"
#include "ops.h"
#include "protocol.h"
#include "rig.h"
#include "rtl_log.h"

namespace dmacosim {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void OnSignal(int signo) { g_signal = signo; }

// Why the harness must stop, or "" to go on.
std::string StopReason(std::optional<pid_t> parent_pid) {
  if (g_signal != 0) return g_signal == SIGINT ? "SIGINT" : "SIGTERM";
  if (parent_pid && ::getppid() != *parent_pid) {
    return "parent process " + std::to_string(*parent_pid) + " is gone";
  }
  return {};
}

// SIGTERM / SIGINT set a flag (no SA_RESTART: a blocked poll returns EINTR).
void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// Blocks SIGTERM / SIGINT in this thread while alive: threads created meanwhile (ZeroMQ's I/O
// threads) inherit the mask, so the signals always reach the main thread and interrupt its poll.
class ScopedSignalBlock {
 public:
  ScopedSignalBlock() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~ScopedSignalBlock() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  ScopedSignalBlock(const ScopedSignalBlock&) = delete;
  ScopedSignalBlock& operator=(const ScopedSignalBlock&) = delete;

 private:
  sigset_t old_;
};

// The private 0700 directory of a hand-started harness's client key file; removed (with the
// file) at exit.
class PrivateDir {
 public:
  PrivateDir() = default;
  ~PrivateDir() {
    if (path_.empty()) return;
    ::unlink((path_ + "/client.keys").c_str());
    ::rmdir(path_.c_str());
  }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  std::string& path() { return path_; }

 private:
  std::string path_;
};

// A gap this long between two polls of a spin means another thread had the CPU: spinning is then
// stopped, and not tried again for kSpinBackOff.
constexpr std::chrono::microseconds kSpinPreempted{500};
constexpr std::chrono::milliseconds kSpinBackOff{50};

class Server {
 public:
  Server(Harness& harness, const Options& options) : harness_(harness), options_(options) {
    std::string endpoint = options.endpoint.empty() ? kDefaultEndpoint : options.endpoint;
    CurveKeySet keys = LoadCurveKeys(options, endpoint, dir_.path());
    key_file_ = keys.client_key_file;
    ScopedSignalBlock block;
    socket_ = zmq::socket_t(context_, zmq::socket_type::router);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::maxmsgsize, proto::kMaxFrameBytes);
    if (!keys.server_secret.empty()) guard_.emplace(context_, socket_, std::move(keys));
    try {
      socket_.bind(endpoint);
    } catch (const zmq::error_t& e) {
      throw std::runtime_error("cannot bind " + endpoint + ": " + e.what());
    }
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  }

  const std::string& endpoint() const { return endpoint_; }
  // The client key file written for a hand-started harness, or empty.
  const std::string& key_file() const { return key_file_; }

  // Serves requests until shutdown, a signal or parent death. Returns the exit code.
  int Serve() {
    for (;;) {
      if (std::string reason = StopReason(options_.parent_pid); !reason.empty()) {
        std::fprintf(stderr, "dmacosim-harness: %s, exiting\n", reason.c_str());
        return 0;
      }
      if (!WaitForRequest()) continue;
      // One message per iteration: stop reasons are checked between messages.
      std::vector<zmq::message_t> frames;
      try {
        if (!zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
          continue;
        }
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR || e.num() == EAGAIN) continue;
        throw;
      }
      // A client in a request loop asks again soon after each reply: spin for its next request.
      spin_after_reply_ = std::chrono::steady_clock::now() - replied_at_ <= spin_;
      Answer(frames);
      replied_at_ = std::chrono::steady_clock::now();
      if (harness_.shutdown_requested) {
        // Let the reply leave before the socket closes.
        socket_.set(zmq::sockopt::linger, 1000);
        std::fprintf(stderr, "dmacosim-harness: shutdown requested, exiting\n");
        return 0;
      }
    }
  }

 private:
  // True when a request can be received now. After the reply to a request that came within
  // --spin-us of the reply before it, polls without blocking (yielding the CPU between polls) until
  // --spin-us after that reply: on an idle machine, and above all on a VM, waking a blocked thread
  // costs about as much as the round trip itself. When the CPU is contended, spinning costs more
  // than it saves (a thread that yielded to a busy process waits out that process's time slice): a
  // poll that comes more than kSpinPreempted after the one before shows that, and then the harness
  // does not spin for kSpinBackOff. Otherwise, or at once, blocks for up to 200 ms; a signal
  // interrupts both (the caller checks the stop reasons).
  bool WaitForRequest() {
    using Clock = std::chrono::steady_clock;
    std::array<zmq::pollitem_t, 3> items{{{socket_.handle(), 0, ZMQ_POLLIN, 0}}};
    const std::size_t count = guard_ ? 3 : 1;
    if (guard_) {
      items[1] = {guard_->zap().handle(), 0, ZMQ_POLLIN, 0};
      items[2] = {guard_->monitor().handle(), 0, ZMQ_POLLIN, 0};
    }
    zmq::pollitem_t& item = items[0];
    // Handshakes are answered (ZAP) and refusals counted between requests.
    const auto service = [&] {
      if (guard_ && ((items[1].revents | items[2].revents) & ZMQ_POLLIN) != 0) {
        guard_->Service(harness_.refused_handshakes);
      }
    };
    try {
      if (spin_after_reply_ && Clock::now() >= no_spin_until_) {
        const auto until = replied_at_ + spin_;
        for (auto polled = Clock::now(); polled < until;) {
          zmq::poll(items.data(), count, std::chrono::milliseconds(0));
          service();
          if ((item.revents & ZMQ_POLLIN) != 0) return true;
          if (g_signal != 0) return false;
          ::sched_yield();
          const auto now = Clock::now();
          if (now - polled > kSpinPreempted) {
            no_spin_until_ = now + kSpinBackOff;
            break;
          }
          polled = now;
        }
      }
      spin_after_reply_ = false;
      zmq::poll(items.data(), count, std::chrono::milliseconds(200));
      service();
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return false;
      throw;
    }
    return (item.revents & ZMQ_POLLIN) != 0;
  }

  // The last frame is the request; the frames before it are the envelope, echoed back.
  void Answer(std::vector<zmq::message_t>& frames) {
    if (frames.size() < 2) return;  // a ROUTER always prepends the peer's routing id
    const zmq::message_t& payload = frames.back();
    (void)TakeRtlOutput();  // a SIM_ERROR quotes only what the RTL printed during this request
    EncodedReply reply = HandleRequest(harness_, payload.data<char>(), payload.size());
    char* block = reply.block.release();
    zmq::message_t message(
        const_cast<char*>(reply.data), reply.size, [](void*, void* hint) { std::free(hint); },
        block);
    try {
      for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
        socket_.send(frames[i], zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      }
      socket_.send(message, zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      std::fprintf(stderr, "dmacosim-harness: reply not sent: %s\n", e.what());
    }
  }

  Harness& harness_;
  const Options& options_;
  static constexpr const char* kDefaultEndpoint = "tcp://127.0.0.1:0";
  PrivateDir dir_;  // destroyed last: after the sockets are gone
  zmq::context_t context_{1};
  zmq::socket_t socket_;
  std::optional<CurveGuard> guard_;  // CURVE on: the ZAP handler and the handshake monitor
  std::string endpoint_;
  std::string key_file_;
  const std::chrono::microseconds spin_{options_.spin_us};
  std::chrono::steady_clock::time_point replied_at_{};
  std::chrono::steady_clock::time_point no_spin_until_{};
  bool spin_after_reply_ = false;
};

}  // namespace

int RunHarness(VerilatedContext& context, Top& top, const Options& options) {
  InstallSignalHandlers();
  if (std::string reason = StopReason(options.parent_pid); !reason.empty()) {
    std::fprintf(stderr, "dmacosim-harness: --parent-pid: %s (our parent is %d), exiting\n",
                 reason.c_str(), static_cast<int>(::getppid()));
    return 0;
  }

  Rig rig(context, top, options.seed, options.dram_cap != 0 ? options.dram_cap : DefaultDramCap(),
          options.dram_dir);
  rig.platform.SetStopCheck([&options] { return StopReason(options.parent_pid); });
  // the skew's own stream, apart from the DRAM backpressure's (both from --seed)
  if (options.axil_skew) rig.axil.EnableSkew(options.seed ^ 0xA0115CE3ull);
  rig.axil.SetPipeline(options.axil_pipeline);
  Harness harness{rig.platform, rig.dram,       rig.dma_port, rig.axil,
                  rig.cpu,      rig.violations, rig.wild_dma, rig.iommu};
  if (!options.trace_dir.empty()) {
    char resolved[PATH_MAX];
    struct stat st {};
    if (::realpath(options.trace_dir.c_str(), resolved) == nullptr || ::stat(resolved, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
      throw std::runtime_error("--trace-dir " + options.trace_dir + ": not a directory");
    }
    harness.trace_dir = resolved;
  }
  // the host bridge: held constant from here on (cosim_top samples it every cycle)
  top.bus_offset =
      static_cast<std::remove_reference_t<decltype(top.bus_offset)>>(options.bus_offset);
  harness.bus_offset = options.bus_offset;
  rig.platform.Reset(proto::kResetCyclesDefault);

  Server server(harness, options);
  std::fprintf(stderr,
               "dmacosim-harness %.*s: DATA_WIDTH=%u ADDR_WIDTH=%u MAX_BURST=%u seed=%llu, "
               "DRAM %s, cap %llu bytes, bus offset 0x%llX\n",
               static_cast<int>(proto::kHarnessVersion.size()), proto::kHarnessVersion.data(),
               kDataWidth, kAddrWidth, kMaxBurst, static_cast<unsigned long long>(options.seed),
               rig.dram.windows().front().shm->path().c_str(),
               static_cast<unsigned long long>(rig.dram.cap()),
               static_cast<unsigned long long>(options.bus_offset));
  // READY <endpoint>, then the client key file when the harness made its own keys
  std::printf("READY %s%s%s\n", server.endpoint().c_str(), server.key_file().empty() ? "" : " ",
              server.key_file().c_str());
  std::fflush(stdout);
  // From here on stdout is stderr: RTL $display / assertion text must not look like protocol.
  CaptureRtlOutput();
  return server.Serve();
}

}  // namespace dmacosim
