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
    /// <see cref="AddressKind.IommuUnmapTooEarly"/>: the drawn mistake (<see cref="IommuMistake"/>: the source or the destination
    /// unmapped before the copy ran — the device is given its stale IOVA — or mapped for the wrong direction); expected: the
    /// transfer ends with DMADecErr (NOT_PRESENT) or DMASlvErr (permission), the IOMMU records that fault at the first IOVA page
    /// of the mapping concerned, every fault the harness logged is of that kind and direction in its pages, and the
    /// destination keeps its bytes.
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
        var mistake = early ? a.Fault : (IommuMistake?)null;
        try
        {
            var source = await domain.MapSgAsync(
                entries, mistake == IommuMistake.SourceMappedFromDevice ? DmaDirection.FromDevice : DmaDirection.ToDevice, ct).ConfigureAwait(false);
            if (source.Segments.Count != 1)
            {
                throw Fail(scenario, $"MapSg gave {source.Segments.Count} segments for {entries.Count} page-joined entries, expected 1 (merged)");
            }

            var to = await domain.MapSingleAsync(
                destination, mistake == IommuMistake.DestinationMappedToDevice ? DmaDirection.ToDevice : DmaDirection.FromDevice,
                a.DestinationOffset, a.Length, ct).ConfigureAwait(false);
            // the driver's bug: a mapping unmapped before the copy (the device is then given its stale IOVA)
            if (mistake == IommuMistake.DestinationUnmapped)
            {
                await domain.UnmapAsync(to, ct).ConfigureAwait(false);
            }
            else if (mistake == IommuMistake.SourceUnmapped)
            {
                await domain.UnmapSgAsync(source, ct).ConfigureAwait(false);
            }

            string? error = null;
            IReadOnlyList<ulong> descriptors = [];
            try
            {
                if (a.ScatterGather)
                {
                    descriptors = await CopyThroughDescriptorsAsync(harness, channel, domain, to.DmaAddress, source.Segments[0].DmaAddress, (ulong)a.Length, scenario, ct).ConfigureAwait(false);
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

            // the mapping whose IOVAs must fault: the source's (read) or the destination's (write)
            var faulted = !early ? ((ulong, long)?)null
                : a.ExpectedFault.Write ? (to.DmaAddress, to.Length) : (source.Segments[0].DmaAddress, source.Segments[0].Length);
            await CheckIommuFaultsAsync(sim, scenario, domain, faulted, error, ct).ConfigureAwait(false);
            if (!early)
            {
                var counters = await domain.ReadCountersAsync(ct).ConfigureAwait(false);
                var port = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
                // SG: the engine's descriptor fetches and STATUS write-backs are translated too
                var wrong = IommuCounterModel.Check(
                    [(source.Segments[0].DmaAddress, a.Length), (to.DmaAddress, a.Length), .. descriptors.Select(d => (d, (long)CdmaDescriptor.HardwareSize))],
                    domain.TlbLog2, domain.Levels,
                    domain.PteBytes == 4 ? 10 : 9, counters, port.Ar.DmaGrants + port.Aw.DmaGrants);
                if (wrong != null)
                {
                    throw Fail(scenario, $"IOMMU counters after the copy: {wrong}");
                }
            }

            if (mistake != IommuMistake.SourceUnmapped)
            {
                await domain.UnmapSgAsync(source, ct).ConfigureAwait(false);
            }

            if (mistake != IommuMistake.DestinationUnmapped)
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
    /// <returns>The descriptors' IOVAs.</returns>
    private static async Task<IReadOnlyList<ulong>> CopyThroughDescriptorsAsync(
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

        return transaction.Descriptors;
    }

    /// <summary>
    /// No fault (<paramref name="faulted"/> null), or exactly the scenario's expected fault (<see cref="AddressScenario.ExpectedFault"/>)
    /// in the IOVA range <paramref name="faulted"/>: the transfer error its kind answers, the record, and every fault the harness logged.
    /// </summary>
    private static async Task CheckIommuFaultsAsync(
        SimClient sim, Scenario scenario, IommuDomain domain, (ulong Iova, long Length)? faulted, string? error, CancellationToken ct)
    {
        var record = await domain.ReadFaultAsync(ct).ConfigureAwait(false);
        var logged = await sim.IommuFaultsAsync(clear: true, ct).ConfigureAwait(false);
        if (faulted is not { } range)
        {
            if (record.Count != 0 || logged.Count != 0)
            {
                throw Fail(scenario, $"{record.Count} IOMMU faults recorded ({logged.Count} logged) in a copy through live mappings, the first {record.Kind} at IOVA 0x{record.Iova:X}");
            }

            return;
        }

        var (kind, write) = scenario.Address!.ExpectedFault;
        var response = kind == IommuFaultKind.NotPresent ? "DMADecErr" : "DMASlvErr";
        var what = $"{kind} {(write ? "write" : "read")} fault in the IOVA range 0x{range.Iova:X}+{range.Length}";
        if (error == null || !error.Contains(response, StringComparison.Ordinal))
        {
            throw Fail(scenario, $"the copy ended with {(error == null ? "no error" : error)}, expected {response} ({what})");
        }

        if (record.Kind != kind || record.Write != write || record.Iova / IovaAllocator.PageSize != range.Iova / IovaAllocator.PageSize)
        {
            throw Fail(scenario, $"the IOMMU recorded {record}, expected a {what}, in its first page");
        }

        // a burst's IOVA may lie below the range's first byte (aligned down to a beat), never outside its pages
        var first = range.Iova / IovaAllocator.PageSize;
        var last = (range.Iova + (ulong)range.Length - 1) / IovaAllocator.PageSize;
        var stray = logged.FirstOrDefault(l => l.Write != write || l.Kind != (int)kind
            || l.Iova / IovaAllocator.PageSize < first || l.Iova / IovaAllocator.PageSize > last);
        if (logged.Count == 0 || (uint)logged.Count != record.Count || stray != null)
        {
            throw Fail(scenario, $"the harness logged {logged.Count} IOMMU faults, the IOMMU counted {record.Count}; expected the same number, each a {what}" +
                (stray != null ? $"; e.g. {stray}" : ""));
        }
    }
}
