// SPDX-License-Identifier: MIT
namespace DmaCosim.Dma;

/// <summary>First-fit allocator of aligned blocks in a fixed address range.</summary>
internal sealed class RegionAllocator(ulong baseAddress, ulong size)
{
    private readonly SortedDictionary<ulong, ulong> _used = [];

    public ulong Base { get; } = baseAddress;

    public ulong Size { get; } = size;

    public ulong Allocate(ulong length, ulong align)
    {
        if (length == 0 || align == 0 || (align & (align - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"length {length} / alignment {align}: need length ≥ 1 and a power-of-two alignment");
        }

        var candidate = AlignUp(Base, align);
        foreach (var (start, used) in _used)
        {
            if (candidate + length <= start)
            {
                break;
            }

            candidate = Math.Max(candidate, AlignUp(start + used, align));
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

    private static ulong AlignUp(ulong value, ulong align) => (value + align - 1) & ~(align - 1);
}
