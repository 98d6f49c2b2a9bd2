// SPDX-License-Identifier: MIT
// rtl_log.cpp — stdout → stderr with a bounded memory of recent text (glibc fopencookie).
#include "rtl_log.h"

#include <stdio.h>
#include <unistd.h>

#include <cstddef>
#include <vector>

namespace dmacosim {
namespace {

constexpr std::size_t kKeepBytes = 4096;
std::string g_recent;  // the tail of what was printed since the last TakeRtlOutput()

ssize_t WriteAndKeep(void*, const char* buf, size_t size) {
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::write(STDERR_FILENO, buf + done, size - done);
    if (n <= 0) break;  // stderr gone: still remember the text
    done += static_cast<size_t>(n);
  }
  g_recent.append(buf, size);
  if (g_recent.size() > kKeepBytes) g_recent.erase(0, g_recent.size() - kKeepBytes);
  return static_cast<ssize_t>(size);
}

}  // namespace

void CaptureRtlOutput() {
  std::fflush(stdout);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  cookie_io_functions_t functions{};
  functions.write = WriteAndKeep;
  if (FILE* stream = ::fopencookie(nullptr, "w", functions)) {
    ::setvbuf(stream, nullptr, _IOLBF, 0);
    stdout = stream;
  }
}

std::string TakeRtlOutput(int max_lines) {
  std::fflush(stdout);
  std::vector<std::string> lines;
  std::size_t end = g_recent.size();
  while (end > 0 && static_cast<int>(lines.size()) < max_lines) {
    const std::size_t nl = g_recent.rfind('\n', end - 1);
    const std::size_t start = nl == std::string::npos ? 0 : nl + 1;
    if (end > start) lines.push_back(g_recent.substr(start, end - start));
    if (nl == std::string::npos) break;
    end = nl;
  }
  g_recent.clear();
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) out += (out.empty() ? "" : " | ") + *it;
  return out;
}

}  // namespace dmacosim
