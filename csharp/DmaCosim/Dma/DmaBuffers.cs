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

    /// <summary>Its CPU physical address (the device's address is a mapping's <see cref="DmaMapping.DmaAddress"/>).</summary>
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
    internal CoherentBuffer(ulong cpuAddress, ulong dmaAddress, int length, bool cached)
    {
        CpuAddress = cpuAddress;
        DmaAddress = dmaAddress;
        Length = length;
        Cached = cached;
    }

    /// <summary>
    /// The address the device uses (dma_addr_t): the bus address (CPU physical + the host bridge's
    /// offset), or an IOVA for a block of a pool mapped in an IOMMU domain.
    /// </summary>
    public ulong DmaAddress { get; }

    /// <summary>Its CPU physical address (where CPU loads and stores go).</summary>
    public ulong CpuAddress { get; }

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
    private readonly HostBridge _bridge;

    internal DmaMapping(DmaBuffer buffer, int offset, int length, DmaDirection direction, HostBridge bridge)
    {
        _bridge = bridge;
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

    /// <summary>
    /// The bus address the device uses (dma_addr_t): the host bridge's view of <see cref="PhysicalAddress"/>
    /// (CPU physical + the bus offset).
    /// </summary>
    public ulong DmaAddress => _bridge.ToBus(PhysicalAddress);

    /// <summary>The CPU physical address the device's accesses reach: the buffer's bytes, or its bounce slot when it was bounced.</summary>
    public ulong PhysicalAddress => Bounce ?? CpuAddress;

    /// <summary>The CPU address of the mapped bytes (in <see cref="Buffer"/>).</summary>
    public ulong CpuAddress => Buffer.Address + (ulong)Offset;

    /// <summary>The swiotlb slot (CPU physical) the device uses instead of the buffer (the buffer is beyond the DMA mask); null when not bounced.</summary>
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
