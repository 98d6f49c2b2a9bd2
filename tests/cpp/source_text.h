// SPDX-License-Identifier: MIT
// source_text.h — the text of a file of this source tree (DMACOSIM_SOURCE_DIR), for the tests that
// check a C++ copy against its authority in rtl/.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace dmacosim {

// The whole file at `relative` (from the repository root); empty when it cannot be read.
inline std::string SourceText(const std::string& relative) {
  std::ifstream in(std::string(DMACOSIM_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace dmacosim
