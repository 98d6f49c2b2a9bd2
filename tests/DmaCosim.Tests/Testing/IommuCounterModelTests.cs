// SPDX-License-Identifier: MIT
using DmaCosim.Dma;
using DmaCosim.Testing.Models;

namespace DmaCosim.Tests.Testing;

/// <summary>The IOMMU counter model on its own: one walk per IOVA page, one look-up per data burst, PTE reads per level.</summary>
public sealed class IommuCounterModelTests
{
    // a 3-page source and a 2-page destination in one leaf table of a 2-level, 1024-entry build
    private static readonly (ulong, long)[] Ranges = [(0x0010_0800, 3 * 4096 - 0x900), (0x0010_8000, 5000)];

    [Fact]
    public void Check_CountersOfAFaultFreeCopy_Agree()
    {
        // 5 walks (2 + 4 PTE reads: the leaf table cached after the first), 7 hits: 12 data bursts + 6 PTE reads
        Assert.Null(IommuCounterModel.Check(Ranges, 10, 2, 10, new IommuCounters(7, 5, 40, 6), 18));
    }

    [Theory]
    [InlineData(7u, 4u, 40u, 5u, 16ul, "IOMMU_MISSES 4, expected 5")]              // a page never walked
    [InlineData(8u, 5u, 40u, 6u, 18ul, "IOMMU_HITS 8 + MISSES 5 + PTE_READS 6 = 19")] // a burst counted twice
    [InlineData(7u, 5u, 40u, 7u, 19ul, "IOMMU_PTE_READS 7, expected 6")]             // the cached table not used
    [InlineData(7u, 5u, 0u, 6u, 18ul, "IOMMU_WALK_CYCLES 0")]                        // walks took no cycle
    public void Check_OneCounterWrong_NamesIt(uint hits, uint misses, uint walkCycles, uint pteReads, ulong handshakes, string expected)
    {
        var wrong = IommuCounterModel.Check(Ranges, 10, 2, 10, new IommuCounters(hits, misses, walkCycles, pteReads), handshakes);

        Assert.NotNull(wrong);
        Assert.Contains(expected, wrong, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PagesSharingIotlbEntriesOrTables_BoundsInsteadOfExactCounts()
    {
        // 2 IOTLB entries: pages 0x100, 0x102 and 0x800 all use entry 0 (misses may exceed the pages); 2 leaf tables: 1..2 reads per walk
        (ulong, long)[] ranges = [(0x0010_0000, 4096), (0x0010_2000, 4096), (0x0080_0000, 4096)];

        Assert.Null(IommuCounterModel.Check(ranges, 1, 2, 10, new IommuCounters(3, 4, 30, 6), 13));
        Assert.Contains("expected at least 3", IommuCounterModel.Check(ranges, 1, 2, 10, new IommuCounters(3, 2, 30, 4), 9), StringComparison.Ordinal);
        Assert.Contains("expected 5..8", IommuCounterModel.Check(ranges, 1, 2, 10, new IommuCounters(3, 4, 30, 4), 11), StringComparison.Ordinal);
    }
}
