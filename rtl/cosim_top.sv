// SPDX-License-Identifier: MIT
// cosim_top: Verilator top (DESIGN 1): AXI-Lite -> cdma -> iommu -> coherency_monitor -> axi_arbiter <- cpu_cache.
// The harness drives AXI-Lite and the CPU port, models the DRAM on m_axi, checks dbg_dma_*; no clock.

// AXI-Lite: axil_decoder serves the monitor's registers at MON_BASE_OFFSET..MON_SPACE_END and the
// IOMMU's at IOMMU_BASE_OFFSET..IOMMU_SPACE_END and passes every other offset to the CDMA registers (which answer DECERR outside their own space). AXI IDs:
// the DMA uses DMA_AXI_ID, the cache CPU_ID; the arbiter replaces the top ID bit with the master
// (0 CPU, 1 DMA), so on m_axi the DMA's IDs have the top bit set. Inputs left at 0 give an idle CPU.
// Every input but clk is sampled at the falling edge of clk: a driver sets the inputs before it
// evaluates clk = 0 and holds them through the rising edge, as the harness's Platform::Tick does.
module cosim_top
  import dma_pkg::*;
#(
  // AXI4 data width (32, 64, 128)
  parameter int unsigned DATA_WIDTH      = 64,
  // AXI4 address width (32, 64)
  parameter int unsigned ADDR_WIDTH      = 32,
  // beats per burst (2..256)
  parameter int unsigned MAX_BURST       = 256,
  // bursts in flight per channel
  parameter int unsigned MAX_OUTSTANDING = 4,
  // AXI4 ID width (at least 2: the arbiter names the master in the top bit)
  parameter int unsigned ID_WIDTH        = 4,
  // AXI-Lite address width (the monitor's registers sit at 0x1000, the IOMMU's at 0x2000)
  parameter int unsigned AXIL_ADDR_WIDTH = 16,
  // CPU data cache: capacity in bytes
  parameter int unsigned CACHE_BYTES     = 32768,
  // CPU data cache: line size in bytes
  parameter int unsigned LINE_BYTES      = 64,
  // CPU data cache: associativity
  parameter int unsigned WAYS            = 2,
  // 1: the engine has PG034's realigner (DRE); 0: the `nodre` build (source and destination must
  // share their offset within a beat, otherwise the bytes land in their source lanes)
  parameter int unsigned HAS_DRE         = 1,
  // IOMMU: IOTLB entries (a power of two)
  parameter int unsigned IOTLB_ENTRIES   = 1024
) (
  input  logic                       clk,
  input  logic                       rst,            // synchronous, active high

  // host bridge: DMA bus address = CPU physical + bus_offset (0: none); hold it constant
  input  logic [ADDR_WIDTH-1:0]      bus_offset,

  // AXI-Lite slave: CDMA registers (0x000..0x1FF), coherency monitor registers (0x1000..0x10FF),
  // IOMMU registers (0x2000..0x20FF)
  input  logic [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
  input  logic                       s_axil_awvalid,
  output logic                       s_axil_awready,
  input  logic [31:0]                s_axil_wdata,
  input  logic [3:0]                 s_axil_wstrb,
  input  logic                       s_axil_wvalid,
  output logic                       s_axil_wready,
  output logic [1:0]                 s_axil_bresp,
  output logic                       s_axil_bvalid,
  input  logic                       s_axil_bready,
  input  logic [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
  input  logic                       s_axil_arvalid,
  output logic                       s_axil_arready,
  output logic [31:0]                s_axil_rdata,
  output logic [1:0]                 s_axil_rresp,
  output logic                       s_axil_rvalid,
  input  logic                       s_axil_rready,

  // AXI4 master: write channels (to the harness DRAM model)
  output logic [ID_WIDTH-1:0]        m_axi_awid,
  output logic [ADDR_WIDTH-1:0]      m_axi_awaddr,
  output logic [7:0]                 m_axi_awlen,
  output logic [2:0]                 m_axi_awsize,
  output logic [1:0]                 m_axi_awburst,
  output logic                       m_axi_awvalid,
  input  logic                       m_axi_awready,
  output logic [DATA_WIDTH-1:0]      m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0]    m_axi_wstrb,
  output logic                       m_axi_wlast,
  output logic                       m_axi_wvalid,
  input  logic                       m_axi_wready,
  input  logic [ID_WIDTH-1:0]        m_axi_bid,
  input  logic [1:0]                 m_axi_bresp,
  input  logic                       m_axi_bvalid,
  output logic                       m_axi_bready,

  // AXI4 master: read channels (to the harness DRAM model)
  output logic [ID_WIDTH-1:0]        m_axi_arid,
  output logic [ADDR_WIDTH-1:0]      m_axi_araddr,
  output logic [7:0]                 m_axi_arlen,
  output logic [2:0]                 m_axi_arsize,
  output logic [1:0]                 m_axi_arburst,
  output logic                       m_axi_arvalid,
  input  logic                       m_axi_arready,
  input  logic [ID_WIDTH-1:0]        m_axi_rid,
  input  logic [DATA_WIDTH-1:0]      m_axi_rdata,
  input  logic [1:0]                 m_axi_rresp,
  input  logic                       m_axi_rlast,
  input  logic                       m_axi_rvalid,
  output logic                       m_axi_rready,

  // interrupt and status
  output logic                       irq,            // level: OR of enabled CDMASR IRQ bits
  output logic                       dma_idle,       // CDMASR.Idle

  // CPU port of the cache: request (cpu_req_op is a cpu_op_e), then one response per request
  input  logic                       cpu_req_valid,
  output logic                       cpu_req_ready,
  input  logic [2:0]                 cpu_req_op,
  input  logic [ADDR_WIDTH-1:0]      cpu_req_addr,
  input  logic [31:0]                cpu_req_wdata,
  input  logic [3:0]                 cpu_req_wstrb,
  input  logic                       cpu_req_cacheable,
  output logic                       cpu_rsp_valid,
  input  logic                       cpu_rsp_ready,
  output logic [31:0]                cpu_rsp_rdata,

  // coherency violations: one report per cycle while viol_valid (viol_kind is a mon_viol_e,
  // viol_master a bus_master_e)
  output logic                       viol_valid,
  output logic [1:0]                 viol_kind,
  output logic [ADDR_WIDTH-1:0]      viol_addr,
  output logic                       viol_master,

  // IOMMU faults: one report per faulted burst (iommu_fault_kind an IOMMU_FAULT_* value)
  output logic                       iommu_fault_valid,
  output logic                       iommu_fault_write,
  output logic [2:0]                 iommu_fault_kind,
  output logic [ADDR_WIDTH-1:0]      iommu_fault_iova,

  // counters for the harness's statistics (free-running; the monitor's are zeroed by MON_CTRL
  // clear) and the monitor's snoop enable
  output logic [31:0]                cache_hits,
  output logic [31:0]                cache_misses,
  output logic [31:0]                cache_writebacks,
  output logic [31:0]                cpu_wait_cycles,
  output logic [31:0]                snoop_stall_cycles,
  output logic [31:0]                viol_count,
  output logic                       snoop_en,

  // debug, read-only: the DMA's AXI4 master bus as it enters the arbiter (arbiter port s1, driven
  // by the coherency monitor's m_axi), all five channels, for the harness's DMA-side protocol
  // checker. This bus, not cdma's own m_axi: it is what the arbiter receives from and routes back to
  // the DMA side, so the checker covers the engine's bursts as the monitor forwards them (in snoop
  // mode replayed from its write buffer) and, on R / B, the arbiter's routing by ID. A finding here
  // and none on m_axi points at the DMA path; one on m_axi only, at the arbiter or the cache.
  output logic [ID_WIDTH-1:0]        dbg_dma_awid,
  output logic [ADDR_WIDTH-1:0]      dbg_dma_awaddr,
  output logic [7:0]                 dbg_dma_awlen,
  output logic [2:0]                 dbg_dma_awsize,
  output logic [1:0]                 dbg_dma_awburst,
  output logic                       dbg_dma_awvalid,
  output logic                       dbg_dma_awready,
  output logic [DATA_WIDTH-1:0]      dbg_dma_wdata,
  output logic [DATA_WIDTH/8-1:0]    dbg_dma_wstrb,
  output logic                       dbg_dma_wlast,
  output logic                       dbg_dma_wvalid,
  output logic                       dbg_dma_wready,
  output logic [ID_WIDTH-1:0]        dbg_dma_bid,
  output logic [1:0]                 dbg_dma_bresp,
  output logic                       dbg_dma_bvalid,
  output logic                       dbg_dma_bready,
  output logic [ID_WIDTH-1:0]        dbg_dma_arid,
  output logic [ADDR_WIDTH-1:0]      dbg_dma_araddr,
  output logic [7:0]                 dbg_dma_arlen,
  output logic [2:0]                 dbg_dma_arsize,
  output logic [1:0]                 dbg_dma_arburst,
  output logic                       dbg_dma_arvalid,
  output logic                       dbg_dma_arready,
  output logic [ID_WIDTH-1:0]        dbg_dma_rid,
  output logic [DATA_WIDTH-1:0]      dbg_dma_rdata,
  output logic [1:0]                 dbg_dma_rresp,
  output logic                       dbg_dma_rlast,
  output logic                       dbg_dma_rvalid,
  output logic                       dbg_dma_rready,

  // debug, read-only: the CPU side of the arbiter (port s0, the cache's master) as the harness's
  // checks of the transfer modes and of arbitration need it: AR / AW requests and grants, W valid,
  // and dbg_cpu_take: the cache took a CPU or snoop request this cycle (the next is its look-up)
  output logic                       dbg_cpu_arvalid,
  output logic                       dbg_cpu_arready,
  output logic                       dbg_cpu_awvalid,
  output logic                       dbg_cpu_awready,
  output logic                       dbg_cpu_wvalid,
  output logic                       dbg_cpu_take,

  // debug, read-only: where cdma counts EXT_PERF_BUS_WAIT — the engines' AR / AW / W handshakes
  // entering cdma_mode_gate (dbg_eng_*) and the gate's AW handshake on cdma's m_axi (dbg_gate_aw*;
  // an AW taken on the engine side and not yet here waits in the gate's hold)
  output logic                       dbg_eng_arvalid,
  output logic                       dbg_eng_arready,
  output logic                       dbg_eng_awvalid,
  output logic                       dbg_eng_awready,
  output logic                       dbg_eng_wvalid,
  output logic                       dbg_eng_wready,
  output logic                       dbg_gate_awvalid,
  output logic                       dbg_gate_awready,

  // debug, read-only: the data mover's own requests and responses (cdma_rd's AR and the R beats
  // routed to it, cdma_wr's AW and its B, with RRESP / BRESP as they reach the engine: an IOMMU
  // fault's error response too, which never reaches dbg_dma_*) and the commands its engines take;
  // not the SG engine's descriptor traffic. For the harness's rule that the data mover halts after
  // an error response (HALT_ON_ERROR)
  output logic                       dbg_dp_arvalid,
  output logic                       dbg_dp_arready,
  output logic                       dbg_dp_awvalid,
  output logic                       dbg_dp_awready,
  output logic                       dbg_dp_rvalid,
  output logic                       dbg_dp_rready,
  output logic [1:0]                 dbg_dp_rresp,
  output logic                       dbg_dp_bvalid,
  output logic                       dbg_dp_bready,
  output logic [1:0]                 dbg_dp_bresp,
  output logic                       dbg_dp_rd_cmd_valid,
  output logic                       dbg_dp_rd_cmd_ready,
  output logic                       dbg_dp_wr_cmd_valid,
  output logic                       dbg_dp_wr_cmd_ready
);

  // the DMA's and the cache's AXI IDs (the top ID bit stays 0: the arbiter owns it)
  localparam int unsigned DMA_AXI_ID  = 1;
  localparam int unsigned CPU_AXI_ID  = 2;
  // the monitor's snoop-mode write buffer holds one burst (a power of two)
  localparam int unsigned MON_BURST   = 2 ** $clog2(MAX_BURST);
  // DMA bursts the monitor tracks per direction (more than the engine keeps in flight)
  localparam int unsigned MON_TRACK   = (MAX_OUTSTANDING < 8) ? 8 : 16;

  if (ADDR_WIDTH != 32 && ADDR_WIDTH != 64) begin : g_check_addr_width
    $fatal(1, "cosim_top: ADDR_WIDTH must be 32 or 64");
  end
  if (ID_WIDTH < 2 || DMA_AXI_ID >= (1 << (ID_WIDTH - 1)) || CPU_AXI_ID >= (1 << (ID_WIDTH - 1)))
  begin : g_check_id_width
    $fatal(1, "cosim_top: ID_WIDTH must leave the top ID bit free for the arbiter");
  end
  if (MAX_OUTSTANDING > 16) begin : g_check_max_outstanding
    $fatal(1, "cosim_top: MAX_OUTSTANDING must be at most 16 (the monitor's trackers)");
  end

  // ---------------------------------------------------------------------------------------------
  // Inputs, sampled at the falling edge of clk (_s). The harness sets every input before its eval
  // with clk = 0 and holds it through the rising edge (cosim/clocked_model.h), so at every eval each
  // _s equals its input. Verilator 5.006 evaluates logic that a top-level input reaches in every
  // eval and again after the rising edge, three times a cycle; behind these registers it runs
  // after each clock edge, twice (docs/performance.md). rst_s starts at 1, as rst does when the
  // harness builds the model.
  // ---------------------------------------------------------------------------------------------
  logic                       rst_s = 1'b1;
  logic [ADDR_WIDTH-1:0]      bus_offset_s;
  logic [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr_s;
  logic                       s_axil_awvalid_s;
  logic [31:0]                s_axil_wdata_s;
  logic [3:0]                 s_axil_wstrb_s;
  logic                       s_axil_wvalid_s;
  logic                       s_axil_bready_s;
  logic [AXIL_ADDR_WIDTH-1:0] s_axil_araddr_s;
  logic                       s_axil_arvalid_s;
  logic                       s_axil_rready_s;
  logic                       m_axi_awready_s;
  logic                       m_axi_wready_s;
  logic [ID_WIDTH-1:0]        m_axi_bid_s;
  logic [1:0]                 m_axi_bresp_s;
  logic                       m_axi_bvalid_s;
  logic                       m_axi_arready_s;
  logic [ID_WIDTH-1:0]        m_axi_rid_s;
  logic [DATA_WIDTH-1:0]      m_axi_rdata_s;
  logic [1:0]                 m_axi_rresp_s;
  logic                       m_axi_rlast_s;
  logic                       m_axi_rvalid_s;
  logic                       cpu_req_valid_s;
  logic [2:0]                 cpu_req_op_s;
  logic [ADDR_WIDTH-1:0]      cpu_req_addr_s;
  logic [31:0]                cpu_req_wdata_s;
  logic [3:0]                 cpu_req_wstrb_s;
  logic                       cpu_req_cacheable_s;
  logic                       cpu_rsp_ready_s;

  always_ff @(negedge clk) begin
    rst_s               <= rst;
    bus_offset_s        <= bus_offset;
    s_axil_awaddr_s     <= s_axil_awaddr;
    s_axil_awvalid_s    <= s_axil_awvalid;
    s_axil_wdata_s      <= s_axil_wdata;
    s_axil_wstrb_s      <= s_axil_wstrb;
    s_axil_wvalid_s     <= s_axil_wvalid;
    s_axil_bready_s     <= s_axil_bready;
    s_axil_araddr_s     <= s_axil_araddr;
    s_axil_arvalid_s    <= s_axil_arvalid;
    s_axil_rready_s     <= s_axil_rready;
    m_axi_awready_s     <= m_axi_awready;
    m_axi_wready_s      <= m_axi_wready;
    m_axi_bid_s         <= m_axi_bid;
    m_axi_bresp_s       <= m_axi_bresp;
    m_axi_bvalid_s      <= m_axi_bvalid;
    m_axi_arready_s     <= m_axi_arready;
    m_axi_rid_s         <= m_axi_rid;
    m_axi_rdata_s       <= m_axi_rdata;
    m_axi_rresp_s       <= m_axi_rresp;
    m_axi_rlast_s       <= m_axi_rlast;
    m_axi_rvalid_s      <= m_axi_rvalid;
    cpu_req_valid_s     <= cpu_req_valid;
    cpu_req_op_s        <= cpu_req_op;
    cpu_req_addr_s      <= cpu_req_addr;
    cpu_req_wdata_s     <= cpu_req_wdata;
    cpu_req_wstrb_s     <= cpu_req_wstrb;
    cpu_req_cacheable_s <= cpu_req_cacheable;
    cpu_rsp_ready_s     <= cpu_rsp_ready;
  end

  // axil_decoder -> cdma registers
  logic [AXIL_ADDR_WIDTH-1:0] cr_axil_awaddr, cr_axil_araddr;
  logic                       cr_axil_awvalid, cr_axil_awready, cr_axil_wvalid, cr_axil_wready;
  logic [31:0]                cr_axil_wdata, cr_axil_rdata;
  logic [3:0]                 cr_axil_wstrb;
  logic [1:0]                 cr_axil_bresp, cr_axil_rresp;
  logic                       cr_axil_bvalid, cr_axil_bready, cr_axil_arvalid, cr_axil_arready;
  logic                       cr_axil_rvalid, cr_axil_rready;
  // axil_decoder -> coherency_monitor registers
  logic                       mon_reg_we;
  logic [7:0]                 mon_reg_addr;
  logic [31:0]                mon_reg_wdata, mon_reg_rdata;
  // axil_decoder -> iommu registers (the same register bus, reg_sel = 1)
  logic                       win_reg_we, win_reg_sel;
  logic [31:0]                win_reg_rdata, iommu_reg_rdata;
  logic                       iommu_reg_we;

  // cdma -> iommu (dma_axi_*), iommu -> coherency_monitor (iom_axi_*), coherency_monitor -> arbiter s1 (mon_axi_*),
  // cpu_cache -> arbiter s0 (cpu_axi_*)
  logic [ID_WIDTH-1:0]     dma_axi_awid, dma_axi_bid, dma_axi_arid, dma_axi_rid;
  logic [ADDR_WIDTH-1:0]   dma_axi_awaddr, dma_axi_araddr;
  logic [7:0]              dma_axi_awlen, dma_axi_arlen;
  logic [2:0]              dma_axi_awsize, dma_axi_arsize;
  logic [1:0]              dma_axi_awburst, dma_axi_arburst, dma_axi_bresp, dma_axi_rresp;
  logic                    dma_axi_awvalid, dma_axi_awready, dma_axi_wlast, dma_axi_wvalid;
  logic                    dma_axi_wready, dma_axi_bvalid, dma_axi_bready, dma_axi_arvalid;
  logic                    dma_axi_arready, dma_axi_rlast, dma_axi_rvalid, dma_axi_rready;
  logic [DATA_WIDTH-1:0]   dma_axi_wdata, dma_axi_rdata;
  logic [DATA_WIDTH/8-1:0] dma_axi_wstrb;

  logic [ID_WIDTH-1:0]     iom_axi_awid, iom_axi_bid, iom_axi_arid, iom_axi_rid;
  logic [ADDR_WIDTH-1:0]   iom_axi_awaddr, iom_axi_araddr;
  logic [7:0]              iom_axi_awlen, iom_axi_arlen;
  logic [2:0]              iom_axi_awsize, iom_axi_arsize;
  logic [1:0]              iom_axi_awburst, iom_axi_arburst, iom_axi_bresp, iom_axi_rresp;
  logic                    iom_axi_awvalid, iom_axi_awready, iom_axi_wlast, iom_axi_wvalid;
  logic                    iom_axi_wready, iom_axi_bvalid, iom_axi_bready, iom_axi_arvalid;
  logic                    iom_axi_arready, iom_axi_rlast, iom_axi_rvalid, iom_axi_rready;
  logic [DATA_WIDTH-1:0]   iom_axi_wdata, iom_axi_rdata;
  logic [DATA_WIDTH/8-1:0] iom_axi_wstrb;

  logic [ID_WIDTH-1:0]     mon_axi_awid, mon_axi_bid, mon_axi_arid, mon_axi_rid;
  logic [ADDR_WIDTH-1:0]   mon_axi_awaddr, mon_axi_araddr;
  logic [7:0]              mon_axi_awlen, mon_axi_arlen;
  logic [2:0]              mon_axi_awsize, mon_axi_arsize;
  logic [1:0]              mon_axi_awburst, mon_axi_arburst, mon_axi_bresp, mon_axi_rresp;
  logic                    mon_axi_awvalid, mon_axi_awready, mon_axi_wlast, mon_axi_wvalid;
  logic                    mon_axi_wready, mon_axi_bvalid, mon_axi_bready, mon_axi_arvalid;
  logic                    mon_axi_arready, mon_axi_rlast, mon_axi_rvalid, mon_axi_rready;
  logic [DATA_WIDTH-1:0]   mon_axi_wdata, mon_axi_rdata;
  logic [DATA_WIDTH/8-1:0] mon_axi_wstrb;

  logic [ID_WIDTH-1:0]     cpu_axi_awid, cpu_axi_bid, cpu_axi_arid, cpu_axi_rid;
  logic [ADDR_WIDTH-1:0]   cpu_axi_awaddr, cpu_axi_araddr;
  logic [7:0]              cpu_axi_awlen, cpu_axi_arlen;
  logic [2:0]              cpu_axi_awsize, cpu_axi_arsize;
  logic [1:0]              cpu_axi_awburst, cpu_axi_arburst, cpu_axi_bresp, cpu_axi_rresp;
  logic                    cpu_axi_awvalid, cpu_axi_awready, cpu_axi_wlast, cpu_axi_wvalid;
  logic                    cpu_axi_wready, cpu_axi_bvalid, cpu_axi_bready, cpu_axi_arvalid;
  logic                    cpu_axi_arready, cpu_axi_rlast, cpu_axi_rvalid, cpu_axi_rready;
  logic [DATA_WIDTH-1:0]   cpu_axi_wdata, cpu_axi_rdata;
  logic [DATA_WIDTH/8-1:0] cpu_axi_wstrb;

  // cpu_cache <-> coherency_monitor: events and snoops
  logic                    evt_valid;
  cache_evt_e              evt_kind;
  logic [ADDR_WIDTH-1:0]   evt_addr;
  logic [3:0]              evt_strb;
  logic [1:0]              evt_way;
  logic                    snoop_req_valid, snoop_req_ready;
  snoop_op_e               snoop_req_op;
  logic [ADDR_WIDTH-1:0]   snoop_req_addr;
  logic                    snoop_rsp_valid, snoop_rsp_hit, snoop_rsp_dirty;

  mon_viol_e               mon_viol_kind;
  bus_master_e             mon_viol_master;
  logic                    cpu_bus_request;
  logic                    cpu_bus_busy, cache_lookup_q;

  assign viol_kind   = mon_viol_kind;
  assign viol_master = mon_viol_master;

  // the DMA side of the arbiter, as debug outputs (see the port list)
  assign dbg_dma_awid    = mon_axi_awid;
  assign dbg_dma_awaddr  = mon_axi_awaddr;
  assign dbg_dma_awlen   = mon_axi_awlen;
  assign dbg_dma_awsize  = mon_axi_awsize;
  assign dbg_dma_awburst = mon_axi_awburst;
  assign dbg_dma_awvalid = mon_axi_awvalid;
  assign dbg_dma_awready = mon_axi_awready;
  assign dbg_dma_wdata   = mon_axi_wdata;
  assign dbg_dma_wstrb   = mon_axi_wstrb;
  assign dbg_dma_wlast   = mon_axi_wlast;
  assign dbg_dma_wvalid  = mon_axi_wvalid;
  assign dbg_dma_wready  = mon_axi_wready;
  assign dbg_dma_bid     = mon_axi_bid;
  assign dbg_dma_bresp   = mon_axi_bresp;
  assign dbg_dma_bvalid  = mon_axi_bvalid;
  assign dbg_dma_bready  = mon_axi_bready;
  assign dbg_dma_arid    = mon_axi_arid;
  assign dbg_dma_araddr  = mon_axi_araddr;
  assign dbg_dma_arlen   = mon_axi_arlen;
  assign dbg_dma_arsize  = mon_axi_arsize;
  assign dbg_dma_arburst = mon_axi_arburst;
  assign dbg_dma_arvalid = mon_axi_arvalid;
  assign dbg_dma_arready = mon_axi_arready;
  assign dbg_dma_rid     = mon_axi_rid;
  assign dbg_dma_rdata   = mon_axi_rdata;
  assign dbg_dma_rresp   = mon_axi_rresp;
  assign dbg_dma_rlast   = mon_axi_rlast;
  assign dbg_dma_rvalid  = mon_axi_rvalid;
  assign dbg_dma_rready  = mon_axi_rready;

  // the CPU side of the arbiter and the mode gate's bus-wait point, as debug outputs (port list)
  assign dbg_cpu_arvalid  = cpu_axi_arvalid;
  assign dbg_cpu_arready  = cpu_axi_arready;
  assign dbg_cpu_awvalid  = cpu_axi_awvalid;
  assign dbg_cpu_awready  = cpu_axi_awready;
  assign dbg_cpu_wvalid   = cpu_axi_wvalid;
  assign dbg_cpu_take     = (cpu_req_valid_s && cpu_req_ready) || (snoop_req_valid && snoop_req_ready);
  assign dbg_gate_awvalid = dma_axi_awvalid;
  assign dbg_gate_awready = dma_axi_awready;
  assign dbg_dp_rresp     = dma_axi_rresp;
  assign dbg_dp_bresp     = dma_axi_bresp;

  axil_decoder #(
    .AXIL_ADDR_WIDTH (AXIL_ADDR_WIDTH)
  ) u_axil_decoder (
    .clk             (clk),
    .rst             (rst_s),
    .s_axil_awaddr   (s_axil_awaddr_s),
    .s_axil_awvalid  (s_axil_awvalid_s),
    .s_axil_awready  (s_axil_awready),
    .s_axil_wdata    (s_axil_wdata_s),
    .s_axil_wstrb    (s_axil_wstrb_s),
    .s_axil_wvalid   (s_axil_wvalid_s),
    .s_axil_wready   (s_axil_wready),
    .s_axil_bresp    (s_axil_bresp),
    .s_axil_bvalid   (s_axil_bvalid),
    .s_axil_bready   (s_axil_bready_s),
    .s_axil_araddr   (s_axil_araddr_s),
    .s_axil_arvalid  (s_axil_arvalid_s),
    .s_axil_arready  (s_axil_arready),
    .s_axil_rdata    (s_axil_rdata),
    .s_axil_rresp    (s_axil_rresp),
    .s_axil_rvalid   (s_axil_rvalid),
    .s_axil_rready   (s_axil_rready_s),
    .m_axil_awaddr   (cr_axil_awaddr),
    .m_axil_awvalid  (cr_axil_awvalid),
    .m_axil_awready  (cr_axil_awready),
    .m_axil_wdata    (cr_axil_wdata),
    .m_axil_wstrb    (cr_axil_wstrb),
    .m_axil_wvalid   (cr_axil_wvalid),
    .m_axil_wready   (cr_axil_wready),
    .m_axil_bresp    (cr_axil_bresp),
    .m_axil_bvalid   (cr_axil_bvalid),
    .m_axil_bready   (cr_axil_bready),
    .m_axil_araddr   (cr_axil_araddr),
    .m_axil_arvalid  (cr_axil_arvalid),
    .m_axil_arready  (cr_axil_arready),
    .m_axil_rdata    (cr_axil_rdata),
    .m_axil_rresp    (cr_axil_rresp),
    .m_axil_rvalid   (cr_axil_rvalid),
    .m_axil_rready   (cr_axil_rready),
    .reg_we          (win_reg_we),
    .reg_sel         (win_reg_sel),
    .reg_addr        (mon_reg_addr),
    .reg_wdata       (mon_reg_wdata),
    .reg_rdata       (win_reg_rdata)
  );

  // the register bus: reg_sel picks the monitor (0) or the IOMMU (1)
  assign mon_reg_we    = win_reg_we && !win_reg_sel;
  assign iommu_reg_we  = win_reg_we && win_reg_sel;
  assign win_reg_rdata = win_reg_sel ? iommu_reg_rdata : mon_reg_rdata;

  cdma #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .MAX_BURST       (MAX_BURST),
    .MAX_OUTSTANDING (MAX_OUTSTANDING),
    .ID_WIDTH        (ID_WIDTH),
    .AXIL_ADDR_WIDTH (AXIL_ADDR_WIDTH),
    .AXI_ID          (DMA_AXI_ID),
    .HAS_DRE         (HAS_DRE)
  ) u_cdma (
    .clk             (clk),
    .rst             (rst_s),
    .s_axil_awaddr   (cr_axil_awaddr),
    .s_axil_awvalid  (cr_axil_awvalid),
    .s_axil_awready  (cr_axil_awready),
    .s_axil_wdata    (cr_axil_wdata),
    .s_axil_wstrb    (cr_axil_wstrb),
    .s_axil_wvalid   (cr_axil_wvalid),
    .s_axil_wready   (cr_axil_wready),
    .s_axil_bresp    (cr_axil_bresp),
    .s_axil_bvalid   (cr_axil_bvalid),
    .s_axil_bready   (cr_axil_bready),
    .s_axil_araddr   (cr_axil_araddr),
    .s_axil_arvalid  (cr_axil_arvalid),
    .s_axil_arready  (cr_axil_arready),
    .s_axil_rdata    (cr_axil_rdata),
    .s_axil_rresp    (cr_axil_rresp),
    .s_axil_rvalid   (cr_axil_rvalid),
    .s_axil_rready   (cr_axil_rready),
    .m_axi_awid      (dma_axi_awid),
    .m_axi_awaddr    (dma_axi_awaddr),
    .m_axi_awlen     (dma_axi_awlen),
    .m_axi_awsize    (dma_axi_awsize),
    .m_axi_awburst   (dma_axi_awburst),
    .m_axi_awvalid   (dma_axi_awvalid),
    .m_axi_awready   (dma_axi_awready),
    .m_axi_wdata     (dma_axi_wdata),
    .m_axi_wstrb     (dma_axi_wstrb),
    .m_axi_wlast     (dma_axi_wlast),
    .m_axi_wvalid    (dma_axi_wvalid),
    .m_axi_wready    (dma_axi_wready),
    .m_axi_bid       (dma_axi_bid),
    .m_axi_bresp     (dma_axi_bresp),
    .m_axi_bvalid    (dma_axi_bvalid),
    .m_axi_bready    (dma_axi_bready),
    .m_axi_arid      (dma_axi_arid),
    .m_axi_araddr    (dma_axi_araddr),
    .m_axi_arlen     (dma_axi_arlen),
    .m_axi_arsize    (dma_axi_arsize),
    .m_axi_arburst   (dma_axi_arburst),
    .m_axi_arvalid   (dma_axi_arvalid),
    .m_axi_arready   (dma_axi_arready),
    .m_axi_rid       (dma_axi_rid),
    .m_axi_rdata     (dma_axi_rdata),
    .m_axi_rresp     (dma_axi_rresp),
    .m_axi_rlast     (dma_axi_rlast),
    .m_axi_rvalid    (dma_axi_rvalid),
    .m_axi_rready    (dma_axi_rready),
    .irq             (irq),
    .idle            (dma_idle),
    .cpu_bus_busy    (cpu_bus_busy),
    .cpu_wait_total  (cpu_wait_cycles),
    .dbg_eng_arvalid (dbg_eng_arvalid),
    .dbg_eng_arready (dbg_eng_arready),
    .dbg_eng_awvalid (dbg_eng_awvalid),
    .dbg_eng_awready (dbg_eng_awready),
    .dbg_eng_wvalid  (dbg_eng_wvalid),
    .dbg_eng_wready  (dbg_eng_wready),
    .dbg_dp_arvalid      (dbg_dp_arvalid),
    .dbg_dp_arready      (dbg_dp_arready),
    .dbg_dp_awvalid      (dbg_dp_awvalid),
    .dbg_dp_awready      (dbg_dp_awready),
    .dbg_dp_rvalid       (dbg_dp_rvalid),
    .dbg_dp_rready       (dbg_dp_rready),
    .dbg_dp_bvalid       (dbg_dp_bvalid),
    .dbg_dp_bready       (dbg_dp_bready),
    .dbg_dp_rd_cmd_valid (dbg_dp_rd_cmd_valid),
    .dbg_dp_rd_cmd_ready (dbg_dp_rd_cmd_ready),
    .dbg_dp_wr_cmd_valid (dbg_dp_wr_cmd_valid),
    .dbg_dp_wr_cmd_ready (dbg_dp_wr_cmd_ready)
  );

  iommu #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .ID_WIDTH        (ID_WIDTH),
    .IOTLB_ENTRIES   (IOTLB_ENTRIES),
    .WALK_ID         (IOMMU_WALK_AXI_ID)
  ) u_iommu (
    .clk             (clk),
    .rst             (rst_s),
    .bus_offset      (bus_offset_s),
    .s_axi_awid       (dma_axi_awid),
    .s_axi_awaddr     (dma_axi_awaddr),
    .s_axi_awlen      (dma_axi_awlen),
    .s_axi_awsize     (dma_axi_awsize),
    .s_axi_awburst    (dma_axi_awburst),
    .s_axi_awvalid    (dma_axi_awvalid),
    .s_axi_awready    (dma_axi_awready),
    .s_axi_wdata      (dma_axi_wdata),
    .s_axi_wstrb      (dma_axi_wstrb),
    .s_axi_wlast      (dma_axi_wlast),
    .s_axi_wvalid     (dma_axi_wvalid),
    .s_axi_wready     (dma_axi_wready),
    .s_axi_bid        (dma_axi_bid),
    .s_axi_bresp      (dma_axi_bresp),
    .s_axi_bvalid     (dma_axi_bvalid),
    .s_axi_bready     (dma_axi_bready),
    .s_axi_arid       (dma_axi_arid),
    .s_axi_araddr     (dma_axi_araddr),
    .s_axi_arlen      (dma_axi_arlen),
    .s_axi_arsize     (dma_axi_arsize),
    .s_axi_arburst    (dma_axi_arburst),
    .s_axi_arvalid    (dma_axi_arvalid),
    .s_axi_arready    (dma_axi_arready),
    .s_axi_rid        (dma_axi_rid),
    .s_axi_rdata      (dma_axi_rdata),
    .s_axi_rresp      (dma_axi_rresp),
    .s_axi_rlast      (dma_axi_rlast),
    .s_axi_rvalid     (dma_axi_rvalid),
    .s_axi_rready     (dma_axi_rready),
    .m_axi_awid       (iom_axi_awid),
    .m_axi_awaddr     (iom_axi_awaddr),
    .m_axi_awlen      (iom_axi_awlen),
    .m_axi_awsize     (iom_axi_awsize),
    .m_axi_awburst    (iom_axi_awburst),
    .m_axi_awvalid    (iom_axi_awvalid),
    .m_axi_awready    (iom_axi_awready),
    .m_axi_wdata      (iom_axi_wdata),
    .m_axi_wstrb      (iom_axi_wstrb),
    .m_axi_wlast      (iom_axi_wlast),
    .m_axi_wvalid     (iom_axi_wvalid),
    .m_axi_wready     (iom_axi_wready),
    .m_axi_bid        (iom_axi_bid),
    .m_axi_bresp      (iom_axi_bresp),
    .m_axi_bvalid     (iom_axi_bvalid),
    .m_axi_bready     (iom_axi_bready),
    .m_axi_arid       (iom_axi_arid),
    .m_axi_araddr     (iom_axi_araddr),
    .m_axi_arlen      (iom_axi_arlen),
    .m_axi_arsize     (iom_axi_arsize),
    .m_axi_arburst    (iom_axi_arburst),
    .m_axi_arvalid    (iom_axi_arvalid),
    .m_axi_arready    (iom_axi_arready),
    .m_axi_rid        (iom_axi_rid),
    .m_axi_rdata      (iom_axi_rdata),
    .m_axi_rresp      (iom_axi_rresp),
    .m_axi_rlast      (iom_axi_rlast),
    .m_axi_rvalid     (iom_axi_rvalid),
    .m_axi_rready     (iom_axi_rready),
    .reg_we          (iommu_reg_we),
    .reg_addr        (mon_reg_addr),
    .reg_wdata       (mon_reg_wdata),
    .reg_rdata       (iommu_reg_rdata),
    .fault_valid     (iommu_fault_valid),
    .fault_write     (iommu_fault_write),
    .fault_kind      (iommu_fault_kind),
    .fault_iova      (iommu_fault_iova)
  );

  coherency_monitor #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .ID_WIDTH        (ID_WIDTH),
    .CACHE_BYTES     (CACHE_BYTES),
    .LINE_BYTES      (LINE_BYTES),
    .WAYS            (WAYS),
    .MAX_BURST       (MON_BURST),
    .TRACK_DEPTH     (MON_TRACK)
  ) u_monitor (
    .clk                (clk),
    .rst                (rst_s),
    .s_axi_awid         (iom_axi_awid),
    .s_axi_awaddr       (iom_axi_awaddr),
    .s_axi_awlen        (iom_axi_awlen),
    .s_axi_awsize       (iom_axi_awsize),
    .s_axi_awburst      (iom_axi_awburst),
    .s_axi_awvalid      (iom_axi_awvalid),
    .s_axi_awready      (iom_axi_awready),
    .s_axi_wdata        (iom_axi_wdata),
    .s_axi_wstrb        (iom_axi_wstrb),
    .s_axi_wlast        (iom_axi_wlast),
    .s_axi_wvalid       (iom_axi_wvalid),
    .s_axi_wready       (iom_axi_wready),
    .s_axi_bid          (iom_axi_bid),
    .s_axi_bresp        (iom_axi_bresp),
    .s_axi_bvalid       (iom_axi_bvalid),
    .s_axi_bready       (iom_axi_bready),
    .s_axi_arid         (iom_axi_arid),
    .s_axi_araddr       (iom_axi_araddr),
    .s_axi_arlen        (iom_axi_arlen),
    .s_axi_arsize       (iom_axi_arsize),
    .s_axi_arburst      (iom_axi_arburst),
    .s_axi_arvalid      (iom_axi_arvalid),
    .s_axi_arready      (iom_axi_arready),
    .s_axi_rid          (iom_axi_rid),
    .s_axi_rdata        (iom_axi_rdata),
    .s_axi_rresp        (iom_axi_rresp),
    .s_axi_rlast        (iom_axi_rlast),
    .s_axi_rvalid       (iom_axi_rvalid),
    .s_axi_rready       (iom_axi_rready),
    .m_axi_awid         (mon_axi_awid),
    .m_axi_awaddr       (mon_axi_awaddr),
    .m_axi_awlen        (mon_axi_awlen),
    .m_axi_awsize       (mon_axi_awsize),
    .m_axi_awburst      (mon_axi_awburst),
    .m_axi_awvalid      (mon_axi_awvalid),
    .m_axi_awready      (mon_axi_awready),
    .m_axi_wdata        (mon_axi_wdata),
    .m_axi_wstrb        (mon_axi_wstrb),
    .m_axi_wlast        (mon_axi_wlast),
    .m_axi_wvalid       (mon_axi_wvalid),
    .m_axi_wready       (mon_axi_wready),
    .m_axi_bid          (mon_axi_bid),
    .m_axi_bresp        (mon_axi_bresp),
    .m_axi_bvalid       (mon_axi_bvalid),
    .m_axi_bready       (mon_axi_bready),
    .m_axi_arid         (mon_axi_arid),
    .m_axi_araddr       (mon_axi_araddr),
    .m_axi_arlen        (mon_axi_arlen),
    .m_axi_arsize       (mon_axi_arsize),
    .m_axi_arburst      (mon_axi_arburst),
    .m_axi_arvalid      (mon_axi_arvalid),
    .m_axi_arready      (mon_axi_arready),
    .m_axi_rid          (mon_axi_rid),
    .m_axi_rdata        (mon_axi_rdata),
    .m_axi_rresp        (mon_axi_rresp),
    .m_axi_rlast        (mon_axi_rlast),
    .m_axi_rvalid       (mon_axi_rvalid),
    .m_axi_rready       (mon_axi_rready),
    .evt_valid          (evt_valid),
    .evt_kind           (evt_kind),
    .evt_addr           (evt_addr),
    .evt_strb           (evt_strb),
    .evt_way            (evt_way),
    .snoop_req_valid    (snoop_req_valid),
    .snoop_req_ready    (snoop_req_ready),
    .snoop_req_op       (snoop_req_op),
    .snoop_req_addr     (snoop_req_addr),
    .snoop_rsp_valid    (snoop_rsp_valid),
    .snoop_rsp_hit      (snoop_rsp_hit),
    .snoop_rsp_dirty    (snoop_rsp_dirty),
    .viol_valid         (viol_valid),
    .viol_kind          (mon_viol_kind),
    .viol_addr          (viol_addr),
    .viol_master        (mon_viol_master),
    .reg_we             (mon_reg_we),
    .reg_addr           (mon_reg_addr),
    .reg_wdata          (mon_reg_wdata),
    .reg_rdata          (mon_reg_rdata),
    .snoop_en           (snoop_en),
    .viol_count         (viol_count),
    .snoop_stall_cycles (snoop_stall_cycles)
  );

  cpu_cache #(
    .DATA_WIDTH        (DATA_WIDTH),
    .ADDR_WIDTH        (ADDR_WIDTH),
    .CACHE_BYTES       (CACHE_BYTES),
    .LINE_BYTES        (LINE_BYTES),
    .WAYS              (WAYS),
    .ID_WIDTH          (ID_WIDTH),
    .CPU_ID            (CPU_AXI_ID)
  ) u_cache (
    .clk               (clk),
    .rst               (rst_s),
    .cpu_req_valid     (cpu_req_valid_s),
    .cpu_req_ready     (cpu_req_ready),
    .cpu_req_op        (cpu_op_e'(cpu_req_op_s)),
    .cpu_req_addr      (cpu_req_addr_s),
    .cpu_req_wdata     (cpu_req_wdata_s),
    .cpu_req_wstrb     (cpu_req_wstrb_s),
    .cpu_req_cacheable (cpu_req_cacheable_s),
    .cpu_rsp_valid     (cpu_rsp_valid),
    .cpu_rsp_ready     (cpu_rsp_ready_s),
    .cpu_rsp_rdata     (cpu_rsp_rdata),
    .snoop_req_valid   (snoop_req_valid),
    .snoop_req_ready   (snoop_req_ready),
    .snoop_req_op      (snoop_req_op),
    .snoop_req_addr    (snoop_req_addr),
    .snoop_rsp_valid   (snoop_rsp_valid),
    .snoop_rsp_hit     (snoop_rsp_hit),
    .snoop_rsp_dirty   (snoop_rsp_dirty),
    .evt_valid         (evt_valid),
    .evt_kind          (evt_kind),
    .evt_addr          (evt_addr),
    .evt_strb          (evt_strb),
    .evt_way           (evt_way),
    .hits              (cache_hits),
    .misses            (cache_misses),
    .writebacks        (cache_writebacks),
    .m_axi_awid        (cpu_axi_awid),
    .m_axi_awaddr      (cpu_axi_awaddr),
    .m_axi_awlen       (cpu_axi_awlen),
    .m_axi_awsize      (cpu_axi_awsize),
    .m_axi_awburst     (cpu_axi_awburst),
    .m_axi_awvalid     (cpu_axi_awvalid),
    .m_axi_awready     (cpu_axi_awready),
    .m_axi_wdata       (cpu_axi_wdata),
    .m_axi_wstrb       (cpu_axi_wstrb),
    .m_axi_wlast       (cpu_axi_wlast),
    .m_axi_wvalid      (cpu_axi_wvalid),
    .m_axi_wready      (cpu_axi_wready),
    .m_axi_bid         (cpu_axi_bid),
    .m_axi_bresp       (cpu_axi_bresp),
    .m_axi_bvalid      (cpu_axi_bvalid),
    .m_axi_bready      (cpu_axi_bready),
    .m_axi_arid        (cpu_axi_arid),
    .m_axi_araddr      (cpu_axi_araddr),
    .m_axi_arlen       (cpu_axi_arlen),
    .m_axi_arsize      (cpu_axi_arsize),
    .m_axi_arburst     (cpu_axi_arburst),
    .m_axi_arvalid     (cpu_axi_arvalid),
    .m_axi_arready     (cpu_axi_arready),
    .m_axi_rid         (cpu_axi_rid),
    .m_axi_rdata       (cpu_axi_rdata),
    .m_axi_rresp       (cpu_axi_rresp),
    .m_axi_rlast       (cpu_axi_rlast),
    .m_axi_rvalid      (cpu_axi_rvalid),
    .m_axi_rready      (cpu_axi_rready)
  );

  axi_arbiter #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .ID_WIDTH        (ID_WIDTH)
  ) u_arbiter (
    .clk             (clk),
    .rst             (rst_s),
    .s0_axi_awid     (cpu_axi_awid),
    .s0_axi_awaddr   (cpu_axi_awaddr),
    .s0_axi_awlen    (cpu_axi_awlen),
    .s0_axi_awsize   (cpu_axi_awsize),
    .s0_axi_awburst  (cpu_axi_awburst),
    .s0_axi_awvalid  (cpu_axi_awvalid),
    .s0_axi_awready  (cpu_axi_awready),
    .s0_axi_wdata    (cpu_axi_wdata),
    .s0_axi_wstrb    (cpu_axi_wstrb),
    .s0_axi_wlast    (cpu_axi_wlast),
    .s0_axi_wvalid   (cpu_axi_wvalid),
    .s0_axi_wready   (cpu_axi_wready),
    .s0_axi_bid      (cpu_axi_bid),
    .s0_axi_bresp    (cpu_axi_bresp),
    .s0_axi_bvalid   (cpu_axi_bvalid),
    .s0_axi_bready   (cpu_axi_bready),
    .s0_axi_arid     (cpu_axi_arid),
    .s0_axi_araddr   (cpu_axi_araddr),
    .s0_axi_arlen    (cpu_axi_arlen),
    .s0_axi_arsize   (cpu_axi_arsize),
    .s0_axi_arburst  (cpu_axi_arburst),
    .s0_axi_arvalid  (cpu_axi_arvalid),
    .s0_axi_arready  (cpu_axi_arready),
    .s0_axi_rid      (cpu_axi_rid),
    .s0_axi_rdata    (cpu_axi_rdata),
    .s0_axi_rresp    (cpu_axi_rresp),
    .s0_axi_rlast    (cpu_axi_rlast),
    .s0_axi_rvalid   (cpu_axi_rvalid),
    .s0_axi_rready   (cpu_axi_rready),
    .s1_axi_awid     (mon_axi_awid),
    .s1_axi_awaddr   (mon_axi_awaddr),
    .s1_axi_awlen    (mon_axi_awlen),
    .s1_axi_awsize   (mon_axi_awsize),
    .s1_axi_awburst  (mon_axi_awburst),
    .s1_axi_awvalid  (mon_axi_awvalid),
    .s1_axi_awready  (mon_axi_awready),
    .s1_axi_wdata    (mon_axi_wdata),
    .s1_axi_wstrb    (mon_axi_wstrb),
    .s1_axi_wlast    (mon_axi_wlast),
    .s1_axi_wvalid   (mon_axi_wvalid),
    .s1_axi_wready   (mon_axi_wready),
    .s1_axi_bid      (mon_axi_bid),
    .s1_axi_bresp    (mon_axi_bresp),
    .s1_axi_bvalid   (mon_axi_bvalid),
    .s1_axi_bready   (mon_axi_bready),
    .s1_axi_arid     (mon_axi_arid),
    .s1_axi_araddr   (mon_axi_araddr),
    .s1_axi_arlen    (mon_axi_arlen),
    .s1_axi_arsize   (mon_axi_arsize),
    .s1_axi_arburst  (mon_axi_arburst),
    .s1_axi_arvalid  (mon_axi_arvalid),
    .s1_axi_arready  (mon_axi_arready),
    .s1_axi_rid      (mon_axi_rid),
    .s1_axi_rdata    (mon_axi_rdata),
    .s1_axi_rresp    (mon_axi_rresp),
    .s1_axi_rlast    (mon_axi_rlast),
    .s1_axi_rvalid   (mon_axi_rvalid),
    .s1_axi_rready   (mon_axi_rready),
    .m_axi_awid      (m_axi_awid),
    .m_axi_awaddr    (m_axi_awaddr),
    .m_axi_awlen     (m_axi_awlen),
    .m_axi_awsize    (m_axi_awsize),
    .m_axi_awburst   (m_axi_awburst),
    .m_axi_awvalid   (m_axi_awvalid),
    .m_axi_awready   (m_axi_awready_s),
    .m_axi_wdata     (m_axi_wdata),
    .m_axi_wstrb     (m_axi_wstrb),
    .m_axi_wlast     (m_axi_wlast),
    .m_axi_wvalid    (m_axi_wvalid),
    .m_axi_wready    (m_axi_wready_s),
    .m_axi_bid       (m_axi_bid_s),
    .m_axi_bresp     (m_axi_bresp_s),
    .m_axi_bvalid    (m_axi_bvalid_s),
    .m_axi_bready    (m_axi_bready),
    .m_axi_arid      (m_axi_arid),
    .m_axi_araddr    (m_axi_araddr),
    .m_axi_arlen     (m_axi_arlen),
    .m_axi_arsize    (m_axi_arsize),
    .m_axi_arburst   (m_axi_arburst),
    .m_axi_arvalid   (m_axi_arvalid),
    .m_axi_arready   (m_axi_arready_s),
    .m_axi_rid       (m_axi_rid_s),
    .m_axi_rdata     (m_axi_rdata_s),
    .m_axi_rresp     (m_axi_rresp_s),
    .m_axi_rlast     (m_axi_rlast_s),
    .m_axi_rvalid    (m_axi_rvalid_s),
    .m_axi_rready    (m_axi_rready),
    .cpu_bus_request (cpu_bus_request),
    .cpu_wait_cycles (cpu_wait_cycles)
  );

  // Transparent mode (cdma_mode_gate): the DMA starts a request only while the CPU neither uses
  // the bus nor is about to. Its write owns the channel for two cycles (AW, then W once the AW is
  // taken), so the cache's look-up cycle (the cycle after it took a CPU or snoop request: the one
  // cycle from which it raises AR / AW in the next) counts as busy, as do its AR / AW requests
  // (the arbiter's cpu_bus_request) and the W beats of its write bursts.
  always_ff @(posedge clk) begin
    if (rst) begin
      cache_lookup_q <= 1'b0;
    end else begin
      cache_lookup_q <= (cpu_req_valid && cpu_req_ready) || (snoop_req_valid && snoop_req_ready);
    end
  end
  assign cpu_bus_busy = cpu_bus_request || cpu_axi_wvalid || cache_lookup_q;

endmodule
