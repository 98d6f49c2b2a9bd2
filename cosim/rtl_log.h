// SPDX-License-Identifier: MIT
// rtl_log.h — what the RTL prints. Verilator writes $display, $error and assertion text to C
// stdout; after the READY line the harness points stdout at stderr and keeps the recent text,
// so that a SIM_ERROR reply can quote the RTL's own message.
#pragma once

#include <string>

namespace dmacosim {

// Replaces stdout by a line-buffered stream that writes to stderr and remembers the last few
// KiB. fd 1 itself becomes a copy of fd 2 (the READY pipe is closed). Call once, after READY.
void CaptureRtlOutput();
// The last `max_lines` non-empty lines printed since the previous call (joined with " | "),
// and forget everything printed so far.
std::string TakeRtlOutput(int max_lines = 3);

}  // namespace dmacosim
