// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;

namespace DmaCosim.Driver;

/// <summary>Settings of a <see cref="CdmaChannel"/>.</summary>
public sealed record CdmaChannelOptions
{
    /// <summary>Fixed part of the cycle budget of one transfer (the simulated watchdog).</summary>
    public ulong BaseTimeoutCycles { get; init; } = 100_000;

    /// <summary>Cycles allowed per byte on top of <see cref="BaseTimeoutCycles"/>.</summary>
    public ulong TimeoutCyclesPerByte { get; init; } = 4;

    /// <summary>
    /// Cycles allowed for CDMACR.Reset to self-clear. The engine drains the bursts in flight first,
    /// which takes up to MAX_OUTSTANDING × MAX_BURST beats plus the memory latency.
    /// </summary>
    public ulong ResetTimeoutCycles { get; init; } = 100_000;

    /// <summary>Cycles run between two reads of CDMACR while waiting for the reset to finish.</summary>
    public ulong ResetPollCycles { get; init; } = 64;
}

/// <summary>The outcome of one transfer, in simulated cycles.</summary>
/// <param name="Bytes">Bytes copied.</param>
/// <param name="StartCycle">Cycle at which the BTT write was accepted (the transfer started).</param>
/// <param name="EndCycle">Cycle at which the interrupt was raised.</param>
/// <param name="Status">CDMASR at completion.</param>
public sealed record CdmaTransferResult(ulong Bytes, ulong StartCycle, ulong EndCycle, CdmaStatus Status)
{
    /// <summary>Cycles from start to interrupt.</summary>
    public ulong Cycles => EndCycle - StartCycle;

    /// <summary>Bytes per cycle.</summary>
    public double BytesPerCycle => Cycles == 0 ? 0 : (double)Bytes / Cycles;
}

/// <summary>
/// The AXI CDMA channel, programmed the way Linux <c>xilinx_dma</c> programs it: probe reads
/// CDMASR.SGIncld, resets and enables interrupts; transfers go through the dmaengine-style
/// prep / submit / issue-pending / completion API (CdmaChannel.Engine.cs), or, for a one-off copy,
/// through <see cref="MemcpyAsync"/> in simple mode.
/// </summary>
public sealed partial class CdmaChannel
{
    private const string DescriptorPoolName = "xilinx_cdma_desc_pool";

    private const uint AllIrqEnables =
        (1u << CdmaRegisters.Cr.IocIrqEnBit) | (1u << CdmaRegisters.Cr.DlyIrqEnBit) | (1u << CdmaRegisters.Cr.ErrIrqEnBit);

    private readonly SimClient _sim;
    private readonly RtlInfo _rtl;
    private readonly CdmaChannelOptions _options;

    /// <summary>
    /// Creates the channel for a device whose DMA API it uses: its descriptors come from a
    /// <see cref="DmaPool"/> of the device (coherent memory the CPU writes through the cache RTL's CPU
    /// port), and the buffers it is given are mapped through it.
    /// </summary>
    /// <param name="sim">The client of the harness.</param>
    /// <param name="device">The DMA API of the CDMA device.</param>
    /// <param name="rtl">The RTL build parameters (from <c>hello</c>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    public CdmaChannel(SimClient sim, DmaDevice device, RtlInfo rtl, CdmaChannelOptions? options = null)
        : this(sim, device, rtl, options, null)
    {
    }

    private CdmaChannel(SimClient sim, DmaDevice device, RtlInfo rtl, CdmaChannelOptions? options, DmaPool? pool)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(rtl);
        _sim = sim;
        Device = device;
        _rtl = rtl;
        _options = options ?? new CdmaChannelOptions();
        _pool = pool ?? device.CreatePool(DescriptorPoolName, CdmaDescriptor.Size, CdmaDescriptor.Size);
    }

    /// <summary>
    /// Creates the channel of a device behind an IOMMU: its descriptor pool is mapped in
    /// <paramref name="domain"/> (<see cref="IommuDomain.CreatePoolAsync"/>), so CURDESC, TAILDESC and every
    /// NXTDESC it writes are IOVAs and scatter-gather works with translation on; give it IOVAs
    /// (<see cref="IommuMapping.DmaAddress"/>) as source and destination.
    /// </summary>
    /// <param name="sim">The client of the harness.</param>
    /// <param name="domain">The IOMMU domain of the device (its <see cref="IommuDomain.Device"/> is the channel's).</param>
    /// <param name="rtl">The RTL build parameters (from <c>hello</c>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="descriptorPages">4 KiB pages behind the descriptor pool (64 descriptors each).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The channel (not probed yet).</returns>
    /// <exception cref="DmaAllocationException">No room for the pool in coherent memory or IOVA space.</exception>
    public static async Task<CdmaChannel> CreateBehindIommuAsync(
        SimClient sim, IommuDomain domain, RtlInfo rtl, CdmaChannelOptions? options = null, int descriptorPages = 4,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var pool = await domain.CreatePoolAsync(DescriptorPoolName, CdmaDescriptor.Size, CdmaDescriptor.Size,
            pages: descriptorPages, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new CdmaChannel(sim, domain.Device, rtl, options, pool);
    }

    /// <summary>
    /// Creates the channel with a non-coherent device of its own (the cache RTL's CPU port, a DMA mask of
    /// the build's address width).
    /// </summary>
    /// <param name="sim">The client of the harness.</param>
    /// <param name="rtl">The RTL build parameters (from <c>hello</c>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    public CdmaChannel(SimClient sim, RtlInfo rtl, CdmaChannelOptions? options = null)
        : this(sim, CreateDevice(sim, rtl), rtl, options)
    {
    }

    /// <summary>The DMA API the channel uses: its descriptor pool, and the mappings of the buffers it is given.</summary>
    public DmaDevice Device { get; }

    /// <summary>Reads CDMASR.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The decoded status.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<CdmaStatus> ReadStatusAsync(CancellationToken cancellationToken = default) =>
        new(await _sim.RegReadAsync(CdmaRegisters.CdmasrOffset, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Soft-resets the engine (CDMACR.Reset, waiting for it to self-clear) and enables the IOC, delay and
    /// error interrupts, as <c>xilinx_dma_chan_reset</c> does.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the channel is ready.</returns>
    /// <exception cref="TimeoutException">Reset did not self-clear within <see cref="CdmaChannelOptions.ResetTimeoutCycles"/> cycles.</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        var start = await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, 1u << CdmaRegisters.Cr.ResetBit, cancellationToken)
            .ConfigureAwait(false);
        var now = start;
        while (true)
        {
            var control = await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, cancellationToken).ConfigureAwait(false);
            if ((control & (1u << CdmaRegisters.Cr.ResetBit)) == 0)
            {
                await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, control | AllIrqEnables, cancellationToken)
                    .ConfigureAwait(false);
                return;
            }

            if (now - start >= _options.ResetTimeoutCycles)
            {
                throw new TimeoutException(
                    $"CDMACR.Reset still set {now - start} cycles after it was written (CDMACR=0x{control:X8}): " +
                    "the engine did not drain its bursts in flight");
            }

            now = await _sim.RunAsync(_options.ResetPollCycles, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="source"/> to <paramref name="destination"/>
    /// in simple mode and waits for the interrupt (in simulated time, bounded by a cycle budget).
    /// </summary>
    /// <param name="destination">Destination bus address.</param>
    /// <param name="source">Source bus address.</param>
    /// <param name="length">Bytes, 1..2^26−1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The transfer's cycles and final status.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length or an address range does not fit the engine.</exception>
    /// <exception cref="CdmaAlignmentException">The build has no realigner and the copy is not aligned to the data width (copy_align).</exception>
    /// <exception cref="InvalidOperationException">The engine is not idle or is halted by an earlier error (reset it).</exception>
    /// <exception cref="CdmaTransferException">The transfer ended with error bits in CDMASR.</exception>
    /// <exception cref="SimException">A request failed, including TIMEOUT when the cycle budget ran out.</exception>
    public async Task<CdmaTransferResult> MemcpyAsync(
        ulong destination, ulong source, uint length, CancellationToken cancellationToken = default)
    {
        if (length is 0 or > CdmaRegisters.BttMax)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"BTT is 1..{CdmaRegisters.BttMax} bytes");
        }

        CheckRange(nameof(source), source, length);
        CheckRange(nameof(destination), destination, length);
        CheckCopyAlign(destination, source, length);

        if (_active.Count > 0 || _pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"{_active.Count} active and {_pending.Count} pending transactions: finish or terminate them before a simple-mode copy");
        }

        var before = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!before.Idle || before.HasError)
        {
            throw new InvalidOperationException($"CDMA cannot start a transfer: {before}; reset the channel first");
        }

        var control = await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, cancellationToken).ConfigureAwait(false);
        if ((control & (1u << CdmaRegisters.Cr.SgModeBit)) != 0)
        {
            await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, control & ~(1u << CdmaRegisters.Cr.SgModeBit), cancellationToken)
                .ConfigureAwait(false);
        }

        if ((before.Raw & CdmaRegisters.Sr.IrqMask) != 0)
        {
            // A stale interrupt (an earlier transfer nobody acknowledged) would end the wait below at once.
            await _sim.RegWriteAsync(CdmaRegisters.CdmasrOffset, before.Raw & CdmaRegisters.Sr.IrqMask, cancellationToken)
                .ConfigureAwait(false);
        }

        await WriteAddressAsync(CdmaRegisters.SaOffset, CdmaRegisters.SaMsbOffset, source, cancellationToken).ConfigureAwait(false);
        await WriteAddressAsync(CdmaRegisters.DaOffset, CdmaRegisters.DaMsbOffset, destination, cancellationToken).ConfigureAwait(false);
        var start = await _sim.RegWriteAsync(CdmaRegisters.BttOffset, length, cancellationToken).ConfigureAwait(false);

        var budget = _options.BaseTimeoutCycles + (_options.TimeoutCyclesPerByte * length);
        var irq = await _sim.RunUntilAsync(SimEvent.Irq, budget, cancellationToken).ConfigureAwait(false);
        var status = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        await _sim.RegWriteAsync(CdmaRegisters.CdmasrOffset, status.Raw & CdmaRegisters.Sr.IrqMask, cancellationToken)
            .ConfigureAwait(false);
        if (status.HasError)
        {
            throw new CdmaTransferException(
                $"copy of {length} bytes 0x{source:X} -> 0x{destination:X} failed at cycle {irq.Cycle}", status);
        }

        return status is { Idle: true, IocIrq: true }
            ? new CdmaTransferResult(length, start, irq.Cycle, status)
            : throw new CdmaTransferException(
                $"interrupt at cycle {irq.Cycle} without a completed copy of {length} bytes 0x{source:X} -> 0x{destination:X}", status);
    }

    private static DmaDevice CreateDevice(SimClient sim, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(rtl);
        var cpu = new SimCpu(sim);
        return new DmaDevice(cpu, cpu, new DmaDeviceOptions { MaskBits = rtl.AddrWidth });
    }

    private void CheckRange(string name, ulong address, ulong length)
    {
        var limit = _rtl.AddrWidth >= 64 ? ulong.MaxValue : (1UL << _rtl.AddrWidth) - 1;
        if (address > limit || limit - address < length - 1)
        {
            throw new ArgumentOutOfRangeException(name, $"0x{address:X}",
                $"[0x{address:X}, +{length}) does not fit the engine's {_rtl.AddrWidth}-bit address space");
        }
    }

    private async Task WriteAddressAsync(uint lowOffset, uint highOffset, ulong address, CancellationToken cancellationToken)
    {
        await _sim.RegWriteAsync(lowOffset, (uint)address, cancellationToken).ConfigureAwait(false);
        if (_rtl.AddrWidth > 32)
        {
            await _sim.RegWriteAsync(highOffset, (uint)(address >> 32), cancellationToken).ConfigureAwait(false);
        }
    }
}
