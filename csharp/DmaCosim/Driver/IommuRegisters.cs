// SPDX-License-Identifier: MIT
namespace DmaCosim.Driver;

/// <summary>
/// The IOMMU's register block (rtl/iommu.sv) and page-table vocabulary, the numbers of rtl/dma_pkg.sv
/// (IOMMU_*, PTE_*; IommuRegisterMapTests parses the package and compares every one).
/// </summary>
public static class IommuRegisters
{
    /// <summary>IOMMU_BASE: first offset of the block.</summary>
    public const uint BaseOffset = 0x2000;

    /// <summary>IOMMU_CTRL: enable, invalidate all, clear, IOTLB entries in use.</summary>
    public const uint CtrlOffset = 0x2000;

    /// <summary>IOMMU_STATUS: enabled in effect, walker busy.</summary>
    public const uint StatusOffset = 0x2004;

    /// <summary>IOMMU_CAPS: log2 IOTLB entries, levels, PTE bytes, IOVA bits.</summary>
    public const uint CapsOffset = 0x2008;

    /// <summary>IOMMU_PTBASE: page-table root, bits [31:12].</summary>
    public const uint PtbaseOffset = 0x200C;

    /// <summary>IOMMU_PTBASE_MSB: page-table root, bits [63:32].</summary>
    public const uint PtbaseMsbOffset = 0x2010;

    /// <summary>IOMMU_INV_IOVA: writing drops the IOTLB entry of that page (with INV_IOVA_MSB).</summary>
    public const uint InvIovaOffset = 0x2014;

    /// <summary>IOMMU_INV_IOVA_MSB: bits [63:32] of the next INV_IOVA.</summary>
    public const uint InvIovaMsbOffset = 0x2018;

    /// <summary>IOMMU_FAULT_COUNT: faulted bursts since clear.</summary>
    public const uint FaultCountOffset = 0x201C;

    /// <summary>IOMMU_FAULT_IOVA: the first fault's IOVA, bits [31:0].</summary>
    public const uint FaultIovaOffset = 0x2020;

    /// <summary>IOMMU_FAULT_IOVA_MSB: bits [63:32].</summary>
    public const uint FaultIovaMsbOffset = 0x2024;

    /// <summary>IOMMU_FAULT_INFO: the first fault's kind and direction.</summary>
    public const uint FaultInfoOffset = 0x2028;

    /// <summary>IOMMU_FAULT_CYCLE: the first fault's cycle since reset, bits [31:0].</summary>
    public const uint FaultCycleOffset = 0x202C;

    /// <summary>IOMMU_FAULT_CYCLE_MSB: bits [63:32].</summary>
    public const uint FaultCycleMsbOffset = 0x2030;

    /// <summary>IOMMU_HITS: bursts translated from the IOTLB.</summary>
    public const uint HitsOffset = 0x2034;

    /// <summary>IOMMU_MISSES: walks started.</summary>
    public const uint MissesOffset = 0x2038;

    /// <summary>IOMMU_WALK_CYCLES: cycles the walker was busy.</summary>
    public const uint WalkCyclesOffset = 0x203C;

    /// <summary>IOMMU_PTE_READS: PTEs read on the bus.</summary>
    public const uint PteReadsOffset = 0x2040;

    /// <summary>IOMMU_SPACE_END: first offset past the block.</summary>
    public const uint SpaceEnd = 0x2100;

    /// <summary>IOMMU_CTRL enable bit (reset 0).</summary>
    public const int CtrlEnableBit = 0;

    /// <summary>IOMMU_CTRL invalidate-all bit (write 1).</summary>
    public const int CtrlInvAllBit = 1;

    /// <summary>IOMMU_CTRL clear bit (write 1: counters and fault record).</summary>
    public const int CtrlClearBit = 2;

    /// <summary>IOMMU_CTRL: log2 of the IOTLB entries in use, LSB (0 written: the build's count).</summary>
    public const int CtrlTlbLog2Lsb = 8;

    /// <summary>IOMMU_CTRL: width of the entries-in-use field.</summary>
    public const int CtrlTlbLog2Width = 5;

    /// <summary>IOMMU_STATUS: enabled in effect.</summary>
    public const int StatusActiveBit = 0;

    /// <summary>IOMMU_STATUS: the walker is busy.</summary>
    public const int StatusWalkingBit = 1;

    /// <summary>IOMMU_CAPS: log2 IOTLB entries, LSB.</summary>
    public const int CapsTlbLog2Lsb = 0;

    /// <summary>IOMMU_CAPS: table levels, LSB.</summary>
    public const int CapsLevelsLsb = 8;

    /// <summary>IOMMU_CAPS: PTE bytes, LSB.</summary>
    public const int CapsPteBytesLsb = 12;

    /// <summary>IOMMU_CAPS: IOVA bits translated, LSB.</summary>
    public const int CapsIovaBitsLsb = 16;

    /// <summary>IOMMU_FAULT_INFO: kind, LSB (3 bits, an <see cref="IommuFaultKind"/>).</summary>
    public const int FaultInfoKindLsb = 0;

    /// <summary>IOMMU_FAULT_INFO: set for a write.</summary>
    public const int FaultInfoWriteBit = 8;

    /// <summary>AXI ID of the walker's PTE reads on the DMA port.</summary>
    public const int WalkAxiId = 3;

    /// <summary>PTE bits.</summary>
    public static class Pte
    {
        /// <summary>PTE_V_BIT: present.</summary>
        public const int VBit = 0;

        /// <summary>PTE_R_BIT: the device may read (leaf only).</summary>
        public const int RBit = 1;

        /// <summary>PTE_W_BIT: the device may write (leaf only).</summary>
        public const int WBit = 2;
    }
}

/// <summary>Why the IOMMU refused a burst (IOMMU_FAULT_*; values are the RTL's).</summary>
public enum IommuFaultKind
{
    /// <summary>No fault.</summary>
    None = 0,

    /// <summary>A PTE on the walk is not present, or the IOVA is beyond the table's reach (DECERR).</summary>
    NotPresent = 1,

    /// <summary>The leaf does not allow the access's direction (SLVERR).</summary>
    Permission = 2,

    /// <summary>A PTE has a reserved bit set (SLVERR).</summary>
    Reserved = 3,

    /// <summary>A PTE read was answered SLVERR / DECERR, e.g. a page table outside DRAM (DECERR).</summary>
    WalkError = 4,

    /// <summary>The walk took longer than the walker's cycle budget (SLVERR).</summary>
    Timeout = 5,
}
