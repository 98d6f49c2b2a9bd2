// SPDX-License-Identifier: MIT
// waveform.h — the GTKWave save file (.gtkw) written next to each FST waveform: the CDMA's
// registers, control and scatter-gather state, its read and write engines and the five m_axi
// channels, in named groups. Not here: the FST itself (Platform::StartTrace).
#pragma once

#include <string>

namespace dmacosim {

// "<dir>/wave.fst" -> "<dir>/wave.gtkw"; any other name gets ".gtkw" appended.
std::string GtkwPathFor(const std::string& fst_path);

// Writes the save file for `fst_path` to `gtkw_path` (replacing it). Throws SimError.
void WriteGtkwSave(const std::string& fst_path, const std::string& gtkw_path);

}  // namespace dmacosim
