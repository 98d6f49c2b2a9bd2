// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary>
/// The demo's IOMMU section: scattered pages mapped into one contiguous IOVA range and copied with one
/// simple-mode copy, byte-exact; then a DMA from the unmapped IOVA caught as an IOMMU fault.
/// </summary>
internal static class IommuDemo
{
    /// <summary>Runs the section; false when something did not happen as it should.</summary>
    public static async Task<bool> RunAsync(HarnessProcess harness, CancellationToken ct)
    {
        var sim = harness.Client;
        await sim.ResetAsync(cancellationToken: ct).ConfigureAwait(false);
        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        var device = channel.Device;
        var domain = await IommuDomain.CreateAsync(sim, device, cancellationToken: ct).ConfigureAwait(false);

        const int pages = 4;
        var entries = new List<ScatterEntry>();
        for (var i = 0; i < pages; i++)
        {
            entries.Add(new ScatterEntry(device.Allocate(4096, 4096), 0, 4096));
            device.Allocate(4096 * (i + 1), 4096); // a hole: the pages are scattered
        }

        var data = SeededPattern.Create(pages * 4096, 5);
        for (var i = 0; i < pages; i++)
        {
            await harness.Memory.WriteAsync(entries[i].Buffer.Address, data.AsMemory(i * 4096, 4096), ct).ConfigureAwait(false);
        }

        var destination = device.Allocate(pages * 4096, 4096);
        var source = await domain.MapSgAsync(entries, DmaDirection.ToDevice, ct).ConfigureAwait(false);
        var to = await domain.MapSingleAsync(destination, DmaDirection.FromDevice, cancellationToken: ct).ConfigureAwait(false);
        Console.WriteLine($"iommu    {pages} pages at {string.Join(", ", entries.Select(e => $"0x{e.Buffer.Address:X}"))}");
        Console.WriteLine($"         -> {source.Segments.Count} IOVA segment 0x{source.Segments[0].DmaAddress:X}+{source.Segments[0].Length}, one copy to IOVA 0x{to.DmaAddress:X}");
        Console.WriteLine($"         bus offset 0x{harness.Hello.BusOffset:X} applies only with the IOMMU off (PTEs hold physical)");
        await channel.MemcpyAsync(to.DmaAddress, source.Segments[0].DmaAddress, (uint)(pages * 4096), ct).ConfigureAwait(false);
        var copied = await harness.Memory.ReadAsync(destination.Address, pages * 4096, ct).ConfigureAwait(false);
        var counters = await domain.ReadCountersAsync(ct).ConfigureAwait(false);
        var exact = copied.AsSpan().SequenceEqual(data);
        Console.WriteLine($"         copy {(exact ? "byte-exact" : "WRONG")}; IOTLB hits {counters.Hits}, misses {counters.Misses}, PTE reads {counters.PteReads}");

        var stale = source.Segments[0].DmaAddress;
        await domain.UnmapSgAsync(source, ct).ConfigureAwait(false);
        try
        {
            await channel.MemcpyAsync(to.DmaAddress, stale, 4096, ct).ConfigureAwait(false);
            Console.WriteLine("         DMA after unmap: NOT caught");
            return false;
        }
        catch (CdmaTransferException error)
        {
            var fault = await domain.ReadFaultAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"         DMA after unmap from IOVA 0x{stale:X}: caught, {fault.Kind} fault on a {(fault.Write ? "write" : "read")} of 0x{fault.Iova:X} at cycle {fault.Cycle} ({error.Status.Errors})");
            return exact && fault.Kind == IommuFaultKind.NotPresent;
        }
    }
}
