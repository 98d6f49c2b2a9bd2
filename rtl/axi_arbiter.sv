// SPDX-License-Identifier: MIT
// axi_arbiter: two AXI4 masters (s0 = CPU cache, s1 = DMA) onto one AXI4 slave port, round-robin.
// It adds no latency and no buffering; it does not reorder or split bursts.

// Read: AR is arbitrated per burst; R beats are routed back by ID, so the read grant ends with the
// AR handshake and both masters may have reads outstanding. Write: the grant covers AW and all W
// beats of the burst (W may go with or before its AW, by at most one burst); while the other master
// does not ask for the write channel, the owner may put up to WR_AHEAD AWs ahead of its W beats
// (so a master that issues AW early streams W without a gap between bursts); once the other asks,
// the owner adds no AW and the grant ends when its W beats catch up. B is routed by ID.
// IDs: the arbiter overwrites the top ID bit with the master's index (0 CPU, 1 DMA) on AR / AW and
// routes R / B on that bit, handing the ID back with the bit cleared; so masters must keep the top
// ID bit 0 (asserted). Round-robin: when both request in the same cycle, the one granted less
// recently wins (per channel); a request once presented to the slave stays until it is taken.
module axi_arbiter
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH = 32,
  // AXI4 ID width, the same on every port (at least 2: the top bit names the master)
  parameter int unsigned ID_WIDTH   = 4,
  // write bursts the write-channel owner may have accepted on AW before their WLAST (1..15)
  parameter int unsigned WR_AHEAD   = 2
) (
  input  logic                    clk,
  input  logic                    rst,             // synchronous, active high

  // s0: CPU cache
  input  logic [ID_WIDTH-1:0]     s0_axi_awid,
  input  logic [ADDR_WIDTH-1:0]   s0_axi_awaddr,
  input  logic [7:0]              s0_axi_awlen,
  input  logic [2:0]              s0_axi_awsize,
  input  logic [1:0]              s0_axi_awburst,
  input  logic                    s0_axi_awvalid,
  output logic                    s0_axi_awready,
  input  logic [DATA_WIDTH-1:0]   s0_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0] s0_axi_wstrb,
  input  logic                    s0_axi_wlast,
  input  logic                    s0_axi_wvalid,
  output logic                    s0_axi_wready,
  output logic [ID_WIDTH-1:0]     s0_axi_bid,
  output logic [1:0]              s0_axi_bresp,
  output logic                    s0_axi_bvalid,
  input  logic                    s0_axi_bready,
  input  logic [ID_WIDTH-1:0]     s0_axi_arid,
  input  logic [ADDR_WIDTH-1:0]   s0_axi_araddr,
  input  logic [7:0]              s0_axi_arlen,
  input  logic [2:0]              s0_axi_arsize,
  input  logic [1:0]              s0_axi_arburst,
  input  logic                    s0_axi_arvalid,
  output logic                    s0_axi_arready,
  output logic [ID_WIDTH-1:0]     s0_axi_rid,
  output logic [DATA_WIDTH-1:0]   s0_axi_rdata,
  output logic [1:0]              s0_axi_rresp,
  output logic                    s0_axi_rlast,
  output logic                    s0_axi_rvalid,
  input  logic                    s0_axi_rready,

  // s1: DMA (through coherency_monitor)
  input  logic [ID_WIDTH-1:0]     s1_axi_awid,
  input  logic [ADDR_WIDTH-1:0]   s1_axi_awaddr,
  input  logic [7:0]              s1_axi_awlen,
  input  logic [2:0]              s1_axi_awsize,
  input  logic [1:0]              s1_axi_awburst,
  input  logic                    s1_axi_awvalid,
  output logic                    s1_axi_awready,
  input  logic [DATA_WIDTH-1:0]   s1_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0] s1_axi_wstrb,
  input  logic                    s1_axi_wlast,
  input  logic                    s1_axi_wvalid,
  output logic                    s1_axi_wready,
  output logic [ID_WIDTH-1:0]     s1_axi_bid,
  output logic [1:0]              s1_axi_bresp,
  output logic                    s1_axi_bvalid,
  input  logic                    s1_axi_bready,
  input  logic [ID_WIDTH-1:0]     s1_axi_arid,
  input  logic [ADDR_WIDTH-1:0]   s1_axi_araddr,
  input  logic [7:0]              s1_axi_arlen,
  input  logic [2:0]              s1_axi_arsize,
  input  logic [1:0]              s1_axi_arburst,
  input  logic                    s1_axi_arvalid,
  output logic                    s1_axi_arready,
  output logic [ID_WIDTH-1:0]     s1_axi_rid,
  output logic [DATA_WIDTH-1:0]   s1_axi_rdata,
  output logic [1:0]              s1_axi_rresp,
  output logic                    s1_axi_rlast,
  output logic                    s1_axi_rvalid,
  input  logic                    s1_axi_rready,

  // m: to the memory
  output logic [ID_WIDTH-1:0]     m_axi_awid,
  output logic [ADDR_WIDTH-1:0]   m_axi_awaddr,
  output logic [7:0]              m_axi_awlen,
  output logic [2:0]              m_axi_awsize,
  output logic [1:0]              m_axi_awburst,
  output logic                    m_axi_awvalid,
  input  logic                    m_axi_awready,
  output logic [DATA_WIDTH-1:0]   m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0] m_axi_wstrb,
  output logic                    m_axi_wlast,
  output logic                    m_axi_wvalid,
  input  logic                    m_axi_wready,
  input  logic [ID_WIDTH-1:0]     m_axi_bid,
  input  logic [1:0]              m_axi_bresp,
  input  logic                    m_axi_bvalid,
  output logic                    m_axi_bready,
  output logic [ID_WIDTH-1:0]     m_axi_arid,
  output logic [ADDR_WIDTH-1:0]   m_axi_araddr,
  output logic [7:0]              m_axi_arlen,
  output logic [2:0]              m_axi_arsize,
  output logic [1:0]              m_axi_arburst,
  output logic                    m_axi_arvalid,
  input  logic                    m_axi_arready,
  input  logic [ID_WIDTH-1:0]     m_axi_rid,
  input  logic [DATA_WIDTH-1:0]   m_axi_rdata,
  input  logic [1:0]              m_axi_rresp,
  input  logic                    m_axi_rlast,
  input  logic                    m_axi_rvalid,
  output logic                    m_axi_rready,

  // CPU-side view for the DMA and statistics
  output logic                    cpu_bus_request,  // s0 has AR or AW valid (transparent mode)
  output logic [31:0]             cpu_wait_cycles   // cycles s0 had AR / AW valid, not granted
);

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "axi_arbiter: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "axi_arbiter: ADDR_WIDTH must be 32..64");
  end
  if (ID_WIDTH < 2) begin : g_check_id_width
    $fatal(1, "axi_arbiter: ID_WIDTH must be at least 2 (the top bit names the master)");
  end
  if (WR_AHEAD < 1 || WR_AHEAD > 15) begin : g_check_wr_ahead
    $fatal(1, "axi_arbiter: WR_AHEAD must be 1..15");
  end

  localparam int unsigned MSB = ID_WIDTH - 1;

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  logic        ar_lock_q,   ar_lock_d;     // an AR is on m and not yet taken: keep ar_sel
  logic        ar_sel_q,    ar_sel_d;      // the master on AR while locked
  logic        ar_last_q,   ar_last_d;     // the master granted AR last (round-robin)
  logic        wr_busy_q,   wr_busy_d;     // a master owns AW / W
  logic        wr_sel_q,    wr_sel_d;      // that master
  logic [3:0]  aw_cnt_q,    aw_cnt_d;      // its bursts with AW taken and WLAST not yet
  logic        w_ahead_q,   w_ahead_d;     // a whole W burst went before its AW (AW owed)
  logic        w_mid_q,     w_mid_d;       // a W burst has begun and its WLAST is not yet taken
  logic        aw_lock_q,   aw_lock_d;     // an AW is on m and not yet taken: keep wr_sel
  logic        wr_last_q,   wr_last_d;     // the master granted a write last (round-robin)
  logic [31:0] wait_q,      wait_d;

  logic        ar_sel;                     // the master on AR this cycle
  logic        ar_any;                     // some AR is presented
  logic        wr_sel;                     // the master owning the write channels this cycle
  logic        wr_own;                     // a master owns them this cycle
  logic        aw_owed;                    // the owner's W has begun a burst whose AW is not taken
  logic        aw_open, w_open;            // the owner may present an AW / a W beat
  logic        other_aw;                   // the other master asks for the write channel
  logic        aw_take, w_take, w_end, ar_take;
  logic        cpu_ar_blocked, cpu_aw_blocked;

  // round-robin choice between two requests: the other one than last time if both ask
  function automatic logic rr_pick(input logic req0, input logic req1, input logic last);
    if (req0 && req1) return !last;
    return req1;
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Read address: muxed by ar_sel; R routed by the ID's top bit
  // ---------------------------------------------------------------------------------------------
  assign ar_sel = ar_lock_q ? ar_sel_q : rr_pick(s0_axi_arvalid, s1_axi_arvalid, ar_last_q);
  assign ar_any = ar_lock_q || s0_axi_arvalid || s1_axi_arvalid;

  assign m_axi_arid     = ar_sel ? {1'b1, s1_axi_arid[MSB-1:0]} : {1'b0, s0_axi_arid[MSB-1:0]};
  assign m_axi_araddr   = ar_sel ? s1_axi_araddr  : s0_axi_araddr;
  assign m_axi_arlen    = ar_sel ? s1_axi_arlen   : s0_axi_arlen;
  assign m_axi_arsize   = ar_sel ? s1_axi_arsize  : s0_axi_arsize;
  assign m_axi_arburst  = ar_sel ? s1_axi_arburst : s0_axi_arburst;
  assign m_axi_arvalid  = ar_any && (ar_sel ? s1_axi_arvalid : s0_axi_arvalid);
  assign s0_axi_arready = !ar_sel && m_axi_arready;
  assign s1_axi_arready = ar_sel && m_axi_arready;
  assign ar_take        = m_axi_arvalid && m_axi_arready;

  assign s0_axi_rid     = {1'b0, m_axi_rid[MSB-1:0]};
  assign s1_axi_rid     = {1'b0, m_axi_rid[MSB-1:0]};
  assign s0_axi_rdata   = m_axi_rdata;
  assign s1_axi_rdata   = m_axi_rdata;
  assign s0_axi_rresp   = m_axi_rresp;
  assign s1_axi_rresp   = m_axi_rresp;
  assign s0_axi_rlast   = m_axi_rlast;
  assign s1_axi_rlast   = m_axi_rlast;
  assign s0_axi_rvalid  = m_axi_rvalid && !m_axi_rid[MSB];
  assign s1_axi_rvalid  = m_axi_rvalid && m_axi_rid[MSB];
  assign m_axi_rready   = m_axi_rid[MSB] ? s1_axi_rready : s0_axi_rready;

  // ---------------------------------------------------------------------------------------------
  // Write address and data: a master owns both while it has AW / W beats unmatched; B by ID
  // ---------------------------------------------------------------------------------------------
  assign wr_own   = wr_busy_q || s0_axi_awvalid || s1_axi_awvalid;
  assign wr_sel   = wr_busy_q ? wr_sel_q : rr_pick(s0_axi_awvalid, s1_axi_awvalid, wr_last_q);
  assign other_aw = wr_sel ? s0_axi_awvalid : s1_axi_awvalid;
  assign aw_owed  = w_ahead_q || (aw_cnt_q == '0 && w_mid_q);
  // AW: the owed AW, a presented one, or (while the other master is quiet) one more ahead
  assign aw_open  = wr_own && (!wr_busy_q || aw_lock_q || aw_owed
                               || (aw_cnt_q < 4'(WR_AHEAD) && !other_aw));
  // W: with, after or (by one burst) before its AW
  assign w_open   = wr_own && !w_ahead_q;

  assign m_axi_awid     = wr_sel ? {1'b1, s1_axi_awid[MSB-1:0]} : {1'b0, s0_axi_awid[MSB-1:0]};
  assign m_axi_awaddr   = wr_sel ? s1_axi_awaddr  : s0_axi_awaddr;
  assign m_axi_awlen    = wr_sel ? s1_axi_awlen   : s0_axi_awlen;
  assign m_axi_awsize   = wr_sel ? s1_axi_awsize  : s0_axi_awsize;
  assign m_axi_awburst  = wr_sel ? s1_axi_awburst : s0_axi_awburst;
  assign m_axi_awvalid  = aw_open && (wr_sel ? s1_axi_awvalid : s0_axi_awvalid);
  assign s0_axi_awready = aw_open && !wr_sel && m_axi_awready;
  assign s1_axi_awready = aw_open && wr_sel && m_axi_awready;
  assign aw_take        = m_axi_awvalid && m_axi_awready;

  assign m_axi_wdata    = wr_sel ? s1_axi_wdata : s0_axi_wdata;
  assign m_axi_wstrb    = wr_sel ? s1_axi_wstrb : s0_axi_wstrb;
  assign m_axi_wlast    = wr_sel ? s1_axi_wlast : s0_axi_wlast;
  assign m_axi_wvalid   = w_open && (wr_sel ? s1_axi_wvalid : s0_axi_wvalid);
  assign s0_axi_wready  = w_open && !wr_sel && m_axi_wready;
  assign s1_axi_wready  = w_open && wr_sel && m_axi_wready;
  assign w_take         = m_axi_wvalid && m_axi_wready;
  assign w_end          = w_take && m_axi_wlast;

  assign s0_axi_bid     = {1'b0, m_axi_bid[MSB-1:0]};
  assign s1_axi_bid     = {1'b0, m_axi_bid[MSB-1:0]};
  assign s0_axi_bresp   = m_axi_bresp;
  assign s1_axi_bresp   = m_axi_bresp;
  assign s0_axi_bvalid  = m_axi_bvalid && !m_axi_bid[MSB];
  assign s1_axi_bvalid  = m_axi_bvalid && m_axi_bid[MSB];
  assign m_axi_bready   = m_axi_bid[MSB] ? s1_axi_bready : s0_axi_bready;

  // ---------------------------------------------------------------------------------------------
  // CPU-side view: a CPU request waits when the channel serves the DMA this cycle
  // ---------------------------------------------------------------------------------------------
  assign cpu_bus_request = s0_axi_arvalid || s0_axi_awvalid;
  assign cpu_ar_blocked  = s0_axi_arvalid && ar_sel;
  assign cpu_aw_blocked  = s0_axi_awvalid && !(aw_open && !wr_sel);
  assign cpu_wait_cycles = wait_q;

  // ---------------------------------------------------------------------------------------------
  // Grants
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    ar_lock_d = ar_lock_q;
    ar_sel_d  = ar_sel_q;
    ar_last_d = ar_last_q;
    wr_busy_d = wr_busy_q;
    wr_sel_d  = wr_sel_q;
    aw_cnt_d  = aw_cnt_q;
    w_ahead_d = w_ahead_q;
    w_mid_d   = w_mid_q;
    aw_lock_d = m_axi_awvalid && !m_axi_awready;
    wr_last_d = wr_last_q;
    wait_d    = wait_q + 32'(cpu_ar_blocked || cpu_aw_blocked);

    // read: lock the choice while its AR waits; a taken AR rotates the priority
    if (ar_take) begin
      ar_lock_d = 1'b0;
      ar_last_d = ar_sel;
    end else if (m_axi_arvalid) begin
      ar_lock_d = 1'b1;
      ar_sel_d  = ar_sel;
    end

    // write: AWs and WLASTs of the owner matched up; released when they balance, no W burst is
    // half sent and no AW waits on m
    if (w_take) w_mid_d = !m_axi_wlast;
    if (aw_take && !w_end) begin
      if (w_ahead_q) w_ahead_d = 1'b0;
      else           aw_cnt_d  = aw_cnt_q + 4'd1;
    end else if (w_end && !aw_take) begin
      if (aw_cnt_q != '0) aw_cnt_d  = aw_cnt_q - 4'd1;
      else                w_ahead_d = 1'b1;
    end
    // idle: a master takes the channels in the cycle its AW appears; busy: the owner keeps them
    if (!wr_busy_q && wr_own) begin
      wr_sel_d  = wr_sel;
      wr_last_d = wr_sel;
    end
    wr_busy_d = wr_own && (aw_cnt_d != '0 || w_ahead_d || w_mid_d || aw_lock_d);
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      ar_lock_q <= 1'b0;
      ar_sel_q  <= 1'b0;
      ar_last_q <= 1'b1;
      wr_busy_q <= 1'b0;
      wr_sel_q  <= 1'b0;
      aw_cnt_q  <= '0;
      w_ahead_q <= 1'b0;
      w_mid_q   <= 1'b0;
      aw_lock_q <= 1'b0;
      wr_last_q <= 1'b1;
      wait_q    <= '0;
    end else begin
      ar_lock_q <= ar_lock_d;
      ar_sel_q  <= ar_sel_d;
      ar_last_q <= ar_last_d;
      wr_busy_q <= wr_busy_d;
      wr_sel_q  <= wr_sel_d;
      aw_cnt_q  <= aw_cnt_d;
      w_ahead_q <= w_ahead_d;
      w_mid_q   <= w_mid_d;
      aw_lock_q <= aw_lock_d;
      wr_last_q <= wr_last_d;
      wait_q    <= wait_d;
    end
  end

  // the top ID bit of the masters is replaced (asserted to be 0)
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{s0_axi_awid[MSB], s1_axi_awid[MSB], s0_axi_arid[MSB], s1_axi_arid[MSB]};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this arbiter relies on
  // -----------------------------------------------------------------------------------------------
  logic                  arvalid_prev_q, arready_prev_q, awvalid_prev_q, awready_prev_q;
  logic [ADDR_WIDTH-1:0] araddr_prev_q, awaddr_prev_q;
  always_ff @(posedge clk) begin
    arvalid_prev_q <= m_axi_arvalid && !rst;
    arready_prev_q <= m_axi_arready;
    araddr_prev_q  <= m_axi_araddr;
    awvalid_prev_q <= m_axi_awvalid && !rst;
    awready_prev_q <= m_axi_awready;
    awaddr_prev_q  <= m_axi_awaddr;
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_s0_id_top: assert (!(s0_axi_arvalid && s0_axi_arid[MSB])
                           && !(s0_axi_awvalid && s0_axi_awid[MSB]))
        else $error("axi_arbiter: s0 uses the top ID bit");
      a_s1_id_top: assert (!(s1_axi_arvalid && s1_axi_arid[MSB])
                           && !(s1_axi_awvalid && s1_axi_awid[MSB]))
        else $error("axi_arbiter: s1 uses the top ID bit");
      a_ar_stable: assert (!(arvalid_prev_q && !arready_prev_q)
                           || (m_axi_arvalid && m_axi_araddr == araddr_prev_q))
        else $error("axi_arbiter: AR dropped or changed before ARREADY");
      a_aw_stable: assert (!(awvalid_prev_q && !awready_prev_q)
                           || (m_axi_awvalid && m_axi_awaddr == awaddr_prev_q))
        else $error("axi_arbiter: AW dropped or changed before AWREADY");
      a_w_owned: assert (!m_axi_wvalid || wr_own)
        else $error("axi_arbiter: W beat with no write burst owning the channel");
      a_aw_ahead: assert (aw_cnt_q <= 4'(WR_AHEAD) && !(w_ahead_q && aw_cnt_q != '0))
        else $error("axi_arbiter: write bookkeeping out of range");
    end
  end
`endif

endmodule
