// SPDX-License-Identifier: MIT
// cdma: AXI CDMA (PG034 register model): regs -> sg -> ctrl -> rd -> FIFO -> realign -> wr; the SG
// engine and the data engines share m_axi through cdma_axi_mux, then cdma_mode_gate (transfer
// mode); cdma_perf counts. Only wiring (and the resets).
module cdma
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH      = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH      = 32,
  // most beats per burst (2..256)
  parameter int unsigned MAX_BURST       = 256,
  // most bursts in flight per channel
  parameter int unsigned MAX_OUTSTANDING = 4,
  // AXI4 ID width
  parameter int unsigned ID_WIDTH        = 4,
  // AXI-Lite address width
  parameter int unsigned AXIL_ADDR_WIDTH = 16,
  // the fixed ARID / AWID of the engine
  parameter int unsigned AXI_ID          = 1,
  // read-data FIFO entries (power of 2); the default lets every outstanding burst land unstalled
  parameter int unsigned FIFO_DEPTH      = 2 ** $clog2(MAX_BURST * MAX_OUTSTANDING),
  // 1: the realigner (PG034's DRE) is built in; 0: no realigner (EXT_CAPS says which)
  parameter int unsigned HAS_DRE         = 1
) (
  input  logic                       clk,
  input  logic                       rst,            // synchronous, active high

  // AXI-Lite slave: registers
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

  // AXI4 master: write channels
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

  // AXI4 master: read channels
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

  // interrupt (level) and CDMASR.Idle
  output logic                       irq,
  output logic                       idle,

  // from the bus: the CPU uses the bus or is about to (transparent mode), and the arbiter's
  // free-running count of CPU wait cycles (EXT_PERF_CPU_WAIT)
  input  logic                       cpu_bus_busy,
  input  logic [31:0]                cpu_wait_total,

  // debug, read-only: the engines' request handshakes as they enter cdma_mode_gate (the point
  // where EXT_PERF_BUS_WAIT is counted), for the harness's count of the same cycles
  output logic                       dbg_eng_arvalid,
  output logic                       dbg_eng_arready,
  output logic                       dbg_eng_awvalid,
  output logic                       dbg_eng_awready,
  output logic                       dbg_eng_wvalid,
  output logic                       dbg_eng_wready,

  // debug, read-only: the data mover's own bus (cdma_rd's AR, cdma_wr's AW, the R beats and B
  // routed to them; not the SG engine's descriptor traffic, which shares m_axi and its ID) and the
  // commands its engines take, for the harness's check that it halts after an error response
  output logic                       dbg_dp_arvalid,
  output logic                       dbg_dp_arready,
  output logic                       dbg_dp_awvalid,
  output logic                       dbg_dp_awready,
  output logic                       dbg_dp_rvalid,
  output logic                       dbg_dp_rready,
  output logic                       dbg_dp_bvalid,
  output logic                       dbg_dp_bready,
  output logic                       dbg_dp_rd_cmd_valid,
  output logic                       dbg_dp_rd_cmd_ready,
  output logic                       dbg_dp_wr_cmd_valid,
  output logic                       dbg_dp_wr_cmd_ready
);

  localparam int unsigned OFF_W = $clog2(DATA_WIDTH / 8);

  if (FIFO_DEPTH < MAX_BURST || (FIFO_DEPTH & (FIFO_DEPTH - 1)) != 0) begin : g_check_fifo_depth
    $fatal(1, "cdma: FIFO_DEPTH must be a power of 2 holding at least one MAX_BURST burst");
  end

  // register file <-> SG engine (and, through it in simple mode, the sequencer)
  logic                  start, soft_reset_req, done, soft_rst;
  logic [ADDR_WIDTH-1:0] start_sa, start_da;
  logic [BTT_WIDTH-1:0]  start_btt;
  dma_err_e              done_err, done_err2;
  logic                  sg_start, tail_wr, cur_sw_wr, cyclic, desc_done, cur_wr;
  logic [ADDR_WIDTH-1:0] sg_cur, sg_tail, cur_addr;
  logic                  key_hole_rd, key_hole_wr;

  // SG engine <-> sequencer
  logic                  xfer_start, xfer_done, ctrl_soft_reset_req, sg_rst;
  logic [ADDR_WIDTH-1:0] xfer_sa, xfer_da;
  logic [BTT_WIDTH-1:0]  xfer_btt;
  dma_err_e              xfer_err;

  // sequencer <-> engines
  logic [ADDR_WIDTH-1:0] cmd_sa, cmd_da;
  logic [BTT_WIDTH-1:0]  cmd_btt;
  logic                  rd_cmd_valid, rd_cmd_ready, ra_cmd_valid, ra_cmd_ready;
  logic                  wr_cmd_valid, wr_cmd_ready;
  logic                  rd_done, wr_done, halt_req, dp_flush, dp_rst;
  logic [1:0]            rd_resp, wr_resp;

  // data path: rd -> FIFO -> realign -> wr
  logic [DATA_WIDTH-1:0] rd_data, fifo_data, ra_data;
  logic                  rd_push, fifo_in_ready, fifo_valid, fifo_ready, ra_valid, ra_ready;

  // SG engine and data engines <-> bus mux (R/B payloads come straight from m_axi)
  logic                  bus_sel;
  logic [ID_WIDTH-1:0]   dp_axi_awid, dp_axi_arid, sg_axi_awid, sg_axi_arid;
  logic [ADDR_WIDTH-1:0] dp_axi_awaddr, dp_axi_araddr, sg_axi_awaddr, sg_axi_araddr;
  logic [7:0]            dp_axi_awlen, dp_axi_arlen, sg_axi_awlen, sg_axi_arlen;
  logic [2:0]            dp_axi_awsize, dp_axi_arsize, sg_axi_awsize, sg_axi_arsize;
  logic [1:0]            dp_axi_awburst, dp_axi_arburst, sg_axi_awburst, sg_axi_arburst;
  logic                  dp_axi_awvalid, dp_axi_awready, sg_axi_awvalid, sg_axi_awready;
  logic [DATA_WIDTH-1:0] dp_axi_wdata, sg_axi_wdata;
  logic [DATA_WIDTH/8-1:0] dp_axi_wstrb, sg_axi_wstrb;
  logic                  dp_axi_wlast, dp_axi_wvalid, dp_axi_wready;
  logic                  sg_axi_wlast, sg_axi_wvalid, sg_axi_wready;
  logic                  dp_axi_bvalid, dp_axi_bready, sg_axi_bvalid, sg_axi_bready;
  logic                  dp_axi_arvalid, dp_axi_arready, sg_axi_arvalid, sg_axi_arready;
  logic                  dp_axi_rvalid, dp_axi_rready, sg_axi_rvalid, sg_axi_rready;

  // bus mux -> mode gate (request channels; R and B go from m_axi to the mux directly)
  logic [ID_WIDTH-1:0]     mx_axi_awid, mx_axi_arid;
  logic [ADDR_WIDTH-1:0]   mx_axi_awaddr, mx_axi_araddr;
  logic [7:0]              mx_axi_awlen, mx_axi_arlen;
  logic [2:0]              mx_axi_awsize, mx_axi_arsize;
  logic [1:0]              mx_axi_awburst, mx_axi_arburst;
  logic                    mx_axi_awvalid, mx_axi_awready, mx_axi_arvalid, mx_axi_arready;
  logic [DATA_WIDTH-1:0]   mx_axi_wdata;
  logic [DATA_WIDTH/8-1:0] mx_axi_wstrb;
  logic                    mx_axi_wlast, mx_axi_wvalid, mx_axi_wready;

  // transfer mode (regs -> gate, engines) and performance counters (perf -> regs)
  logic [1:0]            xfer_mode;
  logic [8:0]            max_burst, burst_cap;
  logic [7:0]            max_outstanding, steal_beats;
  logic [15:0]           steal_idle;
  logic                  perf_clear, bus_wait;
  logic [31:0]           perf_busy, perf_rd_beats, perf_wr_beats, perf_bus_wait, perf_cpu_wait;

  // the engines and the data path restart clean after an error or a soft reset; the SG engine
  // after a soft reset
  assign dp_rst = rst || dp_flush;
  assign sg_rst = rst || soft_rst;

  cdma_regs #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .MAX_BURST       (MAX_BURST),
    .MAX_OUTSTANDING (MAX_OUTSTANDING),
    .AXIL_ADDR_WIDTH (AXIL_ADDR_WIDTH),
    .HAS_DRE         (HAS_DRE)
  ) u_regs (
    .clk             (clk),
    .rst             (rst),
    .s_axil_awaddr   (s_axil_awaddr),
    .s_axil_awvalid  (s_axil_awvalid),
    .s_axil_awready  (s_axil_awready),
    .s_axil_wdata    (s_axil_wdata),
    .s_axil_wstrb    (s_axil_wstrb),
    .s_axil_wvalid   (s_axil_wvalid),
    .s_axil_wready   (s_axil_wready),
    .s_axil_bresp    (s_axil_bresp),
    .s_axil_bvalid   (s_axil_bvalid),
    .s_axil_bready   (s_axil_bready),
    .s_axil_araddr   (s_axil_araddr),
    .s_axil_arvalid  (s_axil_arvalid),
    .s_axil_arready  (s_axil_arready),
    .s_axil_rdata    (s_axil_rdata),
    .s_axil_rresp    (s_axil_rresp),
    .s_axil_rvalid   (s_axil_rvalid),
    .s_axil_rready   (s_axil_rready),
    .start           (start),
    .start_sa        (start_sa),
    .start_da        (start_da),
    .start_btt       (start_btt),
    .soft_reset_req  (soft_reset_req),
    .sg_start        (sg_start),
    .sg_cur          (sg_cur),
    .sg_tail         (sg_tail),
    .tail_wr         (tail_wr),
    .cur_sw_wr       (cur_sw_wr),
    .cyclic          (cyclic),
    .key_hole_rd     (key_hole_rd),
    .key_hole_wr     (key_hole_wr),
    .xfer_mode       (xfer_mode),
    .max_burst       (max_burst),
    .max_outstanding (max_outstanding),
    .steal_beats     (steal_beats),
    .steal_idle      (steal_idle),
    .perf_clear      (perf_clear),
    .perf_busy       (perf_busy),
    .perf_rd_beats   (perf_rd_beats),
    .perf_wr_beats   (perf_wr_beats),
    .perf_bus_wait   (perf_bus_wait),
    .perf_cpu_wait   (perf_cpu_wait),
    .done            (done),
    .done_err        (done_err),
    .done_err2       (done_err2),
    .desc_done       (desc_done),
    .cur_wr          (cur_wr),
    .cur_addr        (cur_addr),
    .soft_rst        (soft_rst),
    .irq             (irq),
    .idle            (idle)
  );

  cdma_sg #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .ID_WIDTH        (ID_WIDTH),
    .AXI_ID          (AXI_ID)
  ) u_sg (
    .clk             (clk),
    .rst             (sg_rst),
    .start           (start),
    .start_sa        (start_sa),
    .start_da        (start_da),
    .start_btt       (start_btt),
    .sg_start        (sg_start),
    .sg_cur          (sg_cur),
    .sg_tail         (sg_tail),
    .tail_wr         (tail_wr),
    .cur_sw_wr       (cur_sw_wr),
    .cyclic          (cyclic),
    .soft_reset_req  (soft_reset_req),
    .max_beats       (burst_cap),
    .done            (done),
    .done_err        (done_err),
    .done_err2       (done_err2),
    .desc_done       (desc_done),
    .cur_wr          (cur_wr),
    .cur_addr        (cur_addr),
    .xfer_start      (xfer_start),
    .xfer_sa         (xfer_sa),
    .xfer_da         (xfer_da),
    .xfer_btt        (xfer_btt),
    .xfer_done       (xfer_done),
    .xfer_err        (xfer_err),
    .ctrl_soft_reset_req (ctrl_soft_reset_req),
    .bus_sel         (bus_sel),
    .m_axi_awid      (sg_axi_awid),
    .m_axi_awaddr    (sg_axi_awaddr),
    .m_axi_awlen     (sg_axi_awlen),
    .m_axi_awsize    (sg_axi_awsize),
    .m_axi_awburst   (sg_axi_awburst),
    .m_axi_awvalid   (sg_axi_awvalid),
    .m_axi_awready   (sg_axi_awready),
    .m_axi_wdata     (sg_axi_wdata),
    .m_axi_wstrb     (sg_axi_wstrb),
    .m_axi_wlast     (sg_axi_wlast),
    .m_axi_wvalid    (sg_axi_wvalid),
    .m_axi_wready    (sg_axi_wready),
    .m_axi_bresp     (m_axi_bresp),
    .m_axi_bvalid    (sg_axi_bvalid),
    .m_axi_bready    (sg_axi_bready),
    .m_axi_arid      (sg_axi_arid),
    .m_axi_araddr    (sg_axi_araddr),
    .m_axi_arlen     (sg_axi_arlen),
    .m_axi_arsize    (sg_axi_arsize),
    .m_axi_arburst   (sg_axi_arburst),
    .m_axi_arvalid   (sg_axi_arvalid),
    .m_axi_arready   (sg_axi_arready),
    .m_axi_rdata     (m_axi_rdata),
    .m_axi_rresp     (m_axi_rresp),
    .m_axi_rlast     (m_axi_rlast),
    .m_axi_rvalid    (sg_axi_rvalid),
    .m_axi_rready    (sg_axi_rready)
  );

  cdma_ctrl #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH)
  ) u_ctrl (
    .clk             (clk),
    .rst             (rst),
    .start           (xfer_start),
    .start_sa        (xfer_sa),
    .start_da        (xfer_da),
    .start_btt       (xfer_btt),
    .soft_reset_req  (ctrl_soft_reset_req),
    .done            (xfer_done),
    .done_err        (xfer_err),
    .soft_rst        (soft_rst),
    .cmd_sa          (cmd_sa),
    .cmd_da          (cmd_da),
    .cmd_btt         (cmd_btt),
    .rd_cmd_valid    (rd_cmd_valid),
    .rd_cmd_ready    (rd_cmd_ready),
    .ra_cmd_valid    (ra_cmd_valid),
    .ra_cmd_ready    (ra_cmd_ready),
    .wr_cmd_valid    (wr_cmd_valid),
    .wr_cmd_ready    (wr_cmd_ready),
    .rd_done         (rd_done),
    .rd_resp         (rd_resp),
    .wr_done         (wr_done),
    .wr_resp         (wr_resp),
    .halt_req        (halt_req),
    .dp_flush        (dp_flush)
  );

  cdma_rd #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .MAX_BURST       (MAX_BURST),
    .MAX_OUTSTANDING (MAX_OUTSTANDING),
    .ID_WIDTH        (ID_WIDTH),
    .AXI_ID          (AXI_ID),
    .FIFO_DEPTH      (FIFO_DEPTH)
  ) u_rd (
    .clk             (clk),
    .rst             (dp_rst),
    .cmd_addr        (cmd_sa),
    .cmd_len         (cmd_btt),
    .cmd_fixed       (key_hole_rd),
    .cmd_valid       (rd_cmd_valid),
    .cmd_ready       (rd_cmd_ready),
    .done            (rd_done),
    .resp            (rd_resp),
    .halt_req        (halt_req),
    .max_beats       (burst_cap),
    .max_out         (max_outstanding),
    .fifo_data       (rd_data),
    .fifo_push       (rd_push),
    .fifo_pop        (fifo_valid && fifo_ready),
    .m_axi_arid      (dp_axi_arid),
    .m_axi_araddr    (dp_axi_araddr),
    .m_axi_arlen     (dp_axi_arlen),
    .m_axi_arsize    (dp_axi_arsize),
    .m_axi_arburst   (dp_axi_arburst),
    .m_axi_arvalid   (dp_axi_arvalid),
    .m_axi_arready   (dp_axi_arready),
    .m_axi_rid       (m_axi_rid),
    .m_axi_rdata     (m_axi_rdata),
    .m_axi_rresp     (m_axi_rresp),
    .m_axi_rlast     (m_axi_rlast),
    .m_axi_rvalid    (dp_axi_rvalid),
    .m_axi_rready    (dp_axi_rready)
  );

  cdma_fifo #(
    .WIDTH           (DATA_WIDTH),
    .DEPTH           (FIFO_DEPTH)
  ) u_fifo (
    .clk             (clk),
    .rst             (dp_rst),
    .in_data         (rd_data),
    .in_valid        (rd_push),
    .in_ready        (fifo_in_ready),
    .out_data        (fifo_data),
    .out_valid       (fifo_valid),
    .out_ready       (fifo_ready)
  );

  cdma_realign #(
    .DATA_WIDTH      (DATA_WIDTH),
    .HAS_DRE         (HAS_DRE)
  ) u_realign (
    .clk             (clk),
    .rst             (dp_rst),
    .cmd_src_off     (cmd_sa[OFF_W-1:0]),
    .cmd_dst_off     (cmd_da[OFF_W-1:0]),
    .cmd_len         (cmd_btt),
    .cmd_valid       (ra_cmd_valid),
    .cmd_ready       (ra_cmd_ready),
    .in_data         (fifo_data),
    .in_valid        (fifo_valid),
    .in_ready        (fifo_ready),
    .out_data        (ra_data),
    .out_valid       (ra_valid),
    .out_ready       (ra_ready)
  );

  cdma_wr #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .MAX_BURST       (MAX_BURST),
    .MAX_OUTSTANDING (MAX_OUTSTANDING),
    .ID_WIDTH        (ID_WIDTH),
    .AXI_ID          (AXI_ID)
  ) u_wr (
    .clk             (clk),
    .rst             (dp_rst),
    .cmd_addr        (cmd_da),
    .cmd_len         (cmd_btt),
    .cmd_fixed       (key_hole_wr),
    .cmd_valid       (wr_cmd_valid),
    .cmd_ready       (wr_cmd_ready),
    .done            (wr_done),
    .resp            (wr_resp),
    .halt_req        (halt_req),
    .max_beats       (burst_cap),
    .max_out         (max_outstanding),
    .in_data         (ra_data),
    .in_valid        (ra_valid),
    .in_ready        (ra_ready),
    .m_axi_awid      (dp_axi_awid),
    .m_axi_awaddr    (dp_axi_awaddr),
    .m_axi_awlen     (dp_axi_awlen),
    .m_axi_awsize    (dp_axi_awsize),
    .m_axi_awburst   (dp_axi_awburst),
    .m_axi_awvalid   (dp_axi_awvalid),
    .m_axi_awready   (dp_axi_awready),
    .m_axi_wdata     (dp_axi_wdata),
    .m_axi_wstrb     (dp_axi_wstrb),
    .m_axi_wlast     (dp_axi_wlast),
    .m_axi_wvalid    (dp_axi_wvalid),
    .m_axi_wready    (dp_axi_wready),
    .m_axi_bid       (m_axi_bid),
    .m_axi_bresp     (m_axi_bresp),
    .m_axi_bvalid    (dp_axi_bvalid),
    .m_axi_bready    (dp_axi_bready)
  );

  cdma_axi_mux #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .ID_WIDTH        (ID_WIDTH)
  ) u_mux (
    .clk             (clk),
    .rst             (rst),
    .sel             (bus_sel),
    .dp_axi_awid     (dp_axi_awid),
    .dp_axi_awaddr   (dp_axi_awaddr),
    .dp_axi_awlen    (dp_axi_awlen),
    .dp_axi_awsize   (dp_axi_awsize),
    .dp_axi_awburst  (dp_axi_awburst),
    .dp_axi_awvalid  (dp_axi_awvalid),
    .dp_axi_awready  (dp_axi_awready),
    .dp_axi_wdata    (dp_axi_wdata),
    .dp_axi_wstrb    (dp_axi_wstrb),
    .dp_axi_wlast    (dp_axi_wlast),
    .dp_axi_wvalid   (dp_axi_wvalid),
    .dp_axi_wready   (dp_axi_wready),
    .dp_axi_bvalid   (dp_axi_bvalid),
    .dp_axi_bready   (dp_axi_bready),
    .dp_axi_arid     (dp_axi_arid),
    .dp_axi_araddr   (dp_axi_araddr),
    .dp_axi_arlen    (dp_axi_arlen),
    .dp_axi_arsize   (dp_axi_arsize),
    .dp_axi_arburst  (dp_axi_arburst),
    .dp_axi_arvalid  (dp_axi_arvalid),
    .dp_axi_arready  (dp_axi_arready),
    .dp_axi_rvalid   (dp_axi_rvalid),
    .dp_axi_rready   (dp_axi_rready),
    .sg_axi_awid     (sg_axi_awid),
    .sg_axi_awaddr   (sg_axi_awaddr),
    .sg_axi_awlen    (sg_axi_awlen),
    .sg_axi_awsize   (sg_axi_awsize),
    .sg_axi_awburst  (sg_axi_awburst),
    .sg_axi_awvalid  (sg_axi_awvalid),
    .sg_axi_awready  (sg_axi_awready),
    .sg_axi_wdata    (sg_axi_wdata),
    .sg_axi_wstrb    (sg_axi_wstrb),
    .sg_axi_wlast    (sg_axi_wlast),
    .sg_axi_wvalid   (sg_axi_wvalid),
    .sg_axi_wready   (sg_axi_wready),
    .sg_axi_bvalid   (sg_axi_bvalid),
    .sg_axi_bready   (sg_axi_bready),
    .sg_axi_arid     (sg_axi_arid),
    .sg_axi_araddr   (sg_axi_araddr),
    .sg_axi_arlen    (sg_axi_arlen),
    .sg_axi_arsize   (sg_axi_arsize),
    .sg_axi_arburst  (sg_axi_arburst),
    .sg_axi_arvalid  (sg_axi_arvalid),
    .sg_axi_arready  (sg_axi_arready),
    .sg_axi_rvalid   (sg_axi_rvalid),
    .sg_axi_rready   (sg_axi_rready),
    .m_axi_awid      (mx_axi_awid),
    .m_axi_awaddr    (mx_axi_awaddr),
    .m_axi_awlen     (mx_axi_awlen),
    .m_axi_awsize    (mx_axi_awsize),
    .m_axi_awburst   (mx_axi_awburst),
    .m_axi_awvalid   (mx_axi_awvalid),
    .m_axi_awready   (mx_axi_awready),
    .m_axi_wdata     (mx_axi_wdata),
    .m_axi_wstrb     (mx_axi_wstrb),
    .m_axi_wlast     (mx_axi_wlast),
    .m_axi_wvalid    (mx_axi_wvalid),
    .m_axi_wready    (mx_axi_wready),
    .m_axi_bvalid    (m_axi_bvalid),
    .m_axi_bready    (m_axi_bready),
    .m_axi_arid      (mx_axi_arid),
    .m_axi_araddr    (mx_axi_araddr),
    .m_axi_arlen     (mx_axi_arlen),
    .m_axi_arsize    (mx_axi_arsize),
    .m_axi_arburst   (mx_axi_arburst),
    .m_axi_arvalid   (mx_axi_arvalid),
    .m_axi_arready   (mx_axi_arready),
    .m_axi_rvalid    (m_axi_rvalid),
    .m_axi_rlast     (m_axi_rlast),
    .m_axi_rready    (m_axi_rready)
  );

  cdma_mode_gate #(
    .DATA_WIDTH      (DATA_WIDTH),
    .ADDR_WIDTH      (ADDR_WIDTH),
    .ID_WIDTH        (ID_WIDTH),
    .MAX_BURST       (MAX_BURST)
  ) u_gate (
    .clk             (clk),
    .rst             (rst),
    .mode            (xfer_mode),
    .max_burst       (max_burst),
    .steal_beats     (steal_beats),
    .steal_idle      (steal_idle),
    .cpu_bus_busy    (cpu_bus_busy),
    .burst_cap       (burst_cap),
    .bus_wait        (bus_wait),
    .s_axi_awid      (mx_axi_awid),
    .s_axi_awaddr    (mx_axi_awaddr),
    .s_axi_awlen     (mx_axi_awlen),
    .s_axi_awsize    (mx_axi_awsize),
    .s_axi_awburst   (mx_axi_awburst),
    .s_axi_awvalid   (mx_axi_awvalid),
    .s_axi_awready   (mx_axi_awready),
    .s_axi_wdata     (mx_axi_wdata),
    .s_axi_wstrb     (mx_axi_wstrb),
    .s_axi_wlast     (mx_axi_wlast),
    .s_axi_wvalid    (mx_axi_wvalid),
    .s_axi_wready    (mx_axi_wready),
    .s_axi_arid      (mx_axi_arid),
    .s_axi_araddr    (mx_axi_araddr),
    .s_axi_arlen     (mx_axi_arlen),
    .s_axi_arsize    (mx_axi_arsize),
    .s_axi_arburst   (mx_axi_arburst),
    .s_axi_arvalid   (mx_axi_arvalid),
    .s_axi_arready   (mx_axi_arready),
    .m_axi_awid      (m_axi_awid),
    .m_axi_awaddr    (m_axi_awaddr),
    .m_axi_awlen     (m_axi_awlen),
    .m_axi_awsize    (m_axi_awsize),
    .m_axi_awburst   (m_axi_awburst),
    .m_axi_awvalid   (m_axi_awvalid),
    .m_axi_awready   (m_axi_awready),
    .m_axi_wdata     (m_axi_wdata),
    .m_axi_wstrb     (m_axi_wstrb),
    .m_axi_wlast     (m_axi_wlast),
    .m_axi_wvalid    (m_axi_wvalid),
    .m_axi_wready    (m_axi_wready),
    .m_axi_arid      (m_axi_arid),
    .m_axi_araddr    (m_axi_araddr),
    .m_axi_arlen     (m_axi_arlen),
    .m_axi_arsize    (m_axi_arsize),
    .m_axi_arburst   (m_axi_arburst),
    .m_axi_arvalid   (m_axi_arvalid),
    .m_axi_arready   (m_axi_arready),
    .m_axi_rvalid    (m_axi_rvalid),
    .m_axi_rready    (m_axi_rready),
    .m_axi_rlast     (m_axi_rlast)
  );

  assign dbg_eng_arvalid = mx_axi_arvalid;
  assign dbg_eng_arready = mx_axi_arready;
  assign dbg_eng_awvalid = mx_axi_awvalid;
  assign dbg_eng_awready = mx_axi_awready;
  assign dbg_eng_wvalid  = mx_axi_wvalid;
  assign dbg_eng_wready  = mx_axi_wready;

  assign dbg_dp_arvalid      = dp_axi_arvalid;
  assign dbg_dp_arready      = dp_axi_arready;
  assign dbg_dp_awvalid      = dp_axi_awvalid;
  assign dbg_dp_awready      = dp_axi_awready;
  assign dbg_dp_rvalid       = dp_axi_rvalid;
  assign dbg_dp_rready       = dp_axi_rready;
  assign dbg_dp_bvalid       = dp_axi_bvalid;
  assign dbg_dp_bready       = dp_axi_bready;
  assign dbg_dp_rd_cmd_valid = rd_cmd_valid;
  assign dbg_dp_rd_cmd_ready = rd_cmd_ready;
  assign dbg_dp_wr_cmd_valid = wr_cmd_valid;
  assign dbg_dp_wr_cmd_ready = wr_cmd_ready;

  cdma_perf u_perf (
    .clk             (clk),
    .rst             (rst),
    .clear           (perf_clear),
    .busy            (!idle),
    .rd_beat         (m_axi_rvalid && m_axi_rready),
    .wr_beat         (m_axi_wvalid && m_axi_wready),
    .bus_wait        (bus_wait),
    .cpu_wait_total  (cpu_wait_total),
    .busy_cycles     (perf_busy),
    .rd_beats        (perf_rd_beats),
    .wr_beats        (perf_wr_beats),
    .bus_wait_cycles (perf_bus_wait),
    .cpu_wait_cycles (perf_cpu_wait)
  );

`ifndef SYNTHESIS
  // R is never stalled, so the read engine's credits must keep the FIFO from overflowing
  always_ff @(posedge clk) begin
    if (!dp_rst) begin
      a_fifo_no_overflow: assert (!rd_push || fifo_in_ready)
        else $error("cdma: read data arrived with the FIFO full (credit leak)");
    end
  end
`endif

endmodule
