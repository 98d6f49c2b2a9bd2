// SPDX-License-Identifier: MIT
namespace DmaCosim.Dma;

/// <summary>
/// Allocates page-aligned IOVA ranges from one window (Linux's iova allocator, first fit): a range
/// returned by <see cref="Free"/> can be handed out again, so the caller must clear its PTEs and
/// invalidate the IOTLB first.
/// </summary>
public sealed class IovaAllocator
{
    /// <summary>Bytes per IOMMU page.</summary>
    public const ulong PageSize = 4096;

    private readonly SortedDictionary<ulong, ulong> _free = []; // start -> pages, coalesced
    private readonly Dictionary<ulong, ulong> _used = [];        // start -> pages

    /// <summary>Creates the allocator over [<paramref name="start"/>, +<paramref name="size"/>).</summary>
    /// <param name="start">First IOVA, page-aligned.</param>
    /// <param name="size">Bytes, a non-zero multiple of the page size.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not page-aligned, empty, or wrapping past 2^64.</exception>
    public IovaAllocator(ulong start, ulong size)
    {
        if (start % PageSize != 0 || size == 0 || size % PageSize != 0 || start + size - 1 < start)
        {
            throw new ArgumentOutOfRangeException(nameof(size),
                $"IOVA window 0x{start:X}+0x{size:X} must be page-aligned ({PageSize} bytes), non-empty and below 2^64");
        }

        Start = start;
        Size = size;
        _free[start] = size / PageSize;
    }

    /// <summary>First IOVA of the window.</summary>
    public ulong Start { get; }

    /// <summary>Bytes of the window.</summary>
    public ulong Size { get; }

    /// <summary>Pages handed out and not yet freed.</summary>
    public ulong PagesInUse => _used.Values.Aggregate(0UL, (a, b) => a + b);

    /// <summary>Allocates <paramref name="pages"/> contiguous pages.</summary>
    /// <param name="pages">Pages, ≥ 1.</param>
    /// <returns>The first IOVA.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Zero pages.</exception>
    /// <exception cref="DmaAllocationException">No free run that long: the IOVA window is exhausted.</exception>
    public ulong Allocate(ulong pages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pages);
        foreach (var (start, run) in _free)
        {
            if (run < pages)
            {
                continue;
            }

            _free.Remove(start);
            if (run > pages)
            {
                _free[start + (pages * PageSize)] = run - pages;
            }

            _used[start] = pages;
            return start;
        }

        throw new DmaAllocationException(
            $"IOVA window 0x{Start:X}+0x{Size:X} exhausted: no {pages} contiguous free pages ({PagesInUse} pages in use)");
    }

    /// <summary>Returns a range <see cref="Allocate"/> handed out.</summary>
    /// <param name="start">Its first IOVA.</param>
    /// <returns>False when <paramref name="start"/> is not a live allocation.</returns>
    public bool Free(ulong start)
    {
        if (!_used.Remove(start, out var pages))
        {
            return false;
        }

        _free[start] = pages;
        // coalesce with the neighbours
        var next = start + (pages * PageSize);
        if (_free.Remove(next, out var after))
        {
            _free[start] = pages += after;
        }

        var before = _free.Keys.LastOrDefault(k => k < start, ulong.MaxValue);
        if (before != ulong.MaxValue && before + (_free[before] * PageSize) == start)
        {
            _free[before] += pages;
            _free.Remove(start);
        }

        return true;
    }
}
