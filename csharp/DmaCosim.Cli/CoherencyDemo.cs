// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary>
/// The demo's coherency section: on a non-coherent SoC, a driver that maps a FromDevice buffer through
/// the DMA API reads exact bytes; the same transfer without SyncForCpu reads stale bytes, and the
/// coherency monitor catches it (kind, address, cycle). The catch is the expected outcome.
/// </summary>
internal static class CoherencyDemo
{
    private const int Length = 256;
    private const ulong Source = 0x0300_0000;

    /// <summary>Runs both drivers; returns false only if the demo's own expectation fails.</summary>
    public static async Task<bool> RunAsync(HarnessProcess harness, CancellationToken ct)
    {
        var sim = harness.Client;
        var cpu = new SimCpu(sim);
        var device = new DmaDevice(cpu, cpu);
        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ResetAsync(ct).ConfigureAwait(false);
        await sim.CoherencyAsync(snoop: false, clear: true, cancellationToken: ct).ConfigureAwait(false);
        var rtl = harness.Hello.Rtl;
        Console.WriteLine();
        Console.WriteLine($"coherency: non-coherent SoC (no dma-coherent), CPU cache {rtl.CacheSets * rtl.CacheWays * rtl.CacheLine / 1024} KiB, " +
                          $"{rtl.CacheWays} ways, {rtl.CacheLine}-byte lines; the monitor watches every access");

        // 1. A correct driver: map FromDevice (invalidate), let the device write, unmap (invalidate), read.
        var fresh = SeededPattern.Create(Length, 21);
        await harness.Memory.WriteAsync(Source, fresh, ct).ConfigureAwait(false);
        var buffer = device.Allocate(Length);
        await device.CpuReadAsync(buffer, 0, Length, ct).ConfigureAwait(false); // the CPU has the buffer cached
        var mapping = await device.MapSingleAsync(buffer, DmaDirection.FromDevice, cancellationToken: ct).ConfigureAwait(false);
        await channel.MemcpyAsync(mapping.DmaAddress, Source, Length, ct).ConfigureAwait(false);
        await device.UnmapAsync(mapping, Length, DmaDirection.FromDevice, ct).ConfigureAwait(false);
        var seen = await device.CpuReadAsync(buffer, 0, Length, ct).ConfigureAwait(false);
        var report = await sim.CoherencyAsync(clear: true, cancellationToken: ct).ConfigureAwait(false);
        var correct = seen.AsSpan().SequenceEqual(fresh) && report.Violations.Count == 0;
        Console.WriteLine($"  correct driver  map(FromDevice) → DMA → unmap → CPU read: {report.Total} violations, " +
                          $"{(seen.AsSpan().SequenceEqual(fresh) ? $"{Length} bytes exact" : "WRONG BYTES")}");

        // 2. The same transfer with SyncForCpu/Unmap missing: the CPU reads its stale cached lines.
        var again = SeededPattern.Create(Length, 22);
        await harness.Memory.WriteAsync(Source, again, ct).ConfigureAwait(false);
        var stale = device.Allocate(Length);
        await device.CpuReadAsync(stale, 0, Length, ct).ConfigureAwait(false); // cached, as before
        await channel.MemcpyAsync(stale.Address, Source, Length, ct).ConfigureAwait(false); // no map, no sync
        var cpuView = await sim.CpuReadAsync(stale.Address, Length, cancellationToken: ct).ConfigureAwait(false);
        var memoryView = await harness.Memory.ReadAsync(stale.Address, Length, ct).ConfigureAwait(false);
        report = await sim.CoherencyAsync(clear: true, cancellationToken: ct).ConfigureAwait(false);
        var first = report.Violations.Count > 0 ? report.Violations[0] : null;
        Console.WriteLine("  missing SyncForCpu (the expected catch):");
        if (first != null)
        {
            Console.WriteLine($"    monitor: {first.Kind} at 0x{first.Address:X8}, cycle {first.Cycle}, revealed by the {first.Master} " +
                              $"({report.Total} reports, one per stale word read)");
        }

        var wrong = cpuView.Zip(memoryView).Count(p => p.First != p.Second);
        Console.WriteLine($"    scoreboard: the CPU saw {wrong} of {Length} bytes stale");
        Console.Write(HexDump.Diff(memoryView, cpuView, stale.Address, 0, contextRows: 0).Replace("expected", "in memory", StringComparison.Ordinal)
            .Replace("| actual", "| CPU saw", StringComparison.Ordinal));
        var caught = first is { Kind: "STALE_CPU_READ" } && first.Address == stale.Address && wrong > 0;
        Console.WriteLine(caught
            ? "  caught as expected: without SyncForCpu the CPU reads stale data, and the monitor says where and when"
            : "  NOT CAUGHT: the monitor or the scoreboard missed the stale read");
        return correct && caught;
    }
}
