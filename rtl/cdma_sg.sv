// SPDX-License-Identifier: MIT
// cdma_sg: scatter-gather engine; fetches descriptors, hands each to cdma_ctrl, writes back STATUS.
// It owns the bus only between transfers (fetch, write-back); in simple mode it passes starts on.

// Walk: fetch CURDESC (bytes 0x00..0x1F: one INCR burst, or several of at most max_beats beats
// one after the other when the transfer mode caps bursts) -> check it (Cmplt = 1 -> SGIntErr,
// BTT = 0 -> DMAIntErr) -> run (SA, DA, BTT) through cdma_ctrl -> write STATUS (one 4-byte write at
// +0x1C) -> stop if it was TAILDESC, else follow NXTDESC. CURDESC follows the descriptor being
// worked on, so after an error it names the failing one. A TAILDESC write after the tail stopped
// the walk resumes at the tail's NXTDESC, unless software wrote CURDESC in between. Cyclic mode
// ignores Cmplt and TAILDESC (except as the trigger) and walks until CDMACR.Reset or an error.
module cdma_sg
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH = 32,
  // AXI4 ID width
  parameter int unsigned ID_WIDTH   = 4,
  // the fixed ARID / AWID of the engine
  parameter int unsigned AXI_ID     = 1
) (
  input  logic                    clk,
  input  logic                    rst,            // synchronous, active high; also the soft reset

  // from the register file: a simple-mode start (passed through while idle) ...
  input  logic                    start,
  input  logic [ADDR_WIDTH-1:0]   start_sa,
  input  logic [ADDR_WIDTH-1:0]   start_da,
  input  logic [BTT_WIDTH-1:0]    start_btt,
  // ... an SG start (TAILDESC written while idle in SG mode), the pointers and the walk options
  input  logic                    sg_start,
  input  logic [ADDR_WIDTH-1:0]   sg_cur,         // CURDESC
  input  logic [ADDR_WIDTH-1:0]   sg_tail,        // TAILDESC
  input  logic                    tail_wr,        // TAILDESC (or its MSB) is written this cycle
  input  logic                    cur_sw_wr,      // software changes CURDESC this cycle
  input  logic                    cyclic,
  input  logic                    soft_reset_req,
  // the longest burst the transfer mode allows (beats, >= 1)
  input  logic [8:0]              max_beats,

  // to the register file: the transfer or the walk ended (err says why; err2 is a second error
  // that came with it: a failed STATUS write-back after a data error), a descriptor completed,
  // CURDESC moves to cur_addr
  output logic                    done,
  output dma_err_e                done_err,
  output dma_err_e                done_err2,
  output logic                    desc_done,
  output logic                    cur_wr,
  output logic [ADDR_WIDTH-1:0]   cur_addr,

  // to cdma_ctrl: one transfer at a time; its completion; the soft-reset request, held back while
  // a descriptor access is on the bus so that the reset never cuts a burst
  output logic                    xfer_start,
  output logic [ADDR_WIDTH-1:0]   xfer_sa,
  output logic [ADDR_WIDTH-1:0]   xfer_da,
  output logic [BTT_WIDTH-1:0]    xfer_btt,
  input  logic                    xfer_done,
  input  dma_err_e                xfer_err,
  output logic                    ctrl_soft_reset_req,

  // 1 while the engine owns the AXI4 master (see cdma_axi_mux)
  output logic                    bus_sel,

  // AXI4 master: descriptor fetch (AR/R) and STATUS write-back (AW/W/B)
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
  input  logic [DATA_WIDTH-1:0]   m_axi_rdata,
  input  logic [1:0]              m_axi_rresp,
  input  logic                    m_axi_rlast,
  input  logic                    m_axi_rvalid,
  output logic                    m_axi_rready
);

  localparam int unsigned BPB         = DATA_WIDTH / 8;
  localparam int unsigned OFF_W       = $clog2(BPB);
  localparam int unsigned DESC_BITS   = DESC_FETCH_BYTES * 8;
  localparam int unsigned FETCH_BEATS = DESC_FETCH_BYTES / BPB;       // 8, 4 or 2
  localparam int unsigned BEAT_W      = $clog2(FETCH_BEATS);
  localparam int unsigned STS_LANE    = (DESC_STATUS_OFFSET % BPB) / 4; // 32-bit lane of STATUS

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_sg: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_sg: ADDR_WIDTH must be 32..64");
  end
  if (ID_WIDTH < 1 || AXI_ID >= (1 << ID_WIDTH)) begin : g_check_id
    $fatal(1, "cdma_sg: AXI_ID must fit in ID_WIDTH bits");
  end

  typedef enum logic [2:0] {
    ST_IDLE,
    ST_FETCH,
    ST_CHECK,
    ST_XFER,
    ST_UPDATE,
    ST_NEXT
  } state_e;

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  state_e                state_q;
  logic [ADDR_WIDTH-1:0] desc_addr_q;               // the descriptor being worked on
  logic [DESC_BITS-1:0]  desc_q;                    // its words 0x00..0x1F
  logic [BEAT_W-1:0]     beat_q;                    // R beats of the fetch received so far
  logic [BEAT_W-1:0]     fetch_last_q;              // the beat that ends the fetch burst on AR
  logic [1:0]            rresp_q;                   // worst RRESP of the fetch
  logic                  arvalid_q;
  logic                  awvalid_q;
  logic                  wvalid_q;
  logic [31:0]           status_q;                  // the STATUS word being written back
  dma_err_e              err_q;                     // result of the descriptor's transfer
  logic [ADDR_WIDTH-1:0] next_q;                    // NXTDESC of the last completed descriptor
  logic                  resume_q;                  // a TAILDESC write resumes at next_q

  // fields of the fetched descriptor
  logic [63:0]           d_nxt, d_sa, d_da;
  logic [31:0]           d_control, d_status;
  logic [ADDR_WIDTH-1:0] nxt_addr;                  // NXTDESC, 64-byte aligned
  logic [BTT_WIDTH-1:0]  d_btt;
  logic                  r_beat, r_end, b_take;
  logic                  check_stale;               // Cmplt set and not cyclic: SGIntErr
  logic                  check_go;                  // the fetched descriptor starts a transfer
  dma_err_e              fetch_err;                 // SG error of the fetch (worst RRESP)
  dma_err_e              b_err;                     // SG error of the write-back (BRESP)

  // the last beat of a fetch burst that starts at beat `first`: at most `cap` beats
  function automatic logic [BEAT_W-1:0] burst_last(input logic [BEAT_W-1:0] first,
                                                   input logic [8:0] cap);
    int unsigned last;
    last = 32'(first) + 32'(cap) - 1;
    return BEAT_W'((last < FETCH_BEATS - 1) ? last : FETCH_BEATS - 1);
  endfunction

  function automatic logic [31:0] desc_word(input logic [DESC_BITS-1:0] d, input int unsigned off);
    return d[8 * off +: 32];
  endfunction

  // the STATUS word written back: Cmplt only on success, the error bit of the transfer's result,
  // the reserved bits as they were read
  function automatic logic [31:0] status_word(input dma_err_e err, input logic [31:0] fetched);
    logic [31:0] s;
    s = fetched;
    s[DESC_STATUS_CMPLT_BIT]     = err == DMA_ERR_NONE;
    s[DESC_STATUS_DMADECERR_BIT] = err == DMA_ERR_DMA_DEC;
    s[DESC_STATUS_DMASLVERR_BIT] = err == DMA_ERR_DMA_SLV;
    s[DESC_STATUS_DMAINTERR_BIT] = err == DMA_ERR_DMA_INT;
    return s;
  endfunction

  // the fields, taken apart only while a descriptor is being worked on (idle, none is used)
  always_comb begin
    d_nxt     = '0;
    d_sa      = '0;
    d_da      = '0;
    d_control = '0;
    d_status  = '0;
    if (state_q != ST_IDLE) begin
      d_nxt     = {desc_word(desc_q, DESC_NXTDESC_MSB_OFFSET),
                   desc_word(desc_q, DESC_NXTDESC_OFFSET)};
      d_sa      = {desc_word(desc_q, DESC_SA_MSB_OFFSET), desc_word(desc_q, DESC_SA_OFFSET)};
      d_da      = {desc_word(desc_q, DESC_DA_MSB_OFFSET), desc_word(desc_q, DESC_DA_OFFSET)};
      d_control = desc_word(desc_q, DESC_CONTROL_OFFSET);
      d_status  = desc_word(desc_q, DESC_STATUS_OFFSET);
    end
  end
  assign d_btt     = d_control[BTT_WIDTH-1:0];
  assign nxt_addr  = {d_nxt[ADDR_WIDTH-1:DESC_ALIGN_BITS], {DESC_ALIGN_BITS{1'b0}}};
  assign check_stale = d_status[DESC_STATUS_CMPLT_BIT] && !cyclic;
  assign check_go    = !soft_reset_req && !check_stale && d_btt != '0;

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign bus_sel       = state_q == ST_FETCH || state_q == ST_UPDATE;
  assign ctrl_soft_reset_req = soft_reset_req && !bus_sel;

  // while idle the register file's simple-mode start goes straight to the sequencer
  assign xfer_sa       = (state_q == ST_IDLE) ? start_sa  : d_sa[ADDR_WIDTH-1:0];
  assign xfer_da       = (state_q == ST_IDLE) ? start_da  : d_da[ADDR_WIDTH-1:0];
  assign xfer_btt      = (state_q == ST_IDLE) ? start_btt : d_btt;
  assign xfer_start    = (state_q == ST_IDLE) ? start : (state_q == ST_CHECK && check_go);

  // fetch: words 0x00..0x1F of a 64-byte aligned descriptor, full-width INCR, never across 4 KiB;
  // a burst from the next beat not yet received to fetch_last_q (beat_q holds still while AR waits)
  assign m_axi_arid    = ID_WIDTH'(AXI_ID);
  assign m_axi_araddr  = desc_addr_q | ADDR_WIDTH'(32'(beat_q) << OFF_W);
  assign m_axi_arlen   = 8'(fetch_last_q - beat_q);
  assign m_axi_arsize  = 3'(OFF_W);
  assign m_axi_arburst = BURST_INCR;
  assign m_axi_arvalid = arvalid_q;
  assign m_axi_rready  = state_q == ST_FETCH;

  // write-back: one 4-byte beat at +0x1C, strobes on STATUS's four byte lanes only
  assign m_axi_awid    = ID_WIDTH'(AXI_ID);
  assign m_axi_awaddr  = desc_addr_q | ADDR_WIDTH'(DESC_STATUS_OFFSET);
  assign m_axi_awlen   = 8'd0;
  assign m_axi_awsize  = 3'd2;
  assign m_axi_awburst = BURST_INCR;
  assign m_axi_awvalid = awvalid_q;
  assign m_axi_wdata   = {(BPB / 4){status_q}};
  assign m_axi_wstrb   = (DATA_WIDTH / 8)'(4'hF) << (4 * STS_LANE);
  assign m_axi_wlast   = 1'b1;
  assign m_axi_wvalid  = wvalid_q;
  assign m_axi_bready  = state_q == ST_UPDATE;

  assign r_beat = m_axi_rvalid && m_axi_rready;
  assign r_end  = r_beat && m_axi_rlast;
  assign b_take = m_axi_bvalid && m_axi_bready;

  function automatic dma_err_e sg_err(input logic [1:0] resp);
    unique case (resp)
      RESP_DECERR: return DMA_ERR_SG_DEC;
      RESP_SLVERR: return DMA_ERR_SG_SLV;
      default:     return DMA_ERR_NONE;
    endcase
  endfunction

  // worked out only in the state that uses each
  always_comb begin
    fetch_err = DMA_ERR_NONE;
    b_err     = DMA_ERR_NONE;
    if (state_q == ST_FETCH)  fetch_err = sg_err(resp_worst(rresp_q, m_axi_rresp));
    if (state_q == ST_UPDATE) b_err     = sg_err(m_axi_bresp);
  end

  // ---------------------------------------------------------------------------------------------
  // Walk: what it tells the register file in this cycle (combinational) ...
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    // the sequencer's completion belongs to the register file unless a descriptor is running
    done      = state_q == ST_IDLE && xfer_done;
    done_err  = xfer_err;
    done_err2 = DMA_ERR_NONE;
    desc_done = 1'b0;
    cur_wr    = 1'b0;
    cur_addr  = desc_addr_q;
    unique case (state_q)
      // a TAILDESC write starts the walk at CURDESC, or resumes it
      ST_IDLE: begin
        if (sg_start && !soft_reset_req) begin
          cur_wr   = 1'b1;
          cur_addr = resume_q ? next_q : sg_cur;
        end
      end
      // a bad response to the fetch's last burst halts with SGSlvErr/SGDecErr
      ST_FETCH: begin
        if (r_end && !soft_reset_req && fetch_err != DMA_ERR_NONE) begin
          done     = 1'b1;
          done_err = fetch_err;
        end
      end
      // a completed descriptor halts (SGIntErr) unless cyclic
      ST_CHECK: begin
        if (!soft_reset_req && check_stale) begin
          done     = 1'b1;
          done_err = DMA_ERR_SG_INT;
        end
      end
      // a bad BRESP halts with SGSlvErr/SGDecErr, a data error halts here
      ST_UPDATE: begin
        if (b_take && !soft_reset_req && (b_err != DMA_ERR_NONE || err_q != DMA_ERR_NONE)) begin
          done      = 1'b1;
          done_err  = (err_q != DMA_ERR_NONE) ? err_q : b_err;
          done_err2 = (err_q != DMA_ERR_NONE) ? b_err : DMA_ERR_NONE;
        end
      end
      // the descriptor is complete: the walk ends after the tail, else CURDESC moves on
      ST_NEXT: begin
        if (!tail_wr) begin
          desc_done = 1'b1;
          if (!cyclic && desc_addr_q == sg_tail) begin
            done     = 1'b1;
            done_err = DMA_ERR_NONE;
          end else if (!soft_reset_req) begin
            cur_wr   = 1'b1;
            cur_addr = next_q;
          end
        end
      end
      default: ;
    endcase
  end

  // ... and the walk itself, in one clocked process (README, Conventions: it reads the bus
  // handshakes and only registers use its decisions)
  always_ff @(posedge clk) begin
    if (rst) begin
      state_q      <= ST_IDLE;
      desc_addr_q  <= '0;
      desc_q       <= '0;
      beat_q       <= '0;
      fetch_last_q <= '0;
      rresp_q      <= RESP_OKAY;
      arvalid_q    <= 1'b0;
      awvalid_q    <= 1'b0;
      wvalid_q     <= 1'b0;
      status_q     <= '0;
      err_q        <= DMA_ERR_NONE;
      next_q       <= '0;
      resume_q     <= 1'b0;
    end else begin
      if (m_axi_arready) arvalid_q <= 1'b0;
      if (m_axi_awready) awvalid_q <= 1'b0;
      if (m_axi_wready)  wvalid_q  <= 1'b0;
      if (cur_wr) begin
        // the walk starts (ST_IDLE) or moves on (ST_NEXT): fetch the descriptor CURDESC now names
        state_q      <= ST_FETCH;
        desc_addr_q  <= cur_addr;
        arvalid_q    <= 1'b1;
        beat_q       <= '0;
        fetch_last_q <= burst_last('0, max_beats);
        rresp_q      <= RESP_OKAY;
      end
      if (cur_sw_wr)     resume_q  <= 1'b0;
      unique case (state_q)
        // simple mode passes through; a TAILDESC write starts the walk at CURDESC, or resumes it
        // (cur_wr, above)
        ST_IDLE: ;
        // read the descriptor, burst after burst; a bad response halts with SGSlvErr/SGDecErr
        // (CURDESC names it)
        ST_FETCH: begin
          if (r_beat) begin
            desc_q[DATA_WIDTH * beat_q +: DATA_WIDTH] <= m_axi_rdata;
            beat_q  <= beat_q + BEAT_W'(1);
            rresp_q <= resp_worst(rresp_q, m_axi_rresp);
          end
          if (r_end) begin
            if (soft_reset_req) begin
              state_q <= ST_IDLE;          // parked until the soft reset clears the engine
            end else if (fetch_err != DMA_ERR_NONE) begin
              state_q  <= ST_IDLE;
              resume_q <= 1'b0;
            end else if (beat_q != BEAT_W'(FETCH_BEATS - 1)) begin
              arvalid_q    <= 1'b1;              // the next burst of the fetch
              fetch_last_q <= burst_last(beat_q + BEAT_W'(1), max_beats);
            end else begin
              state_q <= ST_CHECK;
            end
          end
        end
        // a completed descriptor halts (SGIntErr) unless cyclic; BTT = 0 fails without bus traffic
        ST_CHECK: begin
          if (soft_reset_req) begin
            state_q <= ST_IDLE;
          end else if (check_stale) begin
            state_q  <= ST_IDLE;
            resume_q <= 1'b0;
          end else if (d_btt == '0) begin
            state_q   <= ST_UPDATE;
            err_q     <= DMA_ERR_DMA_INT;
            status_q  <= status_word(DMA_ERR_DMA_INT, d_status);
            awvalid_q <= 1'b1;
            wvalid_q  <= 1'b1;
          end else begin
            state_q <= ST_XFER;            // xfer_start (check_go) is high in this cycle
          end
        end
        // the data engines move the bytes; then write STATUS (also after a data error)
        ST_XFER: begin
          if (xfer_done) begin
            state_q   <= ST_UPDATE;
            err_q     <= xfer_err;
            status_q  <= status_word(xfer_err, d_status);
            awvalid_q <= 1'b1;
            wvalid_q  <= 1'b1;
          end
        end
        // STATUS on the bus; a bad BRESP halts with SGSlvErr/SGDecErr, a data error halts here
        ST_UPDATE: begin
          if (b_take) begin
            if (soft_reset_req) begin
              state_q <= ST_IDLE;
            end else if (b_err != DMA_ERR_NONE || err_q != DMA_ERR_NONE) begin
              state_q  <= ST_IDLE;
              resume_q <= 1'b0;
            end else begin
              state_q <= ST_NEXT;
              next_q  <= nxt_addr;
            end
          end
        end
        // the descriptor is complete: stop after the tail (unless cyclic), else fetch NXTDESC
        // (cur_wr, above); a TAILDESC write in this very cycle is waited out so that the new tail
        // counts
        ST_NEXT: begin
          if (!tail_wr) begin
            if (!cyclic && desc_addr_q == sg_tail) begin
              state_q  <= ST_IDLE;
              resume_q <= 1'b1;
            end else if (soft_reset_req) begin
              state_q <= ST_IDLE;
            end
          end
        end
        default: state_q <= ST_IDLE;
      endcase
    end
  end

  // address bits above ADDR_WIDTH, the low NXTDESC bits and CONTROL's reserved bits are ignored
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{d_nxt, d_sa, d_da, d_control};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Protocol rules this engine relies on
  // -----------------------------------------------------------------------------------------------
  logic aw_done_q, w_done_q;   // the write-back's AW / W have been taken
  always_ff @(posedge clk) begin
    if (rst || state_q != ST_UPDATE) begin
      aw_done_q <= 1'b0;
      w_done_q  <= 1'b0;
    end else begin
      aw_done_q <= aw_done_q || (m_axi_awvalid && m_axi_awready);
      w_done_q  <= w_done_q || (m_axi_wvalid && m_axi_wready);
    end
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_desc_aligned: assert (state_q == ST_IDLE || desc_addr_q[DESC_ALIGN_BITS-1:0] == '0)
        else $error("cdma_sg: descriptor address %h not 64-byte aligned", desc_addr_q);
      a_r_expected: assert (!m_axi_rvalid || !m_axi_rready || !arvalid_q || m_axi_arready)
        else $error("cdma_sg: R beat before its AR was accepted");
      a_rlast: assert (!r_beat || m_axi_rlast == (beat_q == fetch_last_q))
        else $error("cdma_sg: RLAST not on beat %0d of the descriptor fetch", fetch_last_q);
      a_b_expected: assert (!b_take || (aw_done_q && w_done_q))
        else $error("cdma_sg: B response before AW and W of the write-back were taken");
      a_xfer_done: assert (!xfer_done || state_q == ST_IDLE || state_q == ST_XFER)
        else $error("cdma_sg: sequencer completion while no transfer was handed over");
      a_start_idle: assert (!(start || sg_start) || state_q == ST_IDLE)
        else $error("cdma_sg: start while the engine is busy");
    end
  end
`endif

endmodule
