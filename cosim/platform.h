// SPDX-License-Identifier: MIT
// platform.h — owns the clock, the reset and the list of clocked models around the verilated top.
// Runs cycles: a fixed number, or until a predicate holds (with a cycle limit). No socket, no
// protocol: callers turn a missed limit into a TIMEOUT that says what they waited for.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clocked_model.h"
#include "rtl_top.h"
#include "verilated.h"

class VerilatedFstC;

namespace dmacosim {

class Platform {
 public:
  // Polled every kStopPollCycles cycles of a long run: returns why the run must stop (e.g.
  // "SIGTERM"), or an empty string to go on. The run then throws SimError.
  using StopCheck = std::function<std::string()>;
  static constexpr uint64_t kStopPollCycles = uint64_t{1} << 16;

  // The RTL starts in reset (rst = 1); call Reset() before anything else.
  // `context.traceEverOn(true)` must have been called before `top` was built (StartTrace needs it).
  Platform(VerilatedContext& context, Top& top);
  // Closes (flushes) an open trace: every way out of the harness goes through here.
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Models are driven and sampled in the order they were added; the Platform does not own them.
  void AddModel(ClockedModel& model) { models_.push_back(&model); }
  void SetStopCheck(StopCheck check) { stop_check_ = std::move(check); }

  uint64_t cycle() const { return cycle_; }
  Top& top() { return top_; }
  const Top& top() const { return top_; }
  // "dram0: 2 reads, 1 write outstanding" for every model that is not idle ("models idle" if none).
  std::string ModelStatus() const;

  // Hold rst high for `cycles` rising edges (models drop in-flight state), then release it.
  void Reset(uint64_t cycles);
  // Run exactly `cycles` cycles.
  void Run(uint64_t cycles) {
    RunUntil([] { return false; }, cycles);
  }
  // FST waveform of every signal: from the next Tick on, each cycle is dumped at both edges (time
  // 2 * cycle with clk low, 2 * cycle + 1 with clk high). An open trace is closed first. The
  // caller has checked the path; throws SimError if the file cannot be created.
  void StartTrace(const std::string& path);
  // Closes the trace file (no-op when none is open).
  void StopTrace();
  // Writes buffered waveform data to the file (no-op when none is open).
  void FlushTrace();
  bool tracing() const { return trace_ != nullptr; }
  // The open trace's path, else the last one closed ("" if none).
  const std::string& trace_path() const { return trace_path_; }

  // Throws SimError when the stop check says the harness must stop (for callers that run many
  // short steps, such as a batch, between which no long run polls it).
  void CheckStop() { PollStop(); }
  // Run until `done()` holds — checked before the first cycle and after each one — or until
  // `max_cycles` cycles have run. Returns whether `done()` held.
  template <typename Pred>
  bool RunUntil(Pred&& done, uint64_t max_cycles) {
    if (done()) return true;
    for (uint64_t n = 1; n <= max_cycles; ++n) {
      Tick();
      if (done()) return true;
      if ((n & (kStopPollCycles - 1)) == 0) PollStop();
    }
    return false;
  }

 private:
  // One clock: Drive → clk=0, eval → Sample → clk=1, eval → cycle + 1.
  void Tick();
  void OnRtlStop();
  void PollStop();

  VerilatedContext& context_;
  Top& top_;
  std::vector<ClockedModel*> models_;
  StopCheck stop_check_;
  uint64_t cycle_ = 0;
  bool in_reset_ = true;
  std::unique_ptr<VerilatedFstC> trace_;  // null: not tracing
  std::string trace_path_;
};

}  // namespace dmacosim
