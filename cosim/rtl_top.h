// SPDX-License-Identifier: MIT
// rtl_top.h — the verilated top (cosim_top), checked against the build parameters it was verilated
// with (build_params.h): the storage Verilator chose for the ports must match the widths.
#pragma once

#include <cstddef>
#include <cstdint>

#include "Vcosim_top.h"
#include "build_params.h"
#include "signal_bytes.h"

namespace dmacosim {

using Top = Vcosim_top;

static_assert(sig::StorageBytes<decltype(Top::m_axi_rdata)>() * 8 >= kDataWidth &&
                  sig::StorageBytes<decltype(Top::m_axi_rdata)>() * 8 < 2 * kDataWidth,
              "m_axi_rdata storage does not match DMACOSIM_DATA_WIDTH: rebuild the harness");
static_assert(sig::StorageBytes<decltype(Top::m_axi_araddr)>() * 8 == kAddrWidth,
              "m_axi_araddr storage does not match DMACOSIM_ADDR_WIDTH: rebuild the harness");

}  // namespace dmacosim
