// SPDX-License-Identifier: MIT
// cdma_perf: the DMA's performance counters (EXT_PERF_*): five 32-bit event counts that wrap at 2^32.
// It counts and zeroes; cdma_regs decodes the registers. Hardware reset only (not CDMACR.Reset).
module cdma_perf (
  input  logic        clk,
  input  logic        rst,              // synchronous, active high (the hardware reset)

  // zero every counter (one-cycle pulse; wins over an event of the same cycle)
  input  logic        clear,

  // one event per cycle each
  input  logic        busy,             // CDMASR.Idle = 0
  input  logic        rd_beat,          // an R beat taken by the DMA
  input  logic        wr_beat,          // a W beat sent by the DMA
  input  logic        bus_wait,         // an AR / AW / W of the DMA could not move
  // the arbiter's free-running count of CPU wait cycles (wraps at 2^32)
  input  logic [31:0] cpu_wait_total,

  output logic [31:0] busy_cycles,
  output logic [31:0] rd_beats,
  output logic [31:0] wr_beats,
  output logic [31:0] bus_wait_cycles,
  output logic [31:0] cpu_wait_cycles   // cpu_wait_total since the last clear
);

  logic [31:0] busy_q,     busy_d;
  logic [31:0] rd_q,       rd_d;
  logic [31:0] wr_q,       wr_d;
  logic [31:0] wait_q,     wait_d;
  logic [31:0] cpu_base_q, cpu_base_d;   // cpu_wait_total at the last clear

  assign busy_cycles     = busy_q;
  assign rd_beats        = rd_q;
  assign wr_beats        = wr_q;
  assign bus_wait_cycles = wait_q;
  assign cpu_wait_cycles = cpu_wait_total - cpu_base_q;

  always_comb begin
    busy_d     = busy_q + 32'(busy);
    rd_d       = rd_q + 32'(rd_beat);
    wr_d       = wr_q + 32'(wr_beat);
    wait_d     = wait_q + 32'(bus_wait);
    cpu_base_d = cpu_base_q;
    if (clear) begin
      busy_d     = '0;
      rd_d       = '0;
      wr_d       = '0;
      wait_d     = '0;
      cpu_base_d = cpu_wait_total;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      busy_q     <= '0;
      rd_q       <= '0;
      wr_q       <= '0;
      wait_q     <= '0;
      cpu_base_q <= '0;
    end else begin
      busy_q     <= busy_d;
      rd_q       <= rd_d;
      wr_q       <= wr_d;
      wait_q     <= wait_d;
      cpu_base_q <= cpu_base_d;
    end
  end

endmodule
