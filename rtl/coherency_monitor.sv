// SPDX-License-Identifier: MIT
// coherency_monitor: inline on the DMA's AXI4 path; shadows the CPU cache byte by byte and reports
// the three DMA coherency hazards (DESIGN 3.4); in snoop mode it cleans / invalidates lines first.

// Shadow: one entry per cache (set, way), learnt from the cache's event port (cache_evt_e): the
// line held, the bytes the CPU stored since the line was filled or written back (dirty), the bytes
// the DMA wrote since then (lost), and of those the ones the CPU has not stored over since (stale).
// Reports (viol_*, one per cycle from an 8-entry queue; the counts never miss one):
//   STALE_CPU_READ  cached LOAD of a stale byte                          master CPU, lowest byte
//   LOST_DMA_WRITE  WRITEBACK of a line with a lost byte                 master CPU, lowest byte
//   STALE_DMA_READ  DMA R beat covering a dirty byte (once per burst     master DMA, lowest byte
//                   and line; a beat reads all its bytes)
// DMA bytes are observed on the W beats forwarded (WSTRB exact) and on the R beats returned, by
// address from the accepted AR / AW (INCR and FIXED; the DMA's R comes back in order).
// Snoop mode (MON_CTRL.SNOOP_EN, taken per burst): an AR waits while every cached line it covers
// that holds dirty bytes is snooped CLEAN; a write burst is first taken in whole (AW and all W
// beats, into a MAX_BURST buffer, so that an open DMA write never holds the bus while a snoop needs
// it), then every cached line it covers is snooped CLEAN_INVALIDATE, then it is forwarded. Cycles a
// burst waits for snoops are counted (MON_SNOOP_STALL). Change SNOOP_EN only while the DMA is idle.
// Not modelled: a CPU access to a line while a DMA burst over it is in flight (races by a cycle).
module coherency_monitor
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH  = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH  = 32,
  // AXI4 ID width
  parameter int unsigned ID_WIDTH    = 4,
  // cache geometry, as cpu_cache: capacity in bytes
  parameter int unsigned CACHE_BYTES = 32768,
  // cache geometry, as cpu_cache: line size in bytes (a power of two, 16..256)
  parameter int unsigned LINE_BYTES  = 64,
  // cache geometry, as cpu_cache: associativity (1..4)
  parameter int unsigned WAYS        = 2,
  // most beats of a DMA write burst (2..256; the snoop-mode write buffer)
  parameter int unsigned MAX_BURST   = 256,
  // DMA bursts tracked per direction (AR / AW accepted, last beat not yet seen), 2..16
  parameter int unsigned TRACK_DEPTH = 8
) (
  input  logic                    clk,
  input  logic                    rst,            // synchronous, active high

  // AXI4 slave: from the DMA
  input  logic [ID_WIDTH-1:0]     s_axi_awid,
  input  logic [ADDR_WIDTH-1:0]   s_axi_awaddr,
  input  logic [7:0]              s_axi_awlen,
  input  logic [2:0]              s_axi_awsize,
  input  logic [1:0]              s_axi_awburst,
  input  logic                    s_axi_awvalid,
  output logic                    s_axi_awready,
  input  logic [DATA_WIDTH-1:0]   s_axi_wdata,
  input  logic [DATA_WIDTH/8-1:0] s_axi_wstrb,
  input  logic                    s_axi_wlast,
  input  logic                    s_axi_wvalid,
  output logic                    s_axi_wready,
  output logic [ID_WIDTH-1:0]     s_axi_bid,
  output logic [1:0]              s_axi_bresp,
  output logic                    s_axi_bvalid,
  input  logic                    s_axi_bready,
  input  logic [ID_WIDTH-1:0]     s_axi_arid,
  input  logic [ADDR_WIDTH-1:0]   s_axi_araddr,
  input  logic [7:0]              s_axi_arlen,
  input  logic [2:0]              s_axi_arsize,
  input  logic [1:0]              s_axi_arburst,
  input  logic                    s_axi_arvalid,
  output logic                    s_axi_arready,
  output logic [ID_WIDTH-1:0]     s_axi_rid,
  output logic [DATA_WIDTH-1:0]   s_axi_rdata,
  output logic [1:0]              s_axi_rresp,
  output logic                    s_axi_rlast,
  output logic                    s_axi_rvalid,
  input  logic                    s_axi_rready,

  // AXI4 master: to the arbiter
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
  input  logic [ID_WIDTH-1:0]     m_axi_bid,
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
  input  logic [ID_WIDTH-1:0]     m_axi_rid,
  input  logic [DATA_WIDTH-1:0]   m_axi_rdata,
  input  logic [1:0]              m_axi_rresp,
  input  logic                    m_axi_rlast,
  input  logic                    m_axi_rvalid,
  output logic                    m_axi_rready,

  // cache event port (from cpu_cache)
  input  logic                    evt_valid,
  input  cache_evt_e              evt_kind,
  input  logic [ADDR_WIDTH-1:0]   evt_addr,
  input  logic [3:0]              evt_strb,
  input  logic [1:0]              evt_way,

  // snoop port (to cpu_cache)
  output logic                    snoop_req_valid,
  input  logic                    snoop_req_ready,
  output snoop_op_e               snoop_req_op,
  output logic [ADDR_WIDTH-1:0]   snoop_req_addr,
  input  logic                    snoop_rsp_valid,
  input  logic                    snoop_rsp_hit,
  input  logic                    snoop_rsp_dirty,

  // violation reports: one per cycle while viol_valid
  output logic                    viol_valid,
  output mon_viol_e               viol_kind,
  output logic [ADDR_WIDTH-1:0]   viol_addr,
  output bus_master_e             viol_master,

  // register block at MON_BASE_OFFSET: reg_addr = offset - MON_BASE_OFFSET; reads are
  // combinational, a write takes effect in the cycle reg_we is high
  input  logic                    reg_we,
  input  logic [7:0]              reg_addr,
  input  logic [31:0]             reg_wdata,
  output logic [31:0]             reg_rdata,

  // the same state, for the harness's statistics
  output logic                    snoop_en,
  output logic [31:0]             viol_count,
  output logic [31:0]             snoop_stall_cycles
);

  localparam int unsigned BPB     = DATA_WIDTH / 8;
  localparam int unsigned LOFF_W  = $clog2(LINE_BYTES);
  localparam int unsigned SETS    = CACHE_BYTES / (LINE_BYTES * WAYS);
  localparam int unsigned IDX_W   = $clog2(SETS);
  localparam int unsigned TAG_W   = ADDR_WIDTH - LOFF_W - IDX_W;
  localparam int unsigned LN_W    = ADDR_WIDTH - LOFF_W;            // line number
  localparam int unsigned WAY_W   = (WAYS > 1) ? $clog2(WAYS) : 1;
  localparam int unsigned SLOTS   = SETS * WAYS;
  localparam int unsigned SLOT_W  = $clog2(SLOTS);
  localparam int unsigned TRK_W   = $clog2(TRACK_DEPTH);
  localparam int unsigned WB_W    = $clog2(MAX_BURST);              // write-buffer index
  localparam int unsigned VQ_DEPTH = 8;                             // report queue
  localparam int unsigned VQ_W    = 3;

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "coherency_monitor: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "coherency_monitor: ADDR_WIDTH must be 32..64");
  end
  if (ID_WIDTH < 1) begin : g_check_id_width
    $fatal(1, "coherency_monitor: ID_WIDTH must be at least 1");
  end
  if (LINE_BYTES < 16 || LINE_BYTES > 256 || (LINE_BYTES & (LINE_BYTES - 1)) != 0
      || LINE_BYTES < BPB) begin : g_check_line_bytes
    $fatal(1, "coherency_monitor: LINE_BYTES must be a power of two, 16..256, at least one beat");
  end
  if (WAYS < 1 || WAYS > 4) begin : g_check_ways
    $fatal(1, "coherency_monitor: WAYS must be 1..4");
  end
  if (SETS < 2 || (SETS & (SETS - 1)) != 0 || SETS * LINE_BYTES * WAYS != CACHE_BYTES)
  begin : g_check_cache_bytes
    $fatal(1, "coherency_monitor: CACHE_BYTES / (LINE_BYTES * WAYS) must be a power of two >= 2");
  end
  if (MAX_BURST < 2 || MAX_BURST > AXI_MAX_BURST || (MAX_BURST & (MAX_BURST - 1)) != 0)
  begin : g_check_max_burst
    $fatal(1, "coherency_monitor: MAX_BURST must be a power of two, 2..256");
  end
  if (TRACK_DEPTH < 2 || TRACK_DEPTH > 16 || (TRACK_DEPTH & (TRACK_DEPTH - 1)) != 0)
  begin : g_check_track_depth
    $fatal(1, "coherency_monitor: TRACK_DEPTH must be a power of two, 2..16");
  end

  typedef enum logic [1:0] {
    RD_IDLE,
    RD_REQ,
    RD_WALK,
    RD_GO
  } rd_state_e;

  typedef enum logic [2:0] {
    WR_IDLE,
    WR_COLLECT,
    WR_REQ,
    WR_WALK,
    WR_AW,
    WR_W
  } wr_state_e;

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  // read path
  rd_state_e             rd_st_q;
  logic                  ar_lock_q;                 // an AR is on m and not taken: keep passing
  // write path
  wr_state_e             wr_st_q;
  logic                  aw_lock_q;
  logic [ID_WIDTH-1:0]   c_awid_q;                  // the collected write burst (snoop mode)
  logic [ADDR_WIDTH-1:0] c_awaddr_q;
  logic [7:0]            c_awlen_q;
  logic [2:0]            c_awsize_q;
  logic [1:0]            c_awburst_q;
  logic [WB_W:0]         c_cnt_q;                   // beats collected
  logic [WB_W:0]         c_idx_q;                   // beats forwarded
  logic [DATA_WIDTH-1:0] wbuf_data_q [MAX_BURST];
  logic [BPB-1:0]        wbuf_strb_q [MAX_BURST];
  // snoop walker (coherency_walker)
  logic                  wk_req, wk_req_write;      // a range to walk: the read path's first
  logic [LN_W-1:0]       wk_first, wk_last;
  logic                  wk_idle, wk_done;          // wk_done: pulse, the walk has finished
  logic                  wk_check, wk_wr, wk_need;  // the walker's line, checked in the shadow
  logic [LN_W-1:0]       wk_line;
  // burst trackers: accepted on m, last beat not yet seen
  logic [ADDR_WIDTH-1:0] art_addr_q  [TRACK_DEPTH];
  logic [2:0]            art_size_q  [TRACK_DEPTH];
  logic                  art_fixed_q [TRACK_DEPTH];
  logic [TRK_W-1:0]      art_wr_q, art_rd_q;
  logic [TRK_W:0]        art_cnt_q;
  logic [7:0]            art_beat_q;
  logic [ADDR_WIDTH-1:0] awt_addr_q  [TRACK_DEPTH];
  logic [2:0]            awt_size_q  [TRACK_DEPTH];
  logic                  awt_fixed_q [TRACK_DEPTH];
  logic [TRK_W-1:0]      awt_wr_q, awt_rd_q;
  logic [TRK_W:0]        awt_cnt_q;
  logic [7:0]            awt_beat_q;
  logic                  rep_vld_q;                 // a STALE_DMA_READ was reported in this burst
  logic [LN_W-1:0]       rep_line_q;                // ... for this line
  // shadow
  logic [TAG_W-1:0]      sh_tag_q   [SLOTS];
  logic [SLOTS-1:0]      sh_valid_q;
  logic [LINE_BYTES-1:0] sh_dirty_q [SLOTS];
  logic [LINE_BYTES-1:0] sh_stale_q [SLOTS];
  logic [LINE_BYTES-1:0] sh_lost_q  [SLOTS];
  // registers and reports
  logic                  snoop_en_q;
  logic                  ovf_q;
  logic [31:0]           count_q;
  logic [31:0]           cnt_scr_q;                 // STALE_CPU_READ
  logic [31:0]           cnt_ldw_q;                 // LOST_DMA_WRITE
  logic [31:0]           cnt_sdr_q;                 // STALE_DMA_READ
  logic [31:0]           stall_q;
  logic [31:0]           snoops_q;
  logic [ADDR_WIDTH-1:0] last_addr_q;
  mon_viol_e             last_kind_q;
  bus_master_e           last_mst_q;
  mon_viol_e             vq_kind_q  [VQ_DEPTH];
  logic [ADDR_WIDTH-1:0] vq_addr_q  [VQ_DEPTH];
  bus_master_e           vq_mst_q   [VQ_DEPTH];
  logic [VQ_W-1:0]       vq_wr_q, vq_rd_q;
  logic [VQ_W:0]         vq_cnt_q;

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------
  function automatic logic [SLOT_W-1:0] slot(input logic [IDX_W-1:0] s, input logic [WAY_W-1:0] w);
    return SLOT_W'(32'(s) * WAYS + 32'(w));
  endfunction

  // address of beat i of a burst (the start aligned to the beat size; FIXED stays there)
  function automatic logic [ADDR_WIDTH-1:0] beat_addr(input logic [ADDR_WIDTH-1:0] a,
                                                      input logic [2:0] size, input logic fixed,
                                                      input logic [7:0] i);
    logic [ADDR_WIDTH-1:0] al;
    al = a & ~((ADDR_WIDTH'(1) << size) - ADDR_WIDTH'(1));
    return fixed ? al : al + (ADDR_WIDTH'(i) << size);
  endfunction

  // line number of the last byte of a burst
  function automatic logic [LN_W-1:0] burst_last_line(input logic [ADDR_WIDTH-1:0] a,
                                                      input logic [7:0] len, input logic [2:0] size,
                                                      input logic [1:0] burst);
    logic [ADDR_WIDTH-1:0] e;
    e = beat_addr(a, size, burst == BURST_FIXED, len) + (ADDR_WIDTH'(1) << size) - ADDR_WIDTH'(1);
    return LN_W'(e >> LOFF_W);
  endfunction

  // index of the lowest set bit (0 if none): the ones below it, counted (none set: LINE_BYTES
  // ones, which is 0 in LOFF_W bits)
  function automatic logic [LOFF_W-1:0] lowest(input logic [LINE_BYTES-1:0] m);
    return LOFF_W'($countones((m & (~m + LINE_BYTES'(1))) - LINE_BYTES'(1)));
  endfunction

  function automatic logic [ADDR_WIDTH-1:0] line_base(input logic [ADDR_WIDTH-1:0] a);
    return a & ~(ADDR_WIDTH'(LINE_BYTES) - ADDR_WIDTH'(1));
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Read path: pass-through, or (snoop mode) hold the AR until the walk over its lines is done
  // (its FSM is in the clocked process under Registers)
  // ---------------------------------------------------------------------------------------------
  logic rd_pass, ar_fwd, art_full, ar_take, r_beat;

  assign art_full = art_cnt_q == (TRK_W + 1)'(TRACK_DEPTH);
  assign rd_pass  = (rd_st_q == RD_IDLE && (!snoop_en_q || ar_lock_q)) || rd_st_q == RD_GO;
  assign ar_fwd   = rd_pass && !art_full;

  assign m_axi_arid     = s_axi_arid;
  assign m_axi_araddr   = s_axi_araddr;
  assign m_axi_arlen    = s_axi_arlen;
  assign m_axi_arsize   = s_axi_arsize;
  assign m_axi_arburst  = s_axi_arburst;
  assign m_axi_arvalid  = s_axi_arvalid && ar_fwd;
  assign s_axi_arready  = m_axi_arready && ar_fwd;
  assign ar_take        = m_axi_arvalid && m_axi_arready;

  assign s_axi_rid      = m_axi_rid;
  assign s_axi_rdata    = m_axi_rdata;
  assign s_axi_rresp    = m_axi_rresp;
  assign s_axi_rlast    = m_axi_rlast;
  assign s_axi_rvalid   = m_axi_rvalid;
  assign m_axi_rready   = s_axi_rready;
  assign r_beat         = m_axi_rvalid && m_axi_rready;

  // ---------------------------------------------------------------------------------------------
  // Write path: pass-through (W only behind a forwarded AW), or (snoop mode) collect the burst,
  // walk its lines, forward it from the buffer (its FSM is in the clocked process under Registers)
  // ---------------------------------------------------------------------------------------------
  logic wr_pass, aw_fwd, awt_full, aw_take, w_take, w_end, c_w_take, wr_snoop_start;

  assign awt_full = awt_cnt_q == (TRK_W + 1)'(TRACK_DEPTH);
  assign wr_pass  = wr_st_q == WR_IDLE && (!snoop_en_q || aw_lock_q);
  assign aw_fwd   = wr_pass && !awt_full;
  assign wr_snoop_start = wr_st_q == WR_IDLE && snoop_en_q && !aw_lock_q && s_axi_awvalid
                          && awt_cnt_q == '0;

  assign m_axi_awid     = (wr_st_q == WR_AW) ? c_awid_q    : s_axi_awid;
  assign m_axi_awaddr   = (wr_st_q == WR_AW) ? c_awaddr_q  : s_axi_awaddr;
  assign m_axi_awlen    = (wr_st_q == WR_AW) ? c_awlen_q   : s_axi_awlen;
  assign m_axi_awsize   = (wr_st_q == WR_AW) ? c_awsize_q  : s_axi_awsize;
  assign m_axi_awburst  = (wr_st_q == WR_AW) ? c_awburst_q : s_axi_awburst;
  assign m_axi_awvalid  = (wr_st_q == WR_AW) || (s_axi_awvalid && aw_fwd);
  assign s_axi_awready  = (m_axi_awready && aw_fwd) || wr_snoop_start;
  assign aw_take        = m_axi_awvalid && m_axi_awready;

  // pass-through W flows while a forwarded AW still owes beats (and no snoop burst is on)
  assign m_axi_wdata    = (wr_st_q == WR_W) ? wbuf_data_q[WB_W'(c_idx_q)] : s_axi_wdata;
  assign m_axi_wstrb    = (wr_st_q == WR_W) ? wbuf_strb_q[WB_W'(c_idx_q)] : s_axi_wstrb;
  assign m_axi_wlast    = (wr_st_q == WR_W) ? c_idx_q == c_cnt_q - (WB_W + 1)'(1) : s_axi_wlast;
  assign m_axi_wvalid   = (wr_st_q == WR_W)
                          || (wr_st_q == WR_IDLE && awt_cnt_q != '0 && s_axi_wvalid);
  assign s_axi_wready   = (wr_st_q == WR_COLLECT)
                          || (wr_st_q == WR_IDLE && awt_cnt_q != '0 && m_axi_wready);
  assign w_take         = m_axi_wvalid && m_axi_wready;
  assign w_end          = w_take && m_axi_wlast;
  assign c_w_take       = wr_st_q == WR_COLLECT && s_axi_wvalid;

  assign s_axi_bid      = m_axi_bid;
  assign s_axi_bresp    = m_axi_bresp;
  assign s_axi_bvalid   = m_axi_bvalid;
  assign m_axi_bready   = s_axi_bready;

  // ---------------------------------------------------------------------------------------------
  // Shadow look-ups: the line of the R beat, of the W beat, of the walker. Each is worked out only
  // in the cycles it can be used in (a read burst tracked; a W beat possible; the walker checking a
  // line), so an idle monitor does none of it; the values outside them are never read.
  // ---------------------------------------------------------------------------------------------
  logic                  rb_look, wb_look;
  logic [ADDR_WIDTH-1:0] rb_addr, wb_addr;          // R / W beat addresses
  logic                  rb_hit, wb_hit_pre;
  logic [WAY_W-1:0]      rb_way, wb_way_pre;
  logic [SLOT_W-1:0]     wb_slot_pre;
  logic [LINE_BYTES-1:0] rb_mask, wb_mask;          // bytes of the line the beat covers
  logic [LINE_BYTES-1:0] rb_dirty;                  // dirty bytes the R beat reads

  assign rb_look = art_cnt_q != '0;
  assign wb_look = wr_st_q == WR_W || (wr_st_q == WR_IDLE && awt_cnt_q != '0);

  // the shadow's look-up of line number ln: {hit, way} (the last way, should two hit)
  function automatic logic [WAY_W:0] find(input logic [LN_W-1:0] ln);
    logic [WAY_W:0] r;
    r = '0;
    for (int w = 0; w < WAYS; w++) begin
      if (sh_valid_q[slot(ln[IDX_W-1:0], WAY_W'(w))]
          && sh_tag_q[slot(ln[IDX_W-1:0], WAY_W'(w))] == ln[LN_W-1 -: TAG_W]) begin
        r = {1'b1, WAY_W'(w)};
      end
    end
    return r;
  endfunction

  // an R beat reads 2^size bytes at its address (the ones beyond the line shift out)
  always_comb begin
    logic [LINE_BYTES-1:0] ones;
    ones     = '0;
    rb_addr  = '0;
    rb_hit   = 1'b0;
    rb_way   = '0;
    rb_mask  = '0;
    rb_dirty = '0;
    if (rb_look) begin
      rb_addr          = beat_addr(art_addr_q[art_rd_q], art_size_q[art_rd_q],
                                   art_fixed_q[art_rd_q], art_beat_q);
      {rb_hit, rb_way} = find(rb_addr[ADDR_WIDTH-1:LOFF_W]);
      ones     = ((32'd1 << art_size_q[art_rd_q]) >= LINE_BYTES) ? '1
                 : (LINE_BYTES'(1) << (32'd1 << art_size_q[art_rd_q])) - LINE_BYTES'(1);
      rb_mask  = ones << rb_addr[LOFF_W-1:0];
      rb_dirty = sh_dirty_q[slot(rb_addr[LOFF_W +: IDX_W], rb_way)] & rb_mask;
    end
  end

  // a W beat writes its strobes on its bus lanes (a beat never crosses a line: LINE_BYTES >= BPB)
  always_comb begin
    wb_addr     = '0;
    wb_hit_pre  = 1'b0;
    wb_way_pre  = '0;
    wb_slot_pre = '0;
    wb_mask     = '0;
    if (wb_look) begin
      wb_addr                  = beat_addr(awt_addr_q[awt_rd_q], awt_size_q[awt_rd_q],
                                           awt_fixed_q[awt_rd_q], awt_beat_q);
      {wb_hit_pre, wb_way_pre} = find(wb_addr[ADDR_WIDTH-1:LOFF_W]);
      wb_slot_pre = slot(wb_addr[LOFF_W +: IDX_W], wb_way_pre);
      wb_mask     = LINE_BYTES'(m_axi_wstrb) << (wb_addr[LOFF_W-1:0] & ~LOFF_W'(BPB - 1));
    end
  end

  // the walker's line: cached, and (for a read) holding dirty bytes
  always_comb begin
    logic             hit;
    logic [WAY_W-1:0] way;
    hit     = 1'b0;
    way     = '0;
    wk_need = 1'b0;
    if (wk_check) begin
      {hit, way} = find(wk_line);
      wk_need    = hit && (wk_wr || sh_dirty_q[slot(wk_line[IDX_W-1:0], way)] != '0);
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Shadow updates: the cache event (slot E) first, then the DMA W beat (slot D); the event's line
  // is worked out only in a cycle with an event, the W beat's only while a beat is possible
  // ---------------------------------------------------------------------------------------------
  logic [SLOT_W-1:0]     e_slot;
  logic                  e_fill, e_store, e_wb, e_inval, e_load;
  logic [TAG_W-1:0]      e_tag_n;
  logic                  e_valid_n;
  logic [LINE_BYTES-1:0] e_dirty_n, e_stale_n, e_lost_n;  // before this cycle's W beat
  logic [LINE_BYTES-1:0] e_stale_hit;               // stale bytes a LOAD reads
  logic [LINE_BYTES-1:0] e_lost;                    // lost bytes of the line before the event
  logic                  dw_hit, dw_on_e;           // the W beat's line, should a beat be taken
  logic [SLOT_W-1:0]     d_slot;
  logic                  d_hit, d_on_e;             // a W beat taken: on a cached line; on slot E

  assign e_slot  = slot(evt_addr[LOFF_W +: IDX_W], WAY_W'(evt_way));
  assign e_fill  = evt_valid && evt_kind == CACHE_EVT_FILL;
  assign e_store = evt_valid && evt_kind == CACHE_EVT_STORE;
  assign e_wb    = evt_valid && evt_kind == CACHE_EVT_WRITEBACK;
  assign e_inval = evt_valid && evt_kind == CACHE_EVT_INVALIDATE;
  assign e_load  = evt_valid && evt_kind == CACHE_EVT_LOAD;

  always_comb begin
    logic [LINE_BYTES-1:0] mask;                    // bytes of a LOAD / STORE word
    mask        = '0;
    e_tag_n     = '0;
    e_valid_n   = 1'b0;
    e_dirty_n   = '0;
    e_stale_n   = '0;
    e_lost_n    = '0;
    e_stale_hit = '0;
    e_lost      = '0;
    if (evt_valid) begin
      mask        = LINE_BYTES'(evt_strb) << {evt_addr[LOFF_W-1:2], 2'b00};
      e_tag_n     = sh_tag_q[e_slot];
      e_valid_n   = sh_valid_q[e_slot];
      e_dirty_n   = sh_dirty_q[e_slot];
      e_stale_n   = sh_stale_q[e_slot];
      e_lost_n    = sh_lost_q[e_slot];
      e_stale_hit = e_stale_n & mask;
      e_lost      = e_lost_n;
      if (e_fill) begin
        e_tag_n   = evt_addr[ADDR_WIDTH-1 -: TAG_W];
        e_valid_n = 1'b1;
        e_dirty_n = '0;
        e_stale_n = '0;
        e_lost_n  = '0;
      end
      if (e_store) begin
        e_dirty_n = e_dirty_n | mask;
        e_stale_n = e_stale_n & ~mask;
      end
      if (e_wb) begin
        e_dirty_n = '0;
        e_stale_n = '0;
        e_lost_n  = '0;
      end
      if (e_inval) e_valid_n = 1'b0;
    end
  end

  // the W beat's slot, as it is after the event (a fill or invalidation replaces the line)
  always_comb begin
    dw_hit  = 1'b0;
    d_slot  = '0;
    dw_on_e = 1'b0;
    if (wb_look) begin
      dw_hit = wb_hit_pre;
      d_slot = wb_slot_pre;
      if ((e_fill || e_inval) && e_slot == d_slot) dw_hit = 1'b0;
      if (e_fill && line_base(evt_addr) == line_base(wb_addr)) begin
        dw_hit = 1'b1;
        d_slot = e_slot;
      end
      dw_on_e = dw_hit && evt_valid && d_slot == e_slot;
    end
  end
  assign d_hit  = w_take && dw_hit;
  assign d_on_e = w_take && dw_on_e;

  // ---------------------------------------------------------------------------------------------
  // Snoop walker (coherency_walker): the read path's range first; a range's last line is worked out
  // only while it is asked for
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    wk_req       = 1'b0;
    wk_req_write = 1'b0;
    wk_first     = '0;
    wk_last      = '0;
    if (rd_st_q == RD_REQ) begin
      wk_req   = 1'b1;
      wk_first = s_axi_araddr[ADDR_WIDTH-1:LOFF_W];
      wk_last  = burst_last_line(s_axi_araddr, s_axi_arlen, s_axi_arsize, s_axi_arburst);
    end else if (wr_st_q == WR_REQ) begin
      wk_req       = 1'b1;
      wk_req_write = 1'b1;
      wk_first     = c_awaddr_q[ADDR_WIDTH-1:LOFF_W];
      wk_last      = burst_last_line(c_awaddr_q, c_awlen_q, c_awsize_q, c_awburst_q);
    end
  end

  coherency_walker #(
    .ADDR_WIDTH      (ADDR_WIDTH),
    .LINE_BYTES      (LINE_BYTES)
  ) u_walker (
    .clk             (clk),
    .rst             (rst),
    .req             (wk_req),
    .req_write       (wk_req_write),
    .req_first       (wk_first),
    .req_last        (wk_last),
    .idle            (wk_idle),
    .done            (wk_done),
    .check           (wk_check),
    .line            (wk_line),
    .for_write       (wk_wr),
    .need            (wk_need),
    .snoop_req_valid (snoop_req_valid),
    .snoop_req_ready (snoop_req_ready),
    .snoop_req_op    (snoop_req_op),
    .snoop_req_addr  (snoop_req_addr),
    .snoop_rsp_valid (snoop_rsp_valid)
  );

  // ---------------------------------------------------------------------------------------------
  // Hazards, reports and registers
  // ---------------------------------------------------------------------------------------------
  logic                  ha_valid, hb_valid;        // A: from a cache event, B: from an R beat
  logic                  hb_cand;                   // B if the R beat is taken
  mon_viol_e             ha_kind;
  logic [ADDR_WIDTH-1:0] ha_addr, hb_addr;
  logic                  clear;
  logic [VQ_W:0]         vq_room;

  // the reported byte is looked for only when there is a report
  always_comb begin
    ha_valid = (e_load && e_stale_hit != '0) || (e_wb && e_lost != '0);
    ha_kind  = e_load ? MON_VIOL_STALE_CPU_READ : MON_VIOL_LOST_DMA_WRITE;
    ha_addr  = '0;
    if (ha_valid) begin
      ha_addr = line_base(evt_addr) | ADDR_WIDTH'(lowest(e_load ? e_stale_hit : e_lost));
    end
    hb_cand  = rb_hit && rb_dirty != '0
               && !(rep_vld_q && rep_line_q == rb_addr[ADDR_WIDTH-1:LOFF_W]);
    hb_addr  = '0;
    if (hb_cand) hb_addr = line_base(rb_addr) | ADDR_WIDTH'(lowest(rb_dirty));
  end
  assign hb_valid = r_beat && hb_cand;
  assign clear    = reg_we && reg_addr == 8'(MON_CTRL_OFFSET - MON_BASE_OFFSET)
                    && reg_wdata[MON_CTRL_CLEAR_BIT];
  assign vq_room  = (VQ_W + 1)'(VQ_DEPTH) - vq_cnt_q;

  assign viol_valid  = vq_cnt_q != '0;
  assign viol_kind   = vq_kind_q[vq_rd_q];
  assign viol_addr   = vq_addr_q[vq_rd_q];
  assign viol_master = vq_mst_q[vq_rd_q];

  assign snoop_en           = snoop_en_q;
  assign viol_count         = count_q;
  assign snoop_stall_cycles = stall_q;

  always_comb begin
    reg_rdata = '0;
    unique case (32'(reg_addr) + MON_BASE_OFFSET)
      MON_CTRL_OFFSET: begin
        reg_rdata[MON_CTRL_SNOOP_EN_BIT] = snoop_en_q;
        reg_rdata[MON_CTRL_OVERFLOW_BIT] = ovf_q;
      end
      MON_COUNT_OFFSET:           reg_rdata = count_q;
      MON_LAST_ADDR_OFFSET:       reg_rdata = 32'(last_addr_q);
      MON_LAST_ADDR_MSB_OFFSET:   reg_rdata = 32'(64'(last_addr_q) >> 32);
      MON_LAST_KIND_OFFSET: begin
        reg_rdata[MON_LAST_KIND_LSB +: MON_LAST_KIND_WIDTH] = last_kind_q;
        reg_rdata[MON_LAST_KIND_MASTER_BIT]                = last_mst_q;
      end
      MON_SNOOP_STALL_OFFSET:     reg_rdata = stall_q;
      MON_COUNT_STALE_CPU_OFFSET: reg_rdata = cnt_scr_q;
      MON_COUNT_LOST_DMA_OFFSET:  reg_rdata = cnt_ldw_q;
      MON_COUNT_STALE_DMA_OFFSET: reg_rdata = cnt_sdr_q;
      MON_SNOOPS_OFFSET:          reg_rdata = snoops_q;
      default:                    reg_rdata = '0;
    endcase
  end

  // ---------------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------------
  logic [VQ_W-1:0] vq_wr2;
  logic            vq_push_a, vq_push_b;
  assign vq_push_a = ha_valid && vq_room != '0;
  assign vq_push_b = hb_valid && vq_room > (VQ_W + 1)'(vq_push_a);
  assign vq_wr2    = vq_wr_q + VQ_W'(vq_push_a);

  // one clocked process for the paths' FSMs, the trackers and the counts (README, Conventions: it
  // reads the bus handshakes and only registers use its decisions)
  always_ff @(posedge clk) begin
    if (rst) begin
      rd_st_q     <= RD_IDLE;
      ar_lock_q   <= 1'b0;
      wr_st_q     <= WR_IDLE;
      aw_lock_q   <= 1'b0;
      c_awid_q    <= '0;
      c_awaddr_q  <= '0;
      c_awlen_q   <= '0;
      c_awsize_q  <= '0;
      c_awburst_q <= BURST_INCR;
      c_cnt_q     <= '0;
      c_idx_q     <= '0;
      art_wr_q    <= '0;
      art_rd_q    <= '0;
      art_cnt_q   <= '0;
      art_beat_q  <= '0;
      awt_wr_q    <= '0;
      awt_rd_q    <= '0;
      awt_cnt_q   <= '0;
      awt_beat_q  <= '0;
      rep_vld_q   <= 1'b0;
      rep_line_q  <= '0;
      sh_valid_q  <= '0;
      snoop_en_q  <= 1'b0;
      vq_wr_q     <= '0;
      vq_rd_q     <= '0;
      vq_cnt_q    <= '0;
    end else begin
      // read path
      ar_lock_q <= m_axi_arvalid && !m_axi_arready;
      unique case (rd_st_q)
        // pass ARs through; in snoop mode a new AR asks for a walk first
        RD_IDLE: if (s_axi_arvalid && snoop_en_q && !ar_lock_q) rd_st_q <= RD_REQ;
        // waiting for the walker to take the AR's range
        RD_REQ:  if (wk_idle) rd_st_q <= RD_WALK;
        // the walker cleans the AR's lines
        RD_WALK: if (wk_done) rd_st_q <= RD_GO;
        // forward the AR
        RD_GO:   if (ar_take) rd_st_q <= RD_IDLE;
        default: rd_st_q <= RD_IDLE;
      endcase

      // write path
      aw_lock_q <= m_axi_awvalid && !m_axi_awready && wr_st_q == WR_IDLE;
      unique case (wr_st_q)
        // pass bursts through; in snoop mode take a new AW (once no pass-through W is owed)
        WR_IDLE: begin
          if (wr_snoop_start) begin
            wr_st_q     <= WR_COLLECT;
            c_awid_q    <= s_axi_awid;
            c_awaddr_q  <= s_axi_awaddr;
            c_awlen_q   <= s_axi_awlen;
            c_awsize_q  <= s_axi_awsize;
            c_awburst_q <= s_axi_awburst;
            c_cnt_q     <= '0;
            c_idx_q     <= '0;
          end
        end
        // take every W beat of the burst into the buffer
        WR_COLLECT: begin
          if (c_w_take) begin
            c_cnt_q <= c_cnt_q + (WB_W + 1)'(1);
            if (s_axi_wlast) wr_st_q <= WR_REQ;
          end
        end
        // waiting for the walker to take the burst's range
        WR_REQ:  if (wk_idle && rd_st_q != RD_REQ) wr_st_q <= WR_WALK;
        // the walker cleans and invalidates the burst's lines
        WR_WALK: if (wk_done) wr_st_q <= WR_AW;
        // forward the AW
        WR_AW:   if (aw_take) wr_st_q <= WR_W;
        // forward the W beats from the buffer
        WR_W: begin
          if (w_take) c_idx_q <= c_idx_q + (WB_W + 1)'(1);
          if (w_end) wr_st_q <= WR_IDLE;
        end
        default: wr_st_q <= WR_IDLE;
      endcase

      // read tracker: push on AR, pop on RLAST; beats counted in the head burst
      art_wr_q    <= art_wr_q + TRK_W'(ar_take);
      art_rd_q    <= art_rd_q + TRK_W'(r_beat && m_axi_rlast);
      art_cnt_q   <= art_cnt_q + (TRK_W + 1)'(ar_take) - (TRK_W + 1)'(r_beat && m_axi_rlast);
      if (r_beat) art_beat_q <= m_axi_rlast ? 8'd0 : art_beat_q + 8'd1;
      // write tracker: push on AW, pop on WLAST
      awt_wr_q    <= awt_wr_q + TRK_W'(aw_take);
      awt_rd_q    <= awt_rd_q + TRK_W'(w_end);
      awt_cnt_q   <= awt_cnt_q + (TRK_W + 1)'(aw_take) - (TRK_W + 1)'(w_end);
      if (w_take) awt_beat_q <= m_axi_wlast ? 8'd0 : awt_beat_q + 8'd1;
      // one STALE_DMA_READ per burst and line
      if (hb_valid) begin
        rep_vld_q  <= 1'b1;
        rep_line_q <= rb_addr[ADDR_WIDTH-1:LOFF_W];
      end
      if (r_beat && m_axi_rlast) rep_vld_q <= 1'b0;
      if (evt_valid) sh_valid_q[e_slot] <= e_valid_n;

      if (reg_we && reg_addr == 8'(MON_CTRL_OFFSET - MON_BASE_OFFSET)) begin
        snoop_en_q <= reg_wdata[MON_CTRL_SNOOP_EN_BIT];
      end

      // report queue
      vq_wr_q     <= vq_wr2 + VQ_W'(vq_push_b);
      vq_rd_q     <= vq_rd_q + VQ_W'(vq_cnt_q != '0);
      vq_cnt_q    <= vq_cnt_q + (VQ_W + 1)'(vq_push_a) + (VQ_W + 1)'(vq_push_b)
                     - (VQ_W + 1)'(vq_cnt_q != '0);
    end
    // the counts and the last report; reset and MON_CTRL.CLEAR zero them
    if (rst || clear) begin
      ovf_q       <= 1'b0;
      count_q     <= '0;
      cnt_scr_q   <= '0;
      cnt_ldw_q   <= '0;
      cnt_sdr_q   <= '0;
      stall_q     <= '0;
      snoops_q    <= '0;
      last_addr_q <= '0;
      last_kind_q <= MON_VIOL_NONE;
      last_mst_q  <= BUS_MASTER_CPU;
    end else begin
      if (ha_valid || hb_valid) begin
        count_q   <= count_q + 32'(ha_valid) + 32'(hb_valid);
        cnt_scr_q <= cnt_scr_q + 32'(ha_valid && ha_kind == MON_VIOL_STALE_CPU_READ);
        cnt_ldw_q <= cnt_ldw_q + 32'(ha_valid && ha_kind == MON_VIOL_LOST_DMA_WRITE);
        cnt_sdr_q <= cnt_sdr_q + 32'(hb_valid);
        if (vq_room < (VQ_W + 1)'(ha_valid) + (VQ_W + 1)'(hb_valid)) ovf_q <= 1'b1;
      end
      if (ha_valid) begin
        last_addr_q <= ha_addr;
        last_kind_q <= ha_kind;
        last_mst_q  <= BUS_MASTER_CPU;
      end
      if (hb_valid) begin
        last_addr_q <= hb_addr;
        last_kind_q <= MON_VIOL_STALE_DMA_READ;
        last_mst_q  <= BUS_MASTER_DMA;
      end
      if (rd_st_q == RD_REQ || rd_st_q == RD_WALK || wr_st_q == WR_REQ || wr_st_q == WR_WALK) begin
        stall_q <= stall_q + 32'd1;
      end
      if (snoop_req_valid && snoop_req_ready) snoops_q <= snoops_q + 32'd1;
    end
    // storage without reset (guarded by the counts and valid bits above)
    if (ar_take) begin
      art_addr_q[art_wr_q]  <= m_axi_araddr;
      art_size_q[art_wr_q]  <= m_axi_arsize;
      art_fixed_q[art_wr_q] <= m_axi_arburst == BURST_FIXED;
    end
    if (aw_take) begin
      awt_addr_q[awt_wr_q]  <= m_axi_awaddr;
      awt_size_q[awt_wr_q]  <= m_axi_awsize;
      awt_fixed_q[awt_wr_q] <= m_axi_awburst == BURST_FIXED;
    end
    if (c_w_take) begin
      wbuf_data_q[WB_W'(c_cnt_q)] <= s_axi_wdata;
      wbuf_strb_q[WB_W'(c_cnt_q)] <= s_axi_wstrb;
    end
    if (evt_valid) begin
      sh_tag_q[e_slot]   <= e_tag_n;
      sh_dirty_q[e_slot] <= e_dirty_n;
      sh_stale_q[e_slot] <= e_stale_n | (d_on_e ? wb_mask : '0);
      sh_lost_q[e_slot]  <= e_lost_n | (d_on_e ? wb_mask : '0);
    end
    if (d_hit && !d_on_e) begin
      sh_stale_q[d_slot] <= sh_stale_q[d_slot] | wb_mask;
      sh_lost_q[d_slot]  <= sh_lost_q[d_slot] | wb_mask;
    end
    if (vq_push_a) begin
      vq_kind_q[vq_wr_q] <= ha_kind;
      vq_addr_q[vq_wr_q] <= ha_addr;
      vq_mst_q[vq_wr_q]  <= BUS_MASTER_CPU;
    end
    if (vq_push_b) begin
      vq_kind_q[vq_wr2] <= MON_VIOL_STALE_DMA_READ;
      vq_addr_q[vq_wr2] <= hb_addr;
      vq_mst_q[vq_wr2]  <= BUS_MASTER_DMA;
    end
  end

  // IDs pass through untouched; the snoop response's state is not needed (the shadow knows it);
  // register writes carry only the control bits
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{snoop_rsp_hit, snoop_rsp_dirty, reg_wdata};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this monitor relies on
  // -----------------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_r_tracked: assert (!r_beat || art_cnt_q != '0)
        else $error("coherency_monitor: R beat with no DMA read tracked");
      a_w_tracked: assert (!w_take || awt_cnt_q != '0)
        else $error("coherency_monitor: W beat forwarded with no AW tracked");
      a_evt_line: assert (!(e_load || e_store) || (sh_valid_q[e_slot]
                          && sh_tag_q[e_slot] == evt_addr[ADDR_WIDTH-1 -: TAG_W]))
        else $error("coherency_monitor: cache event on a line the shadow does not hold");
      a_evt_way: assert (!evt_valid || 32'(evt_way) < WAYS)
        else $error("coherency_monitor: cache event way %0d out of range", evt_way);
      a_collect_len: assert (!c_w_take || 32'(c_cnt_q) < MAX_BURST)
        else $error("coherency_monitor: DMA write burst longer than MAX_BURST");
      a_collect_last: assert (!c_w_take || s_axi_wlast == (c_cnt_q == (WB_W + 1)'(c_awlen_q)))
        else $error("coherency_monitor: WLAST not on the last beat of the collected burst");
    end
  end
`endif

endmodule
