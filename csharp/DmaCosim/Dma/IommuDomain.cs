// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Dma;

/// <summary>Settings of an <see cref="IommuDomain"/>.</summary>
public sealed record IommuDomainOptions
{
    /// <summary>First IOVA the allocator hands out (page-aligned).</summary>
    public ulong IovaBase { get; init; } = 0x8000_0000;

    /// <summary>Bytes of IOVA space (a multiple of 4 KiB).</summary>
    public ulong IovaSize { get; init; } = 0x4000_0000;

    /// <summary>log2 of the IOTLB entries to use (null: all the build has).</summary>
    public int? TlbLog2 { get; init; }

    /// <summary>Unmap invalidates each page by IOVA up to this many pages, the whole IOTLB beyond.</summary>
    public int InvalidateByIovaMaxPages { get; init; } = 16;
}

/// <summary>What the IOMMU's fault registers hold (the first fault since clear).</summary>
/// <param name="Count">Faulted bursts since clear.</param>
/// <param name="Iova">The first fault's IOVA.</param>
/// <param name="Write">True when it was a write.</param>
/// <param name="Kind">Why.</param>
/// <param name="Cycle">Its cycle since the hardware reset.</param>
public sealed record IommuFaultRecord(uint Count, ulong Iova, bool Write, IommuFaultKind Kind, ulong Cycle);

/// <summary>The IOMMU's counters since clear.</summary>
/// <param name="Hits">Bursts translated from the IOTLB.</param>
/// <param name="Misses">Walks started.</param>
/// <param name="WalkCycles">Cycles the walker was busy.</param>
/// <param name="PteReads">PTEs read on the bus.</param>
public sealed record IommuCounters(uint Hits, uint Misses, uint WalkCycles, uint PteReads);

/// <summary>A range of IOVA space mapped onto physical pages.</summary>
public sealed class IommuMapping
{
    internal IommuMapping(ulong iovaPage, ulong pages, ulong dmaAddress, long length, DmaDirection direction,
        IReadOnlyList<DmaMapping> cpuMappings)
    {
        IovaPage = iovaPage;
        Pages = pages;
        DmaAddress = dmaAddress;
        Length = length;
        Direction = direction;
        CpuMappings = cpuMappings;
    }

    /// <summary>What the device must be given: the IOVA of the first byte.</summary>
    public ulong DmaAddress { get; }

    /// <summary>Bytes mapped, contiguous from <see cref="DmaAddress"/>.</summary>
    public long Length { get; }

    /// <summary>Direction (PTE permissions: ToDevice R, FromDevice W, Bidirectional R and W).</summary>
    public DmaDirection Direction { get; }

    /// <summary>The DMA API mappings underneath (ownership, cache maintenance); empty for coherent memory.</summary>
    public IReadOnlyList<DmaMapping> CpuMappings { get; }

    /// <summary>True once unmapped.</summary>
    public bool Unmapped { get; internal set; }

    internal ulong IovaPage { get; }

    internal ulong Pages { get; }

    /// <inheritdoc />
    public override string ToString() => $"IOVA 0x{DmaAddress:X}+{Length} {Direction}";
}

/// <summary>A scatterlist mapped through the IOMMU: the device-side segments (merged where the pages allow).</summary>
/// <param name="Segments">What the device is given: (IOVA, bytes) per segment, in order.</param>
/// <param name="Mappings">The IOVA ranges (one per segment).</param>
/// <param name="Direction">Direction.</param>
public sealed record IommuScatterlist(IReadOnlyList<(ulong DmaAddress, long Length)> Segments,
    IReadOnlyList<IommuMapping> Mappings, DmaDirection Direction);

/// <summary>
/// The Linux IOMMU DMA path for one device on the RTL IOMMU (rtl/iommu.sv): an IOVA allocator, page
/// tables in DRAM written by CPU stores, map / unmap on top of a <see cref="DmaDevice"/> (which keeps
/// the ownership checks and the cache maintenance), IOTLB invalidation on unmap before an IOVA can be
/// reused, and the fault and counter registers. Page-table format: docs/architecture.md "IOMMU".
/// </summary>
public sealed class IommuDomain
{
    private readonly SimClient _sim;
    private readonly DmaDevice _device;
    private readonly IommuDomainOptions _options;
    private readonly Dictionary<(int Level, ulong Prefix), CoherentBuffer> _tables = [];
    private readonly List<IommuMapping> _mappings = [];

    private IommuDomain(SimClient sim, DmaDevice device, IommuDomainOptions options, uint caps)
    {
        _sim = sim;
        _device = device;
        _options = options;
        TlbLog2 = (int)((caps >> IommuRegisters.CapsTlbLog2Lsb) & 0x1F);
        Levels = (int)((caps >> IommuRegisters.CapsLevelsLsb) & 0xF);
        PteBytes = (int)((caps >> IommuRegisters.CapsPteBytesLsb) & 0xF);
        IovaBits = (int)((caps >> IommuRegisters.CapsIovaBitsLsb) & 0xFF);
        Iovas = new IovaAllocator(options.IovaBase, options.IovaSize);
    }

    /// <summary>log2 of the build's IOTLB entries (IOMMU_CAPS).</summary>
    public int TlbLog2 { get; }

    /// <summary>Page-table levels (IOMMU_CAPS).</summary>
    public int Levels { get; }

    /// <summary>Bytes per PTE (IOMMU_CAPS).</summary>
    public int PteBytes { get; }

    /// <summary>IOVA bits the table translates (IOMMU_CAPS).</summary>
    public int IovaBits { get; }

    /// <summary>The IOVA allocator.</summary>
    public IovaAllocator Iovas { get; }

    /// <summary>Physical address of the root table.</summary>
    public ulong RootTable { get; private set; }

    /// <summary>Live mappings.</summary>
    public IReadOnlyList<IommuMapping> Mappings => _mappings;

    /// <summary>Page-table pages allocated so far (the root included).</summary>
    public int TablePages => _tables.Count;

    /// <summary>The DMA API device underneath.</summary>
    public DmaDevice Device => _device;

    /// <summary>
    /// Builds an empty page table, points the IOMMU at it, invalidates the IOTLB, clears the counters
    /// and enables translation.
    /// </summary>
    /// <param name="sim">The harness.</param>
    /// <param name="device">The DMA API device (coherent memory for the tables, ownership of buffers).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The domain, enabled.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The IOVA window reaches beyond what the table translates, or TlbLog2 is not 1..the build's.</exception>
    /// <exception cref="InvalidOperationException">The RTL has no IOMMU (IOMMU_CAPS reads 0).</exception>
    public static async Task<IommuDomain> CreateAsync(
        SimClient sim, DmaDevice device, IommuDomainOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(device);
        options ??= new IommuDomainOptions();
        var caps = await sim.RegReadAsync(IommuRegisters.CapsOffset, cancellationToken).ConfigureAwait(false);
        if (caps == 0)
        {
            throw new InvalidOperationException("IOMMU_CAPS reads 0: this RTL has no IOMMU");
        }

        var domain = new IommuDomain(sim, device, options, caps);
        if (domain.IovaBits < 64 && options.IovaBase + options.IovaSize - 1 >= 1UL << domain.IovaBits)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"IOVA window 0x{options.IovaBase:X}+0x{options.IovaSize:X} reaches beyond the {domain.IovaBits} bits the page table translates");
        }

        if (options.TlbLog2 is { } l2 && (l2 < 1 || l2 > domain.TlbLog2))
        {
            throw new ArgumentOutOfRangeException(nameof(options), l2, $"TlbLog2 is 1..{domain.TlbLog2} on this build");
        }

        var root = await domain.TableAsync(domain.Levels - 1, 0, cancellationToken).ConfigureAwait(false);
        domain.RootTable = root.CpuAddress;
        await sim.RegWriteAsync(IommuRegisters.PtbaseMsbOffset, (uint)(root.CpuAddress >> 32), cancellationToken).ConfigureAwait(false);
        await sim.RegWriteAsync(IommuRegisters.PtbaseOffset, (uint)root.CpuAddress, cancellationToken).ConfigureAwait(false);
        await domain.WriteCtrlAsync(enable: true, invalidateAll: true, clear: true, cancellationToken).ConfigureAwait(false);
        return domain;
    }

    /// <summary>Turns translation off (the engine's addresses go to the bus again); mappings stay.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the register is written.</returns>
    public Task DisableAsync(CancellationToken cancellationToken = default) =>
        WriteCtrlAsync(enable: false, invalidateAll: true, clear: false, cancellationToken);

    /// <summary>Maps part of a buffer (dma_map_single with an IOMMU): cache maintenance and ownership as
    /// <see cref="DmaDevice.MapSingleAsync"/>, then fresh IOVA pages, then the PTEs.</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="direction">Direction (the PTE permissions).</param>
    /// <param name="offset">Offset in the buffer.</param>
    /// <param name="length">Bytes; the rest of the buffer when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mapping; give the device its <see cref="IommuMapping.DmaAddress"/>.</returns>
    /// <exception cref="DmaApiException">As <see cref="DmaDevice.MapSingleAsync"/>.</exception>
    /// <exception cref="DmaAllocationException">The IOVA window is exhausted (nothing is left mapped).</exception>
    public Task<IommuMapping> MapSingleAsync(
        DmaBuffer buffer, DmaDirection direction, int offset = 0, int? length = null, CancellationToken cancellationToken = default) =>
        MapThroughAsync(_device.MapSingleAsync(buffer, direction, offset, length, cancellationToken), direction, cancellationToken);

    /// <summary>The DMA API's mapping <paramref name="map"/> (its maintenance, ownership and history), then IOVA pages and PTEs for it.</summary>
    private async Task<IommuMapping> MapThroughAsync(Task<DmaMapping> map, DmaDirection direction, CancellationToken cancellationToken)
    {
        var cpu = await map.ConfigureAwait(false);
        try
        {
            return await MapRangesAsync([(cpu.PhysicalAddress, cpu.Length)], direction, [cpu], cancellationToken).ConfigureAwait(false);
        }
        catch (DmaAllocationException)
        {
            await _device.UnmapAsync(cpu, cpu.Length, direction, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Maps by page (dma_map_page with an IOMMU): as <see cref="DmaDevice.MapPageAsync"/>, then fresh IOVA pages and the PTEs.</summary>
    /// <param name="buffer">The buffer, page-aligned.</param>
    /// <param name="page">The page of the buffer, from 0.</param>
    /// <param name="offset">Offset in that page, below 4096.</param>
    /// <param name="length">Bytes, ≥ 1, inside the buffer.</param>
    /// <param name="direction">Direction (the PTE permissions).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mapping; give the device its <see cref="IommuMapping.DmaAddress"/>.</returns>
    /// <exception cref="DmaApiException">As <see cref="DmaDevice.MapPageAsync"/>.</exception>
    /// <exception cref="DmaAllocationException">The IOVA window is exhausted (nothing is left mapped).</exception>
    public Task<IommuMapping> MapPageAsync(
        DmaBuffer buffer, int page, int offset, int length, DmaDirection direction, CancellationToken cancellationToken = default) =>
        MapThroughAsync(_device.MapPageAsync(buffer, page, offset, length, direction, cancellationToken), direction, cancellationToken);

    /// <summary>Maps coherent memory for the device, read and write (dma_alloc_coherent's IOVA).</summary>
    /// <param name="buffer">The coherent buffer.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mapping.</returns>
    /// <exception cref="DmaAllocationException">The IOVA window is exhausted.</exception>
    public Task<IommuMapping> MapCoherentAsync(CoherentBuffer buffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return MapRangesAsync([(buffer.CpuAddress, buffer.Length)], DmaDirection.Bidirectional, [], cancellationToken);
    }

    /// <summary>
    /// Creates a pool whose blocks the device reaches through this domain (dma_pool_create on a device
    /// behind an IOMMU): <paramref name="pages"/> pages of coherent memory, mapped read-write at one
    /// contiguous IOVA range; each block's <see cref="CoherentBuffer.DmaAddress"/> is its IOVA. This is
    /// what a scatter-gather engine behind the IOMMU needs for its descriptors (CURDESC, TAILDESC and
    /// NXTDESC are IOVAs). The memory stays mapped for the domain's lifetime.
    /// </summary>
    /// <param name="name">For messages.</param>
    /// <param name="blockSize">Bytes per block.</param>
    /// <param name="align">Alignment of each block (a power of two, at most 4 KiB).</param>
    /// <param name="boundary">No block crosses a multiple of it (0: none).</param>
    /// <param name="pages">4 KiB pages of memory behind the pool, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The pool.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bad size, alignment, boundary or page count.</exception>
    /// <exception cref="DmaAllocationException">The coherent region or the IOVA window is full.</exception>
    public async Task<DmaPool> CreatePoolAsync(
        string name, int blockSize, int align, int boundary = 0, int pages = 16, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(align, (int)IovaAllocator.PageSize);
        var size = pages * (int)IovaAllocator.PageSize;
        var memory = _device.AllocateCoherent($"IommuPool '{name}'", size, (int)IovaAllocator.PageSize);
        var mapping = await MapCoherentAsync(memory, cancellationToken).ConfigureAwait(false);
        return new DmaPool(_device, name, blockSize, align, boundary, new PoolArena(memory.CpuAddress, mapping.DmaAddress, (ulong)size));
    }

    /// <summary>
    /// Maps a scatterlist (dma_map_sg with an IOMMU): entries whose joins fall on page boundaries (the
    /// previous entry ends at one, the next starts at one) share one contiguous IOVA range, so the
    /// device needs one descriptor for them; every other join starts a new segment.
    /// </summary>
    /// <param name="entries">The entries.</param>
    /// <param name="direction">Direction.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The segments for the device.</returns>
    /// <exception cref="DmaApiException">As <see cref="DmaDevice.MapSgAsync"/> (nothing is left mapped).</exception>
    /// <exception cref="DmaAllocationException">The IOVA window is exhausted (nothing is left mapped).</exception>
    public async Task<IommuScatterlist> MapSgAsync(
        IEnumerable<ScatterEntry> entries, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        var cpu = await _device.MapSgAsync(entries, direction, cancellationToken).ConfigureAwait(false);
        var groups = new List<List<DmaMapping>>();
        foreach (var m in cpu.Mappings)
        {
            var last = groups.Count == 0 ? null : groups[^1][^1];
            if (last is not null && (last.PhysicalAddress + (ulong)last.Length) % IovaAllocator.PageSize == 0
                && m.PhysicalAddress % IovaAllocator.PageSize == 0)
            {
                groups[^1].Add(m);
            }
            else
            {
                groups.Add([m]);
            }
        }

        var mapped = new List<IommuMapping>();
        try
        {
            foreach (var g in groups)
            {
                mapped.Add(await MapRangesAsync(g.Select(m => (m.PhysicalAddress, m.Length)).ToList(), direction, g, cancellationToken)
                    .ConfigureAwait(false));
            }
        }
        catch (DmaAllocationException)
        {
            foreach (var m in mapped)
            {
                await ReleaseAsync(m, invalidate: true, cancellationToken).ConfigureAwait(false);
            }

            await _device.UnmapSgAsync(cpu, direction, cancellationToken).ConfigureAwait(false);
            throw;
        }

        return new IommuScatterlist(mapped.Select(m => (m.DmaAddress, m.Length)).ToList(), mapped, direction);
    }

    /// <summary>Unmaps (dma_unmap_single with an IOMMU): clears the PTEs, invalidates the IOTLB, frees
    /// the IOVAs, then hands the buffer back to the CPU.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns the buffer again.</returns>
    /// <exception cref="DmaApiException">Double unmap.</exception>
    public Task UnmapAsync(IommuMapping mapping, CancellationToken cancellationToken = default) =>
        UnmapCoreAsync(mapping, invalidate: true, cancellationToken);

    /// <summary>
    /// The driver bug this domain exists to catch: clears the PTEs and frees the IOVAs but never
    /// invalidates the IOTLB, so a stale translation may outlive the mapping. For tests only.
    /// </summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns the buffer again.</returns>
    /// <exception cref="DmaApiException">Double unmap.</exception>
    public Task UnmapWithoutInvalidateAsync(IommuMapping mapping, CancellationToken cancellationToken = default) =>
        UnmapCoreAsync(mapping, invalidate: false, cancellationToken);

    /// <summary>Unmaps every segment of a mapped scatterlist.</summary>
    /// <param name="list">The list.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns every entry.</returns>
    /// <exception cref="DmaApiException">A segment already unmapped.</exception>
    public async Task UnmapSgAsync(IommuScatterlist list, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        foreach (var m in list.Mappings)
        {
            await UnmapAsync(m, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops every IOTLB entry (IOMMU_CTRL invalidate all).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the register is written.</returns>
    public Task InvalidateAllAsync(CancellationToken cancellationToken = default) =>
        WriteCtrlAsync(enable: true, invalidateAll: true, clear: false, cancellationToken);

    /// <summary>Reads the fault registers.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The count and the first fault since clear.</returns>
    public async Task<IommuFaultRecord> ReadFaultAsync(CancellationToken cancellationToken = default)
    {
        var count = await _sim.RegReadAsync(IommuRegisters.FaultCountOffset, cancellationToken).ConfigureAwait(false);
        var iova = await ReadPairAsync(IommuRegisters.FaultIovaOffset, IommuRegisters.FaultIovaMsbOffset, cancellationToken).ConfigureAwait(false);
        var info = await _sim.RegReadAsync(IommuRegisters.FaultInfoOffset, cancellationToken).ConfigureAwait(false);
        var cycle = await ReadPairAsync(IommuRegisters.FaultCycleOffset, IommuRegisters.FaultCycleMsbOffset, cancellationToken).ConfigureAwait(false);
        return new IommuFaultRecord(count, iova, ((info >> IommuRegisters.FaultInfoWriteBit) & 1) != 0,
            (IommuFaultKind)((info >> IommuRegisters.FaultInfoKindLsb) & 7), cycle);
    }

    /// <summary>Reads the counters.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Hits, misses, walk cycles, PTE reads since clear.</returns>
    public async Task<IommuCounters> ReadCountersAsync(CancellationToken cancellationToken = default) =>
        new(await _sim.RegReadAsync(IommuRegisters.HitsOffset, cancellationToken).ConfigureAwait(false),
            await _sim.RegReadAsync(IommuRegisters.MissesOffset, cancellationToken).ConfigureAwait(false),
            await _sim.RegReadAsync(IommuRegisters.WalkCyclesOffset, cancellationToken).ConfigureAwait(false),
            await _sim.RegReadAsync(IommuRegisters.PteReadsOffset, cancellationToken).ConfigureAwait(false));

    /// <summary>Zeroes the counters and the fault record (IOMMU_CTRL clear).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the register is written.</returns>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        WriteCtrlAsync(enable: true, invalidateAll: false, clear: true, cancellationToken);

    /// <summary>The physical address an IOVA maps to in the page table as this domain wrote it, or null.</summary>
    /// <param name="iova">The IOVA.</param>
    /// <returns>The physical address, or null when unmapped.</returns>
    public ulong? Translate(ulong iova)
    {
        foreach (var m in _mappings)
        {
            var first = m.IovaPage;
            if (iova >= first && iova < first + (m.Pages * IovaAllocator.PageSize) && _pages.TryGetValue(iova & ~(IovaAllocator.PageSize - 1), out var pa))
            {
                return pa + (iova % IovaAllocator.PageSize);
            }
        }

        return null;
    }

    private readonly Dictionary<ulong, ulong> _pages = []; // IOVA page -> physical page

    private async Task<IommuMapping> MapRangesAsync(List<(ulong Address, int Length)> ranges, DmaDirection direction,
        IReadOnlyList<DmaMapping> cpu, CancellationToken cancellationToken)
    {
        var physicalPages = new List<ulong>();
        foreach (var (address, length) in ranges)
        {
            for (var page = address & ~(IovaAllocator.PageSize - 1); page < address + (ulong)length; page += IovaAllocator.PageSize)
            {
                physicalPages.Add(page);
            }
        }

        var first = Iovas.Allocate((ulong)physicalPages.Count);
        var flags = 1UL << IommuRegisters.Pte.VBit;
        if (direction != DmaDirection.FromDevice)
        {
            flags |= 1UL << IommuRegisters.Pte.RBit;
        }

        if (direction != DmaDirection.ToDevice)
        {
            flags |= 1UL << IommuRegisters.Pte.WBit;
        }

        var writes = new List<(ulong Iova, ulong Pte)>();
        for (var i = 0; i < physicalPages.Count; i++)
        {
            writes.Add((first + ((ulong)i * IovaAllocator.PageSize), physicalPages[i] | flags));
        }

        await WriteLeavesAsync(writes, cancellationToken).ConfigureAwait(false);
        foreach (var (iova, pte) in writes)
        {
            _pages[iova] = pte & ~(IovaAllocator.PageSize - 1);
        }

        var mapping = new IommuMapping(first, (ulong)physicalPages.Count, first + (ranges[0].Address % IovaAllocator.PageSize),
            ranges.Sum(r => (long)r.Length), direction, cpu);
        _mappings.Add(mapping);
        return mapping;
    }

    private async Task UnmapCoreAsync(IommuMapping mapping, bool invalidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.Unmapped || !_mappings.Contains(mapping))
        {
            throw new DmaApiException("IommuUnmap", mapping.ToString(), "unmapped", "double unmap");
        }

        await ReleaseAsync(mapping, invalidate, cancellationToken).ConfigureAwait(false);
        foreach (var cpu in mapping.CpuMappings)
        {
            await _device.UnmapAsync(cpu, cpu.Length, mapping.Direction, cancellationToken).ConfigureAwait(false);
        }
    }

    // PTEs cleared, then the IOTLB invalidated, and only then the IOVAs freed (Linux's order)
    private async Task ReleaseAsync(IommuMapping mapping, bool invalidate, CancellationToken cancellationToken)
    {
        var pages = Enumerable.Range(0, (int)mapping.Pages).Select(i => mapping.IovaPage + ((ulong)i * IovaAllocator.PageSize)).ToList();
        await WriteLeavesAsync(pages.Select(p => (p, 0UL)).ToList(), cancellationToken).ConfigureAwait(false);
        if (invalidate)
        {
            if (pages.Count > _options.InvalidateByIovaMaxPages)
            {
                await InvalidateAllAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var page in pages)
                {
                    if (PteBytes > 4)
                    {
                        await _sim.RegWriteAsync(IommuRegisters.InvIovaMsbOffset, (uint)(page >> 32), cancellationToken).ConfigureAwait(false);
                    }

                    await _sim.RegWriteAsync(IommuRegisters.InvIovaOffset, (uint)page, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var page in pages)
        {
            _pages.Remove(page);
        }

        mapping.Unmapped = true;
        _mappings.Remove(mapping);
        Iovas.Free(mapping.IovaPage);
    }

    // Leaf PTEs by CPU stores, the tables on the way created first; runs of neighbouring PTEs in one
    // table go as one store sequence. The walker reads DRAM without snooping, so the stores go through
    // the cache and the lines they touched are cleaned afterwards (as Linux's io-pgtable does for a
    // non-coherent walker): one write-back per line instead of one bus write per PTE.
    private async Task WriteLeavesAsync(IReadOnlyList<(ulong Iova, ulong Pte)> leaves, CancellationToken cancellationToken)
    {
        var stores = new List<CpuWriteAccess>();
        ulong runStart = 0;
        var run = new List<byte>();
        foreach (var (iova, pte) in leaves)
        {
            var table = await TableForLeafAsync(iova, stores, cancellationToken).ConfigureAwait(false);
            var address = table.CpuAddress + (LevelIndex(iova, 0) * (ulong)PteBytes);
            if (run.Count > 0 && runStart + (ulong)run.Count != address)
            {
                stores.Add(new CpuWriteAccess(runStart, run.ToArray(), Cached: true));
                run.Clear();
            }

            if (run.Count == 0)
            {
                runStart = address;
            }

            run.AddRange(Encode(pte));
        }

        if (run.Count > 0)
        {
            stores.Add(new CpuWriteAccess(runStart, run.ToArray(), Cached: true));
        }

        if (stores.Count > 0)
        {
            await _sim.CpuWriteManyAsync(stores, cancellationToken).ConfigureAwait(false);
            foreach (var store in stores)
            {
                await _sim.CacheAsync(CacheOp.Clean, store.Address, (ulong)store.Data.Length, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // the leaf table of `iova`, creating (and linking, by stores added to `stores`) the missing tables
    private async Task<CoherentBuffer> TableForLeafAsync(ulong iova, List<CpuWriteAccess> stores, CancellationToken cancellationToken)
    {
        var parent = await TableAsync(Levels - 1, 0, cancellationToken).ConfigureAwait(false);
        for (var level = Levels - 2; level >= 0; level--)
        {
            var prefix = Prefix(iova, level);
            if (!_tables.TryGetValue((level, prefix), out var table))
            {
                table = await TableAsync(level, prefix, cancellationToken).ConfigureAwait(false);
                var entry = table.CpuAddress | (1UL << IommuRegisters.Pte.VBit);
                stores.Add(new CpuWriteAccess(parent.CpuAddress + (LevelIndex(iova, level + 1) * (ulong)PteBytes), Encode(entry), Cached: true));
            }

            parent = table;
        }

        return parent;
    }

    // the table at `level` covering IOVAs with this prefix: allocated page-aligned and zeroed
    private async Task<CoherentBuffer> TableAsync(int level, ulong prefix, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue((level, prefix), out var table))
        {
            return table;
        }

        table = _device.AllocateCoherent("IommuTable", (int)IovaAllocator.PageSize, (int)IovaAllocator.PageSize);
        await _sim.CpuWriteAsync(table.CpuAddress, new byte[IovaAllocator.PageSize], cached: true, cancellationToken).ConfigureAwait(false);
        await _sim.CacheAsync(CacheOp.Clean, table.CpuAddress, IovaAllocator.PageSize, cancellationToken).ConfigureAwait(false);
        _tables[(level, prefix)] = table;
        return table;
    }

    private int IndexBits => PteBytes == 4 ? 10 : 9;

    private ulong LevelIndex(ulong iova, int level) => (iova >> (12 + (level * IndexBits))) & ((1UL << IndexBits) - 1);

    private ulong Prefix(ulong iova, int level) => iova >> (12 + ((level + 1) * IndexBits));

    private byte[] Encode(ulong pte)
    {
        var bytes = new byte[PteBytes];
        if (PteBytes == 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)pte);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, pte);
        }

        return bytes;
    }

    private async Task<ulong> ReadPairAsync(uint low, uint high, CancellationToken cancellationToken)
    {
        var lo = await _sim.RegReadAsync(low, cancellationToken).ConfigureAwait(false);
        var hi = await _sim.RegReadAsync(high, cancellationToken).ConfigureAwait(false);
        return lo | ((ulong)hi << 32);
    }

    private Task<ulong> WriteCtrlAsync(bool enable, bool invalidateAll, bool clear, CancellationToken cancellationToken)
    {
        var value = (enable ? 1u << IommuRegisters.CtrlEnableBit : 0)
            | (invalidateAll ? 1u << IommuRegisters.CtrlInvAllBit : 0)
            | (clear ? 1u << IommuRegisters.CtrlClearBit : 0)
            | ((uint)(_options.TlbLog2 ?? 0) << IommuRegisters.CtrlTlbLog2Lsb);
        return _sim.RegWriteAsync(IommuRegisters.CtrlOffset, value, cancellationToken);
    }
}
