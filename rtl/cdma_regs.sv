// SPDX-License-Identifier: MIT
// cdma_regs: AXI-Lite slave and register file (PG034 CDMA registers + extension block at 0x100:
// transfer mode, performance counters), with interrupt coalescing and the delay timer. It does not
// move data, walk descriptors or count events (cdma_perf does).
module cdma_regs
  import dma_pkg::*;
#(
  // AXI4 data width in bits of the data path (reported in EXT_CAPS)
  parameter int unsigned DATA_WIDTH      = 64,
  // AXI4 address width in bits of the data path (32..64); *_MSB registers hold the bits above 31
  parameter int unsigned ADDR_WIDTH      = 32,
  // most beats per burst (reported in EXT_CAPS; EXT_XFER_CTRL's max burst length clamps to it)
  parameter int unsigned MAX_BURST       = 256,
  // most bursts in flight per direction (EXT_XFER_CTRL's reset value and clamp)
  parameter int unsigned MAX_OUTSTANDING = 4,
  // AXI-Lite address width in bits
  parameter int unsigned AXIL_ADDR_WIDTH = 16,
  // 1: the realigner is built in (EXT_CAPS DRE bit)
  parameter int unsigned HAS_DRE         = 1
) (
  input  logic                       clk,
  input  logic                       rst,            // synchronous, active high

  // AXI-Lite slave
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

  // to cdma_sg / cdma_ctrl: start a simple-mode transfer (one-cycle pulse) and request a soft
  // reset (level)
  output logic                       start,
  output logic [ADDR_WIDTH-1:0]      start_sa,
  output logic [ADDR_WIDTH-1:0]      start_da,
  output logic [BTT_WIDTH-1:0]       start_btt,
  output logic                       soft_reset_req,

  // to cdma_sg: start a walk (one-cycle pulse), the pointers, this cycle's writes of TAILDESC
  // (either half) and of CURDESC by software, and Cyclic
  output logic                       sg_start,
  output logic [ADDR_WIDTH-1:0]      sg_cur,
  output logic [ADDR_WIDTH-1:0]      sg_tail,
  output logic                       tail_wr,
  output logic                       cur_sw_wr,
  output logic                       cyclic,

  // to the data engines: KeyHoleRd / KeyHoleWr (FIXED bursts)
  output logic                       key_hole_rd,
  output logic                       key_hole_wr,

  // transfer mode in effect (EXT_XFER_CTRL, EXT_STEAL_CFG), to cdma_mode_gate and the engines
  output logic [1:0]                 xfer_mode,
  output logic [8:0]                 max_burst,       // 1..MAX_BURST beats
  output logic [7:0]                 max_outstanding, // 1..MAX_OUTSTANDING bursts per direction
  output logic [7:0]                 steal_beats,     // 1..MAX_BURST beats per grant
  output logic [15:0]                steal_idle,      // idle cycles between grants

  // performance counters (cdma_perf): zero them (one-cycle pulse); their values (EXT_PERF_*)
  output logic                       perf_clear,
  input  logic [31:0]                perf_busy,
  input  logic [31:0]                perf_rd_beats,
  input  logic [31:0]                perf_wr_beats,
  input  logic [31:0]                perf_bus_wait,
  input  logic [31:0]                perf_cpu_wait,

  // from cdma_sg: the transfer or walk ended (err says why, err2 is a second error reported
  // with it), a descriptor completed, CURDESC moves; from cdma_ctrl: the soft reset finished
  input  logic                       done,
  input  dma_err_e                   done_err,
  input  dma_err_e                   done_err2,
  input  logic                       desc_done,
  input  logic                       cur_wr,
  input  logic [ADDR_WIDTH-1:0]      cur_addr,
  input  logic                       soft_rst,

  // interrupt (level) and CDMASR.Idle
  output logic                       irq,
  output logic                       idle
);

  if (DATA_WIDTH != 32 && DATA_WIDTH != 64 && DATA_WIDTH != 128) begin : g_check_data_width
    $fatal(1, "cdma_regs: DATA_WIDTH must be 32, 64 or 128");
  end
  if (ADDR_WIDTH < 32 || ADDR_WIDTH > 64) begin : g_check_addr_width
    $fatal(1, "cdma_regs: ADDR_WIDTH must be 32..64");
  end
  if (MAX_BURST < 2 || MAX_BURST > AXI_MAX_BURST) begin : g_check_max_burst
    $fatal(1, "cdma_regs: MAX_BURST must be 2..256");
  end
  if (MAX_OUTSTANDING < 1 || MAX_OUTSTANDING > 255) begin : g_check_max_outstanding
    $fatal(1, "cdma_regs: MAX_OUTSTANDING must be 1..255 (EXT_XFER_CTRL[23:16])");
  end
  if (AXIL_ADDR_WIDTH < 9 || AXIL_ADDR_WIDTH > 32) begin : g_check_axil_addr_width
    $fatal(1, "cdma_regs: AXIL_ADDR_WIDTH must be 9..32 (the extension block sits at 0x100)");
  end

  // the bits of a 64-bit address register that exist
  localparam logic [63:0] ADDR_MASK =
      (ADDR_WIDTH == 64) ? {64{1'b1}} : ((64'd1 << ADDR_WIDTH) - 64'd1);
  localparam logic [31:0] EXT_CAPS_VALUE =
      (32'(DATA_WIDTH / 8) << EXT_CAPS_DATA_BYTES_LSB)
    | (32'(ADDR_WIDTH) << EXT_CAPS_ADDR_WIDTH_LSB)
    | (32'(MAX_BURST - 1) << EXT_CAPS_MAX_BURST_M1_LSB)
    | (32'(BTT_WIDTH) << EXT_CAPS_BTT_WIDTH_LSB)
    | (32'(HAS_DRE != 0) << EXT_CAPS_DRE_BIT)
    | (32'd1 << EXT_CAPS_SG_BIT);
  localparam int unsigned WORD_W = AXIL_ADDR_WIDTH - 2;
  // the register whose write starts SG: the upper half when addresses have more than 32 bits
  localparam int unsigned TAIL_TRIGGER_OFFSET =
      (ADDR_WIDTH > 32) ? TAILDESC_MSB_OFFSET : TAILDESC_OFFSET;
  localparam int unsigned DLY_CNT_W = $clog2(IRQ_DELAY_UNIT_CYCLES);

  // ---------------------------------------------------------------------------------------------
  // AXI-Lite handshake state (hardware reset only, so a soft reset never loses a response)
  // ---------------------------------------------------------------------------------------------
  logic                       aw_full_q, aw_full_d;    // a write address is held
  logic [AXIL_ADDR_WIDTH-1:0] aw_addr_q, aw_addr_d;
  logic                       w_full_q,  w_full_d;     // write data is held
  logic [31:0]                w_data_q,  w_data_d;
  logic [3:0]                 w_strb_q,  w_strb_d;
  logic                       bvalid_q,  bvalid_d;
  logic [1:0]                 bresp_q,   bresp_d;
  logic                       rvalid_q,  rvalid_d;
  logic [31:0]                rdata_q,   rdata_d;
  logic [1:0]                 rresp_q,   rresp_d;

  // ---------------------------------------------------------------------------------------------
  // Extension block: transfer mode (hardware reset only, like the handshake state)
  // ---------------------------------------------------------------------------------------------
  logic [1:0]  xfer_mode_q,     xfer_mode_d;
  logic [7:0]  max_burst_m1_q,  max_burst_m1_d;
  logic [7:0]  max_out_q,       max_out_d;
  logic [7:0]  steal_beats_q,   steal_beats_d;
  logic [15:0] steal_idle_q,    steal_idle_d;
  logic        perf_clear_q,    perf_clear_d;

  // ---------------------------------------------------------------------------------------------
  // Register file (hardware reset and CDMACR.Reset)
  // ---------------------------------------------------------------------------------------------
  // CDMACR
  logic [7:0]  irq_delay_q,     irq_delay_d;
  logic [7:0]  irq_thresh_q,    irq_thresh_d;
  logic        err_irq_en_q,    err_irq_en_d;
  logic        dly_irq_en_q,    dly_irq_en_d;
  logic        ioc_irq_en_q,    ioc_irq_en_d;
  logic        cyclic_q,        cyclic_d;
  logic        key_hole_wr_q,   key_hole_wr_d;
  logic        key_hole_rd_q,   key_hole_rd_d;
  logic        sg_mode_q,       sg_mode_d;
  logic        reset_req_q,     reset_req_d;
  // CDMASR
  logic [7:0]  thresh_sts_q,    thresh_sts_d;
  logic        err_irq_q,       err_irq_d;
  logic        dly_irq_q,       dly_irq_d;
  logic        ioc_irq_q,       ioc_irq_d;
  logic        sg_dec_err_q,    sg_dec_err_d;
  logic        sg_slv_err_q,    sg_slv_err_d;
  logic        sg_int_err_q,    sg_int_err_d;
  logic        dma_dec_err_q,   dma_dec_err_d;
  logic        dma_slv_err_q,   dma_slv_err_d;
  logic        dma_int_err_q,   dma_int_err_d;
  logic        idle_q,          idle_d;
  logic        halted_q,        halted_d;   // an error stopped the engine; only a reset restarts it
  // delay timer: running, cycles into the current unit, whole units elapsed (IRQDelaySts)
  logic                 dly_run_q, dly_run_d;
  logic [DLY_CNT_W-1:0] dly_cnt_q, dly_cnt_d;
  logic [7:0]           dly_sts_q, dly_sts_d;
  // pointers and the simple-mode transfer
  logic [63:0] curdesc_q,       curdesc_d;
  logic [63:0] taildesc_q,      taildesc_d;
  logic [63:0] sa_q,            sa_d;
  logic [63:0] da_q,            da_d;
  logic [BTT_WIDTH-1:0] btt_q,  btt_d;
  logic        start_q,         start_d;
  logic        sg_start_q,      sg_start_d;

  logic                       do_write;     // a held address and data are written this cycle
  logic [31:0]                wmask;        // WSTRB expanded to bits
  logic [WORD_W-1:0]          wword, rword;
  logic [31:0]                cr_value, sr_value, xfer_value, steal_value;
  logic [31:0]                merged;       // old value with the strobed bytes replaced
  logic [31:0]                rvalue;
  logic                       sg_off;       // software turns SG mode off this cycle
  logic                       ioc_now;      // this cycle's completion raises IOC_Irq
  logic [6:0]                 err_hit;      // one bit per dma_err_e value reported this cycle

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign s_axil_awready = !aw_full_q;
  assign s_axil_wready  = !w_full_q;
  assign s_axil_bresp   = bresp_q;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_arready = !rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = rresp_q;
  assign s_axil_rvalid  = rvalid_q;

  assign start          = start_q;
  assign start_sa       = sa_q[ADDR_WIDTH-1:0];
  assign start_da       = da_q[ADDR_WIDTH-1:0];
  assign start_btt      = btt_q;
  assign soft_reset_req = reset_req_q;
  assign sg_start       = sg_start_q;
  assign sg_cur         = curdesc_q[ADDR_WIDTH-1:0];
  assign sg_tail        = taildesc_q[ADDR_WIDTH-1:0];
  assign cyclic         = cyclic_q;
  assign key_hole_rd    = key_hole_rd_q;
  assign key_hole_wr    = key_hole_wr_q;
  assign xfer_mode       = xfer_mode_q;
  assign max_burst       = 9'(max_burst_m1_q) + 9'd1;
  assign max_outstanding = max_out_q;
  assign steal_beats     = steal_beats_q;
  assign steal_idle      = steal_idle_q;
  assign perf_clear      = perf_clear_q;
  assign idle           = idle_q;
  assign irq            = (ioc_irq_q && ioc_irq_en_q) || (dly_irq_q && dly_irq_en_q)
                          || (err_irq_q && err_irq_en_q);

  // ---------------------------------------------------------------------------------------------
  // Register read values
  // ---------------------------------------------------------------------------------------------
  function automatic logic [WORD_W-1:0] word(input int unsigned offset);
    return WORD_W'(offset >> 2);
  endfunction

  always_comb begin
    cr_value = '0;
    cr_value[CDMACR_TAILPNTREN_BIT] = 1'b1;
    cr_value[CDMACR_RESET_BIT]      = reset_req_q;
    cr_value[CDMACR_SGMODE_BIT]     = sg_mode_q;
    cr_value[CDMACR_KEYHOLERD_BIT]  = key_hole_rd_q;
    cr_value[CDMACR_KEYHOLEWR_BIT]  = key_hole_wr_q;
    cr_value[CDMACR_CYCLIC_BIT]     = cyclic_q;
    cr_value[CDMACR_IOC_IRQEN_BIT]  = ioc_irq_en_q;
    cr_value[CDMACR_DLY_IRQEN_BIT]  = dly_irq_en_q;
    cr_value[CDMACR_ERR_IRQEN_BIT]  = err_irq_en_q;
    cr_value[CDMACR_IRQTHRESHOLD_LSB +: CDMACR_IRQTHRESHOLD_WIDTH] = irq_thresh_q;
    cr_value[CDMACR_IRQDELAY_LSB +: CDMACR_IRQDELAY_WIDTH]         = irq_delay_q;

    sr_value = '0;
    sr_value[CDMASR_IDLE_BIT]      = idle_q;
    sr_value[CDMASR_SGINCLD_BIT]   = 1'b1;
    sr_value[CDMASR_DMAINTERR_BIT] = dma_int_err_q;
    sr_value[CDMASR_DMASLVERR_BIT] = dma_slv_err_q;
    sr_value[CDMASR_DMADECERR_BIT] = dma_dec_err_q;
    sr_value[CDMASR_SGINTERR_BIT]  = sg_int_err_q;
    sr_value[CDMASR_SGSLVERR_BIT]  = sg_slv_err_q;
    sr_value[CDMASR_SGDECERR_BIT]  = sg_dec_err_q;
    sr_value[CDMASR_IOC_IRQ_BIT]   = ioc_irq_q;
    sr_value[CDMASR_DLY_IRQ_BIT]   = dly_irq_q;
    sr_value[CDMASR_ERR_IRQ_BIT]   = err_irq_q;
    sr_value[CDMASR_IRQTHRESHOLDSTS_LSB +: CDMASR_IRQTHRESHOLDSTS_WIDTH] = thresh_sts_q;
    sr_value[CDMASR_IRQDELAYSTS_LSB +: CDMASR_IRQDELAYSTS_WIDTH]         = dly_sts_q;

    xfer_value = '0;
    xfer_value[EXT_XFER_CTRL_MODE_LSB +: EXT_XFER_CTRL_MODE_WIDTH]               = xfer_mode_q;
    xfer_value[EXT_XFER_CTRL_MAX_BURST_M1_LSB +: EXT_XFER_CTRL_MAX_BURST_M1_WIDTH] = max_burst_m1_q;
    xfer_value[EXT_XFER_CTRL_MAX_OUT_LSB +: EXT_XFER_CTRL_MAX_OUT_WIDTH]         = max_out_q;

    steal_value = '0;
    steal_value[EXT_STEAL_CFG_BEATS_LSB +: EXT_STEAL_CFG_BEATS_WIDTH] = steal_beats_q;
    steal_value[EXT_STEAL_CFG_IDLE_LSB +: EXT_STEAL_CFG_IDLE_WIDTH]   = steal_idle_q;
  end

  assign rword = s_axil_araddr[AXIL_ADDR_WIDTH-1:2];
  always_comb begin
    rvalue = '0;  // reserved offsets read 0
    unique case (rword)
      word(CDMACR_OFFSET):            rvalue = cr_value;
      word(CDMASR_OFFSET):            rvalue = sr_value;
      word(CURDESC_OFFSET):           rvalue = curdesc_q[31:0];
      word(CURDESC_MSB_OFFSET):       rvalue = curdesc_q[63:32];
      word(TAILDESC_OFFSET):          rvalue = taildesc_q[31:0];
      word(TAILDESC_MSB_OFFSET):      rvalue = taildesc_q[63:32];
      word(SA_OFFSET):                rvalue = sa_q[31:0];
      word(SA_MSB_OFFSET):            rvalue = sa_q[63:32];
      word(DA_OFFSET):                rvalue = da_q[31:0];
      word(DA_MSB_OFFSET):            rvalue = da_q[63:32];
      word(BTT_OFFSET):               rvalue = 32'(btt_q);
      word(EXT_ID_OFFSET):            rvalue = EXT_ID_VALUE;
      word(EXT_VERSION_OFFSET):       rvalue = EXT_VERSION_VALUE;
      word(EXT_CAPS_OFFSET):          rvalue = EXT_CAPS_VALUE;
      word(EXT_XFER_CTRL_OFFSET):     rvalue = xfer_value;
      word(EXT_STEAL_CFG_OFFSET):     rvalue = steal_value;
      word(EXT_PERF_BUSY_OFFSET):     rvalue = perf_busy;
      word(EXT_PERF_RD_BEATS_OFFSET): rvalue = perf_rd_beats;
      word(EXT_PERF_WR_BEATS_OFFSET): rvalue = perf_wr_beats;
      word(EXT_PERF_BUS_WAIT_OFFSET): rvalue = perf_bus_wait;
      word(EXT_PERF_CPU_WAIT_OFFSET): rvalue = perf_cpu_wait;
      default:                        rvalue = '0;  // EXT_PERF_CTRL reads 0
    endcase
  end

  // ---------------------------------------------------------------------------------------------
  // AXI-Lite: AW and W are taken independently and held; the write happens once both are held and
  // the previous response has gone. AR is answered one cycle later; one read in flight.
  // ---------------------------------------------------------------------------------------------
  assign do_write = aw_full_q && w_full_q && !bvalid_q;
  assign wmask    = {{8{w_strb_q[3]}}, {8{w_strb_q[2]}}, {8{w_strb_q[1]}}, {8{w_strb_q[0]}}};
  assign wword    = aw_addr_q[AXIL_ADDR_WIDTH-1:2];
  assign tail_wr  = do_write && !reset_req_q
                    && (wword == word(TAILDESC_OFFSET) || wword == word(TAILDESC_MSB_OFFSET));
  // CURDESC written while idle, or cleared by a CDMACR write with SGMode = 0 (see below)
  assign cur_sw_wr = do_write && !reset_req_q
                     && (((wword == word(CURDESC_OFFSET) || wword == word(CURDESC_MSB_OFFSET))
                          && idle_q)
                         || (wword == word(CDMACR_OFFSET) && w_strb_q[0]
                             && !w_data_q[CDMACR_SGMODE_BIT]));

  always_comb begin
    aw_full_d = aw_full_q;
    aw_addr_d = aw_addr_q;
    w_full_d  = w_full_q;
    w_data_d  = w_data_q;
    w_strb_d  = w_strb_q;
    bvalid_d  = bvalid_q && !s_axil_bready;
    rvalid_d  = rvalid_q && !s_axil_rready;
    rdata_d   = rdata_q;
    bresp_d   = bresp_q;
    rresp_d   = rresp_q;

    if (do_write) begin
      aw_full_d = 1'b0;
      w_full_d  = 1'b0;
      bvalid_d  = 1'b1;
      // outside the register space: no register matches the write; answer DECERR
      bresp_d   = (32'(aw_addr_q) < REG_SPACE_END) ? RESP_OKAY : RESP_DECERR;
    end
    if (s_axil_awvalid && s_axil_awready) begin
      aw_full_d = 1'b1;
      aw_addr_d = s_axil_awaddr;
    end
    if (s_axil_wvalid && s_axil_wready) begin
      w_full_d = 1'b1;
      w_data_d = s_axil_wdata;
      w_strb_d = s_axil_wstrb;
    end
    if (s_axil_arvalid && s_axil_arready) begin
      rvalid_d = 1'b1;
      rdata_d  = rvalue;
      rresp_d  = (32'(s_axil_araddr) < REG_SPACE_END) ? RESP_OKAY : RESP_DECERR;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Register writes and engine events
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    irq_delay_d   = irq_delay_q;
    irq_thresh_d  = irq_thresh_q;
    err_irq_en_d  = err_irq_en_q;
    dly_irq_en_d  = dly_irq_en_q;
    ioc_irq_en_d  = ioc_irq_en_q;
    cyclic_d      = cyclic_q;
    key_hole_wr_d = key_hole_wr_q;
    key_hole_rd_d = key_hole_rd_q;
    sg_mode_d     = sg_mode_q;
    reset_req_d   = reset_req_q;
    thresh_sts_d  = thresh_sts_q;
    err_irq_d     = err_irq_q;
    dly_irq_d     = dly_irq_q;
    ioc_irq_d     = ioc_irq_q;
    sg_dec_err_d  = sg_dec_err_q;
    sg_slv_err_d  = sg_slv_err_q;
    sg_int_err_d  = sg_int_err_q;
    dma_dec_err_d = dma_dec_err_q;
    dma_slv_err_d = dma_slv_err_q;
    dma_int_err_d = dma_int_err_q;
    idle_d        = idle_q;
    halted_d      = halted_q;
    curdesc_d     = curdesc_q;
    taildesc_d    = taildesc_q;
    sa_d          = sa_q;
    da_d          = da_q;
    btt_d         = btt_q;
    start_d       = 1'b0;
    sg_start_d    = 1'b0;
    xfer_mode_d    = xfer_mode_q;
    max_burst_m1_d = max_burst_m1_q;
    max_out_d      = max_out_q;
    steal_beats_d  = steal_beats_q;
    steal_idle_d   = steal_idle_q;
    perf_clear_d   = 1'b0;
    dly_run_d     = dly_run_q;
    dly_cnt_d     = dly_cnt_q;
    dly_sts_d     = dly_sts_q;
    merged        = '0;
    sg_off        = 1'b0;
    ioc_now       = 1'b0;
    err_hit       = '0;

    // software writes; while a soft reset is in progress they are ignored
    if (do_write && !reset_req_q) begin
      unique case (wword)
        // CDMACR: control; IRQThreshold 0 stores 1; Reset can only be set
        word(CDMACR_OFFSET): begin
          merged        = (cr_value & ~wmask) | (w_data_q & wmask);
          irq_delay_d   = merged[CDMACR_IRQDELAY_LSB +: CDMACR_IRQDELAY_WIDTH];
          irq_thresh_d  = merged[CDMACR_IRQTHRESHOLD_LSB +: CDMACR_IRQTHRESHOLD_WIDTH];
          if (irq_thresh_d == '0) irq_thresh_d = 8'd1;
          if (w_strb_q[CDMACR_IRQTHRESHOLD_LSB / 8]) thresh_sts_d = irq_thresh_d;
          err_irq_en_d  = merged[CDMACR_ERR_IRQEN_BIT];
          dly_irq_en_d  = merged[CDMACR_DLY_IRQEN_BIT];
          ioc_irq_en_d  = merged[CDMACR_IOC_IRQEN_BIT];
          cyclic_d      = merged[CDMACR_CYCLIC_BIT];
          key_hole_wr_d = merged[CDMACR_KEYHOLEWR_BIT];
          key_hole_rd_d = merged[CDMACR_KEYHOLERD_BIT];
          sg_mode_d     = merged[CDMACR_SGMODE_BIT];
          if (w_strb_q[0] && !merged[CDMACR_SGMODE_BIT]) begin
            curdesc_d  = '0;
            taildesc_d = '0;
            dly_irq_d  = 1'b0;
            sg_off     = 1'b1;
          end
          if (w_strb_q[0] && w_data_q[CDMACR_RESET_BIT]) reset_req_d = 1'b1;
        end
        // CDMASR: the three IRQ bits are write-1-to-clear, everything else is read-only
        word(CDMASR_OFFSET): begin
          merged    = w_data_q & wmask;
          if (merged[CDMASR_IOC_IRQ_BIT]) ioc_irq_d = 1'b0;
          if (merged[CDMASR_DLY_IRQ_BIT]) dly_irq_d = 1'b0;
          if (merged[CDMASR_ERR_IRQ_BIT]) err_irq_d = 1'b0;
        end
        // descriptor pointers: 64-byte aligned; writes to CURDESC are ignored while busy
        word(CURDESC_OFFSET): begin
          if (idle_q) begin
            merged    = (curdesc_q[31:0] & ~wmask) | (w_data_q & wmask);
            curdesc_d = {curdesc_q[63:32], merged[31:DESC_ALIGN_BITS], {DESC_ALIGN_BITS{1'b0}}};
          end
        end
        word(CURDESC_MSB_OFFSET): begin
          if (idle_q) begin
            merged    = (curdesc_q[63:32] & ~wmask) | (w_data_q & wmask);
            curdesc_d = {merged, curdesc_q[31:0]} & ADDR_MASK;
          end
        end
        word(TAILDESC_OFFSET): begin
          merged     = (taildesc_q[31:0] & ~wmask) | (w_data_q & wmask);
          taildesc_d = {taildesc_q[63:32], merged[31:DESC_ALIGN_BITS], {DESC_ALIGN_BITS{1'b0}}};
        end
        word(TAILDESC_MSB_OFFSET): begin
          merged     = (taildesc_q[63:32] & ~wmask) | (w_data_q & wmask);
          taildesc_d = {merged, taildesc_q[31:0]} & ADDR_MASK;
        end
        // simple-mode source and destination (any byte alignment)
        word(SA_OFFSET): begin
          merged = (sa_q[31:0] & ~wmask) | (w_data_q & wmask);
          sa_d   = {sa_q[63:32], merged};
        end
        word(SA_MSB_OFFSET): begin
          merged = (sa_q[63:32] & ~wmask) | (w_data_q & wmask);
          sa_d   = {merged, sa_q[31:0]} & ADDR_MASK;
        end
        word(DA_OFFSET): begin
          merged = (da_q[31:0] & ~wmask) | (w_data_q & wmask);
          da_d   = {da_q[63:32], merged};
        end
        word(DA_MSB_OFFSET): begin
          merged = (da_q[63:32] & ~wmask) | (w_data_q & wmask);
          da_d   = {merged, da_q[31:0]} & ADDR_MASK;
        end
        // BTT: starts a simple transfer when idle, not halted and not in SG mode
        // (TAILDESC / TAILDESC_MSB start a walk: see below the case)
        word(BTT_OFFSET): begin
          merged = (32'(btt_q) & ~wmask) | (w_data_q & wmask);
          btt_d  = merged[BTT_WIDTH-1:0];
          if (idle_q && !halted_q && !sg_mode_q) begin
            start_d = 1'b1;
            idle_d  = 1'b0;
          end
        end
        // EXT_XFER_CTRL: mode (XFER_MODE_KEEP keeps it), max burst length - 1 (clamped), max
        // outstanding (0 stores 1, clamped)
        word(EXT_XFER_CTRL_OFFSET): begin
          merged = (xfer_value & ~wmask) | (w_data_q & wmask);
          if (merged[EXT_XFER_CTRL_MODE_LSB +: EXT_XFER_CTRL_MODE_WIDTH] != XFER_MODE_KEEP) begin
            xfer_mode_d = merged[EXT_XFER_CTRL_MODE_LSB +: EXT_XFER_CTRL_MODE_WIDTH];
          end
          max_burst_m1_d = merged[EXT_XFER_CTRL_MAX_BURST_M1_LSB +: EXT_XFER_CTRL_MAX_BURST_M1_WIDTH];
          if (32'(max_burst_m1_d) > MAX_BURST - 1) max_burst_m1_d = 8'(MAX_BURST - 1);
          max_out_d = merged[EXT_XFER_CTRL_MAX_OUT_LSB +: EXT_XFER_CTRL_MAX_OUT_WIDTH];
          if (max_out_d == '0) max_out_d = 8'd1;
          if (32'(max_out_d) > MAX_OUTSTANDING) max_out_d = 8'(MAX_OUTSTANDING);
        end
        // EXT_STEAL_CFG: beats per grant (0 stores 1, clamped to MAX_BURST), idle cycles
        word(EXT_STEAL_CFG_OFFSET): begin
          merged = (steal_value & ~wmask) | (w_data_q & wmask);
          steal_beats_d = merged[EXT_STEAL_CFG_BEATS_LSB +: EXT_STEAL_CFG_BEATS_WIDTH];
          if (steal_beats_d == '0) steal_beats_d = 8'd1;
          if (32'(steal_beats_d) > MAX_BURST) steal_beats_d = 8'(MAX_BURST);
          steal_idle_d  = merged[EXT_STEAL_CFG_IDLE_LSB +: EXT_STEAL_CFG_IDLE_WIDTH];
        end
        // EXT_PERF_CTRL: writing 1 to the clear bit zeroes the counters (a pulse; reads 0)
        word(EXT_PERF_CTRL_OFFSET): begin
          perf_clear_d = w_strb_q[EXT_PERF_CTRL_CLEAR_BIT / 8] && w_data_q[EXT_PERF_CTRL_CLEAR_BIT];
        end
        // the rest of the extension block is read-only; reserved offsets ignore writes
        default: ;
      endcase
      // the TAILDESC write that starts SG: when idle, not halted and in SG mode; IRQThresholdSts
      // is reloaded for the new session
      if (wword == word(TAIL_TRIGGER_OFFSET) && idle_q && !halted_q && sg_mode_q) begin
        sg_start_d   = 1'b1;
        idle_d       = 1'b0;
        thresh_sts_d = irq_thresh_q;
      end
    end

    // delay timer: one unit per IRQ_DELAY_UNIT_CYCLES; Dly_Irq when IRQDelay units have passed
    if (dly_run_q) begin
      if (dly_cnt_q == DLY_CNT_W'(IRQ_DELAY_UNIT_CYCLES - 1)) begin
        dly_cnt_d = '0;
        dly_sts_d = dly_sts_q + 8'd1;
        if (dly_sts_d >= irq_delay_q) begin
          dly_irq_d    = 1'b1;
          dly_run_d    = 1'b0;
          dly_sts_d    = '0;
          thresh_sts_d = irq_thresh_d;
        end
      end else begin
        dly_cnt_d = dly_cnt_q + DLY_CNT_W'(1);
      end
    end
    if (sg_off || irq_delay_q == '0) begin
      dly_run_d = 1'b0;
      dly_cnt_d = '0;
      dly_sts_d = '0;
    end

    // engine events: a set in the same cycle as a software clear wins
    if (cur_wr) begin
      curdesc_d = 64'(cur_addr);
    end
    if (done) begin
      idle_d  = 1'b1;
      ioc_now = done_err == DMA_ERR_NONE;
      err_hit = (7'd1 << done_err) | (7'd1 << done_err2);
      if (err_hit[DMA_ERR_DMA_INT]) dma_int_err_d = 1'b1;
      if (err_hit[DMA_ERR_DMA_SLV]) dma_slv_err_d = 1'b1;
      if (err_hit[DMA_ERR_DMA_DEC]) dma_dec_err_d = 1'b1;
      if (err_hit[DMA_ERR_SG_INT])  sg_int_err_d  = 1'b1;
      if (err_hit[DMA_ERR_SG_SLV])  sg_slv_err_d  = 1'b1;
      if (err_hit[DMA_ERR_SG_DEC])  sg_dec_err_d  = 1'b1;
      if (done_err != DMA_ERR_NONE) begin
        err_irq_d = 1'b1;
        halted_d  = 1'b1;
      end
    end
    // coalescing: IOC_Irq after IRQThreshold descriptors, or with the tail (ioc_now); otherwise
    // the completion (re)starts the delay timer. A completion counts after everything else of its
    // cycle (a CDMACR write that reloads IRQThresholdSts, the delay timer's reload): it starts from
    // thresh_sts_d, so a Dly_Irq and a completion in one cycle give Dly_Irq and IRQThreshold - 1
    if (desc_done) begin
      if (thresh_sts_d <= 8'd1 || ioc_now) begin
        ioc_now      = 1'b1;
        thresh_sts_d = irq_thresh_d;
        dly_run_d    = 1'b0;
        dly_cnt_d    = '0;
        dly_sts_d    = '0;
      end else begin
        thresh_sts_d = thresh_sts_d - 8'd1;
        dly_run_d    = irq_delay_d != '0;
        dly_cnt_d    = '0;
        dly_sts_d    = '0;
      end
    end
    if (ioc_now) begin
      ioc_irq_d = 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      aw_full_q <= 1'b0;
      aw_addr_q <= '0;
      w_full_q  <= 1'b0;
      w_data_q  <= '0;
      w_strb_q  <= '0;
      bvalid_q  <= 1'b0;
      bresp_q   <= RESP_OKAY;
      rvalid_q  <= 1'b0;
      rdata_q   <= '0;
      rresp_q   <= RESP_OKAY;
      xfer_mode_q    <= XFER_MODE_BURST;
      max_burst_m1_q <= 8'(MAX_BURST - 1);
      max_out_q      <= 8'(MAX_OUTSTANDING);
      steal_beats_q  <= 8'(EXT_STEAL_BEATS_RESET);
      steal_idle_q   <= 16'(EXT_STEAL_IDLE_RESET);
      perf_clear_q   <= 1'b0;
    end else begin
      aw_full_q <= aw_full_d;
      aw_addr_q <= aw_addr_d;
      w_full_q  <= w_full_d;
      w_data_q  <= w_data_d;
      w_strb_q  <= w_strb_d;
      bvalid_q  <= bvalid_d;
      bresp_q   <= bresp_d;
      rvalid_q  <= rvalid_d;
      rdata_q   <= rdata_d;
      rresp_q   <= rresp_d;
      xfer_mode_q    <= xfer_mode_d;
      max_burst_m1_q <= max_burst_m1_d;
      max_out_q      <= max_out_d;
      steal_beats_q  <= steal_beats_d;
      steal_idle_q   <= steal_idle_d;
      perf_clear_q   <= perf_clear_d;
    end
  end

  always_ff @(posedge clk) begin
    if (rst || soft_rst) begin
      irq_delay_q   <= CDMACR_RESET_VALUE[CDMACR_IRQDELAY_LSB +: CDMACR_IRQDELAY_WIDTH];
      irq_thresh_q  <= CDMACR_RESET_VALUE[CDMACR_IRQTHRESHOLD_LSB +: CDMACR_IRQTHRESHOLD_WIDTH];
      err_irq_en_q  <= CDMACR_RESET_VALUE[CDMACR_ERR_IRQEN_BIT];
      dly_irq_en_q  <= CDMACR_RESET_VALUE[CDMACR_DLY_IRQEN_BIT];
      ioc_irq_en_q  <= CDMACR_RESET_VALUE[CDMACR_IOC_IRQEN_BIT];
      cyclic_q      <= CDMACR_RESET_VALUE[CDMACR_CYCLIC_BIT];
      key_hole_wr_q <= CDMACR_RESET_VALUE[CDMACR_KEYHOLEWR_BIT];
      key_hole_rd_q <= CDMACR_RESET_VALUE[CDMACR_KEYHOLERD_BIT];
      sg_mode_q     <= CDMACR_RESET_VALUE[CDMACR_SGMODE_BIT];
      reset_req_q   <= CDMACR_RESET_VALUE[CDMACR_RESET_BIT];
      thresh_sts_q  <= 8'(CDMASR_RESET_VALUE >> CDMASR_IRQTHRESHOLDSTS_LSB);
      err_irq_q     <= CDMASR_RESET_VALUE[CDMASR_ERR_IRQ_BIT];
      dly_irq_q     <= CDMASR_RESET_VALUE[CDMASR_DLY_IRQ_BIT];
      ioc_irq_q     <= CDMASR_RESET_VALUE[CDMASR_IOC_IRQ_BIT];
      sg_dec_err_q  <= CDMASR_RESET_VALUE[CDMASR_SGDECERR_BIT];
      sg_slv_err_q  <= CDMASR_RESET_VALUE[CDMASR_SGSLVERR_BIT];
      sg_int_err_q  <= CDMASR_RESET_VALUE[CDMASR_SGINTERR_BIT];
      dma_dec_err_q <= CDMASR_RESET_VALUE[CDMASR_DMADECERR_BIT];
      dma_slv_err_q <= CDMASR_RESET_VALUE[CDMASR_DMASLVERR_BIT];
      dma_int_err_q <= CDMASR_RESET_VALUE[CDMASR_DMAINTERR_BIT];
      idle_q        <= CDMASR_RESET_VALUE[CDMASR_IDLE_BIT];
      halted_q      <= 1'b0;
      dly_run_q     <= 1'b0;
      dly_cnt_q     <= '0;
      dly_sts_q     <= '0;
      curdesc_q     <= '0;
      taildesc_q    <= '0;
      sa_q          <= '0;
      da_q          <= '0;
      btt_q         <= '0;
      start_q       <= 1'b0;
      sg_start_q    <= 1'b0;
    end else begin
      irq_delay_q   <= irq_delay_d;
      irq_thresh_q  <= irq_thresh_d;
      err_irq_en_q  <= err_irq_en_d;
      dly_irq_en_q  <= dly_irq_en_d;
      ioc_irq_en_q  <= ioc_irq_en_d;
      cyclic_q      <= cyclic_d;
      key_hole_wr_q <= key_hole_wr_d;
      key_hole_rd_q <= key_hole_rd_d;
      sg_mode_q     <= sg_mode_d;
      reset_req_q   <= reset_req_d;
      thresh_sts_q  <= thresh_sts_d;
      err_irq_q     <= err_irq_d;
      dly_irq_q     <= dly_irq_d;
      ioc_irq_q     <= ioc_irq_d;
      sg_dec_err_q  <= sg_dec_err_d;
      sg_slv_err_q  <= sg_slv_err_d;
      sg_int_err_q  <= sg_int_err_d;
      dma_dec_err_q <= dma_dec_err_d;
      dma_slv_err_q <= dma_slv_err_d;
      dma_int_err_q <= dma_int_err_d;
      idle_q        <= idle_d;
      halted_q      <= halted_d;
      dly_run_q     <= dly_run_d;
      dly_cnt_q     <= dly_cnt_d;
      dly_sts_q     <= dly_sts_d;
      curdesc_q     <= curdesc_d;
      taildesc_q    <= taildesc_d;
      sa_q          <= sa_d;
      da_q          <= da_d;
      btt_q         <= btt_d;
      start_q       <= start_d;
      sg_start_q    <= sg_start_d;
    end
  end

  // the low two address bits select a byte lane, not a register; DMA_ERR_NONE sets no error bit
  // verilator lint_off UNUSED
  logic unused;
  assign unused = ^{s_axil_araddr[1:0], aw_addr_q[1:0], err_hit[DMA_ERR_NONE]};
  // verilator lint_on UNUSED

`ifndef SYNTHESIS
  logic bvalid_prev_q, bready_prev_q, rvalid_prev_q, rready_prev_q;
  logic [31:0] rdata_prev_q;
  always_ff @(posedge clk) begin
    bvalid_prev_q <= s_axil_bvalid && !rst;
    bready_prev_q <= s_axil_bready;
    rvalid_prev_q <= s_axil_rvalid && !rst;
    rready_prev_q <= s_axil_rready;
    rdata_prev_q  <= s_axil_rdata;
  end
  always_ff @(posedge clk) begin
    if (!rst) begin
      a_b_stable: assert (!(bvalid_prev_q && !bready_prev_q) || s_axil_bvalid)
        else $error("cdma_regs: BVALID dropped before BREADY");
      a_r_stable: assert (!(rvalid_prev_q && !rready_prev_q)
                          || (s_axil_rvalid && s_axil_rdata == rdata_prev_q))
        else $error("cdma_regs: RVALID dropped or RDATA changed before RREADY");
      a_done_when_busy: assert (!done || !idle_q)
        else $error("cdma_regs: transfer done reported while idle");
      a_desc_done_when_busy: assert (!desc_done || !idle_q)
        else $error("cdma_regs: descriptor completion reported while idle");
      a_sg_start_in_sg_mode: assert (!sg_start_q || sg_mode_q)
        else $error("cdma_regs: SG start outside SG mode");
    end
  end
`endif

endmodule
