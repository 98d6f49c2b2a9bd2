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

    /// <summary>CDMACR reset value.</summary>
    public const uint CdmacrResetValue = 0x0001_0002;

    /// <summary>CDMASR reset value.</summary>
    public const uint CdmasrResetValue = 0x0001_000A;

    /// <summary>EXT_ID value: ASCII "CDMX".</summary>
    public const uint ExtIdValue = 0x434D_4458;

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
