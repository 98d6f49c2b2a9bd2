// SPDX-License-Identifier: MIT
// coherency_walker: the coherency monitor's snoop walker; walks a range of cache lines, one per
// cycle, and snoops each one the monitor's shadow says needs it. It keeps no shadow of its own.

// A range (the lines of a DMA read or write burst) is taken while the walker is idle; then each
// line is checked in turn (check, line, for_write out; need in, from the shadow, the same cycle):
// a line that needs no snoop costs one cycle; one that does is snooped (CLEAN for a read range,
// CLEAN_INVALIDATE for a write range), and the walker waits for the snoop response, by which time
// the cache's events have updated the shadow. done pulses in the cycle the last line is finished.
module coherency_walker
  import dma_pkg::*;
#(
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH = 32,
  // cache line size in bytes (a power of two, 16..256)
  parameter int unsigned LINE_BYTES = 64
) (
  input  logic                                   clk,
  input  logic                                   rst,        // synchronous, active high

  // the range to walk: taken in a cycle req is high and idle is high
  input  logic                                   req,
  input  logic                                   req_write,  // a write burst's range
  input  logic [ADDR_WIDTH-$clog2(LINE_BYTES)-1:0] req_first,  // line numbers, first and last
  input  logic [ADDR_WIDTH-$clog2(LINE_BYTES)-1:0] req_last,
  output logic                                   idle,
  output logic                                   done,       // pulse: the range is finished

  // the line being checked against the monitor's shadow
  output logic                                   check,
  output logic [ADDR_WIDTH-$clog2(LINE_BYTES)-1:0] line,
  output logic                                   for_write,
  input  logic                                   need,       // check: the line needs a snoop

  // snoop port (to cpu_cache)
  output logic                                   snoop_req_valid,
  input  logic                                   snoop_req_ready,
  output snoop_op_e                              snoop_req_op,
  output logic [ADDR_WIDTH-1:0]                  snoop_req_addr,
  input  logic                                   snoop_rsp_valid
);

  localparam int unsigned LOFF_W = $clog2(LINE_BYTES);
  localparam int unsigned LN_W   = ADDR_WIDTH - LOFF_W;            // line number

  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "coherency_walker: ADDR_WIDTH must be 32..64");
  end
  if (LINE_BYTES < 16 || LINE_BYTES > 256 || (LINE_BYTES & (LINE_BYTES - 1)) != 0)
  begin : g_check_line_bytes
    $fatal(1, "coherency_walker: LINE_BYTES must be a power of two, 16..256");
  end

  typedef enum logic [1:0] {
    WK_IDLE,
    WK_CHECK,
    WK_REQ,
    WK_WAIT
  } wk_state_e;

  wk_state_e       wk_st_q,   wk_st_d;
  logic            wk_wr_q,   wk_wr_d;      // walking for the write path
  logic [LN_W-1:0] wk_line_q, wk_line_d;
  logic [LN_W-1:0] wk_last_q, wk_last_d;

  assign idle            = wk_st_q == WK_IDLE;
  assign check           = wk_st_q == WK_CHECK;
  assign line            = wk_line_q;
  assign for_write       = wk_wr_q;
  assign snoop_req_valid = wk_st_q == WK_REQ;
  assign snoop_req_op    = wk_wr_q ? SNOOP_CLEAN_INVALIDATE : SNOOP_CLEAN;
  assign snoop_req_addr  = {wk_line_q, {LOFF_W{1'b0}}};

  always_comb begin
    wk_st_d   = wk_st_q;
    wk_wr_d   = wk_wr_q;
    wk_line_d = wk_line_q;
    wk_last_d = wk_last_q;
    done      = 1'b0;
    unique case (wk_st_q)
      // take a range
      WK_IDLE: begin
        if (req) begin
          wk_st_d   = WK_CHECK;
          wk_wr_d   = req_write;
          wk_line_d = req_first;
          wk_last_d = req_last;
        end
      end
      // look the line up in the shadow: snoop it, or go on to the next one
      WK_CHECK: begin
        if (need) begin
          wk_st_d = WK_REQ;
        end else if (wk_line_q == wk_last_q) begin
          wk_st_d = WK_IDLE;
          done    = 1'b1;
        end else begin
          wk_line_d = wk_line_q + LN_W'(1);
        end
      end
      // the snoop request waits for the cache
      WK_REQ: if (snoop_req_ready) wk_st_d = WK_WAIT;
      // the cache works on the line; its events update the shadow before the response
      WK_WAIT: begin
        if (snoop_rsp_valid) begin
          if (wk_line_q == wk_last_q) begin
            wk_st_d = WK_IDLE;
            done    = 1'b1;
          end else begin
            wk_st_d   = WK_CHECK;
            wk_line_d = wk_line_q + LN_W'(1);
          end
        end
      end
      default: wk_st_d = WK_IDLE;
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wk_st_q   <= WK_IDLE;
      wk_wr_q   <= 1'b0;
      wk_line_q <= '0;
      wk_last_q <= '0;
    end else begin
      wk_st_q   <= wk_st_d;
      wk_wr_q   <= wk_wr_d;
      wk_line_q <= wk_line_d;
      wk_last_q <= wk_last_d;
    end
  end

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this walker relies on
  // -----------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_snoop_rsp: assert (!snoop_rsp_valid || wk_st_q == WK_WAIT)
        else $error("coherency_walker: snoop response with no snoop outstanding");
    end
  end
`endif

endmodule
