// SPDX-License-Identifier: MIT
// axil_decoder: splits one AXI-Lite slave port: [MON_BASE_OFFSET, MON_SPACE_END) (coherency_monitor)
// and [IOMMU_BASE_OFFSET, IOMMU_SPACE_END) (iommu) are served here as a plain register bus (reg_sel
// names the block); every other offset passes through to the CDMA registers.

// No latency is added on the pass-through path (AW / W / AR / B / R are wired through while a
// transaction is routed there), so the CDMA register slave (cdma_regs) behaves, and answers DECERR
// outside its own space, exactly as when it owned the port. One write and one read are in flight at
// a time (cdma_regs takes no more either): a new AW / AR waits for the previous B / R handshake, and
// W follows the AW it belongs to (a W that arrives first waits for it). The register-bus window
// always answers OKAY; its write strobes are ignored (the monitor's registers are whole words);
// reg_rdata is sampled in the AR handshake cycle, so a read has no side effect. A register-bus
// write and read never share a cycle (the write wins; the AR waits one cycle).
module axil_decoder
  import dma_pkg::*;
#(
  // AXI-Lite address width in bits (the window at MON_BASE_OFFSET must be addressable)
  parameter int unsigned AXIL_ADDR_WIDTH = 16
) (
  input  logic                       clk,
  input  logic                       rst,            // synchronous, active high

  // AXI-Lite slave: from the harness
  input  logic [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
  input  logic                       s_axil_awvalid,
  output logic                       s_axil_awready,
  input  logic [31:0]                s_axil_wdata,
  input  logic [3:0]                 s_axil_wstrb,
  input  logic                       s_axil_wvalid,
  output logic                       s_axil_wready,
  output logic [1:0]                 s_axil_bresp,
  output logic                       s_axil_bvalid,
  input  logic                       s_axil_bready,
  input  logic [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
  input  logic                       s_axil_arvalid,
  output logic                       s_axil_arready,
  output logic [31:0]                s_axil_rdata,
  output logic [1:0]                 s_axil_rresp,
  output logic                       s_axil_rvalid,
  input  logic                       s_axil_rready,

  // AXI-Lite master: to the CDMA registers (every offset outside the window)
  output logic [AXIL_ADDR_WIDTH-1:0] m_axil_awaddr,
  output logic                       m_axil_awvalid,
  input  logic                       m_axil_awready,
  output logic [31:0]                m_axil_wdata,
  output logic [3:0]                 m_axil_wstrb,
  output logic                       m_axil_wvalid,
  input  logic                       m_axil_wready,
  input  logic [1:0]                 m_axil_bresp,
  input  logic                       m_axil_bvalid,
  output logic                       m_axil_bready,
  output logic [AXIL_ADDR_WIDTH-1:0] m_axil_araddr,
  output logic                       m_axil_arvalid,
  input  logic                       m_axil_arready,
  input  logic [31:0]                m_axil_rdata,
  input  logic [1:0]                 m_axil_rresp,
  input  logic                       m_axil_rvalid,
  output logic                       m_axil_rready,

  // register bus: the windows (reg_addr = offset - the window's base; reg_sel 0 the monitor's,
  // 1 the IOMMU's); reg_rdata is combinational from reg_sel / reg_addr, a write takes effect in
  // the cycle reg_we is high
  output logic                       reg_we,
  output logic                       reg_sel,
  output logic [7:0]                 reg_addr,
  output logic [31:0]                reg_wdata,
  input  logic [31:0]                reg_rdata
);

  if (AXIL_ADDR_WIDTH < 14 || AXIL_ADDR_WIDTH > 32) begin : g_check_axil_addr_width
    $fatal(1, "axil_decoder: AXIL_ADDR_WIDTH must be 14..32 (the windows sit at 0x1000, 0x2000)");
  end
  if (MON_SPACE_END - MON_BASE_OFFSET > 256 || IOMMU_SPACE_END - IOMMU_BASE_OFFSET > 256)
  begin : g_check_window
    $fatal(1, "axil_decoder: each window must fit reg_addr (256 bytes)");
  end

  // ---------------------------------------------------------------------------------------------
  // State: the target of the write / read in flight (1 = the register-bus window)
  // ---------------------------------------------------------------------------------------------
  logic                       wr_act_q,  wr_act_d;   // an AW has been routed; its B is owed
  logic                       wr_win_q,  wr_win_d;   // ... to the window
  logic                       aw_done_q, aw_done_d;  // its AW has been taken
  logic                       w_done_q,  w_done_d;   // its W has been taken
  logic [7:0]                 waddr_q,   waddr_d;    // window write: offset and data held
  logic                       wsel_q,    wsel_d;     // ... and which window
  logic [31:0]                wdata_q,   wdata_d;
  logic                       bvalid_q,  bvalid_d;   // window write response
  logic                       rd_act_q,  rd_act_d;   // an AR has been routed; its R is owed
  logic                       rd_win_q,  rd_win_d;   // ... to the window
  logic                       rvalid_q,  rvalid_d;   // window read response
  logic [31:0]                rdata_q,   rdata_d;

  logic wr_win, rd_win;         // the target of the write / read this cycle
  logic aw_open, w_open;        // AW / W of the write in flight (or starting) may pass
  logic aw_take, w_take, ar_take, b_take, r_take;
  logic win_we;                 // the window write happens this cycle

  function automatic logic in_iommu(input logic [AXIL_ADDR_WIDTH-1:0] a);
    return 32'(a) >= IOMMU_BASE_OFFSET && 32'(a) < IOMMU_SPACE_END;
  endfunction

  function automatic logic in_window(input logic [AXIL_ADDR_WIDTH-1:0] a);
    return (32'(a) >= MON_BASE_OFFSET && 32'(a) < MON_SPACE_END) || in_iommu(a);
  endfunction

  // word offset inside its window (the low two bits select a byte lane, not a register)
  function automatic logic [7:0] win_offset(input logic [AXIL_ADDR_WIDTH-1:0] a);
    return 8'(32'(a) - (in_iommu(a) ? IOMMU_BASE_OFFSET : MON_BASE_OFFSET)) & 8'hFC;
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Write: AW decides the target; W follows it; B comes back from that target
  // ---------------------------------------------------------------------------------------------
  assign wr_win  = wr_act_q ? wr_win_q : in_window(s_axil_awaddr);
  assign aw_open = !aw_done_q;
  assign w_open  = !w_done_q && (wr_act_q || s_axil_awvalid);

  assign m_axil_awaddr  = s_axil_awaddr;
  assign m_axil_awvalid = s_axil_awvalid && aw_open && !wr_win;
  assign m_axil_wdata   = s_axil_wdata;
  assign m_axil_wstrb   = s_axil_wstrb;
  assign m_axil_wvalid  = s_axil_wvalid && w_open && !wr_win;
  assign m_axil_bready  = s_axil_bready && wr_act_q && !wr_win_q;

  assign s_axil_awready = aw_open && (wr_win || m_axil_awready);
  assign s_axil_wready  = w_open && (wr_win || m_axil_wready);
  assign s_axil_bvalid  = (wr_act_q && !wr_win_q && m_axil_bvalid) || bvalid_q;
  assign s_axil_bresp   = bvalid_q ? RESP_OKAY : m_axil_bresp;

  assign aw_take = s_axil_awvalid && s_axil_awready;
  assign w_take  = s_axil_wvalid && s_axil_wready;
  assign b_take  = s_axil_bvalid && s_axil_bready;
  // the window write: once its address and data are both held
  assign win_we  = wr_act_q && wr_win_q && aw_done_q && w_done_q && !bvalid_q;

  // ---------------------------------------------------------------------------------------------
  // Read: AR decides the target; R comes back from it
  // ---------------------------------------------------------------------------------------------
  assign rd_win = in_window(s_axil_araddr);

  assign m_axil_araddr  = s_axil_araddr;
  assign m_axil_arvalid = s_axil_arvalid && !rd_act_q && !rd_win;
  assign m_axil_rready  = s_axil_rready && rd_act_q && !rd_win_q;

  assign s_axil_arready = !rd_act_q && (rd_win ? !win_we : m_axil_arready);
  assign s_axil_rvalid  = (rd_act_q && !rd_win_q && m_axil_rvalid) || rvalid_q;
  assign s_axil_rdata   = rvalid_q ? rdata_q : m_axil_rdata;
  assign s_axil_rresp   = rvalid_q ? RESP_OKAY : m_axil_rresp;

  assign ar_take = s_axil_arvalid && s_axil_arready;
  assign r_take  = s_axil_rvalid && s_axil_rready;

  // ---------------------------------------------------------------------------------------------
  // Register bus: the write's offset while it happens, else the read's
  // ---------------------------------------------------------------------------------------------
  assign reg_we    = win_we;
  assign reg_addr  = win_we ? waddr_q : win_offset(s_axil_araddr);
  assign reg_sel   = win_we ? wsel_q : in_iommu(s_axil_araddr);
  assign reg_wdata = wdata_q;

  always_comb begin
    wr_act_d  = wr_act_q;
    wr_win_d  = wr_win_q;
    aw_done_d = aw_done_q || aw_take;
    w_done_d  = w_done_q || w_take;
    waddr_d   = waddr_q;
    wsel_d    = wsel_q;
    wdata_d   = wdata_q;
    bvalid_d  = bvalid_q || win_we;
    rd_act_d  = rd_act_q;
    rd_win_d  = rd_win_q;
    rvalid_d  = rvalid_q;
    rdata_d   = rdata_q;

    // write: opened by its AW, closed by its B
    if (aw_take) begin
      wr_act_d = 1'b1;
      wr_win_d = wr_win;
      waddr_d  = win_offset(s_axil_awaddr);
      wsel_d   = in_iommu(s_axil_awaddr);
    end
    if (w_take) wdata_d = s_axil_wdata;
    if (b_take) begin
      wr_act_d  = 1'b0;
      aw_done_d = 1'b0;
      w_done_d  = 1'b0;
      bvalid_d  = 1'b0;
    end

    // read: opened by its AR, closed by its R; the window answers one cycle later
    if (ar_take) begin
      rd_act_d = 1'b1;
      rd_win_d = rd_win;
      if (rd_win) begin
        rvalid_d = 1'b1;
        rdata_d  = reg_rdata;
      end
    end
    if (r_take) begin
      rd_act_d = 1'b0;
      rvalid_d = 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_act_q  <= 1'b0;
      wr_win_q  <= 1'b0;
      aw_done_q <= 1'b0;
      w_done_q  <= 1'b0;
      waddr_q   <= '0;
      wsel_q    <= 1'b0;
      wdata_q   <= '0;
      bvalid_q  <= 1'b0;
      rd_act_q  <= 1'b0;
      rd_win_q  <= 1'b0;
      rvalid_q  <= 1'b0;
      rdata_q   <= '0;
    end else begin
      wr_act_q  <= wr_act_d;
      wr_win_q  <= wr_win_d;
      aw_done_q <= aw_done_d;
      w_done_q  <= w_done_d;
      waddr_q   <= waddr_d;
      wsel_q    <= wsel_d;
      wdata_q   <= wdata_d;
      bvalid_q  <= bvalid_d;
      rd_act_q  <= rd_act_d;
      rd_win_q  <= rd_win_d;
      rvalid_q  <= rvalid_d;
      rdata_q   <= rdata_d;
    end
  end

  // the window's registers are whole words: strobes and the low address bits are not used
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{s_axil_wstrb};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this decoder relies on
  // -----------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_b_routed: assert (!m_axil_bvalid || (wr_act_q && !wr_win_q))
        else $error("axil_decoder: B from the CDMA registers with no write routed there");
      a_r_routed: assert (!m_axil_rvalid || (rd_act_q && !rd_win_q))
        else $error("axil_decoder: R from the CDMA registers with no read routed there");
      a_w_with_aw: assert (!w_take || wr_act_q || s_axil_awvalid)
        else $error("axil_decoder: W routed with no AW to decide its target");
    end
  end
`endif

endmodule
