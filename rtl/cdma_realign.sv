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
//
// HAS_DRE = 0 (the `nodre` build, PG034 without DRE): no rotation and no priming. Destination
// beat j is source beat min(j, source beats - 1) as it came from memory, so every byte keeps its
// source lane: a copy is exact only when source and destination share their offset within a beat;
// otherwise the data lands out of order, as on the IP. A source beat the destination has no beat
// for is read and dropped, so the next command starts clean.
module cdma_realign
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64,
  // 1: realign (PG034's DRE); 0: pass beats through in their source lanes (the nodre build)
  parameter int unsigned HAS_DRE    = 1
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
  localparam bit          DRE     = HAS_DRE != 0;

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_realign: DATA_WIDTH must be 32, 64 or 128");
  end

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  logic [OFF_W-1:0]      shift_q;                 // lanes to rotate left
  logic                  prime_q;                 // the first source beat must be held first
  logic [BEATS_W-1:0]    in_left_q;               // source beats still to consume
  logic [BEATS_W-1:0]    out_left_q;              // destination beats still to produce
  logic [DATA_WIDTH-1:0] held_q;                  // the previous source beat, rotated
  logic                  ovalid_q;
  logic [DATA_WIDTH-1:0] odata_q;

  logic                  out_free;                // the output register can take a beat

  // in_data rotated left by shift_q lanes (byte d of the result is byte d - shift_q of in_data)
  function automatic logic [DATA_WIDTH-1:0] rotated(input logic [DATA_WIDTH-1:0] d,
                                                    input logic [OFF_W-1:0] shift);
    return (d << (32'(shift) * 8)) | (d >> (DATA_WIDTH - 32'(shift) * 8));
  endfunction

  // lanes >= shift from the rotated beat, lanes below it from the held one
  function automatic logic [DATA_WIDTH-1:0] merged(input logic [DATA_WIDTH-1:0] rot,
                                                   input logic [DATA_WIDTH-1:0] held,
                                                   input logic [OFF_W-1:0] shift);
    logic [DATA_WIDTH-1:0] low_mask;               // 1 in the bytes of lanes below shift
    low_mask = ~({DATA_WIDTH{1'b1}} << (32'(shift) * 8));
    return (rot & ~low_mask) | (held & low_mask);
  endfunction

  // beats that cover len bytes from byte offset off
  function automatic logic [BEATS_W-1:0] beats(input logic [OFF_W-1:0] off,
                                               input logic [BTT_WIDTH-1:0] len);
    return BEATS_W'((SUM_W'(off) + SUM_W'(len) + SUM_W'(BPB - 1)) >> OFF_W);
  endfunction

  // nodre: also wait until the source beats the destination had no room for are dropped
  assign cmd_ready = out_left_q == '0 && !prime_q && (DRE || in_left_q == '0);
  assign out_data  = odata_q;
  assign out_valid = ovalid_q;
  assign out_free  = !ovalid_q || out_ready;

  // the source beat is taken while priming, and for each destination beat that needs one
  always_comb begin
    in_ready = 1'b0;
    if (cmd_valid && cmd_ready) begin
      in_ready = 1'b0;
    end else if (prime_q) begin
      in_ready = 1'b1;
    end else if (out_left_q != '0 && out_free) begin
      in_ready = in_left_q != '0;
    end else if (!DRE && out_left_q == '0) begin
      in_ready = in_left_q != '0;                 // nodre: drop a source beat left over
    end
  end

  // one clocked process (README, Conventions: it reads the stream handshakes and only registers
  // use its decisions); the beats are rotated and merged only when one is taken
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
      if (out_ready) ovalid_q <= 1'b0;
      if (cmd_valid && cmd_ready) begin
        shift_q    <= DRE ? cmd_dst_off - cmd_src_off : '0;
        prime_q    <= DRE && cmd_dst_off < cmd_src_off;
        in_left_q  <= beats(cmd_src_off, cmd_len);
        out_left_q <= beats(cmd_dst_off, cmd_len);
      end else if (prime_q) begin
        if (in_valid) begin
          held_q    <= rotated(in_data, shift_q);
          prime_q   <= 1'b0;
          in_left_q <= in_left_q - BEATS_W'(1);
        end
      end else if (out_left_q != '0 && out_free) begin
        if (in_left_q != '0) begin
          if (in_valid) begin
            held_q     <= rotated(in_data, shift_q);
            ovalid_q   <= 1'b1;
            odata_q    <= merged(rotated(in_data, shift_q), held_q, shift_q);
            in_left_q  <= in_left_q - BEATS_W'(1);
            out_left_q <= out_left_q - BEATS_W'(1);
          end
        end else begin
          ovalid_q   <= 1'b1;
          odata_q    <= held_q;
          out_left_q <= out_left_q - BEATS_W'(1);
        end
      end else if (!DRE && out_left_q == '0 && in_left_q != '0 && in_valid) begin
        in_left_q <= in_left_q - BEATS_W'(1);     // nodre: the dropped source beat
      end
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
