// SPDX-License-Identifier: MIT
using DmaCosim.Dma;

namespace DmaCosim.Testing.Models;

/// <summary>
/// What the IOMMU's counters must read after fault-free copies through a freshly invalidated and cleared IOMMU
/// (docs/architecture.md "IOMMU"): every data burst is translated by exactly one IOTLB look-up, a hit or a miss (the miss
/// walks, and its burst takes the walk's result); a burst never crosses a page, so the bursts of a copy touch exactly the
/// IOVA pages of its byte ranges; the direct-mapped IOTLB (entry = the low <c>tlbLog2</c> bits of the page number) keeps
/// a page from its first walk on unless another page of the same entry replaces it; a walk reads one PTE per level, or
/// only the leaf when the cached next-to-last table (one, the last walked) covers its page; walks are the only reads of
/// the walker. Independent of the order of the bursts wherever that order is not known.
/// </summary>
public static class IommuCounterModel
{
    /// <summary>
    /// Compares the counters and the DMA port's address handshakes with what the copies' byte ranges allow; null when they
    /// agree, else what differs (expected and actual).
    /// </summary>
    /// <param name="ranges">The IOVA ranges the copies read and wrote (start, bytes ≥ 1).</param>
    /// <param name="tlbLog2">log2 of the IOTLB entries in use.</param>
    /// <param name="levels">Page-table levels.</param>
    /// <param name="indexBits">Page-number bits per level (10 with 4-byte PTEs, 9 with 8-byte).</param>
    /// <param name="counters">IOMMU_HITS / MISSES / WALK_CYCLES / PTE_READS since the clear.</param>
    /// <param name="dmaAddressHandshakes">The DMA's AR + AW handshakes on the arbiter since the clear (data bursts and PTE reads).</param>
    /// <returns>Null, or the first disagreement.</returns>
    public static string? Check(
        IReadOnlyList<(ulong Iova, long Length)> ranges, int tlbLog2, int levels, int indexBits, IommuCounters counters, ulong dmaAddressHandshakes)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(counters);
        var pages = new SortedSet<ulong>();
        foreach (var (iova, length) in ranges)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
            for (var page = iova >> 12; page <= (iova + (ulong)length - 1) >> 12; page++)
            {
                pages.Add(page);
            }
        }

        var mask = (1UL << tlbLog2) - 1;
        var aliasing = pages.Select(p => p & mask).Distinct().Count() != pages.Count;
        var tables = pages.Select(p => p >> indexBits).Distinct().Count();
        var (hits, misses, walkCycles, pteReads) = ((ulong)counters.Hits, (ulong)counters.Misses, (ulong)counters.WalkCycles, (ulong)counters.PteReads);

        if (aliasing ? misses < (ulong)pages.Count : misses != (ulong)pages.Count)
        {
            return $"IOMMU_MISSES {misses}, expected {(aliasing ? "at least " : "")}{pages.Count}: one walk per IOVA page touched ({string.Join(", ", pages.Take(8).Select(p => $"0x{p << 12:X}"))}{(pages.Count > 8 ? ", ..." : "")}){(aliasing ? ", pages sharing IOTLB entries" : "")}";
        }

        if (pteReads + hits + misses != dmaAddressHandshakes)
        {
            return $"IOMMU_HITS {hits} + MISSES {misses} + PTE_READS {pteReads} = {hits + misses + pteReads}, expected the DMA's {dmaAddressHandshakes} AR + AW handshakes (each data burst one look-up, each PTE read one AR)";
        }

        // the first walk of each leaf table reads every level once the cached table is another's; at least the first does
        var least = misses + (misses == 0 ? 0UL : (ulong)(levels - 1));
        var most = misses * (ulong)levels;
        if (pteReads < least || pteReads > most || (!aliasing && tables == 1 && pteReads != least))
        {
            return $"IOMMU_PTE_READS {pteReads}, expected {(tables == 1 && !aliasing ? $"{least}" : $"{least}..{most}")} for {misses} walks in {tables} leaf table(s) of a {levels}-level table";
        }

        // a walk takes cycles: at least one per PTE read, none without a walk
        if (misses == 0 ? walkCycles != 0 : walkCycles < pteReads)
        {
            return $"IOMMU_WALK_CYCLES {walkCycles} for {misses} walks and {pteReads} PTE reads";
        }

        return null;
    }
}
