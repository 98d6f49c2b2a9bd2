// SPDX-License-Identifier: MIT
namespace DmaCosim.Dma;

/// <summary>First-fit allocator of aligned blocks in a fixed address range.</summary>
internal sealed class RegionAllocator(ulong baseAddress, ulong size)
{
    private readonly SortedDictionary<ulong, ulong> _used = [];

    public ulong Base { get; } = baseAddress;

    public ulong Size { get; } = size;

    /// <summary>First fit; with a <paramref name="boundary"/> (a power of two, 0: none) the block never crosses a multiple of it.</summary>
    public ulong Allocate(ulong length, ulong align, ulong boundary = 0)
    {
        if (boundary != 0 && ((boundary & (boundary - 1)) != 0 || length > boundary))
        {
            throw new ArgumentOutOfRangeException(nameof(boundary), $"boundary {boundary}: need a power of two ≥ the length {length}");
        }

        if (length == 0 || align == 0 || (align & (align - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"length {length} / alignment {align}: need length ≥ 1 and a power-of-two alignment");
        }

        var candidate = Fit(AlignUp(Base, align), length, align, boundary);
        foreach (var (start, used) in _used)
        {
            if (candidate + length <= start)
            {
                break;
            }

            candidate = Math.Max(candidate, Fit(AlignUp(start + used, align), length, align, boundary));
        }

        if (candidate + length > Base + Size)
        {
            throw new DmaAllocationException(
                $"no {length} bytes ({align}-aligned) free in [0x{Base:X}, 0x{Base + Size:X}); {_used.Count} blocks in use");
        }

        _used[candidate] = length;
        return candidate;
    }

    public bool Free(ulong address) => _used.Remove(address);

    /// <summary>Bytes allocated now.</summary>
    public ulong InUse => _used.Values.Aggregate(0UL, (sum, length) => sum + length);

    private static ulong AlignUp(ulong value, ulong align) => (value + align - 1) & ~(align - 1);

    // the first aligned start at or after `value` whose block does not cross a boundary
    private static ulong Fit(ulong value, ulong length, ulong align, ulong boundary) =>
        boundary == 0 || value / boundary == (value + length - 1) / boundary ? value : AlignUp(AlignUp(value, boundary), align);
}
