// SPDX-License-Identifier: MIT
// main.cpp — dmacosim-harness entry point: options, the verilated model, hand-over to the server.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "options.h"
#include "rtl_top.h"
#include "server.h"
#include "verilated.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

namespace {

// A coverage build (make coverage: --coverage-line --coverage-toggle) writes what this process
// covered when it exits — after shutdown, SIGTERM/SIGINT or its parent's death alike, since each of
// them returns from RunHarness — into $DMACOSIM_COVERAGE_DIR, one file per process so parallel
// harnesses never share one. Unset, or in any other build: nothing is written.
void WriteCoverage(VerilatedContext& context) {
#if VM_COVERAGE
  const char* dir = std::getenv("DMACOSIM_COVERAGE_DIR");
  if (dir == nullptr || *dir == '\0') return;
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string path = std::string(dir) + "/harness-" + std::to_string(::getpid()) + "-" +
                           std::to_string(stamp) + ".dat";
  context.coveragep()->write(path.c_str());
#else
  (void)context;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const dmacosim::ParsedOptions parsed = dmacosim::ParseOptions(argc, argv);
  if (parsed.action == dmacosim::ParsedOptions::Action::kHelp) {
    std::fputs(dmacosim::Usage(argv[0]).c_str(), stdout);
    return 0;
  }
  if (parsed.action == dmacosim::ParsedOptions::Action::kError) {
    // the reason, the usage, and the reason again last: a client that keeps the last stderr lines
    // (HarnessProcess) shows it
    std::fprintf(stderr, "dmacosim-harness: %s\n%sdmacosim-harness: %s\n", parsed.error.c_str(),
                 dmacosim::Usage(argv[0]).c_str(), parsed.error.c_str());
    return 2;
  }

  auto context = std::make_unique<VerilatedContext>();
  context->traceEverOn(true);  // before the model exists; tracing stays off until the trace op
  auto top = std::make_unique<dmacosim::Top>(context.get(), "TOP");
  int code = 1;
  try {
    code = dmacosim::RunHarness(*context, *top, parsed.options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dmacosim-harness: %s\n", e.what());
  }
  top->final();
  WriteCoverage(*context);
  return code;
}
