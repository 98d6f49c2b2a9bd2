// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Perf;

/// <summary>One copy through the IOMMU: its cycles and what the IOMMU counted.</summary>
/// <param name="Bytes">Bytes copied.</param>
/// <param name="Cycles">Cycles from the BTT write to the interrupt.</param>
/// <param name="Efficiency">Bytes / cycles / bytes per beat (1.0 = one beat every cycle).</param>
/// <param name="Counters">The IOMMU's counters for this copy alone.</param>
public sealed record IommuCopyResult(long Bytes, ulong Cycles, double Efficiency, IommuCounters Counters)
{
    /// <summary>Walk cycles per miss (0 when nothing missed): the cost of an IOTLB miss.</summary>
    public double CyclesPerMiss => Counters.Misses == 0 ? 0 : (double)Counters.WalkCycles / Counters.Misses;
}

/// <summary>
/// A simple-mode copy through the IOMMU (issue #14's performance item): source and destination mapped
/// through an <see cref="IommuDomain"/>, copied cold (every page walked) and then again warm (the
/// IOTLB holds every translation). Cycle counts are deterministic.
/// </summary>
public static class IommuCopyBench
{
    /// <summary>Resets the RTL, maps two buffers of <paramref name="bytes"/>, copies cold and warm.</summary>
    /// <param name="sim">The harness.</param>
    /// <param name="rtl">The build.</param>
    /// <param name="bytes">Bytes per copy (≤ BTT max).</param>
    /// <param name="tlbLog2">log2 of the IOTLB entries to use (null: all).</param>
    /// <param name="cancellationToken">Cancels the waits.</param>
    /// <returns>The cold copy and the warm one.</returns>
    public static async Task<(IommuCopyResult Cold, IommuCopyResult Warm)> RunAsync(
        SimClient sim, RtlInfo rtl, int bytes, int? tlbLog2 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(rtl);
        await sim.ResetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var channel = new CdmaChannel(sim, rtl);
        await channel.ResetAsync(cancellationToken).ConfigureAwait(false);
        var device = channel.Device;
        var domain = await IommuDomain.CreateAsync(sim, device, new IommuDomainOptions { TlbLog2 = tlbLog2 }, cancellationToken).ConfigureAwait(false);
        var source = device.Allocate(bytes, 4096);
        var destination = device.Allocate(bytes, 4096);
        await sim.MemWriteAsync(source.Address, SeededPattern.Create(bytes, 1), cancellationToken).ConfigureAwait(false);
        var from = await domain.MapSingleAsync(source, DmaDirection.ToDevice, cancellationToken: cancellationToken).ConfigureAwait(false);
        var to = await domain.MapSingleAsync(destination, DmaDirection.FromDevice, cancellationToken: cancellationToken).ConfigureAwait(false);

        var cold = await CopyAsync(channel, domain, from, to, bytes, rtl, cancellationToken).ConfigureAwait(false);
        var warm = await CopyAsync(channel, domain, from, to, bytes, rtl, cancellationToken).ConfigureAwait(false);
        return (cold, warm);
    }

    private static async Task<IommuCopyResult> CopyAsync(CdmaChannel channel, IommuDomain domain, IommuMapping from, IommuMapping to,
        int bytes, RtlInfo rtl, CancellationToken cancellationToken)
    {
        await domain.ClearAsync(cancellationToken).ConfigureAwait(false);
        var result = await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, (uint)bytes, cancellationToken).ConfigureAwait(false);
        var counters = await domain.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        return new IommuCopyResult(bytes, result.Cycles, result.BytesPerCycle / rtl.BytesPerBeat, counters);
    }
}
