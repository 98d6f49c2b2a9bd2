// SPDX-License-Identifier: MIT
// server.h — the ZeroMQ side: a ROUTER socket at the endpoint, the READY line, the request loop,
// and the reasons to stop (shutdown op, SIGTERM / SIGINT, parent death). Never looks at the
// socket while a request is simulating.
#pragma once

#include <string>

#include "options.h"
#include "rtl_top.h"
#include "verilated.h"

namespace dmacosim {

// Builds the platform and its models around `top`, binds, prints READY and serves requests until
// told to stop. Returns the process exit code. Throws std::exception on setup failures.
int RunHarness(VerilatedContext& context, Top& top, const Options& options);

}  // namespace dmacosim
