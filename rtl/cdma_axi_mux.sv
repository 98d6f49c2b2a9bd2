// SPDX-License-Identifier: MIT
// cdma_axi_mux: puts one of two AXI4 masters (data engines, SG engine) on the m_axi port.
// It does not arbitrate: the SG engine switches `sel` only while neither side has a burst open.
module cdma_axi_mux
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH = 32,
  // AXI4 ID width
  parameter int unsigned ID_WIDTH   = 4
) (
  input  logic                    clk,
  input  logic                    rst,             // synchronous, active high (assertions only)

  // 0: the data engines own the bus; 1: the SG engine does
  input  logic                    sel,

  // data engines (cdma_rd on AR/R, cdma_wr on AW/W/B)
  input  logic [ID_WIDTH-1:0]     dp_axi_awid,
  input  logic [ADDR_WIDTH-1:0]   dp_axi_awaddr,
  input  logic [7:0]              dp_axi_awlen,
  input  logic [2:0]              dp_axi_awsize,
  input  logic [1:0]              dp_axi_awburst,
  input  logic                    dp_axi_awvalid,
  output logic                    dp_axi_awready,
  input  logic [DATA_WIDTH-1:0]   dp_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0] dp_axi_wstrb,
  input  logic                    dp_axi_wlast,
  input  logic                    dp_axi_wvalid,
  output logic                    dp_axi_wready,
  output logic                    dp_axi_bvalid,
  input  logic                    dp_axi_bready,
  input  logic [ID_WIDTH-1:0]     dp_axi_arid,
  input  logic [ADDR_WIDTH-1:0]   dp_axi_araddr,
  input  logic [7:0]              dp_axi_arlen,
  input  logic [2:0]              dp_axi_arsize,
  input  logic [1:0]              dp_axi_arburst,
  input  logic                    dp_axi_arvalid,
  output logic                    dp_axi_arready,
  output logic                    dp_axi_rvalid,
  input  logic                    dp_axi_rready,

  // SG engine (descriptor fetch and STATUS write-back)
  input  logic [ID_WIDTH-1:0]     sg_axi_awid,
  input  logic [ADDR_WIDTH-1:0]   sg_axi_awaddr,
  input  logic [7:0]              sg_axi_awlen,
  input  logic [2:0]              sg_axi_awsize,
  input  logic [1:0]              sg_axi_awburst,
  input  logic                    sg_axi_awvalid,
  output logic                    sg_axi_awready,
  input  logic [DATA_WIDTH-1:0]   sg_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0] sg_axi_wstrb,
  input  logic                    sg_axi_wlast,
  input  logic                    sg_axi_wvalid,
  output logic                    sg_axi_wready,
  output logic                    sg_axi_bvalid,
  input  logic                    sg_axi_bready,
  input  logic [ID_WIDTH-1:0]     sg_axi_arid,
  input  logic [ADDR_WIDTH-1:0]   sg_axi_araddr,
  input  logic [7:0]              sg_axi_arlen,
  input  logic [2:0]              sg_axi_arsize,
  input  logic [1:0]              sg_axi_arburst,
  input  logic                    sg_axi_arvalid,
  output logic                    sg_axi_arready,
  output logic                    sg_axi_rvalid,
  input  logic                    sg_axi_rready,

  // the shared master: request channels muxed; R and B payloads (id, data, resp, last) go to both
  // sides unchanged, only their valid is steered
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
  input  logic                    m_axi_bvalid,
  output logic                    m_axi_bready,
  output logic [ID_WIDTH-1:0]     m_axi_arid,
  output logic [ADDR_WIDTH-1:0]   m_axi_araddr,
  output logic [7:0]              m_axi_arlen,
  output logic [2:0]              m_axi_arsize,
  output logic [1:0]              m_axi_arburst,
  output logic                    m_axi_arvalid,
  input  logic                    m_axi_arready,
  input  logic                    m_axi_rvalid,
  input  logic                    m_axi_rlast,
  output logic                    m_axi_rready
);

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_axi_mux: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_axi_mux: ADDR_WIDTH must be 32..64");
  end
  if (ID_WIDTH < 1) begin : g_check_id_width
    $fatal(1, "cdma_axi_mux: ID_WIDTH must be at least 1");
  end

  // write address and data
  assign m_axi_awid     = sel ? sg_axi_awid    : dp_axi_awid;
  assign m_axi_awaddr   = sel ? sg_axi_awaddr  : dp_axi_awaddr;
  assign m_axi_awlen    = sel ? sg_axi_awlen   : dp_axi_awlen;
  assign m_axi_awsize   = sel ? sg_axi_awsize  : dp_axi_awsize;
  assign m_axi_awburst  = sel ? sg_axi_awburst : dp_axi_awburst;
  assign m_axi_awvalid  = sel ? sg_axi_awvalid : dp_axi_awvalid;
  assign dp_axi_awready = !sel && m_axi_awready;
  assign sg_axi_awready = sel && m_axi_awready;
  assign m_axi_wdata    = sel ? sg_axi_wdata   : dp_axi_wdata;
  assign m_axi_wstrb    = sel ? sg_axi_wstrb   : dp_axi_wstrb;
  assign m_axi_wlast    = sel ? sg_axi_wlast   : dp_axi_wlast;
  assign m_axi_wvalid   = sel ? sg_axi_wvalid  : dp_axi_wvalid;
  assign dp_axi_wready  = !sel && m_axi_wready;
  assign sg_axi_wready  = sel && m_axi_wready;
  // write response
  assign dp_axi_bvalid  = !sel && m_axi_bvalid;
  assign sg_axi_bvalid  = sel && m_axi_bvalid;
  assign m_axi_bready   = sel ? sg_axi_bready  : dp_axi_bready;
  // read address
  assign m_axi_arid     = sel ? sg_axi_arid    : dp_axi_arid;
  assign m_axi_araddr   = sel ? sg_axi_araddr  : dp_axi_araddr;
  assign m_axi_arlen    = sel ? sg_axi_arlen   : dp_axi_arlen;
  assign m_axi_arsize   = sel ? sg_axi_arsize  : dp_axi_arsize;
  assign m_axi_arburst  = sel ? sg_axi_arburst : dp_axi_arburst;
  assign m_axi_arvalid  = sel ? sg_axi_arvalid : dp_axi_arvalid;
  assign dp_axi_arready = !sel && m_axi_arready;
  assign sg_axi_arready = sel && m_axi_arready;
  // read data
  assign dp_axi_rvalid  = !sel && m_axi_rvalid;
  assign sg_axi_rvalid  = sel && m_axi_rvalid;
  assign m_axi_rready   = sel ? sg_axi_rready  : dp_axi_rready;

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // The rule the SG engine must keep: `sel` changes only while no burst is open on either side, and
  // the side that does not own the bus raises no request (it would wait unseen).
  // -----------------------------------------------------------------------------------------------
  logic       sel_prev_q;
  logic [7:0] rd_open_q;   // bursts accepted on AR whose last R beat has not been taken
  logic [7:0] wr_open_q;   // bursts accepted on AW whose B has not been taken
  logic       ar_take, r_end, aw_take, b_take;

  assign ar_take = m_axi_arvalid && m_axi_arready;
  assign r_end   = m_axi_rvalid && m_axi_rready && m_axi_rlast;
  assign aw_take = m_axi_awvalid && m_axi_awready;
  assign b_take  = m_axi_bvalid && m_axi_bready;

  always_ff @(posedge clk) begin
    if (rst) begin
      sel_prev_q <= 1'b0;
      rd_open_q  <= '0;
      wr_open_q  <= '0;
    end else begin
      sel_prev_q <= sel;
      rd_open_q  <= rd_open_q + 8'(ar_take) - 8'(r_end);
      wr_open_q  <= wr_open_q + 8'(aw_take) - 8'(b_take);
    end
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_switch_quiet: assert (sel == sel_prev_q || (rd_open_q == '0 && wr_open_q == '0))
        else $error("cdma_axi_mux: owner switched with a burst open");
      a_dp_quiet: assert (!sel || !(dp_axi_arvalid || dp_axi_awvalid || dp_axi_wvalid))
        else $error("cdma_axi_mux: data engine request while the SG engine owns the bus");
      a_sg_quiet: assert (sel || !(sg_axi_arvalid || sg_axi_awvalid || sg_axi_wvalid))
        else $error("cdma_axi_mux: SG engine request while the data engines own the bus");
    end
  end
`endif

endmodule
