// SPDX-License-Identifier: MIT
// cdma_realign: realigner (PG034's DRE); re-packs source-grid beats onto the destination grid.
// It does not compute write strobes (cdma_wr does) and handles one command at a time.

// Byte p of the transfer sits in source beat k = (src_off + p) / BPB, lane (src_off + p) % BPB, and
// must leave in destination beat j = (dst_off + p) / BPB, lane (dst_off + p) % BPB. Rotating every
// source beat left by shift = (dst_off - src_off) mod BPB lanes puts each byte in its destination
// lane; destination beat j then takes lanes >= shift from one rotated source beat and lanes < shift
// from the one before it. When dst_off < src_off the first source beat only feeds the low lanes
// of destination beat 0, so it is held first ("prime"); when the destination needs one beat more
// than the source provides, the last destination beat comes from the held beat alone ("flush").
module cdma_realign
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64
) (
  input  logic                  clk,
  input  logic                  rst,        // synchronous, active high; also the flush

  // command: byte offsets inside a beat and the byte count
  input  logic [$clog2(DATA_WIDTH/8)-1:0] cmd_src_off,
  input  logic [$clog2(DATA_WIDTH/8)-1:0] cmd_dst_off,
  input  logic [BTT_WIDTH-1:0]  cmd_len,
  input  logic                  cmd_valid,
  output logic                  cmd_ready,

  // source beats (from the FIFO), aligned to the source beat grid
  input  logic [DATA_WIDTH-1:0] in_data,
  input  logic                  in_valid,
  output logic                  in_ready,

  // destination beats, aligned to the destination beat grid (bytes outside the transfer are junk)
  output logic [DATA_WIDTH-1:0] out_data,
  output logic                  out_valid,
  input  logic                  out_ready
);

  localparam int unsigned BPB     = DATA_WIDTH / 8;
  localparam int unsigned OFF_W   = $clog2(BPB);
  localparam int unsigned BEATS_W = BTT_WIDTH - OFF_W + 1;   // beats of the longest command
  localparam int unsigned SUM_W   = BTT_WIDTH + 1;           // offset + length + BPB - 1

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_realign: DATA_WIDTH must be 32, 64 or 128");
  end

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  logic [OFF_W-1:0]      shift_q,   shift_d;    // lanes to rotate left
  logic                  prime_q,   prime_d;    // the first source beat must be held first
  logic [BEATS_W-1:0]    in_left_q, in_left_d;  // source beats still to consume
  logic [BEATS_W-1:0]    out_left_q, out_left_d; // destination beats still to produce
  logic [DATA_WIDTH-1:0] held_q,    held_d;     // the previous source beat, rotated
  logic                  ovalid_q,  ovalid_d;
  logic [DATA_WIDTH-1:0] odata_q,   odata_d;

  logic [DATA_WIDTH-1:0] rotated;               // in_data rotated left by shift_q lanes
  logic [DATA_WIDTH-1:0] low_mask;              // 1 in the bytes of lanes below shift_q
  logic [DATA_WIDTH-1:0] merged;                // lanes >= shift from rotated, below from held
  logic                  out_free;              // the output register can take a beat
  logic [BEATS_W-1:0]    n_in, n_out;

  assign cmd_ready = out_left_q == '0 && !prime_q;
  assign out_data  = odata_q;
  assign out_valid = ovalid_q;
  assign out_free  = !ovalid_q || out_ready;

  always_comb begin
    for (int unsigned d = 0; d < BPB; d++) begin
      rotated[8*d +: 8] = in_data[8*((d + BPB - 32'(shift_q)) % BPB) +: 8];
    end
    low_mask = ~({DATA_WIDTH{1'b1}} << (32'(shift_q) * 8));
    merged   = (rotated & ~low_mask) | (held_q & low_mask);
    n_in     = BEATS_W'((SUM_W'(cmd_src_off) + SUM_W'(cmd_len) + SUM_W'(BPB - 1)) >> OFF_W);
    n_out    = BEATS_W'((SUM_W'(cmd_dst_off) + SUM_W'(cmd_len) + SUM_W'(BPB - 1)) >> OFF_W);
  end

  // ---------------------------------------------------------------------------------------------
  // One destination beat per cycle when the source keeps up.
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    shift_d    = shift_q;
    prime_d    = prime_q;
    in_left_d  = in_left_q;
    out_left_d = out_left_q;
    held_d     = held_q;
    ovalid_d   = ovalid_q && !out_ready;
    odata_d    = odata_q;
    in_ready   = 1'b0;

    if (cmd_valid && cmd_ready) begin
      // new command: both beat counts and the rotation are fixed for its whole length
      shift_d    = cmd_dst_off - cmd_src_off;
      prime_d    = cmd_dst_off < cmd_src_off;
      in_left_d  = n_in;
      out_left_d = n_out;
    end else if (prime_q) begin
      // hold the first source beat; it only feeds the low lanes of destination beat 0
      in_ready = 1'b1;
      if (in_valid) begin
        held_d    = rotated;
        prime_d   = 1'b0;
        in_left_d = in_left_q - BEATS_W'(1);
      end
    end else if (out_left_q != '0 && out_free) begin
      if (in_left_q != '0) begin
        // a destination beat from this source beat (high lanes) and the held one (low lanes)
        in_ready = 1'b1;
        if (in_valid) begin
          held_d     = rotated;
          ovalid_d   = 1'b1;
          odata_d    = merged;
          in_left_d  = in_left_q - BEATS_W'(1);
          out_left_d = out_left_q - BEATS_W'(1);
        end
      end else begin
        // the last destination beat needs only the held source beat
        ovalid_d   = 1'b1;
        odata_d    = held_q;
        out_left_d = out_left_q - BEATS_W'(1);
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      shift_q    <= '0;
      prime_q    <= 1'b0;
      in_left_q  <= '0;
      out_left_q <= '0;
      held_q     <= '0;
      ovalid_q   <= 1'b0;
      odata_q    <= '0;
    end else begin
      shift_q    <= shift_d;
      prime_q    <= prime_d;
      in_left_q  <= in_left_d;
      out_left_q <= out_left_d;
      held_q     <= held_d;
      ovalid_q   <= ovalid_d;
      odata_q    <= odata_d;
    end
  end

`ifndef SYNTHESIS
  logic                  ovalid_prev_q;
  logic                  oready_prev_q;
  logic [DATA_WIDTH-1:0] odata_prev_q;
  always_ff @(posedge clk) begin
    ovalid_prev_q <= out_valid && !rst;
    oready_prev_q <= out_ready;
    odata_prev_q  <= out_data;
  end
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_out_stable: assert (!(ovalid_prev_q && !oready_prev_q)
                            || (out_valid && out_data == odata_prev_q))
        else $error("cdma_realign: output beat dropped or changed before it was taken");
    end
  end
`endif

endmodule
