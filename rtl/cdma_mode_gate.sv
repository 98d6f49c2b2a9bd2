// SPDX-License-Identifier: MIT
// cdma_mode_gate: the transfer mode (DESIGN 3.2) on the engine's AXI4 master path: when a new AR / AW
// may start, and the burst length the engines use. It never splits, reorders or buffers data.

// Burst mode: a wire (AR, AW, W pass straight through), bursts up to the max burst length.
// Cycle stealing: bursts of at most `steal_beats` beats; per direction a new AR / AW starts only once
// the previous burst's last beat went (RLAST taken / WLAST sent) and then `steal_idle` cycles passed.
// Transparent: one-beat bursts; a new AR / AW starts only in a cycle where cpu_bus_busy is low.
// In both gated modes an AW is first taken into a one-entry hold (so the engine puts up its first
// W beat) and goes to the bus together with that beat, once the previous write burst is complete:
// the DMA never owns the write channel while it waits for data. A request once presented is held
// with its payload until READY (AXI), whatever the mode or the CPU does next.
module cdma_mode_gate
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH = 32,
  // AXI4 ID width
  parameter int unsigned ID_WIDTH   = 4,
  // most beats per burst of the build (2..256)
  parameter int unsigned MAX_BURST  = 256
) (
  input  logic                    clk,
  input  logic                    rst,             // synchronous, active high

  // the transfer mode in effect (cdma_regs: EXT_XFER_CTRL, EXT_STEAL_CFG)
  input  logic [1:0]              mode,            // XFER_MODE_BURST / _CYCLE_STEALING / _TRANSPARENT
  input  logic [8:0]              max_burst,       // max burst length, 1..MAX_BURST beats
  input  logic [7:0]              steal_beats,     // beats per grant, 1..MAX_BURST
  input  logic [15:0]             steal_idle,      // idle cycles between grants
  // the CPU uses the bus or is about to (transparent mode)
  input  logic                    cpu_bus_busy,

  // to the engines: the longest burst they may issue (beats); to the counters: a request waits
  output logic [8:0]              burst_cap,
  output logic                    bus_wait,

  // AXI4 slave: the engine's request channels (from cdma_axi_mux)
  input  logic [ID_WIDTH-1:0]     s_axi_awid,
  input  logic [ADDR_WIDTH-1:0]   s_axi_awaddr,
  input  logic [7:0]              s_axi_awlen,
  input  logic [2:0]              s_axi_awsize,
  input  logic [1:0]              s_axi_awburst,
  input  logic                    s_axi_awvalid,
  output logic                    s_axi_awready,
  input  logic [DATA_WIDTH-1:0]   s_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0] s_axi_wstrb,
  input  logic                    s_axi_wlast,
  input  logic                    s_axi_wvalid,
  output logic                    s_axi_wready,
  input  logic [ID_WIDTH-1:0]     s_axi_arid,
  input  logic [ADDR_WIDTH-1:0]   s_axi_araddr,
  input  logic [7:0]              s_axi_arlen,
  input  logic [2:0]              s_axi_arsize,
  input  logic [1:0]              s_axi_arburst,
  input  logic                    s_axi_arvalid,
  output logic                    s_axi_arready,

  // AXI4 master: to the bus (R and B do not pass through here; R is only watched for RLAST)
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
  output logic [ID_WIDTH-1:0]     m_axi_arid,
  output logic [ADDR_WIDTH-1:0]   m_axi_araddr,
  output logic [7:0]              m_axi_arlen,
  output logic [2:0]              m_axi_arsize,
  output logic [1:0]              m_axi_arburst,
  output logic                    m_axi_arvalid,
  input  logic                    m_axi_arready,
  input  logic                    m_axi_rvalid,
  input  logic                    m_axi_rready,
  input  logic                    m_axi_rlast
);

  localparam int unsigned CNT_W = 8;    // bursts on the bus per direction (engines keep <= 64)
  localparam int unsigned GAP_W = 16;   // idle cycles counted, saturating (steal_idle's width)
  localparam int unsigned AW_W  = ID_WIDTH + ADDR_WIDTH + 8 + 3 + 2;  // AWID .. AWBURST

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_mode_gate: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_mode_gate: ADDR_WIDTH must be 32..64");
  end
  if (ID_WIDTH < 1) begin : g_check_id_width
    $fatal(1, "cdma_mode_gate: ID_WIDTH must be at least 1");
  end
  if (MAX_BURST < 2 || MAX_BURST > AXI_MAX_BURST) begin : g_check_max_burst
    $fatal(1, "cdma_mode_gate: MAX_BURST must be 2..256");
  end

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  logic                  ar_lock_q,  ar_lock_d;    // an AR is on m and not yet taken
  logic                  aw_lock_q,  aw_lock_d;    // an AW is on m and not yet taken
  logic [CNT_W-1:0]      r_out_q,    r_out_d;      // ARs taken on m whose RLAST is not yet taken
  logic [CNT_W-1:0]      w_owed_q,   w_owed_d;     // AWs taken on m whose WLAST is not yet sent
  logic [GAP_W-1:0]      rd_gap_q,   rd_gap_d;     // cycles since the last RLAST (saturating)
  logic [GAP_W-1:0]      wr_gap_q,   wr_gap_d;     // cycles since the last WLAST (saturating)
  logic                  h_valid_q,  h_valid_d;    // the hold has an AW (gated modes)
  logic [AW_W-1:0]       h_aw_q,     h_aw_d;       // its {AWID, AWADDR, AWLEN, AWSIZE, AWBURST}

  logic                  burst_mode, steal_mode, transp_mode;
  logic                  ar_ok, aw_ok;             // the mode lets a new AR / AW start this cycle
  logic                  aw_bypass;                // AW passes straight through (burst mode)
  logic                  w_first;                  // the engine's W beat is the held burst's first
  logic                  h_take;                   // the hold takes the engine's AW this cycle
  logic                  ar_take, aw_take, w_take, w_end, r_end;
  logic [AW_W-1:0]       s_aw;                     // the engine's AW payload

  assign burst_mode  = mode == XFER_MODE_BURST;
  assign steal_mode  = mode == XFER_MODE_CYCLE_STEALING;
  assign transp_mode = mode == XFER_MODE_TRANSPARENT;

  // burst length: one beat in transparent mode; beats per grant (within the max) when stealing
  always_comb begin
    burst_cap = max_burst;
    if (transp_mode) burst_cap = 9'd1;
    if (steal_mode && 9'(steal_beats) < max_burst) burst_cap = 9'(steal_beats);
  end

  // ---------------------------------------------------------------------------------------------
  // Read address: gated in place (the engine holds its AR until ARREADY)
  // ---------------------------------------------------------------------------------------------
  assign ar_ok = burst_mode
                 || (steal_mode && r_out_q == '0 && rd_gap_q >= steal_idle)
                 || (transp_mode && !cpu_bus_busy);

  assign m_axi_arid    = s_axi_arid;
  assign m_axi_araddr  = s_axi_araddr;
  assign m_axi_arlen   = s_axi_arlen;
  assign m_axi_arsize  = s_axi_arsize;
  assign m_axi_arburst = s_axi_arburst;
  assign m_axi_arvalid = s_axi_arvalid && (ar_lock_q || ar_ok);
  assign s_axi_arready = m_axi_arready && (ar_lock_q || ar_ok);

  // ---------------------------------------------------------------------------------------------
  // Write address: straight through in burst mode, else through the hold; W behind a taken AW
  // ---------------------------------------------------------------------------------------------
  assign aw_bypass = burst_mode && !h_valid_q;
  assign w_first   = s_axi_wvalid && w_owed_q == '0;
  assign aw_ok     = burst_mode
                     || (steal_mode && w_first && wr_gap_q >= steal_idle)
                     || (transp_mode && w_first && !cpu_bus_busy);

  assign s_aw = {s_axi_awid, s_axi_awaddr, s_axi_awlen, s_axi_awsize, s_axi_awburst};
  assign {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst} =
      h_valid_q ? h_aw_q : s_aw;
  assign m_axi_awvalid = aw_bypass ? s_axi_awvalid : h_valid_q && (aw_lock_q || aw_ok);
  assign aw_take       = m_axi_awvalid && m_axi_awready;
  // the hold takes a new AW when empty or emptying (never in burst mode: it drains first)
  assign h_take        = !burst_mode && s_axi_awvalid && (!h_valid_q || aw_take);
  assign s_axi_awready = aw_bypass ? m_axi_awready : h_take;

  assign m_axi_wdata   = s_axi_wdata;
  assign m_axi_wstrb   = s_axi_wstrb;
  assign m_axi_wlast   = s_axi_wlast;
  assign m_axi_wvalid  = s_axi_wvalid && (aw_bypass || w_owed_q != '0);
  assign s_axi_wready  = m_axi_wready && (aw_bypass || w_owed_q != '0);

  assign ar_take = m_axi_arvalid && m_axi_arready;
  assign w_take  = m_axi_wvalid && m_axi_wready;
  assign w_end   = w_take && m_axi_wlast;
  assign r_end   = m_axi_rvalid && m_axi_rready && m_axi_rlast;

  // a request of the engine that could not move this cycle (held back here or not READY)
  assign bus_wait = (s_axi_arvalid && !s_axi_arready) || (s_axi_awvalid && !s_axi_awready)
                    || (h_valid_q && !aw_take) || (s_axi_wvalid && !s_axi_wready);

  // ---------------------------------------------------------------------------------------------
  // Bookkeeping
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    ar_lock_d = m_axi_arvalid && !m_axi_arready;
    aw_lock_d = m_axi_awvalid && !m_axi_awready;
    r_out_d   = r_out_q + CNT_W'(ar_take) - CNT_W'(r_end);
    w_owed_d  = w_owed_q + CNT_W'(aw_take) - CNT_W'(w_end);
    rd_gap_d  = (rd_gap_q == '1) ? rd_gap_q : rd_gap_q + GAP_W'(1);
    wr_gap_d  = (wr_gap_q == '1) ? wr_gap_q : wr_gap_q + GAP_W'(1);
    if (r_end) rd_gap_d = '0;
    if (w_end) wr_gap_d = '0;
    h_valid_d = h_valid_q && !aw_take;
    h_aw_d    = h_aw_q;
    if (h_take) begin
      h_valid_d = 1'b1;
      h_aw_d    = s_aw;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      ar_lock_q <= 1'b0;
      aw_lock_q <= 1'b0;
      r_out_q   <= '0;
      w_owed_q  <= '0;
      rd_gap_q  <= '1;
      wr_gap_q  <= '1;
      h_valid_q <= 1'b0;
      h_aw_q    <= '0;
    end else begin
      ar_lock_q <= ar_lock_d;
      aw_lock_q <= aw_lock_d;
      r_out_q   <= r_out_d;
      w_owed_q  <= w_owed_d;
      rd_gap_q  <= rd_gap_d;
      wr_gap_q  <= wr_gap_d;
      h_valid_q <= h_valid_d;
      h_aw_q    <= h_aw_d;
    end
  end

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this gate keeps and relies on
  // -----------------------------------------------------------------------------------------------
  logic                  arvalid_prev_q, arready_prev_q, awvalid_prev_q, awready_prev_q;
  logic [ADDR_WIDTH-1:0] araddr_prev_q, awaddr_prev_q;
  logic [7:0]            arlen_prev_q, awlen_prev_q;
  always_ff @(posedge clk) begin
    arvalid_prev_q <= m_axi_arvalid && !rst;
    arready_prev_q <= m_axi_arready;
    araddr_prev_q  <= m_axi_araddr;
    arlen_prev_q   <= m_axi_arlen;
    awvalid_prev_q <= m_axi_awvalid && !rst;
    awready_prev_q <= m_axi_awready;
    awaddr_prev_q  <= m_axi_awaddr;
    awlen_prev_q   <= m_axi_awlen;
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_ar_stable: assert (!(arvalid_prev_q && !arready_prev_q)
                           || (m_axi_arvalid && m_axi_araddr == araddr_prev_q
                               && m_axi_arlen == arlen_prev_q))
        else $error("cdma_mode_gate: AR dropped or changed before ARREADY");
      a_aw_stable: assert (!(awvalid_prev_q && !awready_prev_q)
                           || (m_axi_awvalid && m_axi_awaddr == awaddr_prev_q
                               && m_axi_awlen == awlen_prev_q))
        else $error("cdma_mode_gate: AW dropped or changed before AWREADY");
      a_w_after_aw: assert (!w_take || w_owed_q != '0)
        else $error("cdma_mode_gate: W beat taken before its AW");
      a_r_expected: assert (!r_end || r_out_q != '0)
        else $error("cdma_mode_gate: RLAST with no read burst on the bus");
      a_burst_cap: assert (burst_cap != '0 && 32'(burst_cap) <= MAX_BURST)
        else $error("cdma_mode_gate: burst cap %0d outside 1..%0d", burst_cap, MAX_BURST);
    end
  end
`endif

endmodule
