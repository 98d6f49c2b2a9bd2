// SPDX-License-Identifier: MIT
namespace DmaCosim.Driver;

/// <summary>
/// AXI CDMA (PG034) register offsets and bit positions, as <c>rtl/dma_pkg.sv</c> defines them.
/// A test parses that file and compares every value here with it.
/// </summary>
public static class CdmaRegisters
{
    /// <summary>CDMACR: control.</summary>
    public const uint CdmacrOffset = 0x00;

    /// <summary>CDMASR: status.</summary>
    public const uint CdmasrOffset = 0x04;

    /// <summary>CURDESC: current descriptor pointer.</summary>
    public const uint CurdescOffset = 0x08;

    /// <summary>CURDESC_MSB: upper 32 bits of CURDESC.</summary>
    public const uint CurdescMsbOffset = 0x0C;

    /// <summary>TAILDESC: tail descriptor pointer.</summary>
    public const uint TaildescOffset = 0x10;

    /// <summary>TAILDESC_MSB: upper 32 bits of TAILDESC.</summary>
    public const uint TaildescMsbOffset = 0x14;

    /// <summary>SA: source address (simple mode).</summary>
    public const uint SaOffset = 0x18;

    /// <summary>SA_MSB: upper 32 bits of SA.</summary>
    public const uint SaMsbOffset = 0x1C;

    /// <summary>DA: destination address (simple mode).</summary>
    public const uint DaOffset = 0x20;

    /// <summary>DA_MSB: upper 32 bits of DA.</summary>
    public const uint DaMsbOffset = 0x24;

    /// <summary>BTT: bytes to transfer; writing it starts a simple-mode transfer.</summary>
    public const uint BttOffset = 0x28;

    /// <summary>EXT_ID: reads "CDMX".</summary>
    public const uint ExtIdOffset = 0x100;

    /// <summary>EXT_VERSION: extension block version.</summary>
    public const uint ExtVersionOffset = 0x104;

    /// <summary>EXT_CAPS: build parameters.</summary>
    public const uint ExtCapsOffset = 0x108;

    /// <summary>EXT_XFER_CTRL: transfer mode, max burst length − 1, max bursts in flight (see <see cref="Xfer"/>).</summary>
    public const uint ExtXferCtrlOffset = 0x10C;

    /// <summary>EXT_STEAL_CFG: cycle stealing's beats per grant and idle cycles between grants.</summary>
    public const uint ExtStealCfgOffset = 0x110;

    /// <summary>EXT_PERF_CTRL: writing 1 to bit <see cref="Xfer.PerfClearBit"/> zeroes every EXT_PERF_* counter.</summary>
    public const uint ExtPerfCtrlOffset = 0x114;

    /// <summary>EXT_PERF_BUSY: cycles with CDMASR.Idle = 0.</summary>
    public const uint ExtPerfBusyOffset = 0x118;

    /// <summary>EXT_PERF_RD_BEATS: R beats the DMA took (data and descriptors).</summary>
    public const uint ExtPerfRdBeatsOffset = 0x11C;

    /// <summary>EXT_PERF_WR_BEATS: W beats the DMA sent.</summary>
    public const uint ExtPerfWrBeatsOffset = 0x120;

    /// <summary>EXT_PERF_BUS_WAIT: cycles an AR, AW or W of the DMA waited (not READY, or held back by the mode).</summary>
    public const uint ExtPerfBusWaitOffset = 0x124;

    /// <summary>EXT_PERF_CPU_WAIT: the bus arbiter's CPU wait cycles since the counters were last zeroed.</summary>
    public const uint ExtPerfCpuWaitOffset = 0x128;

    /// <summary>CDMACR reset value.</summary>
    public const uint CdmacrResetValue = 0x0001_0002;

    /// <summary>CDMASR reset value.</summary>
    public const uint CdmasrResetValue = 0x0001_000A;

    /// <summary>EXT_ID value: ASCII "CDMX".</summary>
    public const uint ExtIdValue = 0x434D_4458;

    /// <summary>EXT_VERSION value: major [31:16], minor [15:0] (1.1: transfer modes and performance counters).</summary>
    public const uint ExtVersionValue = 0x0001_0001;

    /// <summary>Width of the BTT field in bits.</summary>
    public const int BttWidth = 26;

    /// <summary>Clock cycles per unit of CDMACR.IRQDelay (the delay timer's resolution).</summary>
    public const int IrqDelayUnitCycles = 125;

    /// <summary>Largest BTT value.</summary>
    public const uint BttMax = (1u << BttWidth) - 1;

    /// <summary>CDMACR bits.</summary>
    public static class Cr
    {
        /// <summary>TailPntrEn (reads 1).</summary>
        public const int TailPntrEnBit = 1;

        /// <summary>Reset: self-clearing soft reset.</summary>
        public const int ResetBit = 2;

        /// <summary>SGMode.</summary>
        public const int SgModeBit = 3;

        /// <summary>KeyHoleRd.</summary>
        public const int KeyHoleRdBit = 4;

        /// <summary>KeyHoleWr.</summary>
        public const int KeyHoleWrBit = 5;

        /// <summary>Cyclic BD.</summary>
        public const int CyclicBit = 6;

        /// <summary>IOC_IrqEn.</summary>
        public const int IocIrqEnBit = 12;

        /// <summary>Dly_IrqEn.</summary>
        public const int DlyIrqEnBit = 13;

        /// <summary>Err_IrqEn.</summary>
        public const int ErrIrqEnBit = 14;

        /// <summary>Lowest bit of IRQThreshold[23:16].</summary>
        public const int IrqThresholdLsb = 16;

        /// <summary>Lowest bit of IRQDelay[31:24].</summary>
        public const int IrqDelayLsb = 24;
    }

    /// <summary>EXT_XFER_CTRL, EXT_STEAL_CFG and EXT_PERF_CTRL fields, and the transfer mode codes.</summary>
    public static class Xfer
    {
        /// <summary>Mode code of burst (block) mode.</summary>
        public const uint ModeBurst = 0;

        /// <summary>Mode code of cycle-stealing mode.</summary>
        public const uint ModeCycleStealing = 1;

        /// <summary>Mode code of transparent mode.</summary>
        public const uint ModeTransparent = 2;

        /// <summary>Writing this mode code leaves the mode unchanged.</summary>
        public const uint ModeKeep = 3;

        /// <summary>Lowest bit of EXT_XFER_CTRL.mode[1:0].</summary>
        public const int ModeLsb = 0;

        /// <summary>Width of EXT_XFER_CTRL.mode.</summary>
        public const int ModeWidth = 2;

        /// <summary>Lowest bit of EXT_XFER_CTRL's max burst length − 1 [15:8] (clamped to MAX_BURST − 1).</summary>
        public const int MaxBurstM1Lsb = 8;

        /// <summary>Width of the max burst length − 1 field.</summary>
        public const int MaxBurstM1Width = 8;

        /// <summary>Lowest bit of EXT_XFER_CTRL's max bursts in flight per direction [23:16] (0 stores 1, clamped to MAX_OUTSTANDING).</summary>
        public const int MaxOutLsb = 16;

        /// <summary>Width of the max bursts in flight field.</summary>
        public const int MaxOutWidth = 8;

        /// <summary>Lowest bit of EXT_STEAL_CFG's beats per grant [7:0] (0 stores 1).</summary>
        public const int StealBeatsLsb = 0;

        /// <summary>Width of the beats per grant field.</summary>
        public const int StealBeatsWidth = 8;

        /// <summary>Lowest bit of EXT_STEAL_CFG's idle cycles between grants [31:16].</summary>
        public const int StealIdleLsb = 16;

        /// <summary>Width of the idle cycles field.</summary>
        public const int StealIdleWidth = 16;

        /// <summary>EXT_STEAL_CFG beats per grant after a hardware reset.</summary>
        public const int StealBeatsReset = 1;

        /// <summary>EXT_STEAL_CFG idle cycles after a hardware reset.</summary>
        public const int StealIdleReset = 1;

        /// <summary>EXT_PERF_CTRL: write 1 to zero the counters (self-clearing, reads 0).</summary>
        public const int PerfClearBit = 0;
    }

    /// <summary>CDMASR bits.</summary>
    public static class Sr
    {
        /// <summary>Idle.</summary>
        public const int IdleBit = 1;

        /// <summary>SGIncld.</summary>
        public const int SgIncldBit = 3;

        /// <summary>DMAIntErr.</summary>
        public const int DmaIntErrBit = 4;

        /// <summary>DMASlvErr.</summary>
        public const int DmaSlvErrBit = 5;

        /// <summary>DMADecErr.</summary>
        public const int DmaDecErrBit = 6;

        /// <summary>SGIntErr.</summary>
        public const int SgIntErrBit = 8;

        /// <summary>SGSlvErr.</summary>
        public const int SgSlvErrBit = 9;

        /// <summary>SGDecErr.</summary>
        public const int SgDecErrBit = 10;

        /// <summary>IOC_Irq (write 1 to clear).</summary>
        public const int IocIrqBit = 12;

        /// <summary>Dly_Irq (write 1 to clear).</summary>
        public const int DlyIrqBit = 13;

        /// <summary>Err_Irq (write 1 to clear).</summary>
        public const int ErrIrqBit = 14;

        /// <summary>Lowest bit of IRQThresholdSts[23:16].</summary>
        public const int IrqThresholdStsLsb = 16;

        /// <summary>Lowest bit of IRQDelaySts[31:24].</summary>
        public const int IrqDelayStsLsb = 24;

        /// <summary>Every error bit (sticky until reset).</summary>
        public const uint ErrorMask =
            (1u << DmaIntErrBit) | (1u << DmaSlvErrBit) | (1u << DmaDecErrBit) |
            (1u << SgIntErrBit) | (1u << SgSlvErrBit) | (1u << SgDecErrBit);

        /// <summary>The three write-1-to-clear interrupt bits.</summary>
        public const uint IrqMask = (1u << IocIrqBit) | (1u << DlyIrqBit) | (1u << ErrIrqBit);
    }
}
