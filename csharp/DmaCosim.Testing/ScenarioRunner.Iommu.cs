// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>The IOMMU scenarios (<see cref="AddressKind.Iommu"/>, <see cref="AddressKind.IommuUnmapTooEarly"/>): one copy through an <see cref="IommuDomain"/>.</summary>
public static partial class ScenarioRunner
{
    /// <summary>
    /// Runs an IOMMU scenario: the IOMMU on, the source mapped as one buffer or as scattered pages (a spacer page
    /// between each) that MapSg merges into one IOVA range, the destination mapped, one copy between the IOVAs.
    /// <see cref="AddressKind.Iommu"/>: byte-exact, no fault, every mapping gone after the unmaps.
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
        var device = new DmaDevice(cpu, cpu, new DmaDeviceOptions
        {
            MaskBits = a.MaskBits,
            CoherentMaskBits = 32,
            DramWindows = harness.Hello.Dram.Select(d => (d.Base, d.Size)).ToList(),
        });
        var channel = new CdmaChannel(sim, device, rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        var domain = await IommuDomain.CreateAsync(sim, device, cancellationToken: ct).ConfigureAwait(false);
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

            // simple mode: the SG engine would fetch its descriptors through the IOMMU too, from a pool this domain has not mapped
            string? error = null;
            try
            {
                await channel.MemcpyAsync(to.DmaAddress, source.Segments[0].DmaAddress, (uint)a.Length, ct).ConfigureAwait(false);
            }
            catch (CdmaTransferException e) when (early)
            {
                error = string.Join(", ", e.Status.Errors);
            }

            // the mapping whose IOVAs must fault: the source's (read) or the destination's (write)
            var faulted = !early ? ((ulong, long)?)null
                : a.ExpectedFault.Write ? (to.DmaAddress, to.Length) : (source.Segments[0].DmaAddress, source.Segments[0].Length);
            await CheckIommuFaultsAsync(sim, scenario, domain, faulted, error, ct).ConfigureAwait(false);
            if (mistake != IommuMistake.SourceUnmapped)
            {
                await domain.UnmapSgAsync(source, ct).ConfigureAwait(false);
            }

            if (mistake != IommuMistake.DestinationUnmapped)
            {
                await domain.UnmapAsync(to, ct).ConfigureAwait(false);
            }

            if (domain.Mappings.Count != 0 || device.Mappings.Count != 0)
            {
                throw Fail(scenario, $"{domain.Mappings.Count} IOMMU and {device.Mappings.Count} DMA API mappings left after every unmap");
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
