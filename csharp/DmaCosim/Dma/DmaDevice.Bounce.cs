// SPDX-License-Identifier: MIT
namespace DmaCosim.Dma;

/// <summary>
/// Masks at run time and swiotlb bouncing (Linux <c>kernel/dma/swiotlb.c</c> without an IOMMU): a
/// streaming buffer the device cannot reach under its mask is mapped to a slot of a bounce pool below
/// the mask. The CPU copies the buffer into the slot on map (ToDevice, Bidirectional) and
/// SyncForDevice, and back on SyncForCpu and unmap (FromDevice, Bidirectional); the cache
/// maintenance then applies to the slot, which is what the device reads and writes.
/// </summary>
public sealed partial class DmaDevice
{
    /// <summary>Largest CPU access of one copy step (the harness's cpu_read / cpu_write limit).</summary>
    private const int CopyChunk = 1 << 20;

    /// <summary>A slot starts at this alignment plus the buffer's offset within it (swiotlb keeps the offset within a cache line).</summary>
    private const ulong SlotAlign = 64;

    private readonly RegionAllocator _swiotlb;
    private int _maskBits;
    private int _coherentMaskBits;
    private long _bounceMaps;
    private long _bounceBytesToDevice;
    private long _bounceBytesToCpu;

    /// <summary>Bits of the streaming DMA mask now.</summary>
    public int MaskBits => _maskBits;

    /// <summary>Bits of the coherent DMA mask now.</summary>
    public int CoherentMaskBits => _coherentMaskBits;

    /// <summary>The highest bus address coherent memory may have (<see cref="SetCoherentMask"/>).</summary>
    public ulong CoherentDmaMask => MaskOf(_coherentMaskBits);

    /// <summary>What this device bounced so far (swiotlb statistics, per device).</summary>
    public DmaBounceStats BounceStats => new(_bounceMaps, _bounceBytesToDevice, _bounceBytesToCpu,
        _mappings.Count(m => m.Bounce != null), (long)_swiotlb.InUse);

    /// <summary>
    /// Sets the streaming DMA mask (dma_set_mask) at run time; later mappings beyond it are bounced.
    /// Live mappings keep their addresses.
    /// </summary>
    /// <param name="bits">1..64.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not 1..64.</exception>
    /// <exception cref="DmaMaskException">The mask is below every DRAM window, or below the bounce pool (nothing changed).</exception>
    public void SetMask(int bits)
    {
        CheckMask("SetMask", bits);
        if (!Bridge.BelowMask(Options.SwiotlbBase, Options.SwiotlbSize, MaskOf(bits)))
        {
            throw new DmaMaskException("SetMask", bits,
                $"the bounce pool [0x{Options.SwiotlbBase:X}, +0x{Options.SwiotlbSize:X}) lies above it on the bus ({Bridge}): nothing could be bounced");
        }

        _maskBits = bits;
    }

    /// <summary>Sets the coherent DMA mask (dma_set_coherent_mask); later coherent allocations must lie below it.</summary>
    /// <param name="bits">1..64.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not 1..64.</exception>
    /// <exception cref="DmaMaskException">The mask is below every DRAM window (nothing changed).</exception>
    public void SetCoherentMask(int bits)
    {
        CheckMask("SetCoherentMask", bits);
        _coherentMaskBits = bits;
    }

    /// <summary>Both masks (dma_set_mask_and_coherent).</summary>
    /// <param name="bits">1..64.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not 1..64.</exception>
    /// <exception cref="DmaMaskException">As <see cref="SetMask"/> (nothing changed).</exception>
    public void SetMaskAndCoherent(int bits)
    {
        CheckMask("SetMaskAndCoherent", bits);
        SetMask(bits);
        _coherentMaskBits = bits;
    }

    /// <summary>Gives every entry of a mapped scatterlist back to the CPU (dma_sync_sg_for_cpu).</summary>
    /// <param name="list">The list.</param>
    /// <param name="direction">Direction, as mapped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the CPU owns every entry.</returns>
    /// <exception cref="DmaApiException">An entry is unmapped, or the wrong direction.</exception>
    public async Task SyncSgForCpuAsync(MappedScatterlist list, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        foreach (var mapping in list.Mappings)
        {
            await SyncForCpuAsync(mapping, mapping.Length, direction, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives every entry of a mapped scatterlist to the device again (dma_sync_sg_for_device).</summary>
    /// <param name="list">The list.</param>
    /// <param name="direction">Direction, as mapped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the device owns every entry.</returns>
    /// <exception cref="DmaApiException">An entry is unmapped, or the wrong direction.</exception>
    public async Task SyncSgForDeviceAsync(MappedScatterlist list, DmaDirection direction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        foreach (var mapping in list.Mappings)
        {
            await SyncForDeviceAsync(mapping, mapping.Length, direction, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ulong MaskOf(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    private void CheckMask(string call, int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        if (Options.DramWindows is { Count: > 0 } windows && windows.All(w => !Bridge.BelowMask(w.Base, 1, MaskOf(bits))))
        {
            throw new DmaMaskException(call, bits,
                $"every DRAM window lies above it on the bus ({Bridge}: {string.Join(", ", windows.Select(w => $"0x{w.Base:X}+0x{w.Size:X}"))})");
        }
    }

    /// <summary>A slot for the mapping below the mask, keeping its offset within <see cref="SlotAlign"/>.</summary>
    private ulong AllocateBounce(DmaMapping mapping)
    {
        var offset = mapping.CpuAddress % SlotAlign;
        ulong slot;
        try
        {
            slot = _swiotlb.Allocate((ulong)mapping.Length + offset, SlotAlign);
        }
        catch (DmaAllocationException e)
        {
            throw new DmaBounceException(mapping.ToString(), mapping.Length, _maskBits, (long)Options.SwiotlbSize, (long)_swiotlb.InUse, e);
        }

        if (!Bridge.BelowMask(slot + offset, (ulong)mapping.Length, DmaMask))
        {
            _swiotlb.Free(slot);
            throw new DmaMaskException("MapSingle", _maskBits, $"the bounce slot 0x{slot:X} for {mapping} lies above it");
        }

        _bounceMaps++;
        return slot + offset;
    }

    private void ReleaseBounce(DmaMapping mapping)
    {
        if (mapping.Bounce is { } slot)
        {
            _swiotlb.Free(slot - (mapping.CpuAddress % SlotAlign));
        }
    }

    /// <summary>Buffer → slot, by CPU loads and stores (through the cache), when the device will read it.</summary>
    private async Task BounceToDeviceAsync(DmaMapping mapping, CancellationToken cancellationToken)
    {
        if (mapping.Bounce is not { } slot || mapping.Direction == DmaDirection.FromDevice)
        {
            return;
        }

        await CopyAsync(mapping.CpuAddress, slot, mapping.Length, cancellationToken).ConfigureAwait(false);
        _bounceBytesToDevice += mapping.Length;
    }

    /// <summary>Slot → buffer, when the device wrote it (after the slot's invalidate).</summary>
    private async Task BounceToCpuAsync(DmaMapping mapping, CancellationToken cancellationToken)
    {
        if (mapping.Bounce is not { } slot || mapping.Direction == DmaDirection.ToDevice)
        {
            return;
        }

        await CopyAsync(slot, mapping.CpuAddress, mapping.Length, cancellationToken).ConfigureAwait(false);
        _bounceBytesToCpu += mapping.Length;
    }

    private async Task CopyAsync(ulong from, ulong to, int length, CancellationToken cancellationToken)
    {
        for (var done = 0; done < length; done += CopyChunk)
        {
            var size = Math.Min(CopyChunk, length - done);
            var bytes = await _cpu.ReadAsync(from + (ulong)done, size, cached: true, cancellationToken).ConfigureAwait(false);
            await _cpu.WriteAsync(to + (ulong)done, bytes, cached: true, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A device's swiotlb statistics.</summary>
/// <param name="Mappings">Mappings bounced since the device was created.</param>
/// <param name="BytesToDevice">Bytes copied into bounce slots (map, SyncForDevice).</param>
/// <param name="BytesToCpu">Bytes copied back out of them (SyncForCpu, unmap).</param>
/// <param name="LiveMappings">Bounced mappings live now.</param>
/// <param name="PoolBytesInUse">Bytes of the bounce pool in use now.</param>
public sealed record DmaBounceStats(long Mappings, long BytesToDevice, long BytesToCpu, int LiveMappings, long PoolBytesInUse);

/// <summary>A DMA mask the system cannot honour (below every DRAM window, or below the bounce pool); nothing changed.</summary>
public sealed class DmaMaskException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="call">The call, e.g. "SetMask".</param>
    /// <param name="bits">The mask's bits.</param>
    /// <param name="problem">Why it cannot be used.</param>
    public DmaMaskException(string call, int bits, string problem)
        : base($"DMA-API: {call}: a {bits}-bit mask (0x{(bits == 64 ? ulong.MaxValue : (1UL << bits) - 1):X}) cannot be used: {problem}")
    {
        Call = call;
        Bits = bits;
    }

    /// <summary>The call.</summary>
    public string Call { get; }

    /// <summary>The mask's bits.</summary>
    public int Bits { get; }
}

/// <summary>The swiotlb bounce pool has no room for a mapping (Linux: "swiotlb buffer is full"); nothing was mapped.</summary>
public sealed class DmaBounceException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="mapping">The mapping that needed a slot.</param>
    /// <param name="length">Bytes it needed.</param>
    /// <param name="maskBits">The device's mask.</param>
    /// <param name="poolSize">Bytes of the pool.</param>
    /// <param name="inUse">Bytes of it in use.</param>
    /// <param name="inner">The allocator's refusal.</param>
    public DmaBounceException(string mapping, int length, int maskBits, long poolSize, long inUse, Exception inner)
        : base($"DMA-API: swiotlb buffer is full: {mapping} needs {length} bytes below the {maskBits}-bit mask; " +
               $"{inUse} of {poolSize} pool bytes in use", inner)
    {
        Length = length;
        PoolSize = poolSize;
        InUse = inUse;
    }

    /// <summary>Bytes needed.</summary>
    public int Length { get; }

    /// <summary>Pool size.</summary>
    public long PoolSize { get; }

    /// <summary>Bytes in use.</summary>
    public long InUse { get; }
}
