// SPDX-License-Identifier: MIT
// platform.cpp — clock, reset and the per-cycle loop over the clocked models.
#include "platform.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "errors.h"
#include "rtl_log.h"
#include "verilated_fst_c.h"

namespace dmacosim {

Platform::Platform(VerilatedContext& context, Top& top) : context_(context), top_(top) {
  // $stop / $error / failed assertions end the current request with SIM_ERROR instead of
  // aborting the process (OnRtlStop); their text goes to stderr like every RTL message.
  context_.fatalOnError(false);
  // rst = 1 from the start (cosim_top's sampled copy of rst starts at 1 too)
  top_.rst = 1;
  top_.clk = 1;
  top_.eval();
}

Platform::~Platform() { StopTrace(); }

void Platform::StartTrace(const std::string& path) {
  StopTrace();
  // fstWriterCreate does not report failures: create the file here first, so that an unwritable
  // path is an error reply instead of a crash. O_NOFOLLOW: never write through a symlink.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw SimError("trace: cannot create " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  auto trace = std::make_unique<VerilatedFstC>();
  top_.trace(trace.get(), 99);
  trace->open(path.c_str());
  if (!trace->isOpen()) throw SimError("trace: cannot open " + path + " as an FST file");
  trace_ = std::move(trace);
  trace_path_ = path;
}

void Platform::StopTrace() {
  if (!trace_) return;
  trace_->close();
  trace_.reset();
}

void Platform::FlushTrace() {
  if (trace_) trace_->flush();
}

std::string Platform::ModelStatus() const {
  std::string out;
  for (const ClockedModel* model : models_) {
    std::string status = model->Status();
    if (status.empty()) continue;
    if (!out.empty()) out += ", ";
    out += model->Name() + ": " + status;
  }
  return out.empty() ? "models idle" : out;
}

void Platform::Reset(uint64_t cycles) {
  for (ClockedModel* model : models_) model->OnReset();
  in_reset_ = true;
  top_.rst = 1;
  for (uint64_t n = 0; n < cycles; ++n) Tick();
  top_.rst = 0;
  in_reset_ = false;
}

void Platform::Tick() {
  // Inputs change only between the clk = 1 eval and the next clk = 0 eval (here in Drive, rst in
  // Reset): cosim_top samples them at the falling edge. Sample() gets a const Top.
  for (ClockedModel* model : models_) model->Drive(top_, cycle_);
  top_.clk = 0;
  top_.eval();
  if (VL_UNLIKELY(trace_ != nullptr)) trace_->dump(2 * cycle_);
  context_.timeInc(1);
  // A model that finds a violation throws without applying it; the cycle still completes for the
  // RTL and every other model, so the state stays consistent; then the first error propagates.
  std::exception_ptr error;
  if (!in_reset_) {
    for (ClockedModel* model : models_) {
      try {
        model->Sample(top_, cycle_);
      } catch (...) {
        if (!error) error = std::current_exception();
      }
    }
  }
  top_.clk = 1;
  top_.eval();
  if (VL_UNLIKELY(trace_ != nullptr)) trace_->dump(2 * cycle_ + 1);
  context_.timeInc(1);
  ++cycle_;
  if (VL_UNLIKELY(error)) std::rethrow_exception(error);
  if (VL_UNLIKELY(context_.gotFinish())) OnRtlStop();
}

void Platform::OnRtlStop() {
  const bool error = context_.gotError();
  // Clear the flags: the simulation may go on (a second $finish would otherwise exit()).
  context_.gotFinish(false);
  context_.gotError(false);
  const std::string what =
      error ? "RTL error ($error, $stop, $fatal or a failed assertion)" : "RTL called $finish";
  const std::string text = TakeRtlOutput();
  throw SimError(what + " in cycle " + std::to_string(cycle_ - 1) +
                 (text.empty() ? std::string() : ": " + text));
}

void Platform::PollStop() {
  if (!stop_check_) return;
  std::string reason = stop_check_();
  if (!reason.empty()) {
    throw SimError("run interrupted at cycle " + std::to_string(cycle_) + ": " + reason);
  }
}

}  // namespace dmacosim
