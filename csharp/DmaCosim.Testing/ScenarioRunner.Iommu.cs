// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing.Models;

namespace DmaCosim.Testing;

/// <summary>The IOMMU scenarios (<see cref="AddressKind.Iommu"/>, <see cref="AddressKind.IommuUnmapTooEarly"/>): one copy through an <see cref="IommuDomain"/>.</summary>
public static partial class ScenarioRunner
{
    /// <summary>
    /// Runs an IOMMU scenario: the IOMMU on, the source mapped as one buffer or as scattered pages (a spacer page
    /// between each) that MapSg merges into one IOVA range, the destination mapped, one copy between the IOVAs.
    /// <see cref="AddressKind.Iommu"/>: byte-exact, no fault, the IOMMU counters as <see cref="Models.IommuCounterModel"/> allows for the two IOVA ranges, every mapping gone after the unmaps.
    /// <see cref="AddressKind.IommuUnmapTooEarly"/>: the destination unmapped before the copy ran (the device is
    /// given its stale IOVA); expected: the transfer ends with DMADecErr, the IOMMU records a NOT_PRESENT write fault at the
    /// destination's first IOVA page, every fault the harness logged is a write in the destination's IOVA pages,
    /// and the destination keeps its bytes.
    /// </summary>
    /// <returns>The cycles and the DMA part's bus counters.</returns>
    private static async Task<(ulong Cycles, DmaBusStats Bus)> ExecuteIommuAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, CancellationToken ct)
    {
        var a = scenario.Address!;
        var sim = harness.Client;
        var rtl = harness.Hello.Rtl;
        var cpu = new SimCpu(sim);
        var device = new DmaDevice(cpu, cpu, DmaDevice.OptionsFor(harness.Hello) with { MaskBits = a.MaskBits, CoherentMaskBits = 32 });
        var domain = await IommuDomain.CreateAsync(sim, device, cancellationToken: ct).ConfigureAwait(false);
        // SG: the descriptors come from a pool mapped in the domain, so CURDESC / TAILDESC / NXTDESC are IOVAs
        var channel = a.ScatterGather
            ? await CdmaChannel.CreateBehindIommuAsync(sim, domain, rtl, cancellationToken: ct).ConfigureAwait(false)
            : new CdmaChannel(sim, device, rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        var poolMappings = domain.Mappings.Count; // the descriptor pool's memory (SG) stays mapped with the domain
        await sim.DmaBusStatsAsync(reset: true, ct).ConfigureAwait(false);

        // the source: one buffer, or one page per piece with a spacer page after each
        var data = scenario.InitialSource(0);
        var entries = new List<ScatterEntry>();
        const int page = (int)IovaAllocator.PageSize;
        for (int at = 0, offset = a.SourceOffset; at < a.Length; offset = 0)
        {
            var piece = a.Scattered ? Math.Min(page - offset, a.Length - at) : a.Length;
            var buffer = device.Allocate(a.Scattered ? page : a.Length + 128, page);
            if (a.Scattered)
            {
                device.Allocate(page, page);
            }

            await harness.Memory.WriteAsync(buffer.Address + (ulong)offset, data.AsMemory(at, piece), ct).ConfigureAwait(false);
            entries.Add(new ScatterEntry(buffer, offset, piece));
            at += piece;
        }

        var destination = device.Allocate(a.Length + 128);
        var destinationAddress = destination.Address + (ulong)a.DestinationOffset;
        await Guards.PlaceAsync(harness.Memory, expected, destinationAddress, a.Length, Guard, ct).ConfigureAwait(false);
        var early = a.Kind == AddressKind.IommuUnmapTooEarly;
        var before = await harness.Memory.ReadAsync(destinationAddress, a.Length, ct).ConfigureAwait(false);
        expected.Expect(destinationAddress, early ? before : data, $"IOMMU scenario's destination ({a.KindName()})");
        var start = await sim.RunAsync(0, ct).ConfigureAwait(false);
        try
        {
            var source = await domain.MapSgAsync(entries, DmaDirection.ToDevice, ct).ConfigureAwait(false);
            if (source.Segments.Count != 1)
            {
                throw Fail(scenario, $"MapSg gave {source.Segments.Count} segments for {entries.Count} page-joined entries, expected 1 (merged)");
            }

            var to = await domain.MapSingleAsync(destination, DmaDirection.FromDevice, a.DestinationOffset, a.Length, ct).ConfigureAwait(false);
            if (early)
            {
                await domain.UnmapAsync(to, ct).ConfigureAwait(false); // the driver's bug: the device is then given the stale IOVA
            }

            string? error = null;
            try
            {
                if (a.ScatterGather)
                {
                    await CopyThroughDescriptorsAsync(harness, channel, domain, to.DmaAddress, source.Segments[0].DmaAddress, (ulong)a.Length, scenario, ct).ConfigureAwait(false);
                }
                else
                {
                    await channel.MemcpyAsync(to.DmaAddress, source.Segments[0].DmaAddress, (uint)a.Length, ct).ConfigureAwait(false);
                }
            }
            catch (CdmaTransferException e) when (early)
            {
                error = string.Join(", ", e.Status.Errors);
            }

            await CheckIommuFaultsAsync(sim, scenario, domain, early ? to : null, error, ct).ConfigureAwait(false);
            if (!early)
            {
                var counters = await domain.ReadCountersAsync(ct).ConfigureAwait(false);
                var port = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
                var wrong = IommuCounterModel.Check(
                    [(source.Segments[0].DmaAddress, a.Length), (to.DmaAddress, a.Length)], domain.TlbLog2, domain.Levels,
                    domain.PteBytes == 4 ? 10 : 9, counters, port.Ar.DmaGrants + port.Aw.DmaGrants);
                if (wrong != null)
                {
                    throw Fail(scenario, $"IOMMU counters after the copy: {wrong}");
                }
            }

            await domain.UnmapSgAsync(source, ct).ConfigureAwait(false);
            if (!early)
            {
                await domain.UnmapAsync(to, ct).ConfigureAwait(false);
            }

            if (domain.Mappings.Count != poolMappings || device.Mappings.Count != 0)
            {
                throw Fail(scenario, $"{domain.Mappings.Count - poolMappings} IOMMU and {device.Mappings.Count} DMA API mappings left after every unmap");
            }
        }
        catch (Exception e) when (e is DmaApiException or DmaAllocationException or CdmaTransferException)
        {
            throw Fail(scenario, e.Message);
        }

        var end = await sim.RunAsync(0, ct).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
        return (end - start, bus);
    }

    /// <summary>
    /// One copy in SG mode between IOVAs: its descriptors from the channel's pool in the IOMMU domain, prepared,
    /// submitted, issued and waited for. Each descriptor address the engine was given must be an IOVA the domain
    /// maps, and (on success) the STATUS word at its physical address must read Cmplt without an error bit: what the
    /// engine wrote back through the IOMMU.
    /// </summary>
    private static async Task CopyThroughDescriptorsAsync(
        HarnessProcess harness, CdmaChannel channel, IommuDomain domain, ulong destination, ulong source, ulong length, Scenario scenario,
        CancellationToken ct)
    {
        if (!channel.HasScatterGather || !channel.DescriptorPool.BehindIommu)
        {
            throw Fail(scenario, "SG through the IOMMU needs the SG engine and a descriptor pool mapped in the domain");
        }

        var transaction = await channel.PrepMemcpyAsync(destination, source, length, ct).ConfigureAwait(false);
        var physical = transaction.Descriptors
            .Select(d => domain.Translate(d) ?? throw Fail(scenario, $"descriptor 0x{d:X} is not an IOVA the IOMMU domain maps")).ToList();
        await channel.SubmitAsync(transaction, ct).ConfigureAwait(false);
        await channel.IssuePendingAsync(ct).ConfigureAwait(false);
        await channel.WaitAsync(transaction, cancellationToken: ct).ConfigureAwait(false);
        foreach (var address in physical)
        {
            var status = BitConverter.ToUInt32(await harness.Memory.ReadAsync(address + CdmaDescriptor.StatusOffset, 4, ct).ConfigureAwait(false));
            if ((status & CdmaDescriptor.StatusComplete) == 0 || (status & CdmaDescriptor.StatusErrors) != 0)
            {
                throw Fail(scenario, $"the descriptor at physical 0x{address:X} reads STATUS 0x{status:X8} after the SG copy through the IOMMU, expected Cmplt and no error");
            }
        }
    }

    /// <summary>No fault (<paramref name="unmapped"/> null), or exactly the faults of writes to <paramref name="unmapped"/>'s IOVAs.</summary>
    private static async Task CheckIommuFaultsAsync(
        SimClient sim, Scenario scenario, IommuDomain domain, IommuMapping? unmapped, string? error, CancellationToken ct)
    {
        var record = await domain.ReadFaultAsync(ct).ConfigureAwait(false);
        var logged = await sim.IommuFaultsAsync(clear: true, ct).ConfigureAwait(false);
        if (unmapped == null)
        {
            if (record.Count != 0 || logged.Count != 0)
            {
                throw Fail(scenario, $"{record.Count} IOMMU faults recorded ({logged.Count} logged) in a copy through live mappings, the first {record.Kind} at IOVA 0x{record.Iova:X}");
            }

            return;
        }

        if (error == null || !error.Contains("DMADecErr", StringComparison.Ordinal))
        {
            throw Fail(scenario, $"the copy to the unmapped {unmapped} ended with {(error == null ? "no error" : error)}, expected DMADecErr");
        }

        if (record is not { Kind: IommuFaultKind.NotPresent, Write: true } || record.Iova / IovaAllocator.PageSize != unmapped.DmaAddress / IovaAllocator.PageSize)
        {
            throw Fail(scenario, $"the IOMMU recorded {record}, expected a NOT_PRESENT write fault in the page of 0x{unmapped.DmaAddress:X} (the unmapped destination's start)");
        }

        // a burst's IOVA may lie below the destination's first byte (aligned down to a beat), never outside its pages
        var first = unmapped.DmaAddress / IovaAllocator.PageSize;
        var last = (unmapped.DmaAddress + (ulong)unmapped.Length - 1) / IovaAllocator.PageSize;
        var stray = logged.FirstOrDefault(l => !l.Write || l.Kind != (int)IommuFaultKind.NotPresent
            || l.Iova / IovaAllocator.PageSize < first || l.Iova / IovaAllocator.PageSize > last);
        if (logged.Count == 0 || (uint)logged.Count != record.Count || stray != null)
        {
            throw Fail(scenario, $"the harness logged {logged.Count} IOMMU faults, the IOMMU counted {record.Count}; expected the same number, all NOT_PRESENT writes in the pages of {unmapped}" +
                (stray != null ? $"; e.g. {stray}" : ""));
        }
    }
}
