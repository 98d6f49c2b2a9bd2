// SPDX-License-Identifier: MIT
// cdma_ctrl: sequencer; hands one (SA, DA, BTT) to the engines, waits, stops on error or reset.
// It does not fetch descriptors (cdma_sg does, starting it once per descriptor) nor touch the bus.
module cdma_ctrl
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH = 32
) (
  input  logic                  clk,
  input  logic                  rst,             // synchronous, active high

  // from cdma_sg: a start (simple mode, or one descriptor) and the soft-reset request
  input  logic                  start,
  input  logic [ADDR_WIDTH-1:0] start_sa,
  input  logic [ADDR_WIDTH-1:0] start_da,
  input  logic [BTT_WIDTH-1:0]  start_btt,
  input  logic                  soft_reset_req,

  // in the cycle the FSM returns to idle: the transfer ended (to cdma_sg; err says why) / the
  // soft reset is done (to the register file and every engine)
  output logic                  done,
  output dma_err_e              done_err,
  output logic                  soft_rst,

  // to the engines: one command, shared fields, per-engine handshake
  output logic [ADDR_WIDTH-1:0] cmd_sa,
  output logic [ADDR_WIDTH-1:0] cmd_da,
  output logic [BTT_WIDTH-1:0]  cmd_btt,
  output logic                  rd_cmd_valid,
  input  logic                  rd_cmd_ready,
  output logic                  ra_cmd_valid,
  input  logic                  ra_cmd_ready,
  output logic                  wr_cmd_valid,
  input  logic                  wr_cmd_ready,

  // from the engines: completion pulses and worst responses; to them: stop-and-drain and flush
  input  logic                  rd_done,
  input  logic [1:0]            rd_resp,
  input  logic                  wr_done,
  input  logic [1:0]            wr_resp,
  output logic                  halt_req,
  output logic                  dp_flush          // one cycle: clear engines, FIFO and realigner
);

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_ctrl: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_ctrl: ADDR_WIDTH must be 32..64");
  end

  typedef enum logic [2:0] {
    ST_IDLE,
    ST_ISSUE,
    ST_RUN,
    ST_ABORT,
    ST_FLUSH
  } state_e;

  state_e                state_q,    state_d;
  logic [ADDR_WIDTH-1:0] sa_q,       sa_d;
  logic [ADDR_WIDTH-1:0] da_q,       da_d;
  logic [BTT_WIDTH-1:0]  btt_q,      btt_d;
  logic                  rd_sent_q,  rd_sent_d;   // the read engine has taken the command
  logic                  ra_sent_q,  ra_sent_d;   // the realigner has taken the command
  logic                  wr_sent_q,  wr_sent_d;   // the write engine has taken the command
  logic                  rd_fin_q,   rd_fin_d;    // the read engine reported done
  logic                  wr_fin_q,   wr_fin_d;    // the write engine reported done
  dma_err_e              err_q,      err_d;

  logic [1:0]            resp_now;                // worst response of both engines so far
  dma_err_e              resp_err;

  assign cmd_sa       = sa_q;
  assign cmd_da       = da_q;
  assign cmd_btt      = btt_q;
  assign rd_cmd_valid = state_q == ST_ISSUE && !rd_sent_q;
  assign ra_cmd_valid = state_q == ST_ISSUE && !ra_sent_q;
  assign wr_cmd_valid = state_q == ST_ISSUE && !wr_sent_q;
  assign halt_req     = state_q == ST_ABORT;
  assign dp_flush     = state_q == ST_FLUSH;

  assign resp_now = resp_worst(rd_resp, wr_resp);
  always_comb begin
    unique case (resp_now)
      RESP_DECERR: resp_err = DMA_ERR_DMA_DEC;
      RESP_SLVERR: resp_err = DMA_ERR_DMA_SLV;
      default:     resp_err = DMA_ERR_NONE;
    endcase
  end

  always_comb begin
    state_d   = state_q;
    sa_d      = sa_q;
    da_d      = da_q;
    btt_d     = btt_q;
    rd_sent_d = rd_sent_q || (rd_cmd_valid && rd_cmd_ready);
    ra_sent_d = ra_sent_q || (ra_cmd_valid && ra_cmd_ready);
    wr_sent_d = wr_sent_q || (wr_cmd_valid && wr_cmd_ready);
    rd_fin_d  = rd_fin_q || rd_done;
    wr_fin_d  = wr_fin_q || wr_done;
    err_d     = err_q;
    done      = 1'b0;
    done_err  = DMA_ERR_NONE;
    soft_rst  = 1'b0;

    unique case (state_q)
      // wait for a BTT write (BTT = 0 fails at once, no bus traffic) or a soft reset request
      ST_IDLE: begin
        if (soft_reset_req) begin
          state_d = ST_FLUSH;
        end else if (start && start_btt == '0) begin
          done     = 1'b1;
          done_err = DMA_ERR_DMA_INT;
        end else if (start) begin
          state_d   = ST_ISSUE;
          sa_d      = start_sa;
          da_d      = start_da;
          btt_d     = start_btt;
          rd_sent_d = 1'b0;
          ra_sent_d = 1'b0;
          wr_sent_d = 1'b0;
          rd_fin_d  = 1'b0;
          wr_fin_d  = 1'b0;
          err_d     = DMA_ERR_NONE;
        end
      end
      // offer the command until the read engine, the realigner and the write engine took it
      ST_ISSUE: begin
        if (rd_sent_d && ra_sent_d && wr_sent_d) state_d = ST_RUN;
      end
      // data moves; done when both engines are; stop and drain on an error or a soft reset
      ST_RUN: begin
        if (rd_fin_d && wr_fin_d && resp_err == DMA_ERR_NONE && !soft_reset_req) begin
          state_d  = ST_IDLE;
          done     = 1'b1;
          done_err = DMA_ERR_NONE;
        end else if (rd_fin_d && wr_fin_d) begin
          state_d = ST_FLUSH;
          err_d   = resp_err;
        end else if (resp_err != DMA_ERR_NONE || soft_reset_req) begin
          state_d = ST_ABORT;
        end
      end
      // no new bursts; wait until the bursts in flight have completed on the bus
      ST_ABORT: begin
        if (rd_fin_d && wr_fin_d) begin
          state_d = ST_FLUSH;
          err_d   = resp_err;
        end
      end
      // clear the data path (dp_flush); then report the error, or finish the soft reset
      ST_FLUSH: begin
        state_d = ST_IDLE;
        if (soft_reset_req) begin
          soft_rst = 1'b1;
        end else begin
          done     = 1'b1;
          done_err = err_q;
        end
      end
      default: state_d = ST_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state_q    <= ST_IDLE;
      sa_q       <= '0;
      da_q       <= '0;
      btt_q      <= '0;
      rd_sent_q  <= 1'b0;
      ra_sent_q  <= 1'b0;
      wr_sent_q  <= 1'b0;
      rd_fin_q   <= 1'b0;
      wr_fin_q   <= 1'b0;
      err_q      <= DMA_ERR_NONE;
    end else begin
      state_q    <= state_d;
      sa_q       <= sa_d;
      da_q       <= da_d;
      btt_q      <= btt_d;
      rd_sent_q  <= rd_sent_d;
      ra_sent_q  <= ra_sent_d;
      wr_sent_q  <= wr_sent_d;
      rd_fin_q   <= rd_fin_d;
      wr_fin_q   <= wr_fin_d;
      err_q      <= err_d;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_start_when_idle: assert (!start || state_q == ST_IDLE)
        else $error("cdma_ctrl: start while a transfer is running");
    end
  end
`endif

endmodule
