// SPDX-License-Identifier: MIT
namespace DmaCosim.Dma;

/// <summary>A CPU buffer (what a driver gets from kmalloc), to be mapped for streaming DMA.</summary>
public sealed class DmaBuffer
{
    internal DmaBuffer(ulong address, int length)
    {
        Address = address;
        Length = length;
    }

    /// <summary>Its address (CPU physical = bus address in this system).</summary>
    public ulong Address { get; }

    /// <summary>Bytes.</summary>
    public int Length { get; }

    /// <summary>True after <see cref="DmaDevice.Free"/>.</summary>
    public bool Freed { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"buffer 0x{Address:X}+{Length}";
}

/// <summary>
/// Memory from <see cref="DmaDevice.AllocCoherent"/> (dma_alloc_coherent): CPU and device see the same
/// bytes without cache maintenance. On a non-coherent device the CPU view is uncached.
/// </summary>
public sealed class CoherentBuffer
{
    internal CoherentBuffer(ulong address, int length, bool cached)
    {
        DmaAddress = address;
        Length = length;
        Cached = cached;
    }

    /// <summary>The address the device uses (equal to the CPU address here).</summary>
    public ulong DmaAddress { get; }

    /// <summary>Bytes.</summary>
    public int Length { get; }

    /// <summary>Whether CPU accesses go through the cache (only on a coherent device).</summary>
    public bool Cached { get; }

    /// <summary>True after it was freed.</summary>
    public bool Freed { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"coherent 0x{DmaAddress:X}+{Length}";
}

/// <summary>A streaming mapping (dma_map_single): the device owns the range until it is synced back or unmapped.</summary>
public sealed class DmaMapping
{
    internal DmaMapping(DmaBuffer buffer, int offset, int length, DmaDirection direction)
    {
        Buffer = buffer;
        Offset = offset;
        Length = length;
        Direction = direction;
        Owner = DmaOwner.Device;
    }

    /// <summary>The buffer mapped.</summary>
    public DmaBuffer Buffer { get; }

    /// <summary>Offset of the mapping in the buffer.</summary>
    public int Offset { get; }

    /// <summary>The bus address the device uses: the buffer's, or its bounce slot's when it was bounced.</summary>
    public ulong DmaAddress => Bounce ?? CpuAddress;

    /// <summary>The CPU address of the mapped bytes (in <see cref="Buffer"/>).</summary>
    public ulong CpuAddress => Buffer.Address + (ulong)Offset;

    /// <summary>The swiotlb slot the device uses instead of the buffer (the buffer is beyond the DMA mask); null when not bounced.</summary>
    public ulong? Bounce { get; internal set; }

    /// <summary>What the DMA API did with this mapping, oldest first (DMA-API debug: the mapping's history).</summary>
    public IReadOnlyList<DmaMappingEvent> History => _history;

    internal List<DmaMappingEvent> HistoryList => _history;

    /// <summary>Bytes mapped.</summary>
    public int Length { get; }

    /// <summary>Direction given at map time.</summary>
    public DmaDirection Direction { get; }

    /// <summary>Who owns the range now.</summary>
    public DmaOwner Owner { get; internal set; }

    /// <summary>True after <see cref="DmaDevice.UnmapAsync"/>.</summary>
    public bool Unmapped { get; internal set; }

    private readonly List<DmaMappingEvent> _history = [];

    /// <inheritdoc />
    public override string ToString() =>
        Bounce is { } slot ? $"mapping 0x{CpuAddress:X}+{Length} {Direction} (bounced via 0x{slot:X})" : $"mapping 0x{DmaAddress:X}+{Length} {Direction}";
}

/// <summary>One entry of a scatterlist: a piece of a buffer.</summary>
/// <param name="Buffer">The buffer.</param>
/// <param name="Offset">Offset in it.</param>
/// <param name="Length">Bytes.</param>
public sealed record ScatterEntry(DmaBuffer Buffer, int Offset, int Length);

/// <summary>A mapped scatterlist (dma_map_sg): one mapping per entry, in order.</summary>
/// <param name="Mappings">The mappings.</param>
/// <param name="Direction">Direction of the whole list.</param>
public sealed record MappedScatterlist(IReadOnlyList<DmaMapping> Mappings, DmaDirection Direction)
{
    /// <summary>Total bytes.</summary>
    public long Length => Mappings.Sum(m => (long)m.Length);
}
