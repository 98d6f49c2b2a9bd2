// SPDX-License-Identifier: MIT
// axi_snapshot.h — one clock of an AXI4 bus of the verilated top as an AxiSnapshot, read from the
// ports a prefix names (m_axi_, dbg_dma_): the one way every checked port is sampled. Reads only;
// call it after the outputs settled (ClockedModel::Sample). IDs are cosim_top's ID_WIDTH (4) bits.
#pragma once

#include <cstdint>

#include "axi_checker.h"
#include "rtl_top.h"
#include "signal_bytes.h"

namespace dmacosim::snapshot {

inline constexpr uint64_t kIdMask = 0xF;  // ID_WIDTH = 4 on cosim_top
inline constexpr uint64_t kLaneMaskAll =
    kBusBytes >= 64 ? ~uint64_t{0} : (uint64_t{1} << kBusBytes) - 1;

// AR / AW: VALID, READY, and the payload while VALID is high (else zero).
template <typename Addr, typename Id>
inline void AddrChannel(AxiSnapshot::Addr& c, bool valid, bool ready, const Addr& addr,
                        const Id& id, uint8_t len, uint8_t size, uint8_t burst) {
  c.valid = valid;
  c.ready = ready;
  c.beat = valid ? AxiAddr{sig::ToU64(addr), static_cast<uint32_t>(id & kIdMask), len, size, burst}
                 : AxiAddr{};
}

// W: VALID, READY, WLAST, WSTRB; WDATA only when `copy_data` (AxiCheckerConfig::check_w_payload).
template <typename Data, typename Strb>
inline void WChannel(AxiSnapshot::W& w, bool valid, bool ready, bool last, const Strb& strb,
                     const Data& data, bool copy_data) {
  w.valid = valid;
  w.ready = ready;
  w.last = last;
  w.strb = sig::ToU64(strb) & kLaneMaskAll;
  if (copy_data && valid) sig::ToBytes(data, w.data.data(), kBusBytes);
}

// R / B: VALID, READY, and ID, RESP (and RLAST) while VALID is high.
template <typename Id>
inline void RespChannel(AxiSnapshot::Resp& c, bool valid, bool ready, const Id& id, bool last,
                        uint8_t resp) {
  c.valid = valid;
  c.ready = ready;
  if (!valid) return;
  c.id = static_cast<uint32_t>(id & kIdMask);
  c.last = last;
  c.resp = resp;
}

}  // namespace dmacosim::snapshot

// Fills AxiSnapshot `bus` from the five channels <p>ar*, <p>aw*, <p>w*, <p>r*, <p>b* of `top`
// (p: m_axi_, dbg_dma_); WDATA is copied when `copy_wdata` is true.
#define DMACOSIM_AXI_SNAPSHOT(bus, top, p, copy_wdata)                                         \
  do {                                                                                         \
    ::dmacosim::snapshot::AddrChannel((bus).ar, (top).p##arvalid, (top).p##arready,            \
                                      (top).p##araddr, (top).p##arid, (top).p##arlen,          \
                                      (top).p##arsize, (top).p##arburst);                      \
    ::dmacosim::snapshot::AddrChannel((bus).aw, (top).p##awvalid, (top).p##awready,            \
                                      (top).p##awaddr, (top).p##awid, (top).p##awlen,          \
                                      (top).p##awsize, (top).p##awburst);                      \
    ::dmacosim::snapshot::WChannel((bus).w, (top).p##wvalid, (top).p##wready, (top).p##wlast,  \
                                   (top).p##wstrb, (top).p##wdata, (copy_wdata));              \
    ::dmacosim::snapshot::RespChannel((bus).r, (top).p##rvalid, (top).p##rready, (top).p##rid, \
                                      (top).p##rlast, (top).p##rresp);                         \
    ::dmacosim::snapshot::RespChannel((bus).b, (top).p##bvalid, (top).p##bready, (top).p##bid, \
                                      true, (top).p##bresp);                                   \
  } while (0)
