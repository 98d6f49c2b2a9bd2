// SPDX-License-Identifier: MIT
// waveform.cpp — GTKWave save file: signal groups under their hierarchical names in the FST.
#include "waveform.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "errors.h"
#include "rtl_top.h"

namespace dmacosim {
namespace {

// One signal: its name under TOP.cosim_top and its width (1: a bit, shown binary; else hex).
struct Signal {
  const char* name;
  unsigned width;
};

struct Group {
  const char* name;
  std::initializer_list<Signal> signals;
};

constexpr unsigned kA = kAddrWidth;
constexpr unsigned kD = kDataWidth;
constexpr unsigned kS = static_cast<unsigned>(kBusBytes);

// The names Verilator gives the signals in the FST, under TOP.cosim_top (TraceTests checks every
// one against the FST of each build variant).
const Group kGroups[] = {
    {"CDMA registers",
     {
         {"u_cdma.u_regs.sg_mode_q", 1},     {"u_cdma.u_regs.key_hole_rd_q", 1},
         {"u_cdma.u_regs.key_hole_wr_q", 1}, {"u_cdma.u_regs.cyclic_q", 1},
         {"u_cdma.u_regs.ioc_irq_en_q", 1},  {"u_cdma.u_regs.dly_irq_en_q", 1},
         {"u_cdma.u_regs.err_irq_en_q", 1},  {"u_cdma.u_regs.irq_thresh_q", 8},
         {"u_cdma.u_regs.irq_delay_q", 8},   {"u_cdma.u_regs.idle_q", 1},
         {"u_cdma.u_regs.halted_q", 1},      {"u_cdma.u_regs.ioc_irq_q", 1},
         {"u_cdma.u_regs.dly_irq_q", 1},     {"u_cdma.u_regs.err_irq_q", 1},
         {"u_cdma.u_regs.dma_int_err_q", 1}, {"u_cdma.u_regs.dma_slv_err_q", 1},
         {"u_cdma.u_regs.dma_dec_err_q", 1}, {"u_cdma.u_regs.sg_int_err_q", 1},
         {"u_cdma.u_regs.sg_slv_err_q", 1},  {"u_cdma.u_regs.sg_dec_err_q", 1},
         {"u_cdma.u_regs.sa_q", 64},         {"u_cdma.u_regs.da_q", 64},
         {"u_cdma.u_regs.btt_q", 26},        {"u_cdma.u_regs.curdesc_q", 64},
         {"u_cdma.u_regs.taildesc_q", 64},
     }},
    {"CDMA control",
     {
         {"irq", 1},
         {"dma_idle", 1},
         {"u_cdma.start", 1},
         {"u_cdma.done", 1},
         {"u_cdma.bus_sel", 1},
         {"u_cdma.u_ctrl.state_q", 3},
         {"u_cdma.u_ctrl.sa_q", kA},
         {"u_cdma.u_ctrl.da_q", kA},
         {"u_cdma.u_ctrl.btt_q", 26},
         {"u_cdma.u_ctrl.rd_sent_q", 1},
         {"u_cdma.u_ctrl.ra_sent_q", 1},
         {"u_cdma.u_ctrl.wr_sent_q", 1},
         {"u_cdma.u_ctrl.rd_fin_q", 1},
         {"u_cdma.u_ctrl.wr_fin_q", 1},
         {"u_cdma.u_ctrl.err_q", 3},
     }},
    {"CDMA scatter-gather",
     {
         {"u_cdma.u_sg.state_q", 3},
         {"u_cdma.u_sg.desc_addr_q", kA},
         {"u_cdma.u_sg.next_q", kA},
         {"u_cdma.u_sg.status_q", 32},
         {"u_cdma.u_sg.arvalid_q", 1},
         {"u_cdma.u_sg.awvalid_q", 1},
         {"u_cdma.u_sg.wvalid_q", 1},
         {"u_cdma.u_sg.rresp_q", 2},
         {"u_cdma.u_sg.err_q", 3},
         {"u_cdma.u_sg.resume_q", 1},
     }},
    {"Read engine",
     {
         {"u_cdma.rd_cmd_valid", 1},
         {"u_cdma.rd_cmd_ready", 1},
         {"u_cdma.u_rd.active_q", 1},
         {"u_cdma.u_rd.fixed_q", 1},
         {"u_cdma.u_rd.addr_q", kA},
         {"u_cdma.u_rd.arvalid_q", 1},
         {"u_cdma.u_rd.araddr_q", kA},
         {"u_cdma.u_rd.arlen_q", 8},
         {"u_cdma.rd_push", 1},
         {"u_cdma.u_rd.resp_q", 2},
         {"u_cdma.u_rd.done_q", 1},
     }},
    {"Write engine",
     {
         {"u_cdma.wr_cmd_valid", 1},
         {"u_cdma.wr_cmd_ready", 1},
         {"u_cdma.u_wr.active_q", 1},
         {"u_cdma.u_wr.fixed_q", 1},
         {"u_cdma.u_wr.aw_addr_q", kA},
         {"u_cdma.u_wr.awvalid_q", 1},
         {"u_cdma.u_wr.awaddr_q", kA},
         {"u_cdma.u_wr.awlen_q", 8},
         {"u_cdma.u_wr.wvalid_q", 1},
         {"u_cdma.u_wr.wdata_q", kD},
         {"u_cdma.u_wr.wstrb_q", kS},
         {"u_cdma.u_wr.wlast_q", 1},
         {"u_cdma.u_wr.resp_q", 2},
         {"u_cdma.u_wr.done_q", 1},
     }},
    {"m_axi AR",
     {
         {"m_axi_arvalid", 1},
         {"m_axi_arready", 1},
         {"m_axi_araddr", kA},
         {"m_axi_arlen", 8},
         {"m_axi_arsize", 3},
         {"m_axi_arburst", 2},
         {"m_axi_arid", 4},
     }},
    {"m_axi R",
     {
         {"m_axi_rvalid", 1},
         {"m_axi_rready", 1},
         {"m_axi_rdata", kD},
         {"m_axi_rresp", 2},
         {"m_axi_rlast", 1},
         {"m_axi_rid", 4},
     }},
    {"m_axi AW",
     {
         {"m_axi_awvalid", 1},
         {"m_axi_awready", 1},
         {"m_axi_awaddr", kA},
         {"m_axi_awlen", 8},
         {"m_axi_awsize", 3},
         {"m_axi_awburst", 2},
         {"m_axi_awid", 4},
     }},
    {"m_axi W",
     {
         {"m_axi_wvalid", 1},
         {"m_axi_wready", 1},
         {"m_axi_wdata", kD},
         {"m_axi_wstrb", kS},
         {"m_axi_wlast", 1},
     }},
    {"m_axi B",
     {
         {"m_axi_bvalid", 1},
         {"m_axi_bready", 1},
         {"m_axi_bresp", 2},
         {"m_axi_bid", 4},
     }},
};

}  // namespace

std::string GtkwPathFor(const std::string& fst_path) {
  static constexpr char kFst[] = ".fst";
  constexpr std::size_t kFstLen = sizeof(kFst) - 1;
  if (fst_path.size() > kFstLen &&
      fst_path.compare(fst_path.size() - kFstLen, kFstLen, kFst) == 0) {
    return fst_path.substr(0, fst_path.size() - kFstLen) + ".gtkw";
  }
  return fst_path + ".gtkw";
}

void WriteGtkwSave(const std::string& fst_path, const std::string& gtkw_path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(gtkw_path.c_str(), "w"));
  if (!file) throw SimError("trace: cannot write " + gtkw_path + ": " + std::strerror(errno));
  std::FILE* out = file.get();
  std::fprintf(out, "[*] DmaCosim: GTKWave save file for %s\n", fst_path.c_str());
  std::fprintf(out, "[dumpfile] \"%s\"\n[savefile] \"%s\"\n", fst_path.c_str(), gtkw_path.c_str());
  std::fprintf(out, "[timestart] 0\n[size] 1600 1000\n[signals_width] 320\n[sst_expanded] 1\n");
  std::fprintf(out, "[sst_width] 260\n@28\nTOP.cosim_top.clk\nTOP.cosim_top.rst\n");
  for (const Group& group : kGroups) {
    std::fprintf(out, "@800200\n-%s\n", group.name);
    for (const Signal& s : group.signals) {
      if (s.width == 1) {
        std::fprintf(out, "@28\nTOP.cosim_top.%s\n", s.name);
      } else {
        std::fprintf(out, "@22\nTOP.cosim_top.%s[%u:0]\n", s.name, s.width - 1);
      }
    }
    std::fprintf(out, "@1000200\n-%s\n", group.name);
  }
  if (std::fflush(out) != 0 || std::ferror(out)) {
    throw SimError("trace: cannot write " + gtkw_path + ": " + std::strerror(errno));
  }
}

}  // namespace dmacosim
