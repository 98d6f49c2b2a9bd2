// SPDX-License-Identifier: MIT
// dma_pkg: shared CDMA vocabulary (register map, bit positions, AXI codes, error enum, helpers).
// It holds no logic of its own; the C# side parses every single-line localparam of this file.
package dma_pkg;

  // Not every constant is used by the RTL: the package is also the C# side's reference.
  // verilator lint_off UNUSEDPARAM

  // ---------------------------------------------------------------------------------------------
  // AXI-Lite register offsets (bytes). 0x00..0x28 follow the AXI CDMA (PG034) register model;
  // 0x100.. is the extension block, reset only by the hardware reset.
  // ---------------------------------------------------------------------------------------------
  localparam int unsigned CDMACR_OFFSET       = 32'h0000_0000;
  localparam int unsigned CDMASR_OFFSET       = 32'h0000_0004;
  localparam int unsigned CURDESC_OFFSET      = 32'h0000_0008;
  localparam int unsigned CURDESC_MSB_OFFSET  = 32'h0000_000C;
  localparam int unsigned TAILDESC_OFFSET     = 32'h0000_0010;
  localparam int unsigned TAILDESC_MSB_OFFSET = 32'h0000_0014;
  localparam int unsigned SA_OFFSET           = 32'h0000_0018;
  localparam int unsigned SA_MSB_OFFSET       = 32'h0000_001C;
  localparam int unsigned DA_OFFSET           = 32'h0000_0020;
  localparam int unsigned DA_MSB_OFFSET       = 32'h0000_0024;
  localparam int unsigned BTT_OFFSET          = 32'h0000_0028;
  localparam int unsigned EXT_ID_OFFSET       = 32'h0000_0100;
  localparam int unsigned EXT_VERSION_OFFSET  = 32'h0000_0104;
  localparam int unsigned EXT_CAPS_OFFSET     = 32'h0000_0108;
  localparam int unsigned EXT_XFER_CTRL_OFFSET     = 32'h0000_010C;
  localparam int unsigned EXT_STEAL_CFG_OFFSET     = 32'h0000_0110;
  localparam int unsigned EXT_PERF_CTRL_OFFSET     = 32'h0000_0114;
  localparam int unsigned EXT_PERF_BUSY_OFFSET     = 32'h0000_0118;
  localparam int unsigned EXT_PERF_RD_BEATS_OFFSET = 32'h0000_011C;
  localparam int unsigned EXT_PERF_WR_BEATS_OFFSET = 32'h0000_0120;
  localparam int unsigned EXT_PERF_BUS_WAIT_OFFSET = 32'h0000_0124;
  localparam int unsigned EXT_PERF_CPU_WAIT_OFFSET = 32'h0000_0128;
  // Offsets below this are the CDMA and its extension block; anything above answers DECERR
  localparam int unsigned REG_SPACE_END       = 32'h0000_0200;

  // ---------------------------------------------------------------------------------------------
  // Field names: <REG>_<PG034 field name in upper case, its own underscores kept>, then _BIT for a
  // one-bit field, or _LSB and _WIDTH for a multi-bit one (IOC_IrqEn -> CDMACR_IOC_IRQEN_BIT,
  // IRQThreshold -> CDMACR_IRQTHRESHOLD_LSB).
  // ---------------------------------------------------------------------------------------------
  // CDMACR (control)
  localparam int unsigned CDMACR_TAILPNTREN_BIT     = 1;   // reads 1 (tail pointer mode always on)
  localparam int unsigned CDMACR_RESET_BIT          = 2;   // self-clearing soft reset
  localparam int unsigned CDMACR_SGMODE_BIT         = 3;   // 0 = simple mode, 1 = scatter-gather
  localparam int unsigned CDMACR_KEYHOLERD_BIT      = 4;   // reads as FIXED bursts (one address)
  localparam int unsigned CDMACR_KEYHOLEWR_BIT      = 5;   // writes as FIXED bursts (one address)
  localparam int unsigned CDMACR_CYCLIC_BIT         = 6;   // SG ring walked until reset
  localparam int unsigned CDMACR_IOC_IRQEN_BIT      = 12;
  localparam int unsigned CDMACR_DLY_IRQEN_BIT      = 13;
  localparam int unsigned CDMACR_ERR_IRQEN_BIT      = 14;
  localparam int unsigned CDMACR_IRQTHRESHOLD_LSB   = 16;  // [23:16]; writing 0 stores 1
  localparam int unsigned CDMACR_IRQTHRESHOLD_WIDTH = 8;
  localparam int unsigned CDMACR_IRQDELAY_LSB       = 24;  // [31:24]
  localparam int unsigned CDMACR_IRQDELAY_WIDTH     = 8;
  localparam logic [31:0] CDMACR_RESET_VALUE        = 32'h0001_0002;

  // CDMASR (status)
  localparam int unsigned CDMASR_IDLE_BIT              = 1;   // 1 when no transfer is running
  localparam int unsigned CDMASR_SGINCLD_BIT           = 3;   // reads 1 from power-on
  localparam int unsigned CDMASR_DMAINTERR_BIT         = 4;   // sticky until reset
  localparam int unsigned CDMASR_DMASLVERR_BIT         = 5;   // sticky until reset
  localparam int unsigned CDMASR_DMADECERR_BIT         = 6;   // sticky until reset
  localparam int unsigned CDMASR_SGINTERR_BIT          = 8;   // sticky until reset
  localparam int unsigned CDMASR_SGSLVERR_BIT          = 9;   // sticky until reset
  localparam int unsigned CDMASR_SGDECERR_BIT          = 10;  // sticky until reset
  localparam int unsigned CDMASR_IOC_IRQ_BIT           = 12;  // write 1 to clear
  localparam int unsigned CDMASR_DLY_IRQ_BIT           = 13;  // write 1 to clear
  localparam int unsigned CDMASR_ERR_IRQ_BIT           = 14;  // write 1 to clear
  localparam int unsigned CDMASR_IRQTHRESHOLDSTS_LSB   = 16;  // [23:16]
  localparam int unsigned CDMASR_IRQTHRESHOLDSTS_WIDTH = 8;
  localparam int unsigned CDMASR_IRQDELAYSTS_LSB       = 24;  // [31:24], delay units elapsed
  localparam int unsigned CDMASR_IRQDELAYSTS_WIDTH     = 8;
  localparam logic [31:0] CDMASR_RESET_VALUE           = 32'h0001_000A;

  // CURDESC / TAILDESC: descriptors are 64-byte aligned, bits [5:0] read 0.
  localparam int unsigned DESC_ALIGN_BITS = 6;

  // ---------------------------------------------------------------------------------------------
  // Interrupt coalescing (SG mode). IRQThresholdSts counts completed descriptors down from
  // IRQThreshold; reaching 0 raises IOC_Irq. It is reloaded by a CDMACR write of the threshold
  // byte, at SG start, by every IOC_Irq (threshold or tail) and by every Dly_Irq.
  // The delay timer (re)starts at 0 when a descriptor completes without raising IOC_Irq and
  // IRQDelay != 0; it counts in units of IRQ_DELAY_UNIT_CYCLES clock cycles (PG034's resolution
  // of 125 SG clocks) and IRQDelaySts shows the whole units elapsed. It stops on an IOC_Irq, and
  // raises Dly_Irq once IRQDelaySts would reach IRQDelay, i.e. IRQDelay * 125 cycles after the
  // completion. IRQDelay = 0 disables it; SGMode 1->0 and reset stop it.
  // ---------------------------------------------------------------------------------------------
  localparam int unsigned IRQ_DELAY_UNIT_CYCLES = 125;

  // ---------------------------------------------------------------------------------------------
  // SG descriptor: 64-byte aligned, eight 32-bit words. The engine reads 0x00..0x1F in one INCR
  // burst (several when the transfer mode caps bursts) and writes back only STATUS (one 4-byte write, WSTRB on bytes 0x1C..0x1F; the reserved
  // STATUS bits [27:0] are written back as read). 0x20..0x3F are never touched.
  // ---------------------------------------------------------------------------------------------
  localparam int unsigned DESC_NXTDESC_OFFSET     = 32'h0000_0000;
  localparam int unsigned DESC_NXTDESC_MSB_OFFSET = 32'h0000_0004;
  localparam int unsigned DESC_SA_OFFSET          = 32'h0000_0008;
  localparam int unsigned DESC_SA_MSB_OFFSET      = 32'h0000_000C;
  localparam int unsigned DESC_DA_OFFSET          = 32'h0000_0010;
  localparam int unsigned DESC_DA_MSB_OFFSET      = 32'h0000_0014;
  localparam int unsigned DESC_CONTROL_OFFSET     = 32'h0000_0018;  // BTT in [25:0]
  localparam int unsigned DESC_STATUS_OFFSET      = 32'h0000_001C;
  localparam int unsigned DESC_FETCH_BYTES        = 32;             // bytes read per descriptor
  localparam int unsigned DESC_STATUS_CMPLT_BIT     = 31;
  localparam int unsigned DESC_STATUS_DMADECERR_BIT = 30;
  localparam int unsigned DESC_STATUS_DMASLVERR_BIT = 29;
  localparam int unsigned DESC_STATUS_DMAINTERR_BIT = 28;

  // ---------------------------------------------------------------------------------------------
  // Extension block.
  // EXT_ID      = "CDMX" as ASCII, 'C' in bits [31:24], 'X' in bits [7:0].
  // EXT_VERSION = major [31:16], minor [15:0].
  // EXT_CAPS    = [7:0]   bytes per data beat (DATA_WIDTH / 8)
  //               [15:8]  AXI4 address width in bits
  //               [23:16] max burst length - 1 (beats)
  //               [28:24] BTT width in bits
  //               [29]    unaligned transfers (realigner) present
  //               [30]    scatter-gather present
  //               [31]    reserved, 0
  // ---------------------------------------------------------------------------------------------
  localparam logic [31:0] EXT_ID_VALUE               = 32'h434D_4458;
  localparam logic [31:0] EXT_VERSION_VALUE          = 32'h0001_0001;  // 1.1: transfer modes, counters
  localparam int unsigned EXT_CAPS_DATA_BYTES_LSB    = 0;
  localparam int unsigned EXT_CAPS_ADDR_WIDTH_LSB    = 8;
  localparam int unsigned EXT_CAPS_MAX_BURST_M1_LSB  = 16;
  localparam int unsigned EXT_CAPS_BTT_WIDTH_LSB     = 24;
  localparam int unsigned EXT_CAPS_DRE_BIT           = 29;
  localparam int unsigned EXT_CAPS_SG_BIT            = 30;

  // ---------------------------------------------------------------------------------------------
  // Transfer modes and performance counters (DESIGN 3.2), extension block, hardware reset only.
  // EXT_XFER_CTRL = [1:0]   mode (XFER_MODE_*; writing XFER_MODE_KEEP leaves it unchanged)
  //                 [15:8]  max burst length - 1 (reset MAX_BURST - 1; larger values clamp to it)
  //                 [23:16] max bursts in flight per direction (reset MAX_OUTSTANDING; 0 stores 1;
  //                         larger values clamp to MAX_OUTSTANDING)
  //                 reads back what is in effect. The write engine keeps a command's burst length
  //                 to the end of the command; everything else applies to the next burst issued.
  // EXT_STEAL_CFG = [7:0]   beats per grant in cycle-stealing mode (reset 1; 0 stores 1; larger
  //                         than MAX_BURST clamps to it); [31:16] idle cycles between grants (reset 1)
  // EXT_PERF_CTRL = [0]     write 1: zero every EXT_PERF_* counter (self-clearing, reads 0)
  // EXT_PERF_*    = 32-bit counters that wrap at 2^32, zeroed by the hardware reset and
  //                 EXT_PERF_CTRL, not by CDMACR.Reset: BUSY cycles with CDMASR.Idle = 0; RD_BEATS R
  //                 beats the DMA took (data and descriptors); WR_BEATS W beats it sent; BUS_WAIT
  //                 cycles an AR / AW / W of the DMA waited (VALID and not READY, or held back by the
  //                 transfer mode); CPU_WAIT the arbiter's CPU wait cycles since the last zeroing.
  // ---------------------------------------------------------------------------------------------
  localparam logic [1:0]  XFER_MODE_BURST                  = 2'd0;
  localparam logic [1:0]  XFER_MODE_CYCLE_STEALING         = 2'd1;
  localparam logic [1:0]  XFER_MODE_TRANSPARENT            = 2'd2;
  localparam logic [1:0]  XFER_MODE_KEEP                   = 2'd3;
  localparam int unsigned EXT_XFER_CTRL_MODE_LSB           = 0;
  localparam int unsigned EXT_XFER_CTRL_MODE_WIDTH         = 2;
  localparam int unsigned EXT_XFER_CTRL_MAX_BURST_M1_LSB   = 8;
  localparam int unsigned EXT_XFER_CTRL_MAX_BURST_M1_WIDTH = 8;
  localparam int unsigned EXT_XFER_CTRL_MAX_OUT_LSB        = 16;
  localparam int unsigned EXT_XFER_CTRL_MAX_OUT_WIDTH      = 8;
  localparam int unsigned EXT_STEAL_CFG_BEATS_LSB          = 0;
  localparam int unsigned EXT_STEAL_CFG_BEATS_WIDTH        = 8;
  localparam int unsigned EXT_STEAL_CFG_IDLE_LSB           = 16;
  localparam int unsigned EXT_STEAL_CFG_IDLE_WIDTH         = 16;
  localparam int unsigned EXT_STEAL_BEATS_RESET            = 1;
  localparam int unsigned EXT_STEAL_IDLE_RESET             = 1;
  localparam int unsigned EXT_PERF_CTRL_CLEAR_BIT          = 0;

  // ---------------------------------------------------------------------------------------------
  // AXI constants.
  // ---------------------------------------------------------------------------------------------
  localparam logic [1:0] RESP_OKAY   = 2'd0;
  localparam logic [1:0] RESP_EXOKAY = 2'd1;
  localparam logic [1:0] RESP_SLVERR = 2'd2;
  localparam logic [1:0] RESP_DECERR = 2'd3;
  localparam logic [1:0] BURST_FIXED = 2'd0;
  localparam logic [1:0] BURST_INCR  = 2'd1;
  // a burst never crosses a 4 KiB boundary
  localparam int unsigned AXI_PAGE_BYTES = 4096;
  // AXI4 INCR bursts carry at most 256 beats
  localparam int unsigned AXI_MAX_BURST = 256;
  // AXI4 FIXED bursts (KeyHoleRd / KeyHoleWr) carry at most 16 beats
  localparam int unsigned AXI_MAX_FIXED_BURST = 16;

  // bytes-to-transfer field width of BTT and of a descriptor's CONTROL word
  localparam int unsigned BTT_WIDTH = 26;

  // ---------------------------------------------------------------------------------------------
  // Why a transfer stopped. Values are stable (the C# side mirrors them).
  // ---------------------------------------------------------------------------------------------
  typedef enum logic [2:0] {
    DMA_ERR_NONE    = 3'd0,  // completed
    DMA_ERR_DMA_INT = 3'd1,  // internal error (BTT = 0)      -> CDMASR.DMAIntErr
    DMA_ERR_DMA_SLV = 3'd2,  // SLVERR on a data read/write   -> CDMASR.DMASlvErr
    DMA_ERR_DMA_DEC = 3'd3,  // DECERR on a data read/write   -> CDMASR.DMADecErr
    DMA_ERR_SG_INT  = 3'd4,  // descriptor already complete   -> CDMASR.SGIntErr
    DMA_ERR_SG_SLV  = 3'd5,  // SLVERR on a descriptor access -> CDMASR.SGSlvErr
    DMA_ERR_SG_DEC  = 3'd6   // DECERR on a descriptor access -> CDMASR.SGDecErr
  } dma_err_e;

  // The worse of two AXI responses: DECERR > SLVERR > OKAY (EXOKAY counts as OKAY).
  function automatic logic [1:0] resp_worst(input logic [1:0] a, input logic [1:0] b);
    if (a == RESP_DECERR || b == RESP_DECERR) return RESP_DECERR;
    if (a == RESP_SLVERR || b == RESP_SLVERR) return RESP_SLVERR;
    return RESP_OKAY;
  endfunction

  // Beats of the next burst: the fewest of the beats left, the burst limit and the beats left
  // before the next 4 KiB boundary. page_off is the byte offset of the (beat-aligned) burst address
  // inside its 4 KiB page; off_bits = log2(bytes per beat).
  function automatic int unsigned burst_beats(input int unsigned page_off,
                                              input int unsigned beats_left,
                                              input int unsigned max_burst,
                                              input int unsigned off_bits);
    int unsigned to_page;
    int unsigned n;
    to_page = (AXI_PAGE_BYTES - page_off) >> off_bits;
    n = (beats_left < max_burst) ? beats_left : max_burst;
    return (n < to_page) ? n : to_page;
  endfunction

  // verilator lint_on UNUSEDPARAM

  // ---------------------------------------------------------------------------------------------
  // CPU cache, bus arbiter and coherency monitor (cpu_cache, axi_arbiter, coherency_monitor).
  // ---------------------------------------------------------------------------------------------
  // verilator lint_off UNUSEDPARAM

  // Coherency monitor registers: a block at MON_BASE on the AXI-Lite port; the monitor itself
  // decodes reg_addr[7:0] = offset - MON_BASE.
  localparam int unsigned MON_BASE_OFFSET             = 32'h0000_1000;
  localparam int unsigned MON_CTRL_OFFSET             = 32'h0000_1000;  // rw, see MON_CTRL_*
  localparam int unsigned MON_COUNT_OFFSET            = 32'h0000_1004;  // ro, all violations
  localparam int unsigned MON_LAST_ADDR_OFFSET        = 32'h0000_1008;  // ro, bits [31:0]
  localparam int unsigned MON_LAST_KIND_OFFSET        = 32'h0000_100C;  // ro, see MON_LAST_KIND_*
  localparam int unsigned MON_SNOOP_STALL_OFFSET      = 32'h0000_1010;  // ro, DMA stall cycles
  localparam int unsigned MON_LAST_ADDR_MSB_OFFSET    = 32'h0000_1014;  // ro, bits [63:32]
  localparam int unsigned MON_COUNT_STALE_CPU_OFFSET  = 32'h0000_1018;  // ro, STALE_CPU_READ
  localparam int unsigned MON_COUNT_LOST_DMA_OFFSET   = 32'h0000_101C;  // ro, LOST_DMA_WRITE
  localparam int unsigned MON_COUNT_STALE_DMA_OFFSET  = 32'h0000_1020;  // ro, STALE_DMA_READ
  localparam int unsigned MON_SNOOPS_OFFSET           = 32'h0000_1024;  // ro, snoop requests
  // Offsets from MON_BASE up to this answer the monitor; above it DECERR
  localparam int unsigned MON_SPACE_END               = 32'h0000_1100;
  // MON_CTRL: snoop enable (rw); clear (write 1: zero the counts, last address/kind, stall and
  // snoop counts and the overflow flag; reads 0); overflow (ro: a report was dropped, the counts
  // are still exact)
  localparam int unsigned MON_CTRL_SNOOP_EN_BIT       = 0;
  localparam int unsigned MON_CTRL_CLEAR_BIT          = 1;
  localparam int unsigned MON_CTRL_OVERFLOW_BIT       = 8;
  // MON_LAST_KIND: kind in [1:0] (mon_viol_e, 0 = none yet), master in [8] (bus_master_e)
  localparam int unsigned MON_LAST_KIND_LSB           = 0;
  localparam int unsigned MON_LAST_KIND_WIDTH         = 2;
  localparam int unsigned MON_LAST_KIND_MASTER_BIT    = 8;

  // ---------------------------------------------------------------------------------------------
  // IOMMU (iommu.sv): a block at IOMMU_BASE on the AXI-Lite port; the IOMMU decodes
  // reg_addr[7:0] = offset - IOMMU_BASE. Page table format: docs/architecture.md "IOMMU".
  // IOMMU_CTRL   = [0] enable (rw, reset 0: wired through, only the host bridge offset applies;
  //                takes effect once nothing is in flight); [1] invalidate all (write 1, reads 0);
  //                [2] clear counters and the fault record (write 1, reads 0); [12:8] log2 of the
  //                IOTLB entries in use (reset, clamp and written 0: the build's; a change
  //                invalidates all)
  // IOMMU_STATUS = [0] enabled in effect, [1] the walker is busy
  // IOMMU_CAPS   = [4:0] log2 IOTLB entries, [11:8] table levels, [15:12] PTE bytes, [23:16] IOVA bits
  // IOMMU_INV_IOVA: writing it drops the IOTLB entry of the page holding {INV_IOVA_MSB, value}
  // IOMMU_FAULT_*: the first fault since clear (IOVA, INFO kind / write, cycle since reset); COUNT
  //                counts every faulted burst. HITS / MISSES: bursts translated from the IOTLB /
  //                walks started; WALK_CYCLES: cycles the walker was busy; PTE_READS: PTEs read.
  // ---------------------------------------------------------------------------------------------
  localparam int unsigned IOMMU_BASE_OFFSET           = 32'h0000_2000;
  localparam int unsigned IOMMU_CTRL_OFFSET           = 32'h0000_2000;  // rw
  localparam int unsigned IOMMU_STATUS_OFFSET         = 32'h0000_2004;  // ro
  localparam int unsigned IOMMU_CAPS_OFFSET           = 32'h0000_2008;  // ro
  localparam int unsigned IOMMU_PTBASE_OFFSET         = 32'h0000_200C;  // rw, bits [31:12]
  localparam int unsigned IOMMU_PTBASE_MSB_OFFSET     = 32'h0000_2010;  // rw, bits [63:32]
  localparam int unsigned IOMMU_INV_IOVA_OFFSET       = 32'h0000_2014;  // wo, reads 0
  localparam int unsigned IOMMU_INV_IOVA_MSB_OFFSET   = 32'h0000_2018;  // rw
  localparam int unsigned IOMMU_FAULT_COUNT_OFFSET    = 32'h0000_201C;  // ro
  localparam int unsigned IOMMU_FAULT_IOVA_OFFSET     = 32'h0000_2020;  // ro
  localparam int unsigned IOMMU_FAULT_IOVA_MSB_OFFSET = 32'h0000_2024;  // ro
  localparam int unsigned IOMMU_FAULT_INFO_OFFSET     = 32'h0000_2028;  // ro
  localparam int unsigned IOMMU_FAULT_CYCLE_OFFSET    = 32'h0000_202C;  // ro
  localparam int unsigned IOMMU_FAULT_CYCLE_MSB_OFFSET = 32'h0000_2030; // ro
  localparam int unsigned IOMMU_HITS_OFFSET           = 32'h0000_2034;  // ro
  localparam int unsigned IOMMU_MISSES_OFFSET         = 32'h0000_2038;  // ro
  localparam int unsigned IOMMU_WALK_CYCLES_OFFSET    = 32'h0000_203C;  // ro
  localparam int unsigned IOMMU_PTE_READS_OFFSET      = 32'h0000_2040;  // ro
  // Offsets from IOMMU_BASE up to this answer the IOMMU; above it DECERR
  localparam int unsigned IOMMU_SPACE_END             = 32'h0000_2100;
  localparam int unsigned IOMMU_CTRL_ENABLE_BIT       = 0;
  localparam int unsigned IOMMU_CTRL_INV_ALL_BIT      = 1;
  localparam int unsigned IOMMU_CTRL_CLEAR_BIT        = 2;
  localparam int unsigned IOMMU_CTRL_TLB_LOG2_LSB     = 8;
  localparam int unsigned IOMMU_CTRL_TLB_LOG2_WIDTH   = 5;
  localparam int unsigned IOMMU_STATUS_ACTIVE_BIT     = 0;
  localparam int unsigned IOMMU_STATUS_WALKING_BIT    = 1;
  localparam int unsigned IOMMU_CAPS_TLB_LOG2_LSB     = 0;
  localparam int unsigned IOMMU_CAPS_LEVELS_LSB       = 8;
  localparam int unsigned IOMMU_CAPS_PTE_BYTES_LSB    = 12;
  localparam int unsigned IOMMU_CAPS_IOVA_BITS_LSB    = 16;
  localparam int unsigned IOMMU_FAULT_INFO_KIND_LSB   = 0;
  localparam int unsigned IOMMU_FAULT_INFO_WRITE_BIT  = 8;
  // PTE bits (both levels; a directory entry has only V set below bit 12, a leaf V/R/W)
  localparam int unsigned PTE_V_BIT                   = 0;
  localparam int unsigned PTE_R_BIT                   = 1;
  localparam int unsigned PTE_W_BIT                   = 2;
  // the AXI ID of the walker's PTE reads on the DMA port (the engine's is 1, the cache's 2)
  localparam int unsigned IOMMU_WALK_AXI_ID           = 3;
  // IOMMU fault kinds (FAULT_INFO kind, the fault event). Values are stable (C# and C++ mirror
  // them). NOT_PRESENT and WALK_ERROR answer DECERR, the others SLVERR.
  localparam logic [2:0]  IOMMU_FAULT_NONE            = 3'd0;
  localparam logic [2:0]  IOMMU_FAULT_NOT_PRESENT     = 3'd1;  // V = 0, or the IOVA beyond the table
  localparam logic [2:0]  IOMMU_FAULT_PERMISSION      = 3'd2;  // R (read) / W (write) not set
  localparam logic [2:0]  IOMMU_FAULT_RESERVED        = 3'd3;  // a reserved PTE bit set
  localparam logic [2:0]  IOMMU_FAULT_WALK_ERROR      = 3'd4;  // a PTE read answered SLVERR / DECERR
  localparam logic [2:0]  IOMMU_FAULT_TIMEOUT         = 3'd5;  // the walk took over WALK_BUDGET cycles

  // verilator lint_on UNUSEDPARAM

  // CPU-port operation of cpu_cache. Values are stable (the harness mirrors them).
  typedef enum logic [2:0] {
    CPU_OP_LOAD       = 3'd0,  // 32-bit word load (cached: through the cache; else one bus read)
    CPU_OP_STORE      = 3'd1,  // 32-bit word store with byte strobes (write-allocate)
    CPU_OP_CLEAN      = 3'd2,  // write the line back if dirty, keep it
    CPU_OP_INVALIDATE = 3'd3,  // drop the line without writing it back
    CPU_OP_FLUSH      = 3'd4   // clean, then invalidate
  } cpu_op_e;

  // Snoop-port operation of cpu_cache (issued by coherency_monitor).
  typedef enum logic [1:0] {
    SNOOP_LOOKUP           = 2'd0,  // report hit / dirty only
    SNOOP_CLEAN            = 2'd1,  // write back if dirty, keep the line
    SNOOP_INVALIDATE       = 2'd2,  // drop the line without writing it back
    SNOOP_CLEAN_INVALIDATE = 2'd3   // write back if dirty, then drop
  } snoop_op_e;

  // Event-port kind of cpu_cache. evt_addr is the line address for FILL, WRITEBACK and
  // INVALIDATE and the (4-aligned) word address for LOAD and STORE, whose evt_strb names the bytes
  // of that word; evt_way is the way of the line in its set.
  typedef enum logic [2:0] {
    CACHE_EVT_FILL       = 3'd0,  // the line is (being) filled into evt_way; it replaces that way
    CACHE_EVT_STORE      = 3'd1,  // a cached store wrote evt_strb bytes of the word
    CACHE_EVT_WRITEBACK  = 3'd2,  // the dirty line is written back (eviction, clean or snoop)
    CACHE_EVT_INVALIDATE = 3'd3,  // the line left the cache without a write-back
    CACHE_EVT_LOAD       = 3'd4   // a cached load read evt_strb bytes of the word
  } cache_evt_e;

  // Coherency violation kinds (DESIGN 3.4). Values are stable (the C# side mirrors them).
  typedef enum logic [1:0] {
    MON_VIOL_NONE           = 2'd0,
    MON_VIOL_STALE_CPU_READ = 2'd1,  // cached load of a byte the DMA wrote after the fill
    MON_VIOL_LOST_DMA_WRITE = 2'd2,  // write-back of a line the DMA wrote since the fill
    MON_VIOL_STALE_DMA_READ = 2'd3   // DMA read of a byte dirty in the cache
  } mon_viol_e;

  // Which bus master's action revealed a violation (also the arbiter's port index).
  typedef enum logic {
    BUS_MASTER_CPU = 1'b0,
    BUS_MASTER_DMA = 1'b1
  } bus_master_e;

endpackage
