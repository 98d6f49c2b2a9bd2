// SPDX-License-Identifier: Apache-2.0
// platform.cpp — clock, reset and the per-cycle loop over the clocked models.
#include "platform.h"

#include <exception>

#include "errors.h"
#include "rtl_log.h"

namespace dmacosim {

Platform::Platform(VerilatedContext& context, Top& top) : context_(context), top_(top) {
  // $stop / $error / failed assertions end the current request with SIM_ERROR instead of
  // aborting the process (OnRtlStop); their text goes to stderr like every RTL message.
  context_.fatalOnError(false);
  top_.rst = 1;
  top_.clk = 1;
  top_.eval();
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
  for (ClockedModel* model : models_) model->Drive(top_, cycle_);
  top_.clk = 0;
  top_.eval();
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
