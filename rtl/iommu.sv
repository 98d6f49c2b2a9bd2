// SPDX-License-Identifier: MIT
// iommu: the DMA's IOMMU and host bridge, on cdma's AXI4 master before the coherency monitor. It
// translates each burst's IOVA through an IOTLB and a page-table walker; it does not reorder bursts.

// Off (IOMMU_CTRL.Enable = 0, the reset value): every channel is wired through and only the host
// bridge's bus_offset is subtracted from AR / AW addresses (bus address -> CPU physical; offset 0
// changes nothing). On: one translation per AR / AW (bursts never cross 4 KiB) from a direct-mapped
// IOTLB (IOTLB_ENTRIES, the index the low IOVA page-number bits, 2^TLB_LOG2 of them in use); a
// hit adds no cycle. A miss holds the channel, waits until no data read is in flight, then the
// walker reads one PTE per level on the bus (ID WALK_ID, one beat), the PTE of the level above
// the leaf cached once (a walk that hits it reads one PTE). A fault (not present, permission,
// reserved PTE bits, PTE read answered with an error, or the walk not done within WALK_BUDGET
// cycles) waits until the channel's earlier bursts are done, takes the burst and answers it here:
// every R beat / the B with DECERR (not present, walk error) or SLVERR (the others); the W beats
// are dropped. It is recorded (first since clear) and pulses fault_valid (registered: the next
// cycle, so the port changes only at the rising edge). Page table: docs/
// architecture.md "IOMMU". Enable changes take effect once nothing is in flight on the port.
module iommu
  import dma_pkg::*;
#(
  // AXI4 data width in bits (at least the PTE size, ADDR_WIDTH)
  parameter int unsigned DATA_WIDTH    = 64,
  // AXI4 address width in bits (32: 4-byte PTEs, two levels; 64: 8-byte PTEs, three levels)
  parameter int unsigned ADDR_WIDTH    = 32,
  // AXI4 ID width in bits
  parameter int unsigned ID_WIDTH      = 4,
  // IOTLB entries (a power of two, 1..4096)
  parameter int unsigned IOTLB_ENTRIES = 1024,
  // AXI ID of the walker's PTE reads (never the engine's)
  parameter int unsigned WALK_ID       = 3,
  // cycles a burst may wait for its walk before it faults (kind TIMEOUT)
  parameter int unsigned WALK_BUDGET   = 16384
) (
  input  logic                       clk,
  input  logic                       rst,            // synchronous, active high

  // host bridge: bus address = CPU physical + bus_offset (applied while the IOMMU is off)
  input  logic [ADDR_WIDTH-1:0]      bus_offset,

  // AXI4 slave: from the engine (IOVAs, or bus addresses while off)
  input  logic [ID_WIDTH-1:0]        s_axi_awid,
  input  logic [ADDR_WIDTH-1:0]      s_axi_awaddr,
  input  logic [7:0]                 s_axi_awlen,
  input  logic [2:0]                 s_axi_awsize,
  input  logic [1:0]                 s_axi_awburst,
  input  logic                       s_axi_awvalid,
  output logic                       s_axi_awready,
  input  logic [DATA_WIDTH-1:0]      s_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0]    s_axi_wstrb,
  input  logic                       s_axi_wlast,
  input  logic                       s_axi_wvalid,
  output logic                       s_axi_wready,
  output logic [ID_WIDTH-1:0]        s_axi_bid,
  output logic [1:0]                 s_axi_bresp,
  output logic                       s_axi_bvalid,
  input  logic                       s_axi_bready,
  input  logic [ID_WIDTH-1:0]        s_axi_arid,
  input  logic [ADDR_WIDTH-1:0]      s_axi_araddr,
  input  logic [7:0]                 s_axi_arlen,
  input  logic [2:0]                 s_axi_arsize,
  input  logic [1:0]                 s_axi_arburst,
  input  logic                       s_axi_arvalid,
  output logic                       s_axi_arready,
  output logic [ID_WIDTH-1:0]        s_axi_rid,
  output logic [DATA_WIDTH-1:0]      s_axi_rdata,
  output logic [1:0]                 s_axi_rresp,
  output logic                       s_axi_rlast,
  output logic                       s_axi_rvalid,
  input  logic                       s_axi_rready,

  // AXI4 master: to the coherency monitor (CPU physical addresses)
  output logic [ID_WIDTH-1:0]        m_axi_awid,
  output logic [ADDR_WIDTH-1:0]      m_axi_awaddr,
  output logic [7:0]                 m_axi_awlen,
  output logic [2:0]                 m_axi_awsize,
  output logic [1:0]                 m_axi_awburst,
  output logic                       m_axi_awvalid,
  input  logic                       m_axi_awready,
  output logic [DATA_WIDTH-1:0]      m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0]    m_axi_wstrb,
  output logic                       m_axi_wlast,
  output logic                       m_axi_wvalid,
  input  logic                       m_axi_wready,
  input  logic [ID_WIDTH-1:0]        m_axi_bid,
  input  logic [1:0]                 m_axi_bresp,
  input  logic                       m_axi_bvalid,
  output logic                       m_axi_bready,
  output logic [ID_WIDTH-1:0]        m_axi_arid,
  output logic [ADDR_WIDTH-1:0]      m_axi_araddr,
  output logic [7:0]                 m_axi_arlen,
  output logic [2:0]                 m_axi_arsize,
  output logic [1:0]                 m_axi_arburst,
  output logic                       m_axi_arvalid,
  input  logic                       m_axi_arready,
  input  logic [ID_WIDTH-1:0]        m_axi_rid,
  input  logic [DATA_WIDTH-1:0]      m_axi_rdata,
  input  logic [1:0]                 m_axi_rresp,
  input  logic                       m_axi_rlast,
  input  logic                       m_axi_rvalid,
  output logic                       m_axi_rready,

  // register bus (axil_decoder's IOMMU window; reg_addr = offset - IOMMU_BASE_OFFSET)
  input  logic                       reg_we,
  input  logic [7:0]                 reg_addr,
  input  logic [31:0]                reg_wdata,
  output logic [31:0]                reg_rdata,

  // fault event: one cycle per faulted burst (fault_kind is an iommu_fault_e), registered: high in
  // the cycle after the burst faulted (so it changes only at the rising edge)
  output logic                       fault_valid,
  output logic                       fault_write,
  output logic [2:0]                 fault_kind,
  output logic [ADDR_WIDTH-1:0]      fault_iova
);

  // PTE size, table index bits per level, levels, IOVA bits translated
  localparam int unsigned PTE_BYTES = ADDR_WIDTH / 8;
  localparam int unsigned IDX_BITS  = (ADDR_WIDTH == 32) ? 10 : 9;
  localparam int unsigned LEVELS    = (ADDR_WIDTH == 32) ? 2 : 3;
  localparam int unsigned IOVA_BITS = 12 + LEVELS * IDX_BITS;
  localparam int unsigned VPN_W     = ADDR_WIDTH - 12;
  localparam int unsigned TLB_LOG2  = $clog2(IOTLB_ENTRIES);
  localparam int unsigned TLB_IW    = (TLB_LOG2 > 0) ? TLB_LOG2 : 1;
  localparam int unsigned LANE_BITS = $clog2(DATA_WIDTH / 8);
  localparam int unsigned BUDGET_W  = $clog2(WALK_BUDGET + 1);

  if (ADDR_WIDTH != 32 && ADDR_WIDTH != 64) begin : g_check_addr_width
    $fatal(1, "iommu: ADDR_WIDTH must be 32 or 64");
  end
  if (DATA_WIDTH < ADDR_WIDTH) begin : g_check_data_width
    $fatal(1, "iommu: DATA_WIDTH must hold one PTE (ADDR_WIDTH bits)");
  end
  if (IOTLB_ENTRIES < 1 || IOTLB_ENTRIES > 4096 || (IOTLB_ENTRIES & (IOTLB_ENTRIES - 1)) != 0)
  begin : g_check_entries
    $fatal(1, "iommu: IOTLB_ENTRIES must be a power of two, 1..4096");
  end
  if (WALK_ID >= (1 << ID_WIDTH)) begin : g_check_walk_id
    $fatal(1, "iommu: WALK_ID must fit ID_WIDTH");
  end
  if (WALK_BUDGET < 16) begin : g_check_budget
    $fatal(1, "iommu: WALK_BUDGET must be at least 16 cycles");
  end

  // channel state (AR and AW alike; ERR_W and ERR_B are the write channel's)
  typedef enum logic [2:0] {
    CH_PASS,   // translate and forward the next burst (or wire it through while off)
    CH_WALK,   // the walker works for this burst
    CH_DRAIN,  // faulted: wait until the channel's earlier bursts are done
    CH_ERR,    // read: answer the faulted burst's R beats; write: drop its W beats
    CH_ERR_B   // write: answer its B
  } ch_state_e;

  // walker state
  typedef enum logic [1:0] {
    WK_IDLE,   // no walk
    WK_DRAIN,  // wait until no data read is in flight (and no AR held)
    WK_AR,     // PTE read address
    WK_R       // PTE read data
  } wk_state_e;

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  // registers
  logic                    en_q, en_d;              // IOMMU_CTRL.Enable as written
  logic                    act_q, act_d;            // in effect
  logic [4:0]              tlb_log2_q, tlb_log2_d;  // IOTLB entries in use: 2^tlb_log2
  logic [ADDR_WIDTH-1:0]   ptbase_q, ptbase_d;
  logic [31:0]             inv_msb_q, inv_msb_d;
  logic [31:0]             fault_cnt_q, fault_cnt_d;
  logic [ADDR_WIDTH-1:0]   frec_iova_q, frec_iova_d;
  logic [2:0]              frec_kind_q, frec_kind_d;
  logic                    frec_write_q, frec_write_d;
  logic [63:0]             frec_cycle_q, frec_cycle_d;
  logic [31:0]             hits_q, hits_d, misses_q, misses_d, walk_cyc_q, walk_cyc_d;
  logic [31:0]             pte_reads_q, pte_reads_d;
  logic [63:0]             cycle_q;

  // IOTLB (direct-mapped) and the cached next-to-last-level table
  logic [IOTLB_ENTRIES-1:0] tlb_v_q, tlb_v_d;
  logic [VPN_W-1:0]        tlb_tag_q [IOTLB_ENTRIES];
  logic [VPN_W-1:0]        tlb_ppn_q [IOTLB_ENTRIES];
  logic [1:0]              tlb_rw_q  [IOTLB_ENTRIES];   // [0] read, [1] write allowed
  logic                    fill;                        // write the walk's leaf this cycle
  logic [TLB_IW-1:0]       fill_idx;
  logic                    pde_v_q, pde_v_d;
  logic [VPN_W-1:0]        pde_tag_q, pde_tag_d;        // vpn >> IDX_BITS
  logic [ADDR_WIDTH-1:0]   pde_base_q, pde_base_d;      // the leaf table

  // channels: [0] read (AR), [1] write (AW)
  ch_state_e               ch_q [2], ch_d [2];
  logic [1:0]              hold_q, hold_d;              // an AR / AW is on m_axi, not yet taken
  logic [ADDR_WIDTH-1:0]   hold_addr_q [2], hold_addr_d [2];
  logic [1:0]              xl_v_q, xl_v_d;              // the walk's result for the waiting burst
  logic [VPN_W-1:0]        xl_ppn_q [2], xl_ppn_d [2];
  logic [1:0]              xl_rw_q [2], xl_rw_d [2];
  logic [2:0]              ch_kind_q [2], ch_kind_d [2];  // the fault being answered
  logic [ID_WIDTH-1:0]     err_id_q [2], err_id_d [2];
  logic [7:0]              err_beat_q, err_beat_d;      // R beats answered / len of the burst
  logic [7:0]              err_len_q, err_len_d;
  logic [BUDGET_W-1:0]     wait_q [2], wait_d [2];      // cycles waited for the walk

  // port bookkeeping: data reads in flight, writes awaiting B, W bursts owed to forwarded AWs
  logic [8:0]              rd_out_q, rd_out_d, b_out_q, b_out_d;
  logic signed [9:0]       w_owed_q, w_owed_d;

  // walker
  wk_state_e               wk_q, wk_d;
  logic                    wk_dir_q, wk_dir_d;          // for the read (0) or write (1) channel
  logic [ADDR_WIDTH-1:0]   wk_iova_q, wk_iova_d;
  logic [1:0]              wk_level_q, wk_level_d;
  logic [ADDR_WIDTH-1:0]   wk_table_q, wk_table_d;
  logic                    wk_stale_q, wk_stale_d;      // invalidated while walking: do not fill
  logic                    wk_drop_q, wk_drop_d;        // its burst gave up (budget): discard
  logic                    wk_last_q, wk_last_d;        // the channel served last (fairness)
  logic [LANE_BITS-1:0]    pte_lane_q, pte_lane_d;      // the PTE's byte lane in the R beat

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------
  function automatic logic [VPN_W-1:0] vpn_of(input logic [ADDR_WIDTH-1:0] a);
    return VPN_W'(a >> 12);
  endfunction

  logic [TLB_IW-1:0] idx_mask;
  always_comb begin
    idx_mask = '0;
    for (int unsigned b = 0; b < TLB_IW; b++) idx_mask[b] = (32'(b) < 32'(tlb_log2_q));
  end

  function automatic logic [TLB_IW-1:0] tlb_idx(input logic [VPN_W-1:0] vpn,
                                                input logic [TLB_IW-1:0] mask);
    logic [VPN_W-1:0] m;
    m = VPN_W'(mask);
    return TLB_IW'(vpn & m);
  endfunction

  // the PTE address of `iova` at `level` in `table`
  function automatic logic [ADDR_WIDTH-1:0] pte_addr(input logic [ADDR_WIDTH-1:0] table_base,
                                                     input logic [ADDR_WIDTH-1:0] iova,
                                                     input logic [1:0] level);
    logic [ADDR_WIDTH-1:0] idx;
    idx = (iova >> (12 + 32'(level) * IDX_BITS)) & ADDR_WIDTH'((1 << IDX_BITS) - 1);
    return table_base + idx * ADDR_WIDTH'(PTE_BYTES);
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Look-ups: per channel, the translation of the burst on s_axi (the walk's result first)
  // ---------------------------------------------------------------------------------------------
  logic [ADDR_WIDTH-1:0] ch_addr [2];
  logic [1:0]            ch_valid;
  logic [1:0]            lk_hit, lk_tlb, lk_ok;
  logic [VPN_W-1:0]      lk_ppn [2];
  logic [ADDR_WIDTH-1:0] lk_pa [2];

  assign ch_addr[0]  = s_axi_araddr;
  assign ch_addr[1]  = s_axi_awaddr;
  assign ch_valid[0] = s_axi_arvalid;
  assign ch_valid[1] = s_axi_awvalid;

  always_comb begin
    for (int c = 0; c < 2; c++) begin
      logic [TLB_IW-1:0] i;
      logic [1:0]        rw;
      i         = tlb_idx(vpn_of(ch_addr[c]), idx_mask);
      lk_tlb[c] = tlb_v_q[i] && tlb_tag_q[i] == vpn_of(ch_addr[c]);
      lk_hit[c] = xl_v_q[c] || lk_tlb[c];
      lk_ppn[c] = xl_v_q[c] ? xl_ppn_q[c] : tlb_ppn_q[i];
      rw        = xl_v_q[c] ? xl_rw_q[c] : tlb_rw_q[i];
      lk_ok[c]  = rw[c];
      lk_pa[c]  = {lk_ppn[c], ch_addr[c][11:0]};
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Registers (read side)
  // ---------------------------------------------------------------------------------------------
  logic [63:0] ptbase64, fiova64;
  assign ptbase64 = 64'(ptbase_q);
  assign fiova64  = 64'(frec_iova_q);

  always_comb begin
    reg_rdata = '0;
    unique case (32'(reg_addr) + IOMMU_BASE_OFFSET)
      IOMMU_CTRL_OFFSET:        begin
        reg_rdata[IOMMU_CTRL_ENABLE_BIT] = en_q;
        reg_rdata[IOMMU_CTRL_TLB_LOG2_LSB +: IOMMU_CTRL_TLB_LOG2_WIDTH] = tlb_log2_q;
      end
      IOMMU_STATUS_OFFSET:      begin
        reg_rdata[IOMMU_STATUS_ACTIVE_BIT]  = act_q;
        reg_rdata[IOMMU_STATUS_WALKING_BIT] = (wk_q != WK_IDLE);
      end
      IOMMU_CAPS_OFFSET:        reg_rdata = 32'(TLB_LOG2) << IOMMU_CAPS_TLB_LOG2_LSB
                                          | 32'(LEVELS) << IOMMU_CAPS_LEVELS_LSB
                                          | 32'(PTE_BYTES) << IOMMU_CAPS_PTE_BYTES_LSB
                                          | 32'(IOVA_BITS) << IOMMU_CAPS_IOVA_BITS_LSB;
      IOMMU_PTBASE_OFFSET:      reg_rdata = ptbase64[31:0];
      IOMMU_PTBASE_MSB_OFFSET:  reg_rdata = ptbase64[63:32];
      IOMMU_INV_IOVA_MSB_OFFSET: reg_rdata = inv_msb_q;
      IOMMU_FAULT_COUNT_OFFSET: reg_rdata = fault_cnt_q;
      IOMMU_FAULT_IOVA_OFFSET:  reg_rdata = fiova64[31:0];
      IOMMU_FAULT_IOVA_MSB_OFFSET: reg_rdata = fiova64[63:32];
      IOMMU_FAULT_INFO_OFFSET:  begin
        reg_rdata[IOMMU_FAULT_INFO_KIND_LSB +: 3] = frec_kind_q;
        reg_rdata[IOMMU_FAULT_INFO_WRITE_BIT]     = frec_write_q;
      end
      IOMMU_FAULT_CYCLE_OFFSET:     reg_rdata = frec_cycle_q[31:0];
      IOMMU_FAULT_CYCLE_MSB_OFFSET: reg_rdata = frec_cycle_q[63:32];
      IOMMU_HITS_OFFSET:        reg_rdata = hits_q;
      IOMMU_MISSES_OFFSET:      reg_rdata = misses_q;
      IOMMU_WALK_CYCLES_OFFSET: reg_rdata = walk_cyc_q;
      IOMMU_PTE_READS_OFFSET:   reg_rdata = pte_reads_q;
      default:                  reg_rdata = '0;
    endcase
  end

  // register writes
  logic                  wr_ctrl, inv_all, clear, inv_one;
  logic [TLB_IW-1:0]     inv_idx;                // the IOTLB entry INV_IOVA names
  logic [4:0]            ctrl_l2;                // IOMMU_CTRL's TLB_LOG2 field (0: the build's)
  logic [ADDR_WIDTH-1:0] inv_iova;
  assign wr_ctrl  = reg_we && (32'(reg_addr) + IOMMU_BASE_OFFSET) == IOMMU_CTRL_OFFSET;
  assign inv_all  = wr_ctrl && (reg_wdata[IOMMU_CTRL_INV_ALL_BIT]
                    || ctrl_l2 != tlb_log2_q);
  assign clear    = wr_ctrl && reg_wdata[IOMMU_CTRL_CLEAR_BIT];
  assign inv_one  = reg_we && (32'(reg_addr) + IOMMU_BASE_OFFSET) == IOMMU_INV_IOVA_OFFSET;
  assign inv_iova = ADDR_WIDTH'({inv_msb_q, reg_wdata});
  assign inv_idx  = tlb_idx(vpn_of(inv_iova), idx_mask);
  assign ctrl_l2  = (reg_wdata[IOMMU_CTRL_TLB_LOG2_LSB +: IOMMU_CTRL_TLB_LOG2_WIDTH] == 0)
                    ? 5'(TLB_LOG2) : 5'(reg_wdata[IOMMU_CTRL_TLB_LOG2_LSB +: IOMMU_CTRL_TLB_LOG2_WIDTH]);

  // ---------------------------------------------------------------------------------------------
  // Port outputs
  // ---------------------------------------------------------------------------------------------
  logic       wk_owns_ar;            // the walker drives m_axi AR
  logic       walk_r;                // the R beat on m_axi is the walker's
  logic [1:0] fwd;                   // AR / AW: a translated burst goes out this cycle
  logic [1:0] fault_now;             // AR / AW: a fault is raised this cycle
  logic [1:0] walk_req;              // AR / AW: the burst needs a walk
  logic [2:0] fault_now_kind;
  logic [ADDR_WIDTH-1:0] ch_out_addr [2];

  assign wk_owns_ar = (wk_q == WK_AR);
  assign walk_r     = m_axi_rvalid && m_axi_rid == ID_WIDTH'(WALK_ID);

  always_comb begin
    for (int c = 0; c < 2; c++) begin
      fwd[c]      = 1'b0;
      walk_req[c] = 1'b0;
      ch_out_addr[c] = hold_q[c] ? hold_addr_q[c] : lk_pa[c];
      if (!act_q) begin
        ch_out_addr[c] = ch_addr[c] - bus_offset;
        fwd[c]         = ch_valid[c];
      end else if (ch_q[c] == CH_PASS) begin
        if (hold_q[c]) begin
          fwd[c] = 1'b1;
        end else if (ch_valid[c] && wk_q == WK_IDLE) begin
          fwd[c]      = lk_hit[c] && lk_ok[c];
          walk_req[c] = !lk_hit[c];
        end
      end
    end
    // faults: the walker's first, then a permission fault on AR, then on AW (one per cycle)
    fault_now      = '0;
    fault_now_kind = IOMMU_FAULT_NONE;
    for (int c = 0; c < 2; c++) begin
      if (act_q && ch_q[c] == CH_PASS && !hold_q[c] && ch_valid[c] && wk_q == WK_IDLE
          && lk_hit[c] && !lk_ok[c] && fault_now == '0) begin
        fault_now[c]   = 1'b1;
        fault_now_kind = IOMMU_FAULT_PERMISSION;
      end
    end
  end

  // AR
  assign m_axi_arvalid = wk_owns_ar || (!act_q ? s_axi_arvalid : fwd[0]);
  assign m_axi_arid    = wk_owns_ar ? ID_WIDTH'(WALK_ID) : s_axi_arid;
  assign m_axi_araddr  = wk_owns_ar ? pte_addr(wk_table_q, wk_iova_q, wk_level_q) : ch_out_addr[0];
  assign m_axi_arlen   = wk_owns_ar ? 8'd0 : s_axi_arlen;
  assign m_axi_arsize  = wk_owns_ar ? 3'($clog2(PTE_BYTES)) : s_axi_arsize;
  assign m_axi_arburst = wk_owns_ar ? BURST_INCR : s_axi_arburst;
  assign s_axi_arready = !act_q ? m_axi_arready
                       : (fwd[0] && !wk_owns_ar && m_axi_arready)
                         || (ch_q[0] == CH_DRAIN && rd_out_q == 0 && s_axi_arvalid);

  // R: the walker's beats never reach the engine; a faulted read's beats come from here
  assign s_axi_rvalid = (ch_q[0] == CH_ERR) || (m_axi_rvalid && !walk_r);
  assign s_axi_rid    = (ch_q[0] == CH_ERR) ? err_id_q[0] : m_axi_rid;
  assign s_axi_rdata  = (ch_q[0] == CH_ERR) ? '0 : m_axi_rdata;
  assign s_axi_rresp  = (ch_q[0] == CH_ERR) ? fault_resp(ch_kind_q[0]) : m_axi_rresp;
  assign s_axi_rlast  = (ch_q[0] == CH_ERR) ? (err_beat_q == err_len_q) : m_axi_rlast;
  assign m_axi_rready = walk_r ? (wk_q == WK_R || wk_drop_q)
                               : (ch_q[0] != CH_ERR && s_axi_rready);

  // AW
  assign m_axi_awvalid = fwd[1];
  assign m_axi_awid    = s_axi_awid;
  assign m_axi_awaddr  = ch_out_addr[1];
  assign m_axi_awlen   = s_axi_awlen;
  assign m_axi_awsize  = s_axi_awsize;
  assign m_axi_awburst = s_axi_awburst;
  assign s_axi_awready = !act_q ? m_axi_awready
                       : (fwd[1] && m_axi_awready)
                         || (ch_q[1] == CH_DRAIN && w_owed_q == 0 && b_out_q == 0
                             && s_axi_awvalid);

  // W: while on, a beat passes once its AW has gone out; a faulted write's beats are dropped
  assign m_axi_wdata  = s_axi_wdata;
  assign m_axi_wstrb  = s_axi_wstrb;
  assign m_axi_wlast  = s_axi_wlast;
  assign m_axi_wvalid = s_axi_wvalid && (!act_q || (ch_q[1] != CH_ERR && w_owed_q > 0));
  assign s_axi_wready = !act_q ? m_axi_wready
                      : (ch_q[1] == CH_ERR) || (w_owed_q > 0 && m_axi_wready);

  // B: a faulted write's B comes from here
  assign s_axi_bvalid = (ch_q[1] == CH_ERR_B) || m_axi_bvalid;
  assign s_axi_bid    = (ch_q[1] == CH_ERR_B) ? err_id_q[1] : m_axi_bid;
  assign s_axi_bresp  = (ch_q[1] == CH_ERR_B) ? fault_resp(ch_kind_q[1]) : m_axi_bresp;
  assign m_axi_bready = (ch_q[1] != CH_ERR_B) && s_axi_bready;

  // fault event
  logic                  walk_fault;
  logic [2:0]            walk_fault_kind;
  logic [1:0]            budget_out;           // AR / AW gave up waiting for the walk
  // this cycle's fault (combinational; the fault_* outputs are these, registered)
  logic                  fault_c_valid;
  logic                  fault_c_write;
  logic [2:0]            fault_c_kind;
  logic [ADDR_WIDTH-1:0] fault_c_iova;
  assign fault_c_valid = (fault_now != '0) || walk_fault || (budget_out != '0);
  always_comb begin
    fault_c_write = 1'b0;
    fault_c_kind  = fault_now_kind;
    fault_c_iova  = s_axi_araddr;
    if (walk_fault) begin
      fault_c_write = wk_dir_q;
      fault_c_kind  = walk_fault_kind;
      fault_c_iova  = wk_iova_q;
    end else if (budget_out[0]) begin
      fault_c_kind = IOMMU_FAULT_TIMEOUT;
    end else if (budget_out[1]) begin
      fault_c_write = 1'b1;
      fault_c_kind  = IOMMU_FAULT_TIMEOUT;
      fault_c_iova  = s_axi_awaddr;
    end else if (fault_now[1]) begin
      fault_c_write = 1'b1;
      fault_c_iova  = s_axi_awaddr;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Walker: one PTE per level; the result goes to the waiting channel
  // ---------------------------------------------------------------------------------------------
  logic [ADDR_WIDTH-1:0] pte;
  logic [VPN_W-1:0]      ppn;                  // the PTE's page number
  logic                  wk_pick;              // the channel a new walk serves
  logic                  pte_take;
  assign ppn     = pte[ADDR_WIDTH-1:12];
  assign wk_pick = walk_req[1] && (!walk_req[0] || !wk_last_q);
  logic [1:0]            walk_done;            // AR / AW: the walk's leaf is in xl_*
  assign pte      = ADDR_WIDTH'(m_axi_rdata >> {pte_lane_q, 3'b000});
  assign pte_take = walk_r && m_axi_rready;

  // a burst gives up waiting for its walk (only one channel waits for the walker at a time); the
  // walker then discards what it finds
  assign budget_out[0] = ch_q[0] == CH_WALK && 32'(wait_q[0]) >= WALK_BUDGET;
  assign budget_out[1] = ch_q[1] == CH_WALK && 32'(wait_q[1]) >= WALK_BUDGET;
  logic give_up;
  assign give_up = wk_drop_q || budget_out != '0;

  always_comb begin
    wk_d       = wk_q;
    wk_dir_d   = wk_dir_q;
    wk_iova_d  = wk_iova_q;
    wk_level_d = wk_level_q;
    wk_table_d = wk_table_q;
    wk_stale_d = wk_stale_q || inv_all || inv_one;
    wk_drop_d  = wk_drop_q || (budget_out != '0);
    wk_last_d  = wk_last_q;
    pte_lane_d = pte_lane_q;
    pde_v_d    = pde_v_q && !inv_all && !inv_one;
    pde_tag_d  = pde_tag_q;
    pde_base_d = pde_base_q;
    walk_fault = 1'b0;
    walk_fault_kind = IOMMU_FAULT_NONE;
    walk_done  = '0;
    fill       = 1'b0;
    fill_idx   = tlb_idx(vpn_of(wk_iova_q), idx_mask);
    for (int c = 0; c < 2; c++) begin
      xl_ppn_d[c] = xl_ppn_q[c];
      xl_rw_d[c]  = xl_rw_q[c];
    end

    unique case (wk_q)
      // take a walk: AR first unless it was served last and AW waits
      WK_IDLE: begin
        if (walk_req != '0) begin
          wk_dir_d   = wk_pick;
          wk_last_d  = wk_pick;
          wk_iova_d  = ch_addr[wk_pick];
          wk_stale_d = 1'b0;
          wk_drop_d  = 1'b0;
          if (pde_v_q && pde_tag_q == (vpn_of(ch_addr[wk_pick]) >> IDX_BITS)) begin
            wk_level_d = 2'd0;
            wk_table_d = pde_base_q;
          end else begin
            wk_level_d = 2'(LEVELS - 1);
            wk_table_d = ptbase_q;
          end
          wk_d = WK_DRAIN;
        end
      end
      // wait until no data read is in flight, so the PTE read is alone on the read channel; an
      // IOVA beyond the table's reach faults here
      WK_DRAIN: begin
        if (give_up) begin
          wk_d = WK_IDLE;
        end else if ((64'(wk_iova_q) >> IOVA_BITS) != 0) begin
          walk_fault      = 1'b1;
          walk_fault_kind = IOMMU_FAULT_NOT_PRESENT;
          wk_d            = WK_IDLE;
        end else if (rd_out_q == 0 && !hold_q[0]) begin
          pte_lane_d = LANE_BITS'(pte_addr(wk_table_q, wk_iova_q, wk_level_q));
          wk_d = WK_AR;
        end
      end
      // the PTE read's address (held until taken)
      WK_AR: if (m_axi_arready) wk_d = WK_R;
      // the PTE: next level, the leaf, or a fault
      WK_R: begin
        if (pte_take) begin
          if (give_up) begin
            wk_d = WK_IDLE;
          end else if (m_axi_rresp != RESP_OKAY) begin
            walk_fault      = 1'b1;
            walk_fault_kind = IOMMU_FAULT_WALK_ERROR;
            wk_d            = WK_IDLE;
          end else if (!pte[PTE_V_BIT]) begin
            walk_fault      = 1'b1;
            walk_fault_kind = IOMMU_FAULT_NOT_PRESENT;
            wk_d            = WK_IDLE;
          end else if ((wk_level_q != 0 && pte[11:1] != 0) || (wk_level_q == 0 && pte[11:3] != 0))
          begin
            walk_fault      = 1'b1;
            walk_fault_kind = IOMMU_FAULT_RESERVED;
            wk_d            = WK_IDLE;
          end else if (wk_level_q != 0) begin
            wk_table_d = {ppn, 12'h000};
            wk_level_d = wk_level_q - 2'd1;
            if (wk_level_q == 2'd1 && !wk_stale_q) begin
              pde_v_d    = 1'b1;
              pde_tag_d  = vpn_of(wk_iova_q) >> IDX_BITS;
              pde_base_d = {ppn, 12'h000};
            end
            pte_lane_d =
                LANE_BITS'(pte_addr({ppn, 12'h000}, wk_iova_q, wk_level_q - 2'd1));
            wk_d = WK_AR;
          end else begin
            walk_done[wk_dir_q]  = 1'b1;
            xl_ppn_d[wk_dir_q]   = ppn;
            xl_rw_d[wk_dir_q]    = {pte[PTE_W_BIT], pte[PTE_R_BIT]};
            fill                 = !wk_stale_q;
            wk_d                 = WK_IDLE;
          end
        end
      end
      default: wk_d = WK_IDLE;
    endcase
    if (inv_all) pde_v_d = 1'b0;
  end

  // ---------------------------------------------------------------------------------------------
  // Channels, bookkeeping, registers
  // ---------------------------------------------------------------------------------------------
  logic ar_take_m, r_last_m, aw_take_m, wlast_m, b_take_m;
  assign ar_take_m = m_axi_arvalid && m_axi_arready && !wk_owns_ar;
  assign r_last_m  = m_axi_rvalid && m_axi_rready && m_axi_rlast && !walk_r;
  assign aw_take_m = m_axi_awvalid && m_axi_awready;
  assign wlast_m   = m_axi_wvalid && m_axi_wready && m_axi_wlast;
  assign b_take_m  = m_axi_bvalid && m_axi_bready;

  logic quiet;
  assign quiet = rd_out_q == 0 && b_out_q == 0 && w_owed_q == 0 && !s_axi_arvalid
                 && !s_axi_awvalid && !s_axi_wvalid && wk_q == WK_IDLE && hold_q == '0
                 && ch_q[0] == CH_PASS && ch_q[1] == CH_PASS;

  always_comb begin
    en_d         = en_q;
    act_d        = quiet ? en_q : act_q;
    tlb_log2_d   = tlb_log2_q;
    ptbase_d     = ptbase_q;
    inv_msb_d    = inv_msb_q;
    fault_cnt_d  = fault_cnt_q;
    frec_iova_d  = frec_iova_q;
    frec_kind_d  = frec_kind_q;
    frec_write_d = frec_write_q;
    frec_cycle_d = frec_cycle_q;
    hits_d       = hits_q;
    misses_d     = misses_q;
    walk_cyc_d   = walk_cyc_q + 32'(wk_q != WK_IDLE);
    pte_reads_d  = pte_reads_q + 32'(wk_owns_ar && m_axi_arready);
    tlb_v_d      = tlb_v_q;
    rd_out_d     = rd_out_q + 9'(ar_take_m) - 9'(r_last_m);
    b_out_d      = b_out_q + 9'(aw_take_m) - 9'(b_take_m);
    w_owed_d     = w_owed_q + 10'(aw_take_m) - 10'(wlast_m);
    hold_d       = hold_q;
    xl_v_d       = xl_v_q & ~walk_done | walk_done;
    err_beat_d   = err_beat_q;
    err_len_d    = err_len_q;
    for (int c = 0; c < 2; c++) begin
      ch_d[c]        = ch_q[c];
      hold_addr_d[c] = hold_addr_q[c];
      ch_kind_d[c]   = ch_kind_q[c];
      err_id_d[c]    = err_id_q[c];
      wait_d[c]      = '0;
    end

    // per channel: one state each
    for (int c = 0; c < 2; c++) begin
      logic taken;
      taken = (c == 0) ? (s_axi_arvalid && s_axi_arready) : (s_axi_awvalid && s_axi_awready);
      unique case (ch_q[c])
        // translate, forward (held on m_axi until taken), or start a walk / raise a fault
        CH_PASS: begin
          if (act_q && fwd[c]) begin
            if (!hold_q[c]) hits_d = hits_d + 32'(lk_tlb[c] && !xl_v_q[c]);
            hold_d[c]      = !taken;
            hold_addr_d[c] = ch_out_addr[c];
            if (taken) xl_v_d[c] = 1'b0;
          end
          if (walk_req[c] && wk_q == WK_IDLE && wk_d == WK_DRAIN && wk_dir_d == 1'(c)) begin
            misses_d = misses_d + 32'd1;
            ch_d[c]  = CH_WALK;
          end
          if (fault_now[c]) begin
            ch_d[c]      = CH_DRAIN;
            ch_kind_d[c] = IOMMU_FAULT_PERMISSION;
            xl_v_d[c]    = 1'b0;  // the walk's result was the faulted burst's: never the next one's
          end
        end
        // the walk: its leaf (look up again), its fault, or the budget runs out
        CH_WALK: begin
          wait_d[c] = wait_q[c] + 1'b1;
          if (walk_done[c]) begin
            ch_d[c] = CH_PASS;
          end else if (walk_fault && wk_dir_q == 1'(c)) begin
            ch_d[c]      = CH_DRAIN;
            ch_kind_d[c] = walk_fault_kind;
          end else if (budget_out[c]) begin
            ch_d[c]       = CH_DRAIN;
            ch_kind_d[c]  = IOMMU_FAULT_TIMEOUT;
          end
        end
        // faulted: the burst is taken once the channel's earlier bursts are done
        CH_DRAIN: begin
          if (taken) begin
            ch_d[c]     = CH_ERR;
            err_id_d[c] = (c == 0) ? s_axi_arid : s_axi_awid;
            if (c == 0) begin
              err_beat_d = '0;
              err_len_d  = s_axi_arlen;
            end
          end
        end
        // read: answer every R beat; write: drop every W beat up to WLAST
        CH_ERR: begin
          if (c == 0) begin
            if (s_axi_rvalid && s_axi_rready) begin
              err_beat_d = err_beat_q + 8'd1;
              if (err_beat_q == err_len_q) ch_d[c] = CH_PASS;
            end
          end else if (s_axi_wvalid && s_axi_wlast) begin
            ch_d[c] = CH_ERR_B;
          end
        end
        // write: answer the B
        CH_ERR_B: if (s_axi_bready) ch_d[c] = CH_PASS;
        default: ch_d[c] = CH_PASS;
      endcase
    end

    // the fault record: the first since clear; the count of all
    if (fault_c_valid) begin
      fault_cnt_d = fault_cnt_q + 32'd1;
      if (fault_cnt_q == 0) begin
        frec_iova_d  = fault_c_iova;
        frec_kind_d  = fault_c_kind;
        frec_write_d = fault_c_write;
        frec_cycle_d = cycle_q;
      end
    end

    // the walk's leaf into the IOTLB; invalidations
    if (fill) tlb_v_d[fill_idx] = 1'b1;
    if (inv_one) begin
      if (tlb_tag_q[inv_idx] == vpn_of(inv_iova)) tlb_v_d[inv_idx] = 1'b0;
      xl_v_d = '0;
    end
    if (inv_all) begin
      tlb_v_d = '0;
      xl_v_d  = '0;
    end

    // register writes
    if (wr_ctrl) begin
      en_d       = reg_wdata[IOMMU_CTRL_ENABLE_BIT];
      tlb_log2_d = (32'(ctrl_l2) > TLB_LOG2) ? 5'(TLB_LOG2) : ctrl_l2;
    end
    if (reg_we && (32'(reg_addr) + IOMMU_BASE_OFFSET) == IOMMU_PTBASE_OFFSET) begin
      ptbase_d[31:12] = reg_wdata[31:12];
    end
    if (reg_we && (32'(reg_addr) + IOMMU_BASE_OFFSET) == IOMMU_PTBASE_MSB_OFFSET) begin
      ptbase_d = ADDR_WIDTH'({reg_wdata, ptbase64[31:0]});  // 64 bits, the upper half dropped on 32
    end
    if (reg_we && (32'(reg_addr) + IOMMU_BASE_OFFSET) == IOMMU_INV_IOVA_MSB_OFFSET) begin
      inv_msb_d = (ADDR_WIDTH > 32) ? reg_wdata : '0;
    end
    if (clear) begin
      fault_cnt_d  = '0;
      frec_iova_d  = '0;
      frec_kind_d  = IOMMU_FAULT_NONE;
      frec_write_d = 1'b0;
      frec_cycle_d = '0;
      hits_d       = '0;
      misses_d     = '0;
      walk_cyc_d   = '0;
      pte_reads_d  = '0;
    end
  end

  function automatic logic [1:0] fault_resp(input logic [2:0] kind);
    return (kind == IOMMU_FAULT_NOT_PRESENT || kind == IOMMU_FAULT_WALK_ERROR)
           ? RESP_DECERR : RESP_SLVERR;
  endfunction

  always_ff @(posedge clk) begin
    if (rst) begin
      en_q         <= 1'b0;
      act_q        <= 1'b0;
      tlb_log2_q   <= 5'(TLB_LOG2);
      ptbase_q     <= '0;
      inv_msb_q    <= '0;
      fault_cnt_q  <= '0;
      frec_iova_q  <= '0;
      frec_kind_q  <= IOMMU_FAULT_NONE;
      frec_write_q <= 1'b0;
      frec_cycle_q <= '0;
      fault_valid  <= 1'b0;
      fault_write  <= 1'b0;
      fault_kind   <= IOMMU_FAULT_NONE;
      fault_iova   <= '0;
      hits_q       <= '0;
      misses_q     <= '0;
      walk_cyc_q   <= '0;
      pte_reads_q  <= '0;
      cycle_q      <= '0;
      tlb_v_q      <= '0;
      pde_v_q      <= 1'b0;
      pde_tag_q    <= '0;
      pde_base_q   <= '0;
      hold_q       <= '0;
      xl_v_q       <= '0;
      err_beat_q   <= '0;
      err_len_q    <= '0;
      rd_out_q     <= '0;
      b_out_q      <= '0;
      w_owed_q     <= '0;
      wk_q         <= WK_IDLE;
      wk_dir_q     <= 1'b0;
      wk_iova_q    <= '0;
      wk_level_q   <= '0;
      wk_table_q   <= '0;
      wk_stale_q   <= 1'b0;
      wk_drop_q    <= 1'b0;
      wk_last_q    <= 1'b0;
      pte_lane_q <= '0;
      for (int c = 0; c < 2; c++) begin
        ch_q[c]        <= CH_PASS;
        hold_addr_q[c] <= '0;
        xl_ppn_q[c]    <= '0;
        xl_rw_q[c]     <= '0;
        ch_kind_q[c]   <= IOMMU_FAULT_NONE;
        err_id_q[c]    <= '0;
        wait_q[c]      <= '0;
      end
    end else begin
      en_q         <= en_d;
      act_q        <= act_d;
      tlb_log2_q   <= tlb_log2_d;
      ptbase_q     <= ptbase_d;
      inv_msb_q    <= inv_msb_d;
      fault_cnt_q  <= fault_cnt_d;
      frec_iova_q  <= frec_iova_d;
      frec_kind_q  <= frec_kind_d;
      frec_write_q <= frec_write_d;
      frec_cycle_q <= frec_cycle_d;
      fault_valid  <= fault_c_valid;
      fault_write  <= fault_c_write;
      fault_kind   <= fault_c_kind;
      fault_iova   <= fault_c_iova;
      hits_q       <= hits_d;
      misses_q     <= misses_d;
      walk_cyc_q   <= walk_cyc_d;
      pte_reads_q  <= pte_reads_d;
      cycle_q      <= cycle_q + 64'd1;
      tlb_v_q      <= tlb_v_d;
      pde_v_q      <= pde_v_d;
      pde_tag_q    <= pde_tag_d;
      pde_base_q   <= pde_base_d;
      hold_q       <= hold_d;
      xl_v_q       <= xl_v_d;
      err_beat_q   <= err_beat_d;
      err_len_q    <= err_len_d;
      rd_out_q     <= rd_out_d;
      b_out_q      <= b_out_d;
      w_owed_q     <= w_owed_d;
      wk_q         <= wk_d;
      wk_dir_q     <= wk_dir_d;
      wk_iova_q    <= wk_iova_d;
      wk_level_q   <= wk_level_d;
      wk_table_q   <= wk_table_d;
      wk_stale_q   <= wk_stale_d;
      wk_drop_q    <= wk_drop_d;
      wk_last_q    <= wk_last_d;
      pte_lane_q <= pte_lane_d;
      for (int c = 0; c < 2; c++) begin
        ch_q[c]        <= ch_d[c];
        hold_addr_q[c] <= hold_addr_d[c];
        xl_ppn_q[c]    <= xl_ppn_d[c];
        xl_rw_q[c]     <= xl_rw_d[c];
        ch_kind_q[c]   <= ch_kind_d[c];
        err_id_q[c]    <= err_id_d[c];
        wait_q[c]      <= wait_d[c];
      end
    end
  end

  // the IOTLB's tags and translations: written only by a fill (no reset; tlb_v_q guards them)
  always_ff @(posedge clk) begin
    if (fill) begin
      tlb_tag_q[fill_idx] <= vpn_of(wk_iova_q);
      tlb_ppn_q[fill_idx] <= xl_ppn_d[wk_dir_q];
      tlb_rw_q[fill_idx]  <= xl_rw_d[wk_dir_q];
    end
  end

  // deliberately unused: the low PT base bits, the fault record's upper half on 32-bit builds
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{reg_wdata[11:0], s_axi_wlast};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this module relies on
  // -----------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_ar_no_4k_cross: assert (!(act_q && s_axi_arvalid && s_axi_arburst == BURST_INCR)
          || ((32'(s_axi_araddr[11:0]) + ((32'(s_axi_arlen) + 1) << s_axi_arsize)) <= 4096))
        else $error("iommu: an AR crosses 4 KiB: one translation cannot cover it");
      a_aw_no_4k_cross: assert (!(act_q && s_axi_awvalid && s_axi_awburst == BURST_INCR)
          || ((32'(s_axi_awaddr[11:0]) + ((32'(s_axi_awlen) + 1) << s_axi_awsize)) <= 4096))
        else $error("iommu: an AW crosses 4 KiB: one translation cannot cover it");
      a_engine_not_walk_id: assert (!s_axi_arvalid || s_axi_arid != ID_WIDTH'(WALK_ID))
        else $error("iommu: the engine uses the walker's AXI ID");
      a_walk_r_single: assert (!walk_r || m_axi_rlast)
        else $error("iommu: a PTE read answered with more than one beat");
    end
  end
`endif

endmodule
