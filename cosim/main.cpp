// SPDX-License-Identifier: Apache-2.0
// main.cpp — dmacosim-harness entry point: options, the verilated model, hand-over to the server.
#include <cstdio>
#include <exception>
#include <memory>

#include "options.h"
#include "rtl_top.h"
#include "server.h"
#include "verilated.h"

int main(int argc, char** argv) {
  const dmacosim::ParsedOptions parsed = dmacosim::ParseOptions(argc, argv);
  if (parsed.action == dmacosim::ParsedOptions::Action::kHelp) {
    std::fputs(dmacosim::Usage(argv[0]).c_str(), stdout);
    return 0;
  }
  if (parsed.action == dmacosim::ParsedOptions::Action::kError) {
    std::fprintf(stderr, "dmacosim-harness: %s\n%s", parsed.error.c_str(),
                 dmacosim::Usage(argv[0]).c_str());
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
  return code;
}
