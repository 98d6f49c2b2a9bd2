// SPDX-License-Identifier: MIT
namespace DmaCosim.Driver;

/// <summary>
/// The AXI-Lite address map beyond the CDMA registers of <see cref="CdmaRegisters"/>: where the CDMA's
/// register space ends, the EXT_CAPS fields and the coherency monitor's block (MON_* in
/// <c>rtl/dma_pkg.sv</c>). A test parses that file and compares every value here with it.
/// </summary>
public static class RegisterBlocks
{
    /// <summary>REG_SPACE_END: first offset past the CDMA's own register space (0x000 .. this − 4).</summary>
    public const uint RegSpaceEnd = 0x200;

    /// <summary>Lowest bit of EXT_CAPS' bytes per beat field.</summary>
    public const int CapsDataBytesLsb = 0;

    /// <summary>Lowest bit of EXT_CAPS' address width field.</summary>
    public const int CapsAddrWidthLsb = 8;

    /// <summary>Lowest bit of EXT_CAPS' MAX_BURST − 1 field.</summary>
    public const int CapsMaxBurstM1Lsb = 16;

    /// <summary>Lowest bit of EXT_CAPS' BTT width field.</summary>
    public const int CapsBttWidthLsb = 24;

    /// <summary>EXT_CAPS bit: the realigner (DRE) is built in.</summary>
    public const int CapsDreBit = 29;

    /// <summary>EXT_CAPS bit: scatter-gather is built in.</summary>
    public const int CapsSgBit = 30;

    /// <summary>The coherency monitor's register block (MON_*).</summary>
    public static class Monitor
    {
        /// <summary>MON_BASE_OFFSET: first offset of the block.</summary>
        public const uint BaseOffset = 0x1000;

        /// <summary>MON_CTRL: snoop enable, clear (self-clearing), overflow (read-only).</summary>
        public const uint CtrlOffset = 0x1000;

        /// <summary>MON_COUNT: every violation since reset or clear.</summary>
        public const uint CountOffset = 0x1004;

        /// <summary>MON_LAST_ADDR: bits [31:0] of the last report's address.</summary>
        public const uint LastAddrOffset = 0x1008;

        /// <summary>MON_LAST_KIND: the last report's kind and master.</summary>
        public const uint LastKindOffset = 0x100C;

        /// <summary>MON_SNOOP_STALL: cycles DMA bursts waited for snoops.</summary>
        public const uint SnoopStallOffset = 0x1010;

        /// <summary>MON_LAST_ADDR_MSB: bits [63:32] of the last report's address.</summary>
        public const uint LastAddrMsbOffset = 0x1014;

        /// <summary>MON_COUNT_STALE_CPU: STALE_CPU_READ reports.</summary>
        public const uint CountStaleCpuOffset = 0x1018;

        /// <summary>MON_COUNT_LOST_DMA: LOST_DMA_WRITE reports.</summary>
        public const uint CountLostDmaOffset = 0x101C;

        /// <summary>MON_COUNT_STALE_DMA: STALE_DMA_READ reports.</summary>
        public const uint CountStaleDmaOffset = 0x1020;

        /// <summary>MON_SNOOPS: snoop requests issued.</summary>
        public const uint SnoopsOffset = 0x1024;

        /// <summary>MON_SPACE_END: first offset past the block.</summary>
        public const uint SpaceEnd = 0x1100;

        /// <summary>MON_CTRL snoop enable bit.</summary>
        public const int CtrlSnoopEnBit = 0;

        /// <summary>MON_CTRL clear bit (write 1: zero the counts; reads 0).</summary>
        public const int CtrlClearBit = 1;

        /// <summary>MON_CTRL overflow bit (read-only: the report queue overflowed).</summary>
        public const int CtrlOverflowBit = 8;

        /// <summary>MON_LAST_KIND: lowest bit of the last report's kind (<c>mon_viol_e</c>: 0 none yet, 1 STALE_CPU_READ,
        /// 2 LOST_DMA_WRITE, 3 STALE_DMA_READ).</summary>
        public const int LastKindLsb = 0;

        /// <summary>MON_LAST_KIND: bits of the kind.</summary>
        public const int LastKindWidth = 2;

        /// <summary>MON_LAST_KIND: the last report's master (<c>bus_master_e</c>: 0 CPU, 1 DMA).</summary>
        public const int LastKindMasterBit = 8;
    }
}
