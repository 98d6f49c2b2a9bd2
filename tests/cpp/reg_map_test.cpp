// SPDX-License-Identifier: MIT
// reg_map_test.cpp — every constant of cosim/reg_map.h equals its localparam in rtl/dma_pkg.sv
// (the authority), parsed from the source.
#include "reg_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <string>

#include "source_text.h"

namespace dmacosim {
namespace {

// localparam NAME = value (32'h..., 2'd..., decimal) of rtl/dma_pkg.sv
std::map<std::string, uint64_t> PkgParams() {
  const std::string src = SourceText("rtl/dma_pkg.sv");
  std::map<std::string, uint64_t> out;
  const std::regex re(
      R"(localparam\s+[^=;]*?\b([A-Z][A-Z0-9_]*)\s*=\s*(?:\d+'([hdb]))?([0-9a-fA-F_]+)\s*;)");
  for (auto it = std::sregex_iterator(src.begin(), src.end(), re); it != std::sregex_iterator();
       ++it) {
    std::string digits = (*it)[3];
    digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
    const std::string base = (*it)[2];
    out[(*it)[1]] = std::stoull(digits, nullptr, base == "h" ? 16 : base == "b" ? 2 : 10);
  }
  return out;
}

TEST(RegMapTest, EveryConstant_MatchesDmaPkg) {
  const auto p = PkgParams();
  ASSERT_FALSE(p.empty()) << "rtl/dma_pkg.sv not found or not parsed";
  const std::pair<const char*, uint64_t> expected[] = {
      {"CDMACR_OFFSET", kCdmacrOffset},
      {"TAILDESC_OFFSET", kTaildescOffset},
      {"TAILDESC_MSB_OFFSET", kTaildescMsbOffset},
      {"BTT_OFFSET", kBttOffset},
      {"CDMACR_RESET_BIT", kCdmacrResetBit},
      {"CDMACR_SGMODE_BIT", kCdmacrSgModeBit},
      {"CDMACR_KEYHOLERD_BIT", kCdmacrKeyHoleRdBit},
      {"CDMACR_KEYHOLEWR_BIT", kCdmacrKeyHoleWrBit},
      {"EXT_XFER_CTRL_OFFSET", kExtXferCtrlOffset},
      {"EXT_STEAL_CFG_OFFSET", kExtStealCfgOffset},
      {"EXT_XFER_CTRL_MODE_LSB", kExtXferCtrlModeLsb},
      {"EXT_XFER_CTRL_MAX_BURST_M1_LSB", kExtXferCtrlMaxBurstM1Lsb},
      {"EXT_XFER_CTRL_MAX_OUT_LSB", kExtXferCtrlMaxOutLsb},
      {"EXT_STEAL_CFG_BEATS_LSB", kExtStealCfgBeatsLsb},
      {"EXT_STEAL_CFG_IDLE_LSB", kExtStealCfgIdleLsb},
      {"XFER_MODE_BURST", kXferModeBurst},
      {"XFER_MODE_CYCLE_STEALING", kXferModeCycleStealing},
      {"XFER_MODE_TRANSPARENT", kXferModeTransparent},
      {"XFER_MODE_KEEP", kXferModeKeep},
      {"DESC_ALIGN_BITS", kDescAlignBits},
      {"MON_CTRL_OFFSET", kMonCtrlOffset},
      {"IOMMU_WALK_AXI_ID", kIommuWalkAxiId},
  };
  for (const auto& [name, value] : expected) {
    const auto it = p.find(name);
    ASSERT_NE(it, p.end()) << name << " not in rtl/dma_pkg.sv";
    EXPECT_EQ(it->second, value) << name;
  }
  EXPECT_EQ(uint64_t{1} << p.at("MON_CTRL_SNOOP_EN_BIT"), kMonCtrlSnoopEn);
  EXPECT_EQ(uint64_t{1} << p.at("MON_CTRL_CLEAR_BIT"), kMonCtrlClear);
}

}  // namespace
}  // namespace dmacosim
