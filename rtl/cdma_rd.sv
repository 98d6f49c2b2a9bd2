// SPDX-License-Identifier: MIT
// cdma_rd: AXI4 read engine; splits (address, byte count) into full-width bursts into a FIFO: INCR,
// or FIXED at one address (KeyHoleRd). It does not realign bytes and never stalls R (room first).
module cdma_rd
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH      = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH      = 32,
  // most beats per burst (2..256)
  parameter int unsigned MAX_BURST       = 256,
  // most bursts in flight (AR issued, last R beat not yet received)
  parameter int unsigned MAX_OUTSTANDING = 4,
  // AXI ID width
  parameter int unsigned ID_WIDTH        = 4,
  // the fixed ARID
  parameter int unsigned AXI_ID          = 1,
  // entries of the FIFO behind the engine (credits to hand out)
  parameter int unsigned FIFO_DEPTH      = 1024
) (
  input  logic                    clk,
  input  logic                    rst,          // synchronous, active high; also the flush

  // command: read cmd_len bytes from cmd_addr (any byte alignment); cmd_fixed: every beat from
  // the beat at cmd_addr (FIXED bursts of at most 16 beats), else incrementing (INCR bursts)
  input  logic [ADDR_WIDTH-1:0]   cmd_addr,
  input  logic [BTT_WIDTH-1:0]    cmd_len,
  input  logic                    cmd_fixed,
  input  logic                    cmd_valid,
  output logic                    cmd_ready,

  // status: a one-cycle pulse once every burst of the command has returned (or after halt_req)
  output logic                    done,
  output logic [1:0]              resp,         // worst RRESP of the command so far (level)
  input  logic                    halt_req,     // issue no more bursts; drain those in flight
  // run-time limits (transfer mode): beats per burst 1..MAX_BURST, bursts in flight
  // 1..MAX_OUTSTANDING; they apply to the next burst issued
  input  logic [8:0]              max_beats,
  input  logic [7:0]              max_out,

  // data out to the FIFO (no ready: room was reserved); fifo_pop returns one credit
  output logic [DATA_WIDTH-1:0]   fifo_data,
  output logic                    fifo_push,
  input  logic                    fifo_pop,

  // AXI4 read address channel
  output logic [ID_WIDTH-1:0]     m_axi_arid,
  output logic [ADDR_WIDTH-1:0]   m_axi_araddr,
  output logic [7:0]              m_axi_arlen,
  output logic [2:0]              m_axi_arsize,
  output logic [1:0]              m_axi_arburst,
  output logic                    m_axi_arvalid,
  input  logic                    m_axi_arready,

  // AXI4 read data channel
  input  logic [ID_WIDTH-1:0]     m_axi_rid,
  input  logic [DATA_WIDTH-1:0]   m_axi_rdata,
  input  logic [1:0]              m_axi_rresp,
  input  logic                    m_axi_rlast,
  input  logic                    m_axi_rvalid,
  output logic                    m_axi_rready
);

  localparam int unsigned BPB      = DATA_WIDTH / 8;           // bytes per beat
  localparam int unsigned OFF_W    = $clog2(BPB);              // byte-offset bits inside a beat
  localparam int unsigned BEATS_W  = BTT_WIDTH - OFF_W + 1;    // beats of the longest command
  localparam int unsigned SUM_W    = BTT_WIDTH + 1;            // offset + length + BPB - 1
  localparam int unsigned OUT_W    = $clog2(MAX_OUTSTANDING + 1);
  localparam int unsigned CREDIT_W = $clog2(FIFO_DEPTH + 1);
  localparam int unsigned LEN_W    = $clog2(AXI_MAX_BURST + 1);  // holds 1..256
  // most beats of a FIXED burst
  localparam int unsigned FIXED_MAX = (MAX_BURST < AXI_MAX_FIXED_BURST) ? MAX_BURST
                                                                         : AXI_MAX_FIXED_BURST;

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_rd: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_rd: ADDR_WIDTH must be 32..64");
  end
  if (MAX_BURST < 2 || MAX_BURST > AXI_MAX_BURST) begin : g_check_max_burst
    $fatal(1, "cdma_rd: MAX_BURST must be 2..256");
  end
  if (MAX_OUTSTANDING < 1 || MAX_OUTSTANDING > 64) begin : g_check_max_outstanding
    $fatal(1, "cdma_rd: MAX_OUTSTANDING must be 1..64");
  end
  if (FIFO_DEPTH < MAX_BURST) begin : g_check_fifo_depth
    $fatal(1, "cdma_rd: FIFO_DEPTH must hold at least one MAX_BURST burst");
  end
  if (ID_WIDTH < 1 || AXI_ID >= (1 << ID_WIDTH)) begin : g_check_id
    $fatal(1, "cdma_rd: AXI_ID must fit in ID_WIDTH bits");
  end

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  logic                  active_q;                  // a command is in progress
  logic                  fixed_q;                   // the command reads FIXED bursts (keyhole)
  logic [ADDR_WIDTH-1:0] addr_q;                    // beat-aligned address of the next burst
  logic [BEATS_W-1:0]    left_q;                    // beats not yet requested
  logic                  arvalid_q;
  logic [ADDR_WIDTH-1:0] araddr_q;
  logic [7:0]            arlen_q;
  logic [OUT_W-1:0]      out_q;                     // bursts issued, last beat not yet seen
  logic [CREDIT_W-1:0]   credit_q;                  // FIFO entries neither used nor reserved
  logic [1:0]            resp_q;
  logic                  done_q;

  logic                  r_beat, r_last;
  logic [OFF_W-1:0]      cmd_off;

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign cmd_ready     = !active_q;
  assign done          = done_q;
  assign resp          = resp_q;

  assign m_axi_arid    = ID_WIDTH'(AXI_ID);
  assign m_axi_araddr  = araddr_q;
  assign m_axi_arlen   = arlen_q;
  assign m_axi_arsize  = 3'(OFF_W);
  assign m_axi_arburst = fixed_q ? BURST_FIXED : BURST_INCR;
  assign m_axi_arvalid = arvalid_q;
  // room for every beat in flight was reserved before its burst was issued
  assign m_axi_rready  = 1'b1;

  assign r_beat        = m_axi_rvalid && m_axi_rready;
  assign r_last        = r_beat && m_axi_rlast;
  assign fifo_data     = m_axi_rdata;
  assign fifo_push     = r_beat;

  assign cmd_off       = cmd_addr[OFF_W-1:0];

  // ---------------------------------------------------------------------------------------------
  // Burst issue: a new burst goes out when AR is free (or being taken this cycle), beats are left,
  // fewer than max_out bursts are in flight and the FIFO has room for all of its beats.
  // One clocked process (README, Conventions: it reads the bus handshakes and only registers use
  // its decisions); _d: next values used within it.
  // ---------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    logic                arvalid_d, issue;
    logic [LEN_W-1:0]    next_beats;                // beats of the burst that could go next
    logic [BEATS_W-1:0]  left_d;
    logic [OUT_W-1:0]    out_d;
    logic [CREDIT_W-1:0] credit_d;
    if (rst) begin
      active_q  <= 1'b0;
      fixed_q   <= 1'b0;
      addr_q    <= '0;
      left_q    <= '0;
      arvalid_q <= 1'b0;
      araddr_q  <= '0;
      arlen_q   <= '0;
      out_q     <= '0;
      credit_q  <= CREDIT_W'(FIFO_DEPTH);
      resp_q    <= RESP_OKAY;
      done_q    <= 1'b0;
    end else begin
      arvalid_d = arvalid_q && !m_axi_arready;
      credit_d  = credit_q + CREDIT_W'(fifo_pop);
      done_q   <= 1'b0;
      if (cmd_valid && cmd_ready) begin
        // new command: align the start down to the beat, count the beats that cover it
        active_q <= 1'b1;
        fixed_q  <= cmd_fixed;
        addr_q   <= {cmd_addr[ADDR_WIDTH-1:OFF_W], {OFF_W{1'b0}}};
        left_q   <= BEATS_W'((SUM_W'(cmd_off) + SUM_W'(cmd_len) + SUM_W'(BPB - 1)) >> OFF_W);
        resp_q   <= RESP_OKAY;
      end else if (active_q) begin
        issue  = !arvalid_d && !halt_req && left_q != '0
                 && 8'(out_q - OUT_W'(r_last)) < max_out;
        if (issue) begin
          // a FIXED burst stays on one beat address: no page limit, at most FIXED_MAX beats
          if (fixed_q) begin
            next_beats = LEN_W'(burst_beats(0, 32'(left_q),
                                            (32'(max_beats) < FIXED_MAX) ? 32'(max_beats)
                                                                         : FIXED_MAX, OFF_W));
          end else begin
            next_beats = LEN_W'(burst_beats(32'(addr_q[11:0]), 32'(left_q), 32'(max_beats),
                                            OFF_W));
          end
          issue = credit_d >= CREDIT_W'(next_beats);  // a beat popped this cycle frees its slot
        end
        left_d = left_q;
        if (issue) begin
          arvalid_d = 1'b1;
          araddr_q <= addr_q;
          arlen_q  <= 8'(next_beats - LEN_W'(1));
          if (!fixed_q) addr_q <= addr_q + ADDR_WIDTH'({next_beats, {OFF_W{1'b0}}});
          left_d    = left_q - BEATS_W'(next_beats);
          credit_d  = credit_d - CREDIT_W'(next_beats);
        end
        if (halt_req) begin
          left_d = '0;
        end
        if (r_beat) begin
          resp_q <= resp_worst(resp_q, m_axi_rresp);
        end
        out_d = out_q + OUT_W'(issue) - OUT_W'(r_last);
        // finished once nothing is left to issue and nothing is in flight
        if (left_d == '0 && !arvalid_d && out_d == '0) begin
          active_q <= 1'b0;
          done_q   <= 1'b1;
        end
        left_q <= left_d;
        out_q  <= out_d;
      end
      arvalid_q <= arvalid_d;
      credit_q  <= credit_d;
    end
  end

  // RID is fixed (one ID, in-order); the low address bits of a page offset are zero by construction
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{m_axi_rid};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Protocol rules this engine relies on
  // -----------------------------------------------------------------------------------------------
  logic                  arvalid_prev_q;
  logic                  arready_prev_q;
  logic [ADDR_WIDTH-1:0] araddr_prev_q;
  logic [7:0]            arlen_prev_q;
  logic [12:0]           ar_end;
  // a FIXED burst touches one beat only
  assign ar_end = 13'(araddr_q[11:0]) + (fixed_q ? 13'(BPB) : 13'((32'(arlen_q) + 1) << OFF_W));

  always_ff @(posedge clk) begin
    arvalid_prev_q <= m_axi_arvalid && !rst;
    arready_prev_q <= m_axi_arready;
    araddr_prev_q  <= m_axi_araddr;
    arlen_prev_q   <= m_axi_arlen;
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_ar_stable: assert (!(arvalid_prev_q && !arready_prev_q)
                           || (m_axi_arvalid && m_axi_araddr == araddr_prev_q
                               && m_axi_arlen == arlen_prev_q))
        else $error("cdma_rd: AR dropped or changed before ARREADY");
      a_ar_4k: assert (!m_axi_arvalid || ar_end <= 13'(AXI_PAGE_BYTES))
        else $error("cdma_rd: burst at %h crosses a 4 KiB boundary", m_axi_araddr);
      a_ar_len: assert (!m_axi_arvalid || 32'(m_axi_arlen) < MAX_BURST)
        else $error("cdma_rd: ARLEN %0d exceeds MAX_BURST", m_axi_arlen);
      a_ar_fixed_len: assert (!m_axi_arvalid || m_axi_arburst != BURST_FIXED
                              || 32'(m_axi_arlen) < AXI_MAX_FIXED_BURST)
        else $error("cdma_rd: FIXED burst of %0d beats", 32'(m_axi_arlen) + 1);
      a_r_expected: assert (!m_axi_rvalid || out_q != '0)
        else $error("cdma_rd: R beat with no burst in flight");
      a_credit: assert (credit_q <= CREDIT_W'(FIFO_DEPTH))
        else $error("cdma_rd: credit counter overflow");
    end
  end
`endif

endmodule
