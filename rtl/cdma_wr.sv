// SPDX-License-Identifier: MIT
// cdma_wr: AXI4 write engine; splits (address, byte count) into INCR bursts (or FIXED ones at one
// address: KeyHoleWr) fed from a beat stream. It does not realign; it masks WSTRB to the bytes.
module cdma_wr
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH      = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH      = 32,
  // most beats per burst (2..256)
  parameter int unsigned MAX_BURST       = 256,
  // most bursts in flight (AW issued, B not yet received)
  parameter int unsigned MAX_OUTSTANDING = 4,
  // AXI ID width
  parameter int unsigned ID_WIDTH        = 4,
  // the fixed AWID
  parameter int unsigned AXI_ID          = 1
) (
  input  logic                    clk,
  input  logic                    rst,          // synchronous, active high; also the flush

  // command: write cmd_len bytes starting at cmd_addr (any byte alignment); cmd_fixed: every beat
  // to the beat at cmd_addr (FIXED bursts of at most 16 beats), else incrementing (INCR bursts)
  input  logic [ADDR_WIDTH-1:0]   cmd_addr,
  input  logic [BTT_WIDTH-1:0]    cmd_len,
  input  logic                    cmd_fixed,
  input  logic                    cmd_valid,
  output logic                    cmd_ready,

  // status: a one-cycle pulse once every B of the command has returned (or after halt_req)
  output logic                    done,
  output logic [1:0]              resp,         // worst BRESP of the command so far (level)
  input  logic                    halt_req,     // no more bursts; finish issued ones (WSTRB 0)
  // run-time limits (transfer mode): beats per burst 1..MAX_BURST, taken with each command (AW
  // and W split a command alike); bursts in flight 1..MAX_OUTSTANDING, for the next AW issued
  input  logic [8:0]              max_beats,
  input  logic [7:0]              max_out,

  // destination-grid beats (from cdma_realign)
  input  logic [DATA_WIDTH-1:0]   in_data,
  input  logic                    in_valid,
  output logic                    in_ready,

  // AXI4 write address channel
  output logic [ID_WIDTH-1:0]     m_axi_awid,
  output logic [ADDR_WIDTH-1:0]   m_axi_awaddr,
  output logic [7:0]              m_axi_awlen,
  output logic [2:0]              m_axi_awsize,
  output logic [1:0]              m_axi_awburst,
  output logic                    m_axi_awvalid,
  input  logic                    m_axi_awready,

  // AXI4 write data channel
  output logic [DATA_WIDTH-1:0]   m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0] m_axi_wstrb,
  output logic                    m_axi_wlast,
  output logic                    m_axi_wvalid,
  input  logic                    m_axi_wready,

  // AXI4 write response channel
  input  logic [ID_WIDTH-1:0]     m_axi_bid,
  input  logic [1:0]              m_axi_bresp,
  input  logic                    m_axi_bvalid,
  output logic                    m_axi_bready
);

  localparam int unsigned BPB     = DATA_WIDTH / 8;
  localparam int unsigned OFF_W   = $clog2(BPB);
  localparam int unsigned BEATS_W = BTT_WIDTH - OFF_W + 1;   // beats of the longest command
  localparam int unsigned SUM_W   = BTT_WIDTH + 1;           // offset + length + BPB - 1
  localparam int unsigned OUT_W   = $clog2(MAX_OUTSTANDING + 1);
  localparam int unsigned LEN_W   = $clog2(AXI_MAX_BURST + 1);
  // most beats of a FIXED burst
  localparam int unsigned FIXED_MAX = (MAX_BURST < AXI_MAX_FIXED_BURST) ? MAX_BURST
                                                                        : AXI_MAX_FIXED_BURST;

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_wr: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_wr: ADDR_WIDTH must be 32..64");
  end
  if (MAX_BURST < 2 || MAX_BURST > AXI_MAX_BURST) begin : g_check_max_burst
    $fatal(1, "cdma_wr: MAX_BURST must be 2..256");
  end
  if (MAX_OUTSTANDING < 1 || MAX_OUTSTANDING > 64) begin : g_check_max_outstanding
    $fatal(1, "cdma_wr: MAX_OUTSTANDING must be 1..64");
  end
  if (ID_WIDTH < 1 || AXI_ID >= (1 << ID_WIDTH)) begin : g_check_id
    $fatal(1, "cdma_wr: AXI_ID must fit in ID_WIDTH bits");
  end

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  logic                  active_q;                  // a command is in progress
  logic                  fixed_q;                   // the command writes FIXED bursts (keyhole)
  logic [LEN_W-1:0]      cap_q;                     // the command's burst limit (beats)
  // AW side
  logic [ADDR_WIDTH-1:0] aw_addr_q;                 // beat-aligned address of the next burst
  logic [BEATS_W-1:0]    aw_left_q;                 // beats not yet covered by an AW
  logic                  awvalid_q;
  logic [ADDR_WIDTH-1:0] awaddr_q;
  logic [7:0]            awlen_q;
  logic [OUT_W-1:0]      b_out_q;                   // bursts issued, B not yet received
  logic [OUT_W-1:0]      w_avail_q;                 // bursts accepted on AW, W not yet started
  // W side: it splits the same way as the AW side, so it recomputes each burst length
  logic [ADDR_WIDTH-1:0] w_addr_q;                  // beat-aligned address of the next W beat
  logic [BEATS_W-1:0]    w_left_q;                  // W beats of the command not yet loaded
  logic [LEN_W-1:0]      w_burst_q;                 // beats left in the current W burst
  logic                  first_q;                   // the next W beat is the command's first
  logic [BPB-1:0]        strb_first_q;              // WSTRB mask of the first beat
  logic [BPB-1:0]        strb_last_q;               // WSTRB mask of the last beat
  logic                  wvalid_q;
  logic [DATA_WIDTH-1:0] wdata_q;
  logic [BPB-1:0]        wstrb_q;
  logic                  wlast_q;
  logic [1:0]            resp_q;
  logic                  done_q;

  logic                  aw_take, w_free, w_have, w_load, b_take;
  logic [OFF_W-1:0]      cmd_off, cmd_end;

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign cmd_ready     = !active_q;
  assign done          = done_q;
  assign resp          = resp_q;

  assign m_axi_awid    = ID_WIDTH'(AXI_ID);
  assign m_axi_awaddr  = awaddr_q;
  assign m_axi_awlen   = awlen_q;
  assign m_axi_awsize  = 3'(OFF_W);
  assign m_axi_awburst = fixed_q ? BURST_FIXED : BURST_INCR;
  assign m_axi_awvalid = awvalid_q;
  assign m_axi_wdata   = wdata_q;
  assign m_axi_wstrb   = wstrb_q;
  assign m_axi_wlast   = wlast_q;
  assign m_axi_wvalid  = wvalid_q;
  assign m_axi_bready  = 1'b1;

  assign aw_take = m_axi_awvalid && m_axi_awready;
  assign b_take  = m_axi_bvalid && m_axi_bready;
  assign cmd_off = cmd_addr[OFF_W-1:0];
  assign cmd_end = cmd_off + cmd_len[OFF_W-1:0];   // (offset + length) mod BPB; 0 = full last beat

  // the W register can take a beat; a beat is owed when a burst is open or one was accepted on AW
  assign w_free = !wvalid_q || m_axi_wready;
  assign w_have = w_burst_q != '0 || w_avail_q != '0;
  // a real beat is taken from the stream; after halt_req the owed beats go out empty (WSTRB 0)
  assign in_ready = active_q && w_free && w_have && !halt_req;
  assign w_load   = active_q && w_free && w_have && (halt_req || in_valid);

  // ---------------------------------------------------------------------------------------------
  // Command, AW and W in one clocked process (README, Conventions: it reads the bus handshakes and
  // the beat stream, and only registers use its decisions); _d: next values used within it
  // ---------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    logic               awvalid_d, wvalid_d, aw_issue;
    logic [BEATS_W-1:0] aw_left_d;
    logic [LEN_W-1:0]   w_burst_d;
    logic [LEN_W-1:0]   aw_beats;                   // beats of the burst going on AW
    logic [LEN_W-1:0]   burst_left;                 // beats of the W burst left, this one included
    logic [OUT_W-1:0]   w_avail_d, b_out_d;
    logic [BPB-1:0]     wstrb_d;
    if (rst) begin
      active_q     <= 1'b0;
      fixed_q      <= 1'b0;
      cap_q        <= LEN_W'(MAX_BURST);
      aw_addr_q    <= '0;
      aw_left_q    <= '0;
      awvalid_q    <= 1'b0;
      awaddr_q     <= '0;
      awlen_q      <= '0;
      b_out_q      <= '0;
      w_avail_q    <= '0;
      w_addr_q     <= '0;
      w_left_q     <= '0;
      w_burst_q    <= '0;
      first_q      <= 1'b0;
      strb_first_q <= '0;
      strb_last_q  <= '0;
      wvalid_q     <= 1'b0;
      wdata_q      <= '0;
      wstrb_q      <= '0;
      wlast_q      <= 1'b0;
      resp_q       <= RESP_OKAY;
      done_q       <= 1'b0;
    end else begin
      awvalid_d = awvalid_q && !m_axi_awready;
      wvalid_d  = wvalid_q && !m_axi_wready;
      done_q   <= 1'b0;
      if (cmd_valid && cmd_ready) begin
        // new command: beat-aligned start, beats that cover the bytes, strobes of the end beats
        active_q     <= 1'b1;
        fixed_q      <= cmd_fixed;
        cap_q        <= (cmd_fixed && 32'(max_beats) > FIXED_MAX) ? LEN_W'(FIXED_MAX) : max_beats;
        aw_addr_q    <= {cmd_addr[ADDR_WIDTH-1:OFF_W], {OFF_W{1'b0}}};
        aw_left_q    <= BEATS_W'((SUM_W'(cmd_off) + SUM_W'(cmd_len) + SUM_W'(BPB - 1)) >> OFF_W);
        w_addr_q     <= {cmd_addr[ADDR_WIDTH-1:OFF_W], {OFF_W{1'b0}}};
        w_left_q     <= BEATS_W'((SUM_W'(cmd_off) + SUM_W'(cmd_len) + SUM_W'(BPB - 1)) >> OFF_W);
        w_burst_q    <= '0;
        first_q      <= 1'b1;
        strb_first_q <= {BPB{1'b1}} << cmd_off;
        strb_last_q  <= (cmd_end == '0) ? {BPB{1'b1}} : ~({BPB{1'b1}} << cmd_end);
        resp_q       <= RESP_OKAY;
      end else if (active_q) begin
        // AW: the next burst goes out when AW is free and fewer than max_out are in flight
        aw_issue  = !awvalid_d && !halt_req && aw_left_q != '0
                    && 8'(b_out_q - OUT_W'(b_take)) < max_out;
        aw_left_d = aw_left_q;
        if (aw_issue) begin
          // a FIXED burst stays on one beat address: no page limit, at most cap_q beats
          if (fixed_q) aw_beats = LEN_W'(burst_beats(0, 32'(aw_left_q), 32'(cap_q), OFF_W));
          else aw_beats = LEN_W'(burst_beats(32'(aw_addr_q[11:0]), 32'(aw_left_q), 32'(cap_q),
                                             OFF_W));
          awvalid_d = 1'b1;
          awaddr_q <= aw_addr_q;
          awlen_q  <= 8'(aw_beats - LEN_W'(1));
          if (!fixed_q) aw_addr_q <= aw_addr_q + ADDR_WIDTH'({aw_beats, {OFF_W{1'b0}}});
          aw_left_d = aw_left_q - BEATS_W'(aw_beats);
        end
        if (halt_req) begin
          aw_left_d = '0;
        end
        // W: one beat into the output register, data from the stream (or empty after halt_req)
        w_burst_d = w_burst_q;
        if (w_load) begin
          // a new W burst splits as its AW did
          if (w_burst_q != '0) burst_left = w_burst_q;
          else if (fixed_q) burst_left = LEN_W'(burst_beats(0, 32'(w_left_q), 32'(cap_q), OFF_W));
          else burst_left = LEN_W'(burst_beats(32'(w_addr_q[11:0]), 32'(w_left_q), 32'(cap_q),
                                               OFF_W));
          wvalid_d = 1'b1;
          wdata_q <= halt_req ? '0 : in_data;
          wstrb_d  = {BPB{1'b1}};
          if (first_q) wstrb_d = wstrb_d & strb_first_q;
          if (w_left_q == BEATS_W'(1)) wstrb_d = wstrb_d & strb_last_q;
          if (halt_req) wstrb_d = '0;
          wstrb_q <= wstrb_d;
          wlast_q <= burst_left == LEN_W'(1);
          w_burst_d = burst_left - LEN_W'(1);
          first_q <= 1'b0;
          if (!fixed_q) w_addr_q <= w_addr_q + ADDR_WIDTH'(BPB);
          w_left_q <= w_left_q - BEATS_W'(1);
        end
        w_avail_d = w_avail_q + OUT_W'(aw_take) - OUT_W'(w_load && w_burst_q == '0);
        b_out_d   = b_out_q + OUT_W'(aw_issue) - OUT_W'(b_take);
        if (b_take) begin
          resp_q <= resp_worst(resp_q, m_axi_bresp);
        end
        // finished once every AW is accepted, every owed W beat sent and every B back
        if (aw_left_d == '0 && !awvalid_d && w_avail_d == '0 && w_burst_d == '0 && !wvalid_d
            && b_out_d == '0) begin
          active_q <= 1'b0;
          done_q   <= 1'b1;
        end
        aw_left_q <= aw_left_d;
        w_burst_q <= w_burst_d;
        w_avail_q <= w_avail_d;
        b_out_q   <= b_out_d;
      end
      awvalid_q <= awvalid_d;
      wvalid_q  <= wvalid_d;
    end
  end

  // BID is fixed (one ID, in order)
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{m_axi_bid};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Protocol rules this engine relies on
  // -----------------------------------------------------------------------------------------------
  logic                  awvalid_prev_q, awready_prev_q;
  logic [ADDR_WIDTH-1:0] awaddr_prev_q;
  logic [7:0]            awlen_prev_q;
  logic                  wvalid_prev_q, wready_prev_q;
  logic [DATA_WIDTH-1:0] wdata_prev_q;
  logic [BPB-1:0]        wstrb_prev_q;
  logic                  wlast_prev_q;
  logic [12:0]           aw_end;

  // a shadow queue of accepted AWLENs checks that WLAST falls on the last beat of each burst
  localparam int unsigned SQ_W = $clog2(MAX_OUTSTANDING + 1);
  logic [8:0]            w_count_q;   // beats sent in the current W burst
  logic [7:0]            sq_len_q [2**SQ_W];
  logic [SQ_W-1:0]       sq_wr_q, sq_rd_q;
  logic [SQ_W:0]         sq_cnt_q;
  logic                  w_take, w_end;

  // a FIXED burst touches one beat only
  assign aw_end = 13'(awaddr_q[11:0]) + (fixed_q ? 13'(BPB) : 13'((32'(awlen_q) + 1) << OFF_W));
  assign w_take = m_axi_wvalid && m_axi_wready;
  assign w_end  = w_take && m_axi_wlast;

  always_ff @(posedge clk) begin
    awvalid_prev_q <= m_axi_awvalid && !rst;
    awready_prev_q <= m_axi_awready;
    awaddr_prev_q  <= m_axi_awaddr;
    awlen_prev_q   <= m_axi_awlen;
    wvalid_prev_q  <= m_axi_wvalid && !rst;
    wready_prev_q  <= m_axi_wready;
    wdata_prev_q   <= m_axi_wdata;
    wstrb_prev_q   <= m_axi_wstrb;
    wlast_prev_q   <= m_axi_wlast;
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      w_count_q <= '0;
      sq_wr_q   <= '0;
      sq_rd_q   <= '0;
      sq_cnt_q  <= '0;
    end else begin
      if (w_take) w_count_q <= m_axi_wlast ? 9'd0 : w_count_q + 9'd1;
      if (aw_take) begin
        sq_len_q[sq_wr_q] <= m_axi_awlen;
        sq_wr_q           <= sq_wr_q + SQ_W'(1);
      end
      if (w_end) sq_rd_q <= sq_rd_q + SQ_W'(1);
      sq_cnt_q <= sq_cnt_q + (SQ_W + 1)'(aw_take) - (SQ_W + 1)'(w_end);
    end
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_aw_stable: assert (!(awvalid_prev_q && !awready_prev_q)
                           || (m_axi_awvalid && m_axi_awaddr == awaddr_prev_q
                               && m_axi_awlen == awlen_prev_q))
        else $error("cdma_wr: AW dropped or changed before AWREADY");
      a_w_stable: assert (!(wvalid_prev_q && !wready_prev_q)
                          || (m_axi_wvalid && m_axi_wdata == wdata_prev_q
                              && m_axi_wstrb == wstrb_prev_q && m_axi_wlast == wlast_prev_q))
        else $error("cdma_wr: W dropped or changed before WREADY");
      a_aw_4k: assert (!m_axi_awvalid || aw_end <= 13'(AXI_PAGE_BYTES))
        else $error("cdma_wr: burst at %h crosses a 4 KiB boundary", m_axi_awaddr);
      a_aw_len: assert (!m_axi_awvalid || 32'(m_axi_awlen) < MAX_BURST)
        else $error("cdma_wr: AWLEN %0d exceeds MAX_BURST", m_axi_awlen);
      a_aw_fixed_len: assert (!m_axi_awvalid || m_axi_awburst != BURST_FIXED
                              || 32'(m_axi_awlen) < AXI_MAX_FIXED_BURST)
        else $error("cdma_wr: FIXED burst of %0d beats", 32'(m_axi_awlen) + 1);
      a_w_after_aw: assert (!m_axi_wvalid || sq_cnt_q != '0)
        else $error("cdma_wr: W beat before its AW was accepted");
      a_wlast: assert (!(m_axi_wvalid && sq_cnt_q != '0)
                       || m_axi_wlast == (w_count_q == 9'(sq_len_q[sq_rd_q])))
        else $error("cdma_wr: WLAST not on the last beat of the burst");
      a_b_expected: assert (!m_axi_bvalid || b_out_q != '0)
        else $error("cdma_wr: B response with no burst in flight");
    end
  end
`endif

endmodule
