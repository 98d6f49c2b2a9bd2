// SPDX-License-Identifier: MIT
// cpu_cache: write-back, write-allocate, LRU data cache from a 32-bit CPU port to an AXI4 master.
// One request at a time (no hit-under-miss); no coherency of its own (coherency_monitor snoops it).

// CPU port: one 32-bit word per request, cpu_req_addr 4-aligned (bits [1:0] ignored), byte
// strobes cpu_req_wstrb[3:0] on STORE; on LOAD the strobes name the bytes the CPU uses (only the
// monitor's byte precision depends on them; cpu_rsp_rdata always carries the whole word). Every
// request gets exactly one response (cpu_rsp_rdata is 0 except for LOAD). Uncached LOAD / STORE
// (cpu_req_cacheable = 0) do not look in the cache: one single-beat 4-byte AXI access with exact
// strobes. CLEAN / INVALIDATE / FLUSH act on the line holding cpu_req_addr; a miss is a no-op.
// A miss writes the LRU victim back (if dirty), then fills the line with one INCR burst of
// LINE_BYTES; write-backs are INCR bursts of the same size. RRESP / BRESP errors are ignored.
// The snoop port takes priority over the CPU port between requests; snoop_rsp_* is a one-cycle
// pulse with the line's state before the operation. The event port (cache_evt_e) reports one
// event per cycle, one cycle after it happened.
module cpu_cache
  import dma_pkg::*;
#(
  // AXI4 data width in bits (32, 64, 128)
  parameter int unsigned DATA_WIDTH  = 64,
  // AXI4 address width in bits (32..64)
  parameter int unsigned ADDR_WIDTH  = 32,
  // cache capacity in bytes; CACHE_BYTES / (LINE_BYTES * WAYS) sets, a power of two, at least 2
  parameter int unsigned CACHE_BYTES = 32768,
  // line size in bytes (a power of two, 16..256, at least one bus beat)
  parameter int unsigned LINE_BYTES  = 64,
  // associativity (1..4)
  parameter int unsigned WAYS        = 2,
  // AXI4 ID width
  parameter int unsigned ID_WIDTH    = 4,
  // the fixed ARID / AWID of the cache
  parameter int unsigned CPU_ID      = 2
) (
  input  logic                    clk,
  input  logic                    rst,            // synchronous, active high; invalidates all

  // CPU port: request
  input  logic                    cpu_req_valid,
  output logic                    cpu_req_ready,
  input  cpu_op_e                 cpu_req_op,
  input  logic [ADDR_WIDTH-1:0]   cpu_req_addr,
  input  logic [31:0]             cpu_req_wdata,
  input  logic [3:0]              cpu_req_wstrb,
  input  logic                    cpu_req_cacheable,
  // CPU port: response
  output logic                    cpu_rsp_valid,
  input  logic                    cpu_rsp_ready,
  output logic [31:0]             cpu_rsp_rdata,

  // snoop port (from coherency_monitor)
  input  logic                    snoop_req_valid,
  output logic                    snoop_req_ready,
  input  snoop_op_e               snoop_req_op,
  input  logic [ADDR_WIDTH-1:0]   snoop_req_addr,
  output logic                    snoop_rsp_valid,
  output logic                    snoop_rsp_hit,
  output logic                    snoop_rsp_dirty,

  // event port (to coherency_monitor)
  output logic                    evt_valid,
  output cache_evt_e              evt_kind,
  output logic [ADDR_WIDTH-1:0]   evt_addr,
  output logic [3:0]              evt_strb,
  output logic [1:0]              evt_way,

  // counters (cached LOAD / STORE hits and misses; write-backs of any cause)
  output logic [31:0]             hits,
  output logic [31:0]             misses,
  output logic [31:0]             writebacks,

  // AXI4 master: write channels
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

  // AXI4 master: read channels
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
  output logic                    m_axi_rready
);

  localparam int unsigned BPB        = DATA_WIDTH / 8;
  localparam int unsigned OFF_W      = $clog2(BPB);                 // byte in a beat
  localparam int unsigned LOFF_W     = $clog2(LINE_BYTES);          // byte in a line
  localparam int unsigned LINE_BEATS = LINE_BYTES / BPB;
  localparam int unsigned BEAT_W     = (LINE_BEATS > 1) ? $clog2(LINE_BEATS) : 1;
  localparam int unsigned SETS       = CACHE_BYTES / (LINE_BYTES * WAYS);
  localparam int unsigned IDX_W      = $clog2(SETS);
  localparam int unsigned TAG_W      = ADDR_WIDTH - LOFF_W - IDX_W;
  localparam int unsigned WAY_W      = (WAYS > 1) ? $clog2(WAYS) : 1;
  localparam int unsigned SLOTS      = SETS * WAYS;                 // one per (set, way)
  localparam int unsigned SLOT_W     = $clog2(SLOTS);
  localparam int unsigned WORDS      = BPB / 4;                     // 32-bit lanes per beat
  localparam int unsigned DI_W       = $clog2(SLOTS * LINE_BEATS);  // index of a stored beat

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cpu_cache: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cpu_cache: ADDR_WIDTH must be 32..64");
  end
  if (LINE_BYTES < 16 || LINE_BYTES > 256 || (LINE_BYTES & (LINE_BYTES - 1)) != 0
      || LINE_BYTES < BPB) begin : g_check_line_bytes
    $fatal(1, "cpu_cache: LINE_BYTES must be a power of two, 16..256, at least one beat");
  end
  if (WAYS < 1 || WAYS > 4) begin : g_check_ways
    $fatal(1, "cpu_cache: WAYS must be 1..4");
  end
  if (SETS < 2 || (SETS & (SETS - 1)) != 0 || SETS * LINE_BYTES * WAYS != CACHE_BYTES)
  begin : g_check_cache_bytes
    $fatal(1, "cpu_cache: CACHE_BYTES / (LINE_BYTES * WAYS) must be a power of two >= 2");
  end
  if (ID_WIDTH < 1 || CPU_ID >= (1 << ID_WIDTH)) begin : g_check_id
    $fatal(1, "cpu_cache: CPU_ID must fit in ID_WIDTH bits");
  end

  typedef enum logic [3:0] {
    ST_IDLE,
    ST_LOOKUP,
    ST_WB,
    ST_FILL,
    ST_UNC_RD,
    ST_UNC_WR,
    ST_DONE,
    ST_RSP
  } state_e;

  // what follows a write-back
  typedef enum logic [1:0] {
    WB_THEN_FILL,     // eviction: fill the requested line into the same way
    WB_THEN_DONE,     // clean: keep the line
    WB_THEN_INVAL     // flush / clean-invalidate: drop the line
  } wb_then_e;

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  state_e                state_q;
  logic                  snoop_q;                   // the request came from the snoop port
  cpu_op_e               op_q;                      // CPU op (snoop ops mapped onto CPU ops)
  logic                  lookup_only_q;             // snoop LOOKUP
  logic [ADDR_WIDTH-1:0] addr_q;
  logic [31:0]           wdata_q;
  logic [3:0]            wstrb_q;
  logic                  cacheable_q;
  logic                  refill_q;                  // second lookup after a fill (not counted)
  logic [WAY_W-1:0]      way_q;                     // way being written back / filled
  logic [ADDR_WIDTH-1:0] bus_addr_q;                // line address of the write-back
  wb_then_e              wb_then_q;
  logic [BEAT_W-1:0]     beat_q;                    // W or R beat of the line
  logic                  awvalid_q;
  logic                  wvalid_q;
  logic                  arvalid_q;
  logic [31:0]           rdata_q;
  logic                  shit_q;                    // snoop response: hit, dirty
  logic                  sdirty_q;
  logic                  srsp_q;
  logic                  evt_valid_q;
  cache_evt_e            evt_kind_q;
  logic [ADDR_WIDTH-1:0] evt_addr_q;
  logic [3:0]            evt_strb_q;
  logic [WAY_W-1:0]      evt_way_q;
  logic [31:0]           hits_q;
  logic [31:0]           misses_q;
  logic [31:0]           wbs_q;

  // line state: tag, valid, dirty, LRU age (0 = most recent) per slot; data per (slot, beat)
  logic [TAG_W-1:0]      tag_q   [SLOTS];
  logic [SLOTS*WAY_W-1:0] age_q;                   // WAY_W bits per slot
  logic [SLOTS-1:0]      valid_q;
  logic [SLOTS-1:0]      dirty_q;
  logic [DATA_WIDTH-1:0] data_q  [SLOTS * LINE_BEATS];
  logic [WAYS*WAY_W-1:0] set_age;                   // ages of the ways of `set`

  // lookup of addr_q
  logic [IDX_W-1:0]      set;
  logic [TAG_W-1:0]      tag;
  logic [BEAT_W-1:0]     word_beat;                 // beat of the line holding the word
  logic [OFF_W-1:0]      word_off;                  // byte of the beat where the word starts
  logic                  hit;
  logic [WAY_W-1:0]      hit_way;
  logic                  hit_dirty;
  logic [WAY_W-1:0]      victim;
  logic                  victim_valid, victim_dirty;
  logic [DATA_WIDTH-1:0] hit_beat;                  // the beat holding the word, on a hit
  logic                  w_take, b_take, ar_take, r_beat;
  logic                  idle_take_snoop, idle_take_cpu;

  function automatic logic [SLOT_W-1:0] slot(input logic [IDX_W-1:0] s, input logic [WAY_W-1:0] w);
    return SLOT_W'(32'(s) * WAYS + 32'(w));
  endfunction

  // age of a way of `set`
  function automatic logic [WAY_W-1:0] age_of(input logic [WAYS*WAY_W-1:0] ages,
                                              input logic [WAY_W-1:0] w);
    return ages[WAY_W * 32'(w) +: WAY_W];
  endfunction

  // reset ages: way w of every set has age w
  function automatic logic [SLOTS*WAY_W-1:0] age_reset();
    logic [SLOTS*WAY_W-1:0] a;
    for (int i = 0; i < SLOTS; i++) a[WAY_W * i +: WAY_W] = WAY_W'(i % WAYS);
    return a;
  endfunction

  function automatic logic [DI_W-1:0] beat_index(input logic [IDX_W-1:0] s,
                                                  input logic [WAY_W-1:0] w,
                                                  input logic [BEAT_W-1:0] b);
    return DI_W'(32'(slot(s, w)) * LINE_BEATS + 32'(b));
  endfunction

  // LRU: the touched way becomes age 0, the ways younger than it age by one
  function automatic logic [WAYS*WAY_W-1:0] touched(input logic [WAYS*WAY_W-1:0] ages,
                                                    input logic [WAY_W-1:0] t);
    logic [WAYS*WAY_W-1:0] a;
    a = ages;
    for (int w = 0; w < WAYS; w++) begin
      if (age_of(ages, WAY_W'(w)) < age_of(ages, t)) begin
        a[WAY_W * w +: WAY_W] = age_of(ages, WAY_W'(w)) + WAY_W'(1);
      end
    end
    a[WAY_W * 32'(t) +: WAY_W] = '0;
    return a;
  endfunction

  // a beat with the enabled bytes of another merged in
  function automatic logic [DATA_WIDTH-1:0] merged(input logic [DATA_WIDTH-1:0] old,
                                                   input logic [DATA_WIDTH-1:0] wd,
                                                   input logic [BPB-1:0] be);
    logic [DATA_WIDTH-1:0] m;
    m = old;
    for (int b = 0; b < BPB; b++) begin
      if (be[b]) m[8 * b +: 8] = wd[8 * b +: 8];
    end
    return m;
  endfunction

  assign set       = addr_q[LOFF_W +: IDX_W];
  assign tag       = addr_q[ADDR_WIDTH-1 -: TAG_W];
  assign word_beat = BEAT_W'(addr_q[LOFF_W-1:0] >> OFF_W);
  assign word_off  = addr_q[OFF_W-1:0] & ~OFF_W'(3);

  // hit way and the replacement victim (an invalid way first, else the least recently used);
  // looked up only in ST_LOOKUP, the one state that uses them
  always_comb begin
    hit          = 1'b0;
    hit_way      = '0;
    hit_dirty    = 1'b0;
    hit_beat     = '0;
    victim       = '0;
    victim_valid = 1'b1;
    victim_dirty = 1'b0;
    if (state_q == ST_LOOKUP) begin
      for (int w = 0; w < WAYS; w++) begin
        if (valid_q[slot(set, WAY_W'(w))] && tag_q[slot(set, WAY_W'(w))] == tag) begin
          hit     = 1'b1;
          hit_way = WAY_W'(w);
        end
      end
      for (int w = WAYS - 1; w >= 0; w--) begin
        if (age_of(set_age, WAY_W'(w)) == WAY_W'(WAYS - 1)) victim = WAY_W'(w);
      end
      for (int w = WAYS - 1; w >= 0; w--) begin
        if (!valid_q[slot(set, WAY_W'(w))]) begin
          victim       = WAY_W'(w);
          victim_valid = 1'b0;
        end
      end
      hit_dirty    = dirty_q[slot(set, hit_way)];
      hit_beat     = data_q[beat_index(set, hit_way, word_beat)];
      victim_dirty = victim_valid && dirty_q[slot(set, victim)];
    end
  end
  assign set_age = age_q[WAY_W * 32'(slot(set, '0)) +: WAYS * WAY_W];

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign idle_take_snoop = state_q == ST_IDLE && snoop_req_valid;
  assign idle_take_cpu   = state_q == ST_IDLE && !snoop_req_valid && cpu_req_valid;
  assign snoop_req_ready = state_q == ST_IDLE;
  assign cpu_req_ready   = state_q == ST_IDLE && !snoop_req_valid;
  assign cpu_rsp_valid   = state_q == ST_RSP;
  assign cpu_rsp_rdata   = rdata_q;
  assign snoop_rsp_valid = srsp_q;
  assign snoop_rsp_hit   = shit_q;
  assign snoop_rsp_dirty = sdirty_q;

  assign evt_valid  = evt_valid_q;
  assign evt_kind   = evt_kind_q;
  assign evt_addr   = evt_addr_q;
  assign evt_strb   = evt_strb_q;
  assign evt_way    = 2'(evt_way_q);
  assign hits       = hits_q;
  assign misses     = misses_q;
  assign writebacks = wbs_q;

  // write-back (a whole line) or uncached store (one word at its lanes)
  assign m_axi_awid    = ID_WIDTH'(CPU_ID);
  assign m_axi_awaddr  = (state_q == ST_WB) ? bus_addr_q : {addr_q[ADDR_WIDTH-1:2], 2'b00};
  assign m_axi_awlen   = (state_q == ST_WB) ? 8'(LINE_BEATS - 1) : 8'd0;
  assign m_axi_awsize  = (state_q == ST_WB) ? 3'(OFF_W) : 3'd2;
  assign m_axi_awburst = BURST_INCR;
  assign m_axi_awvalid = awvalid_q;
  assign m_axi_wdata   = (state_q == ST_WB) ? data_q[beat_index(set, way_q, beat_q)]
                                            : {WORDS{wdata_q}};
  assign m_axi_wstrb   = (state_q == ST_WB) ? {BPB{1'b1}} : BPB'(wstrb_q) << word_off;
  assign m_axi_wlast   = (state_q == ST_WB) ? beat_q == BEAT_W'(LINE_BEATS - 1) : 1'b1;
  assign m_axi_wvalid  = wvalid_q;
  assign m_axi_bready  = state_q == ST_WB || state_q == ST_UNC_WR;

  // fill (a whole line) or uncached load (one word)
  assign m_axi_arid    = ID_WIDTH'(CPU_ID);
  assign m_axi_araddr  = (state_q == ST_FILL) ? {addr_q[ADDR_WIDTH-1:LOFF_W], {LOFF_W{1'b0}}}
                                              : {addr_q[ADDR_WIDTH-1:2], 2'b00};
  assign m_axi_arlen   = (state_q == ST_FILL) ? 8'(LINE_BEATS - 1) : 8'd0;
  assign m_axi_arsize  = (state_q == ST_FILL) ? 3'(OFF_W) : 3'd2;
  assign m_axi_arburst = BURST_INCR;
  assign m_axi_arvalid = arvalid_q;
  assign m_axi_rready  = state_q == ST_FILL || state_q == ST_UNC_RD;

  assign w_take  = m_axi_wvalid && m_axi_wready;
  assign b_take  = m_axi_bvalid && m_axi_bready;
  assign ar_take = m_axi_arvalid && m_axi_arready;
  assign r_beat  = m_axi_rvalid && m_axi_rready;

  // ---------------------------------------------------------------------------------------------
  // Request sequencing, in one clocked process: it reads the CPU port and the bus handshakes, and
  // nothing reads its decisions combinationally (README, Conventions). A register keeps its value
  // unless a state below changes it; the line state is written here too (tags and data have no
  // reset: valid_q guards them).
  // ---------------------------------------------------------------------------------------------
  // From the request FSM (below): write the line at `line` (in way `way`) back to memory, then do `then_`;
  // reported as a write-back event. The caller has set bus_addr_q to `line`.
  task automatic start_write_back(input wb_then_e then_, input logic [ADDR_WIDTH-1:0] line,
                                  input logic [WAY_W-1:0] way);
    state_q     <= ST_WB;
    wb_then_q   <= then_;
    awvalid_q   <= 1'b1;
    wvalid_q    <= 1'b1;
    beat_q      <= '0;
    wbs_q       <= wbs_q + 32'd1;
    evt_valid_q <= 1'b1;
    evt_kind_q  <= CACHE_EVT_WRITEBACK;
    evt_addr_q  <= line;
    evt_way_q   <= way;
  endtask

  always_ff @(posedge clk) begin
    if (rst) begin
      state_q       <= ST_IDLE;
      snoop_q       <= 1'b0;
      op_q          <= CPU_OP_LOAD;
      lookup_only_q <= 1'b0;
      addr_q        <= '0;
      wdata_q       <= '0;
      wstrb_q       <= '0;
      cacheable_q   <= 1'b0;
      refill_q      <= 1'b0;
      way_q         <= '0;
      bus_addr_q    <= '0;
      wb_then_q     <= WB_THEN_DONE;
      beat_q        <= '0;
      awvalid_q     <= 1'b0;
      wvalid_q      <= 1'b0;
      arvalid_q     <= 1'b0;
      rdata_q       <= '0;
      shit_q        <= 1'b0;
      sdirty_q      <= 1'b0;
      srsp_q        <= 1'b0;
      evt_valid_q   <= 1'b0;
      evt_kind_q    <= CACHE_EVT_FILL;
      evt_addr_q    <= '0;
      evt_strb_q    <= '0;
      evt_way_q     <= '0;
      hits_q        <= '0;
      misses_q      <= '0;
      wbs_q         <= '0;
      valid_q       <= '0;
      dirty_q       <= '0;
      age_q         <= age_reset();
    end else begin
      // pulses; AR / AW held until taken
      srsp_q      <= 1'b0;
      evt_valid_q <= 1'b0;
      if (m_axi_awready) awvalid_q <= 1'b0;
      if (m_axi_arready) arvalid_q <= 1'b0;

      unique case (state_q)
        // take a snoop (first) or a CPU request; snoop ops map onto CLEAN / INVALIDATE / FLUSH
        ST_IDLE: begin
          refill_q <= 1'b0;
          if (idle_take_snoop) begin
            state_q       <= ST_LOOKUP;
            snoop_q       <= 1'b1;
            lookup_only_q <= snoop_req_op == SNOOP_LOOKUP;
            unique case (snoop_req_op)
              SNOOP_INVALIDATE:       op_q <= CPU_OP_INVALIDATE;
              SNOOP_CLEAN_INVALIDATE: op_q <= CPU_OP_FLUSH;
              default:                op_q <= CPU_OP_CLEAN;
            endcase
            addr_q        <= snoop_req_addr;
            cacheable_q   <= 1'b1;
          end else if (idle_take_cpu) begin
            state_q       <= ST_LOOKUP;
            snoop_q       <= 1'b0;
            lookup_only_q <= 1'b0;
            op_q          <= cpu_req_op;
            addr_q        <= cpu_req_addr;
            wdata_q       <= cpu_req_wdata;
            wstrb_q       <= cpu_req_wstrb;
            cacheable_q   <= cpu_req_cacheable;
          end
        end
        // hit / miss decision: serve a hit, start a write-back, a fill or an uncached access
        ST_LOOKUP: begin
          rdata_q  <= '0;
          shit_q   <= hit;
          sdirty_q <= hit && hit_dirty;
          way_q    <= hit ? hit_way : victim;
          if (!cacheable_q && (op_q == CPU_OP_LOAD || op_q == CPU_OP_STORE)) begin
            // uncached: straight to the bus, one beat
            if (op_q == CPU_OP_LOAD) begin
              state_q   <= ST_UNC_RD;
              arvalid_q <= 1'b1;
            end else begin
              state_q   <= ST_UNC_WR;
              awvalid_q <= 1'b1;
              wvalid_q  <= 1'b1;
            end
          end else if (op_q == CPU_OP_LOAD || op_q == CPU_OP_STORE) begin
            if (hit) begin
              if (!refill_q) hits_q <= hits_q + 32'd1;
              age_q[WAY_W * 32'(slot(set, '0)) +: WAYS * WAY_W] <= touched(set_age, hit_way);
              evt_valid_q <= 1'b1;
              evt_addr_q  <= {addr_q[ADDR_WIDTH-1:2], 2'b00};
              evt_strb_q  <= wstrb_q;
              evt_way_q   <= hit_way;
              state_q     <= ST_RSP;
              if (op_q == CPU_OP_LOAD) begin
                evt_kind_q <= CACHE_EVT_LOAD;
                rdata_q    <= hit_beat[8 * word_off +: 32];
              end else begin
                evt_kind_q <= CACHE_EVT_STORE;
                data_q[beat_index(set, hit_way, word_beat)]
                  <= merged(hit_beat, {WORDS{wdata_q}}, BPB'(wstrb_q) << word_off);
                if (wstrb_q != '0) dirty_q[slot(set, hit_way)] <= 1'b1;
              end
            end else begin
              misses_q   <= misses_q + 32'd1;
              bus_addr_q <= {tag_q[slot(set, victim)], set, {LOFF_W{1'b0}}};
              if (victim_dirty) begin
                // evict: write the dirty victim back first
                start_write_back(WB_THEN_FILL, {tag_q[slot(set, victim)], set, {LOFF_W{1'b0}}}, victim);
              end else begin
                state_q   <= ST_FILL;
                arvalid_q <= 1'b1;
                beat_q    <= '0;
              end
            end
          end else if (lookup_only_q || !hit) begin
            // maintenance miss or a snoop look-up: nothing to do
            state_q <= ST_DONE;
          end else if (hit_dirty && op_q != CPU_OP_INVALIDATE) begin
            // clean / flush of a dirty line: write it back
            bus_addr_q <= {tag, set, {LOFF_W{1'b0}}};
            start_write_back((op_q == CPU_OP_CLEAN) ? WB_THEN_DONE : WB_THEN_INVAL, {tag, set, {LOFF_W{1'b0}}}, hit_way);
          end else if (op_q == CPU_OP_CLEAN) begin
            // clean of a clean line
            state_q <= ST_DONE;
          end else begin
            // invalidate (dirty or not), or flush of a clean line: drop it
            valid_q[slot(set, hit_way)] <= 1'b0;
            evt_valid_q <= 1'b1;
            evt_kind_q  <= CACHE_EVT_INVALIDATE;
            evt_addr_q  <= {tag, set, {LOFF_W{1'b0}}};
            evt_way_q   <= hit_way;
            state_q     <= ST_DONE;
          end
        end
        // write the line in way_q back (AW and W together), wait for B, then go on
        ST_WB: begin
          if (w_take) begin
            beat_q <= beat_q + BEAT_W'(1);
            if (m_axi_wlast) wvalid_q <= 1'b0;
          end
          if (b_take) begin
            dirty_q[slot(set, way_q)] <= 1'b0;
            unique case (wb_then_q)
              WB_THEN_FILL: begin
                state_q   <= ST_FILL;
                arvalid_q <= 1'b1;
                beat_q    <= '0;
              end
              WB_THEN_INVAL: begin
                valid_q[slot(set, way_q)] <= 1'b0;
                evt_valid_q <= 1'b1;
                evt_kind_q  <= CACHE_EVT_INVALIDATE;
                evt_addr_q  <= bus_addr_q;
                evt_way_q   <= way_q;
                state_q     <= ST_DONE;
              end
              default: state_q <= ST_DONE;
            endcase
          end
        end
        // fill way_q: install the tag when AR is taken, the beats as they come; then look up again
        ST_FILL: begin
          if (ar_take) begin
            tag_q[slot(set, way_q)]   <= tag;
            valid_q[slot(set, way_q)] <= 1'b1;
            dirty_q[slot(set, way_q)] <= 1'b0;
            evt_valid_q <= 1'b1;
            evt_kind_q  <= CACHE_EVT_FILL;
            evt_addr_q  <= {addr_q[ADDR_WIDTH-1:LOFF_W], {LOFF_W{1'b0}}};
            evt_way_q   <= way_q;
          end
          if (r_beat) begin
            data_q[beat_index(set, way_q, beat_q)] <= m_axi_rdata;
            beat_q <= beat_q + BEAT_W'(1);
            if (m_axi_rlast) begin
              state_q  <= ST_LOOKUP;
              refill_q <= 1'b1;
            end
          end
        end
        // uncached load: one beat, the word from its lanes
        ST_UNC_RD: begin
          if (r_beat) begin
            rdata_q <= m_axi_rdata[8 * word_off +: 32];
            state_q <= ST_RSP;
          end
        end
        // uncached store: one beat with the word's strobes, then B
        ST_UNC_WR: begin
          if (w_take) wvalid_q <= 1'b0;
          if (b_take) state_q <= ST_RSP;
        end
        // maintenance finished: answer the snoop port (a pulse) or the CPU port
        ST_DONE: begin
          if (snoop_q) begin
            srsp_q  <= 1'b1;
            state_q <= ST_IDLE;
          end else begin
            state_q <= ST_RSP;
          end
        end
        // CPU response held until taken
        ST_RSP: begin
          if (cpu_rsp_ready) state_q <= ST_IDLE;
        end
        default: state_q <= ST_IDLE;
      endcase
    end
  end

  // IDs are fixed (one outstanding access at a time); bus errors are not reported to the CPU
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{m_axi_bid, m_axi_bresp, m_axi_rid, m_axi_rresp, addr_q[1:0]};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  // -----------------------------------------------------------------------------------------------
  // Rules this cache relies on
  // -----------------------------------------------------------------------------------------------
  logic [31:0] age_sum;
  always_comb begin
    age_sum = '0;
    for (int w = 0; w < WAYS; w++) age_sum = age_sum + 32'(age_of(set_age, WAY_W'(w)));
  end

  always_ff @(posedge clk) begin
    if (!rst) begin
      a_rlast: assert (!(r_beat && state_q == ST_FILL)
                       || m_axi_rlast == (beat_q == BEAT_W'(LINE_BEATS - 1)))
        else $error("cpu_cache: RLAST not on beat %0d of the fill", LINE_BEATS - 1);
      a_r_single: assert (!(r_beat && state_q == ST_UNC_RD) || m_axi_rlast)
        else $error("cpu_cache: uncached read answered with more than one beat");
      a_r_expected: assert (!m_axi_rvalid || state_q == ST_FILL || state_q == ST_UNC_RD)
        else $error("cpu_cache: R beat with no read outstanding");
      a_b_expected: assert (!m_axi_bvalid || state_q == ST_WB || state_q == ST_UNC_WR)
        else $error("cpu_cache: B response with no write outstanding");
      a_lru_perm: assert (age_sum == 32'(WAYS * (WAYS - 1) / 2))
        else $error("cpu_cache: LRU ages of set %0d are not a permutation", set);
      a_one_hit: assert (state_q != ST_LOOKUP || !hit || valid_q[slot(set, hit_way)])
        else $error("cpu_cache: hit on an invalid way");
    end
  end
`endif

endmodule
