// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Dma;

/// <summary>Settings of a <see cref="DmaDevice"/> (dma_set_mask_and_coherent, <c>dma-coherent</c>).</summary>
public sealed record DmaDeviceOptions
{
    /// <summary>Bits of bus address the device can drive (dma_set_mask); a buffer above it is bounced (swiotlb).</summary>
    public int MaskBits { get; init; } = 32;

    /// <summary>True when the interconnect snoops the CPU cache (x86, or <c>dma-coherent</c>): no cache maintenance.</summary>
    public bool Coherent { get; init; }

    /// <summary>Region streaming buffers are allocated from (the kernel heap, for <see cref="DmaDevice.Allocate"/>).</summary>
    public ulong HeapBase { get; init; } = 0x1000_0000;

    /// <summary>Size of the heap region.</summary>
    public ulong HeapSize { get; init; } = 0x0800_0000;

    /// <summary>Region coherent memory and pools come from.</summary>
    public ulong CoherentBase { get; init; } = 0x1800_0000;

    /// <summary>Size of the coherent region.</summary>
    public ulong CoherentSize { get; init; } = 0x0400_0000;

    /// <summary>Bits of the coherent DMA mask (dma_set_coherent_mask); the streaming mask's when null.</summary>
    public int? CoherentMaskBits { get; init; }

    /// <summary>
    /// The swiotlb bounce pool: streaming buffers beyond the DMA mask are bounced through slots of this
    /// region (default 4 MiB at 12 MiB, reachable with a 24-bit mask).
    /// </summary>
    public ulong SwiotlbBase { get; init; } = 0x00C0_0000;

    /// <summary>Size of the bounce pool.</summary>
    public ulong SwiotlbSize { get; init; } = 0x0040_0000;

    /// <summary>
    /// The system's DRAM windows (from <c>hello</c>): <see cref="DmaDevice.SetMask"/> refuses a mask below
    /// every one of them. Null: not checked.
    /// </summary>
    public IReadOnlyList<(ulong Base, ulong Size)>? DramWindows { get; init; }

    /// <summary>
    /// The host bridge's offset (hello's <c>bus_offset</c>): every dma_addr this device hands out is CPU
    /// physical + it, and the masks apply to those bus addresses. A multiple of 4 KiB; 0 by default.
    /// </summary>
    public ulong BusOffset { get; init; }

    /// <summary>
    /// Tell the harness's wild-DMA analyser the live mappings and switch it on (when the CPU port can,
    /// as <see cref="SimCpu"/> does): every DMA beat outside them is then a WILD_DMA violation. Off by default.
    /// </summary>
    public bool CheckDeviceAccesses { get; init; }
}

/// <summary>
/// The Linux DMA API for one device: coherent allocations, pools, streaming mappings with their cache
/// maintenance, scatterlists, and the CONFIG_DMA_API_DEBUG ownership checks, always on.
/// </summary>
/// <remarks>
/// Cache maintenance on a non-coherent device, as arm64 does it: map ToDevice → clean; map FromDevice
/// → invalidate; map Bidirectional → flush; unmap and SyncForCpu of FromDevice / Bidirectional →
/// invalidate; SyncForDevice of FromDevice → invalidate, otherwise → clean. A coherent device needs none.
/// </remarks>
public sealed partial class DmaDevice
{
    private readonly ICpuPort _cpu;
    private readonly ICacheMaintenance _cache;
    private readonly RegionAllocator _heap;
    private readonly RegionAllocator _coherent;
    private readonly List<DmaMapping> _mappings = [];

    /// <summary>
    /// Options for a device of the harness that said <paramref name="hello"/>: a mask of the build's
    /// address width, its DRAM windows and its host-bridge offset.
    /// </summary>
    /// <param name="hello">The harness's hello.</param>
    /// <returns>The options; change others with <c>with</c>.</returns>
    public static DmaDeviceOptions OptionsFor(HelloInfo hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        return new DmaDeviceOptions
        {
            MaskBits = Math.Min(hello.Rtl.AddrWidth, 64),
            DramWindows = hello.Dram.Select(d => (d.Base, d.Size)).ToList(),
            BusOffset = hello.BusOffset,
        };
    }

    /// <summary>Creates the device.</summary>
    /// <param name="cpu">The CPU's loads and stores.</param>
    /// <param name="cache">Cache maintenance by range.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The mask is not 1..64 bits, or the bus offset is not page-aligned.</exception>
    public DmaDevice(ICpuPort cpu, ICacheMaintenance cache, DmaDeviceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(cache);
        Options = options ?? new DmaDeviceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaskBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Options.MaskBits, 64);
        _cpu = cpu;
        _cache = cache;
        Bridge = new HostBridge(Options.BusOffset);
        _heap = new RegionAllocator(Options.HeapBase, Options.HeapSize);
        _coherent = new RegionAllocator(Options.CoherentBase, Options.CoherentSize);
        _swiotlb = new RegionAllocator(Options.SwiotlbBase, Options.SwiotlbSize);
        _maskBits = Options.MaskBits;
        _coherentMaskBits = Options.CoherentMaskBits ?? Options.MaskBits;
        CheckMask("DmaDevice", _maskBits);
    }

    /// <summary>The settings.</summary>
    public DmaDeviceOptions Options { get; }

    /// <summary>The host bridge: CPU physical ↔ bus addresses (every dma_addr is a bus address).</summary>
    public HostBridge Bridge { get; }

    /// <summary>The highest bus address the device can use for streaming DMA (<see cref="SetMask"/>).</summary>
    public ulong DmaMask => MaskOf(_maskBits);

    /// <summary>Live streaming mappings.</summary>
    public IReadOnlyList<DmaMapping> Mappings => _mappings;

    /// <summary>Allocates a CPU buffer for streaming DMA (kmalloc).</summary>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <param name="align">Alignment, a power of two (default: a cache line).</param>
    /// <returns>The buffer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Bad length or alignment.</exception>
    /// <exception cref="DmaAllocationException">The heap region is full.</exception>
    public DmaBuffer Allocate(int length, int align = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        return new DmaBuffer(_heap.Allocate((ulong)length, (ulong)align), length);
    }

    /// <summary>Frees a CPU buffer (kfree).</summary>
    /// <param name="buffer">The buffer.</param>
    /// <exception cref="DmaApiException">It is still mapped, or already freed.</exception>
    public void Free(DmaBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (_mappings.Find(m => m.Buffer == buffer) is { } live)
        {
            throw new DmaApiException("Free", buffer.ToString(), live.Owner.ToString(), $"freeing a buffer that is still mapped ({live})");
        }

        if (buffer.Freed || !_heap.Free(buffer.Address))
        {
            throw new DmaApiException("Free", buffer.ToString(), "nobody", "double free");
        }

        buffer.Freed = true;
    }

    /// <summary>CPU load from a buffer, checked: the CPU must own every byte it touches.</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="offset">Offset in it.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes, through the CPU's cache.</returns>
    /// <exception cref="DmaApiException">The device owns part of the range, or the buffer was freed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    public Task<byte[]> CpuReadAsync(DmaBuffer buffer, int offset, int length, CancellationToken cancellationToken = default)
    {
        CheckCpuAccess("CpuRead", buffer, offset, length);
        return _cpu.ReadAsync(buffer.Address + (ulong)offset, length, cached: true, cancellationToken);
    }

    /// <summary>CPU store into a buffer, checked: the CPU must own every byte it touches.</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="offset">Offset in it.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the stores are done (they may sit dirty in the cache).</returns>
    /// <exception cref="DmaApiException">The device owns part of the range, or the buffer was freed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    public Task CpuWriteAsync(DmaBuffer buffer, int offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckCpuAccess("CpuWrite", buffer, offset, data.Length);
        return _cpu.WriteAsync(buffer.Address + (ulong)offset, data, cached: true, cancellationToken);
    }

    /// <summary>Allocates coherent memory (dma_alloc_coherent), within the DMA mask.</summary>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <returns>The buffer; uncached for the CPU on a non-coherent device.</returns>
    /// <exception cref="DmaApiException">The coherent region lies above the DMA mask.</exception>
    /// <exception cref="DmaAllocationException">The coherent region is full.</exception>
    public CoherentBuffer AllocCoherent(int length) => AllocateCoherent("AllocCoherent", length, 64);

    /// <summary>Frees coherent memory (dma_free_coherent).</summary>
    /// <param name="buffer">The buffer.</param>
    /// <exception cref="DmaApiException">Already freed.</exception>
    public void FreeCoherent(CoherentBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!ReleaseCoherent(buffer))
        {
            throw new DmaApiException("FreeCoherent", buffer.ToString(), "nobody", "double free");
        }
    }

    /// <summary>CPU load from coherent memory (uncached on a non-coherent device).</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="offset">Offset.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="DmaApiException">Freed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Outside the buffer.</exception>
    public Task<byte[]> CoherentReadAsync(CoherentBuffer buffer, int offset, int length, CancellationToken cancellationToken = default)
    {
        CheckCoherent("CoherentRead", buffer, offset, length);
        return _cpu.ReadAsync(buffer.CpuAddress + (ulong)offset, length, buffer.Cached, cancellationToken);
    }

    /// <summary>CPU store into coherent memory (uncached on a non-coherent device).</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="offset">Offset.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the stores are done.</returns>
    /// <exception cref="DmaApiException">Freed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Outside the buffer.</exception>
    public Task CoherentWriteAsync(CoherentBuffer buffer, int offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckCoherent("CoherentWrite", buffer, offset, data.Length);
        return _cpu.WriteAsync(buffer.CpuAddress + (ulong)offset, data, buffer.Cached, cancellationToken);
    }

    /// <summary>
    /// CPU loads from several coherent buffers, in order, as one <see cref="CoherentReadAsync"/> after
    /// another would do them, but handed to the CPU port together (one request to the simulator).
    /// </summary>
    /// <param name="reads">Each load: buffer, offset, bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes of each load, in order.</returns>
    /// <exception cref="DmaApiException">A buffer was freed (nothing ran).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A load is outside its buffer (nothing ran).</exception>
    public Task<IReadOnlyList<byte[]>> CoherentReadManyAsync(
        IReadOnlyList<(CoherentBuffer Buffer, int Offset, int Length)> reads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var loads = new List<CpuReadAccess>(reads.Count);
        foreach (var (buffer, offset, length) in reads)
        {
            CheckCoherent("CoherentRead", buffer, offset, length);
            loads.Add(new CpuReadAccess(buffer.CpuAddress + (ulong)offset, length, buffer.Cached));
        }

        return _cpu.ReadManyAsync(loads, cancellationToken);
    }

    /// <summary>
    /// CPU stores into several coherent buffers, in order, as one <see cref="CoherentWriteAsync"/> after
    /// another would do them, but handed to the CPU port together (one request to the simulator).
    /// </summary>
    /// <param name="writes">Each store: buffer, offset, bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the stores are done.</returns>
    /// <exception cref="DmaApiException">A buffer was freed (nothing ran).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A store is outside its buffer (nothing ran).</exception>
    public Task CoherentWriteManyAsync(
        IReadOnlyList<(CoherentBuffer Buffer, int Offset, ReadOnlyMemory<byte> Data)> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var stores = new List<CpuWriteAccess>(writes.Count);
        foreach (var (buffer, offset, data) in writes)
        {
            CheckCoherent("CoherentWrite", buffer, offset, data.Length);
            stores.Add(new CpuWriteAccess(buffer.CpuAddress + (ulong)offset, data, buffer.Cached));
        }

        return _cpu.WriteManyAsync(stores, cancellationToken);
    }

    /// <summary>Creates a pool of equal, aligned blocks in coherent memory (dma_pool_create).</summary>
    /// <param name="name">For messages.</param>
    /// <param name="blockSize">Bytes per block.</param>
    /// <param name="align">Alignment of each block (power of two).</param>
    /// <param name="boundary">No block crosses a multiple of it (a power of two ≥ the block size; 0: none), as dma_pool_create's.</param>
    /// <returns>The pool.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bad size, alignment or boundary.</exception>
    public DmaPool CreatePool(string name, int blockSize, int align, int boundary = 0) => new(this, name, blockSize, align, boundary);

    /// <summary>Maps part of a buffer for the device (dma_map_single) and does the cache maintenance its direction needs.</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="direction">Direction.</param>
    /// <param name="offset">Offset in the buffer.</param>
    /// <param name="length">Bytes; the rest of the buffer when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mapping; the device owns the range.</returns>
    /// <exception cref="DmaApiException">Freed buffer, an overlapping live mapping, or a range above the DMA mask.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    public Task<DmaMapping> MapSingleAsync(
        DmaBuffer buffer, DmaDirection direction, int offset = 0, int? length = null, CancellationToken cancellationToken = default) =>
        MapAsync("MapSingle", buffer, direction, offset, length, cancellationToken);

    /// <summary>
    /// Maps by page (dma_map_page): <paramref name="length"/> bytes from <paramref name="offset"/> in page
    /// <paramref name="page"/> of a page-aligned buffer (they may run on into the buffer's following pages, as in a
    /// compound page); otherwise as <see cref="MapSingleAsync"/>, unmapped with <see cref="UnmapAsync"/>.
    /// </summary>
    /// <param name="buffer">The buffer, page-aligned (<see cref="Allocate"/> with <c>align</c> 4096).</param>
    /// <param name="page">The page of the buffer, from 0.</param>
    /// <param name="offset">Offset in that page, below 4096.</param>
    /// <param name="length">Bytes, ≥ 1, inside the buffer.</param>
    /// <param name="direction">Direction.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mapping; the device owns the range.</returns>
    /// <exception cref="DmaApiException">The buffer is not page-aligned; otherwise as <see cref="MapSingleAsync"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative page, an offset outside the page, or a range outside the buffer.</exception>
    public Task<DmaMapping> MapPageAsync(
        DmaBuffer buffer, int page, int offset, int length, DmaDirection direction, CancellationToken cancellationToken = default) =>
        MapAsync("MapPage", buffer, direction, PageStart(buffer, page, offset), length, cancellationToken);

    /// <summary>Where page <paramref name="page"/>, offset <paramref name="offset"/> of a page-aligned buffer is in it (dma_map_page's arguments).</summary>
    private static int PageStart(DmaBuffer buffer, int page, int offset)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((ulong)offset, IovaAllocator.PageSize);
        if (buffer.Address % IovaAllocator.PageSize != 0)
        {
            throw new DmaApiException("MapPage", buffer.ToString(), "nobody", $"the buffer is not page-aligned ({IovaAllocator.PageSize} bytes): it has no pages to name");
        }

        var start = ((long)page * (long)IovaAllocator.PageSize) + offset;
        return start < buffer.Length ? (int)start : throw new ArgumentOutOfRangeException(nameof(page), $"page {page} offset {offset} is beyond the {buffer}");
    }

    private async Task<DmaMapping> MapAsync(
        string call, DmaBuffer buffer, DmaDirection direction, int offset, int? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var size = length ?? buffer.Length - offset;
        CheckRange(buffer, offset, size);
        if (buffer.Freed)
        {
            throw new DmaApiException(call, buffer.ToString(), "nobody", "mapping a freed buffer");
        }

        var start = buffer.Address + (ulong)offset;
        if (_mappings.Find(m => Overlaps(m, start, size)) is { } other)
        {
            throw new DmaApiException(call, buffer.ToString(), other.Owner.ToString(), $"overlaps the live {other}");
        }

        var mapping = new DmaMapping(buffer, offset, size, direction, Bridge);
        if (!Bridge.BelowMask(start, (ulong)size, DmaMask))
        {
            // beyond the mask: a slot of the bounce pool below it (swiotlb), filled for the device
            mapping.Bounce = AllocateBounce(mapping);
            await BounceToDeviceAsync(mapping, cancellationToken).ConfigureAwait(false);
        }

        await MaintainAsync(mapping.PhysicalAddress, size, direction switch
        {
            DmaDirection.ToDevice => Maintenance.Clean,
            DmaDirection.FromDevice => Maintenance.Invalidate,
            _ => Maintenance.Flush,
        }, cancellationToken).ConfigureAwait(false);
        _mappings.Add(mapping);
        Record(mapping, call);
        await PublishWindowsAsync(cancellationToken).ConfigureAwait(false);
        return mapping;
    }

    /// <summary>Ends a mapping (dma_unmap_single); size and direction must be those of the map.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="length">Bytes, as mapped.</param>
    /// <param name="direction">Direction, as mapped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns the buffer again.</returns>
    /// <exception cref="DmaApiException">Double unmap, or the wrong size or direction.</exception>
    public async Task UnmapAsync(DmaMapping mapping, int length, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        CheckCall("Unmap", mapping, length, direction);
        if (direction != DmaDirection.ToDevice)
        {
            await MaintainAsync(mapping.PhysicalAddress, mapping.Length, Maintenance.Invalidate, cancellationToken).ConfigureAwait(false);
            await BounceToCpuAsync(mapping, cancellationToken).ConfigureAwait(false);
        }

        mapping.Unmapped = true;
        mapping.Owner = DmaOwner.Cpu;
        _mappings.Remove(mapping);
        ReleaseBounce(mapping);
        Record(mapping, "Unmap");
        await PublishWindowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the range back to the CPU (dma_sync_single_for_cpu).</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="length">Bytes, as mapped.</param>
    /// <param name="direction">Direction, as mapped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns the range.</returns>
    /// <exception cref="DmaApiException">Unmapped, or the wrong size or direction.</exception>
    public async Task SyncForCpuAsync(DmaMapping mapping, int length, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        CheckCall("SyncForCpu", mapping, length, direction);
        if (direction != DmaDirection.ToDevice)
        {
            await MaintainAsync(mapping.PhysicalAddress, mapping.Length, Maintenance.Invalidate, cancellationToken).ConfigureAwait(false);
            await BounceToCpuAsync(mapping, cancellationToken).ConfigureAwait(false);
        }

        mapping.Owner = DmaOwner.Cpu;
        Record(mapping, "SyncForCpu");
    }

    /// <summary>Gives the range to the device again (dma_sync_single_for_device).</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="length">Bytes, as mapped.</param>
    /// <param name="direction">Direction, as mapped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the device owns the range.</returns>
    /// <exception cref="DmaApiException">Unmapped, or the wrong size or direction.</exception>
    public async Task SyncForDeviceAsync(DmaMapping mapping, int length, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        CheckCall("SyncForDevice", mapping, length, direction);
        await BounceToDeviceAsync(mapping, cancellationToken).ConfigureAwait(false);
        await MaintainAsync(mapping.PhysicalAddress, mapping.Length,
            direction == DmaDirection.FromDevice ? Maintenance.Invalidate : Maintenance.Clean, cancellationToken).ConfigureAwait(false);
        mapping.Owner = DmaOwner.Device;
        Record(mapping, "SyncForDevice");
    }

    /// <summary>Maps every entry of a scatterlist (dma_map_sg).</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="direction">Direction.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mapped list.</returns>
    /// <exception cref="DmaApiException">As <see cref="MapSingleAsync"/>; entries mapped before the failure are unmapped.</exception>
    public async Task<MappedScatterlist> MapSgAsync(IEnumerable<ScatterEntry> entries, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var mapped = new List<DmaMapping>();
        try
        {
            foreach (var entry in entries)
            {
                mapped.Add(await MapSingleAsync(entry.Buffer, direction, entry.Offset, entry.Length, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (DmaApiException)
        {
            foreach (var mapping in mapped)
            {
                await UnmapAsync(mapping, mapping.Length, direction, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }

        return new MappedScatterlist(mapped, direction);
    }

    /// <summary>Unmaps every entry of a mapped scatterlist (dma_unmap_sg).</summary>
    /// <param name="list">The list.</param>
    /// <param name="direction">Direction, as mapped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns every entry.</returns>
    /// <exception cref="DmaApiException">The wrong direction, or an entry already unmapped.</exception>
    public async Task UnmapSgAsync(MappedScatterlist list, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        foreach (var mapping in list.Mappings)
        {
            await UnmapAsync(mapping, mapping.Length, direction, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Carves coherent memory within the DMA mask (for AllocCoherent and pools).</summary>
    internal CoherentBuffer AllocateCoherent(string call, int length, int align, int boundary = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var address = _coherent.Allocate((ulong)length, (ulong)align, (ulong)boundary);
        if (!Bridge.BelowMask(address, (ulong)length, CoherentDmaMask))
        {
            _coherent.Free(address);
            throw new DmaApiException(call, $"coherent 0x{address:X}+{length} (bus 0x{Bridge.ToBus(address):X})", "nobody",
                $"above the {_coherentMaskBits}-bit coherent DMA mask");
        }

        return new CoherentBuffer(address, Bridge.ToBus(address), length, cached: Options.Coherent);
    }

    /// <summary>Returns coherent memory; false when it was not allocated (or was freed already).</summary>
    internal bool ReleaseCoherent(CoherentBuffer buffer)
    {
        if (buffer.Freed || !_coherent.Free(buffer.CpuAddress))
        {
            return false;
        }

        buffer.Freed = true;
        return true;
    }

    private static bool Overlaps(DmaMapping mapping, ulong start, int length) =>
        start < mapping.CpuAddress + (ulong)mapping.Length && mapping.CpuAddress < start + (ulong)length;

    private static void CheckRange(DmaBuffer buffer, int offset, int length)
    {
        if (offset < 0 || length < 1 || offset > buffer.Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"[{offset}, +{length}) is not inside {buffer}");
        }
    }

    private static void CheckCoherent(string call, CoherentBuffer buffer, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Freed)
        {
            throw new DmaApiException(call, buffer.ToString(), "nobody", "access to freed coherent memory");
        }

        if (offset < 0 || length < 0 || offset > buffer.Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"[{offset}, +{length}) is not inside {buffer}");
        }
    }

    private void CheckCpuAccess(string call, DmaBuffer buffer, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckRange(buffer, offset, length);
        if (buffer.Freed)
        {
            throw new DmaApiException(call, buffer.ToString(), "nobody", "CPU access to a freed buffer");
        }

        var start = buffer.Address + (ulong)offset;
        if (_mappings.Find(m => m.Owner == DmaOwner.Device && Overlaps(m, start, length)) is { } owned)
        {
            throw new DmaApiException(call, buffer.ToString(), "device",
                $"CPU access to [0x{start:X}, +{length}) while the device owns {owned}; call SyncForCpu or Unmap first");
        }
    }

    private void CheckCall(string call, DmaMapping mapping, int length, DmaDirection direction)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.Unmapped || !_mappings.Contains(mapping))
        {
            throw new DmaApiException(call, mapping.ToString(), "unmapped", call == "Unmap" ? "double unmap" : "sync of an unmapped buffer");
        }

        if (length != mapping.Length)
        {
            throw new DmaApiException(call, mapping.ToString(), mapping.Owner.ToString(), $"size {length} differs from the mapped {mapping.Length}");
        }

        if (direction != mapping.Direction)
        {
            throw new DmaApiException(call, mapping.ToString(), mapping.Owner.ToString(), $"direction {direction} differs from the mapped {mapping.Direction}");
        }
    }

    private Task MaintainAsync(ulong address, int length, Maintenance operation, CancellationToken cancellationToken) =>
        Options.Coherent
            ? Task.CompletedTask
            : operation switch
            {
                Maintenance.Clean => _cache.CleanAsync(address, (ulong)length, cancellationToken),
                Maintenance.Invalidate => _cache.InvalidateAsync(address, (ulong)length, cancellationToken),
                _ => _cache.FlushAsync(address, (ulong)length, cancellationToken),
            };

    private enum Maintenance
    {
        Clean,
        Invalidate,
        Flush,
    }
}

/// <summary>
/// Equal, aligned blocks carved from coherent memory (dma_pool), e.g. 64-byte descriptors. Each block
/// is a <see cref="CoherentBuffer"/>: the CPU reads and writes it with
/// <see cref="DmaDevice.CoherentReadAsync"/> / <see cref="DmaDevice.CoherentWriteAsync"/>, the device
/// uses its <see cref="CoherentBuffer.DmaAddress"/>.
/// </summary>
public sealed class DmaPool
{
    private readonly DmaDevice _device;
    private readonly HashSet<CoherentBuffer> _live = [];

    private readonly PoolArena? _arena;

    internal DmaPool(DmaDevice device, string name, int blockSize, int align, int boundary = 0, PoolArena? arena = null)
    {
        _arena = arena;
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        if (align < 1 || (align & (align - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(align), align, "a power of two");
        }

        if (boundary != 0 && (boundary < blockSize || (boundary & (boundary - 1)) != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(boundary), boundary, $"0 or a power of two ≥ the block size {blockSize}");
        }

        Boundary = boundary;

        _device = device;
        Name = name;
        BlockSize = blockSize;
        Align = align;
    }

    /// <summary>The pool's name.</summary>
    public string Name { get; }

    /// <summary>Bytes per block.</summary>
    public int BlockSize { get; }

    /// <summary>Alignment of each block.</summary>
    public int Align { get; }

    /// <summary>Blocks currently allocated.</summary>
    public int InUse => _live.Count;

    /// <summary>No block crosses a multiple of this (0: no boundary).</summary>
    public int Boundary { get; }

    /// <summary>True after <see cref="Destroy"/>.</summary>
    public bool Destroyed { get; private set; }

    /// <summary>
    /// True when the blocks come from memory mapped in an IOMMU domain (<see cref="IommuDomain.CreatePoolAsync"/>):
    /// their <see cref="CoherentBuffer.DmaAddress"/> is an IOVA.
    /// </summary>
    public bool BehindIommu => _arena != null;

    /// <summary>
    /// Allocates one block and zeroes it (dma_pool_zalloc): CPU stores of zeros into the coherent block.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The block, all zeros.</returns>
    /// <exception cref="DmaAllocationException">The coherent region is full.</exception>
    /// <exception cref="DmaApiException">The pool was destroyed, or the block would lie above the coherent mask.</exception>
    public async Task<CoherentBuffer> AllocZeroedAsync(CancellationToken cancellationToken = default)
    {
        var block = Alloc();
        try
        {
            await _device.CoherentWriteAsync(block, 0, new byte[BlockSize], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Free(block);
            throw;
        }

        return block;
    }

    /// <summary>
    /// Destroys the pool (dma_pool_destroy). Blocks still allocated are leaked, as Linux leaks them
    /// ("dma_pool_destroy ..., busy"): they are reported, stay allocated, and the pool refuses every
    /// later call.
    /// </summary>
    /// <returns>The leaked blocks (empty when every block was freed).</returns>
    /// <exception cref="DmaApiException">Destroyed already.</exception>
    public IReadOnlyList<CoherentBuffer> Destroy()
    {
        CheckAlive("DmaPoolDestroy");
        Destroyed = true;
        var leaked = _live.OrderBy(b => b.DmaAddress).ToList();
        _live.Clear();
        return leaked;
    }

    /// <summary>Allocates one block (dma_pool_alloc).</summary>
    /// <returns>The block.</returns>
    /// <exception cref="DmaAllocationException">The coherent region (or, behind an IOMMU, the pool's mapped memory) is full.</exception>
    /// <exception cref="DmaApiException">The block would lie above the DMA mask.</exception>
    public CoherentBuffer Alloc()
    {
        CheckAlive("DmaPoolAlloc");
        var block = _arena?.Allocate(BlockSize, Align, Boundary, _device.Options.Coherent)
            ?? _device.AllocateCoherent($"DmaPoolAlloc '{Name}'", BlockSize, Align, Boundary);
        _live.Add(block);
        return block;
    }

    /// <summary>Returns a block (dma_pool_free).</summary>
    /// <param name="block">From <see cref="Alloc"/>.</param>
    /// <exception cref="DmaApiException">Not allocated from this pool, or freed twice.</exception>
    public void Free(CoherentBuffer block)
    {
        ArgumentNullException.ThrowIfNull(block);
        CheckAlive("DmaPoolFree");
        if (!_live.Remove(block) || !(_arena?.Free(block) ?? _device.ReleaseCoherent(block)))
        {
            throw new DmaApiException("DmaPoolFree", $"pool '{Name}' block 0x{block.DmaAddress:X}", "nobody", "not allocated from this pool (double free?)");
        }
    }

    private void CheckAlive(string call)
    {
        if (Destroyed)
        {
            throw new DmaApiException(call, $"pool '{Name}'", "nobody", "the pool was destroyed");
        }
    }
}

/// <summary>
/// The memory of a pool behind an IOMMU: one physically contiguous piece of coherent memory mapped at
/// one contiguous IOVA range; blocks are carved from it, each block's device address the IOVA of its
/// first byte.
/// </summary>
internal sealed class PoolArena(ulong cpuBase, ulong dmaBase, ulong size)
{
    private readonly RegionAllocator _region = new(cpuBase, size);

    public CoherentBuffer Allocate(int length, int align, int boundary, bool cached)
    {
        var cpu = _region.Allocate((ulong)length, (ulong)align, (ulong)boundary);
        return new CoherentBuffer(cpu, dmaBase + (cpu - cpuBase), length, cached);
    }

    public bool Free(CoherentBuffer block)
    {
        if (block.Freed || !_region.Free(block.CpuAddress))
        {
            return false;
        }

        block.Freed = true;
        return true;
    }
}
