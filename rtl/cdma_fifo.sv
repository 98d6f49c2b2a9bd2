// SPDX-License-Identifier: MIT
// cdma_fifo: synchronous first-word-fall-through FIFO (valid/ready both sides, 2^n depth).
// It has no almost-full flag: the producer reserves room itself (cdma_rd's credit counter).
module cdma_fifo #(
  // bits per entry
  parameter int unsigned WIDTH = 64,
  // entries; a power of 2
  parameter int unsigned DEPTH = 1024
) (
  input  logic             clk,
  input  logic             rst,      // synchronous, active high; also used as a flush

  // write side
  input  logic [WIDTH-1:0] in_data,
  input  logic             in_valid,
  output logic             in_ready,

  // read side
  output logic [WIDTH-1:0] out_data,
  output logic             out_valid,
  input  logic             out_ready
);

  localparam int unsigned PTR_W = $clog2(DEPTH);

  if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_check_depth
    $fatal(1, "cdma_fifo: DEPTH must be a power of 2 and at least 2");
  end
  if (WIDTH < 1) begin : g_check_width
    $fatal(1, "cdma_fifo: WIDTH must be at least 1");
  end

  logic [WIDTH-1:0] mem_q [DEPTH];
  // pointers carry one extra wrap bit: equal = empty, equal but for the wrap bit = full
  logic [PTR_W:0]   wr_ptr_q;
  logic [PTR_W:0]   rd_ptr_q;
  logic             push, pop;

  assign in_ready  = (wr_ptr_q ^ rd_ptr_q) != {1'b1, {PTR_W{1'b0}}};
  assign out_valid = wr_ptr_q != rd_ptr_q;
  assign out_data  = mem_q[rd_ptr_q[PTR_W-1:0]];
  assign push      = in_valid && in_ready;
  assign pop       = out_valid && out_ready;

  // the pointers move in the clocked process itself (README, Conventions: push and pop follow the
  // bus handshakes, and only the pointers use them)
  always_ff @(posedge clk) begin
    if (rst) begin
      wr_ptr_q <= '0;
      rd_ptr_q <= '0;
    end else begin
      wr_ptr_q <= wr_ptr_q + (PTR_W + 1)'(push);
      rd_ptr_q <= rd_ptr_q + (PTR_W + 1)'(pop);
    end
  end

  // storage needs no reset
  always_ff @(posedge clk) begin
    if (push) mem_q[wr_ptr_q[PTR_W-1:0]] <= in_data;
  end

endmodule
