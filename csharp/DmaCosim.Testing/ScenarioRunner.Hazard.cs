// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Testing;

/// <summary>The coherency-hazard scenarios (<see cref="HazardScenario"/>): the expected outcome is the violation.</summary>
public static partial class ScenarioRunner
{
    /// <summary>
    /// Runs a hazard scenario: the CPU's accesses and the driver's mistakes around one dmaengine copy — with
    /// <see cref="HazardScenario.During"/> a first copy before it, and the CPU's loads or clean of that copy's
    /// destination while the second copy's DMA reads its dirty source —, then the monitor's reports and registers against
    /// <see cref="HazardScenario.Check"/> and memory or the CPU's loads against what the mistakes leave: the stale bytes
    /// are stale. Clears the monitor afterwards, so the end-of-scenario check sees no violation.
    /// </summary>
    /// <returns>The cycles, the DMA part's bus counters, the hazards observed (kind, beat bytes) and whether a CPU report
    /// and a DMA report left the monitor's queue back to back.</returns>
    private static async Task<(ulong Cycles, DmaBusStats Bus, IReadOnlyList<HazardFacts> Hazards, bool BackToBack)> ExecuteHazardAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, CancellationToken ct)
    {
        var hazard = scenario.Hazard!;
        var (sim, memory, rtl, copy) = (harness.Client, harness.Memory, harness.Hello.Rtl, scenario.Copies[0]);
        var cpuData = SeededPattern.Create(hazard.WindowLength, (scenario.Seed * 1000) + 777);
        var (channel, source) = await PrepareCopyAsync(harness, scenario, expected, snoop: false, ct).ConfigureAwait(false);

        // the mistake made during the copy needs its buffer held by the CPU and then written by a first copy
        var during = hazard.During;
        var duringData = during == null ? [] : SeededPattern.Create(during.Length, (scenario.Seed * 1000) + 779);
        var prepData = during == null ? [] : SeededPattern.Create(during.Length, (scenario.Seed * 1000) + 778);
        if (during != null)
        {
            await memory.WriteAsync(during.PrepSource, prepData, ct).ConfigureAwait(false);
            await Guards.PlaceAsync(memory, expected, during.Window, during.Length, Guard, ct).ConfigureAwait(false);
            if (during.Kind == HazardKind.StaleCpuRead)
            {
                var held = await sim.CpuReadAsync(during.Window, during.Length, cached: true, ct).ConfigureAwait(false);
                RequireAll(scenario, held, Guards.Value, "the CPU's load of the first copy's destination before it");
            }
            else
            {
                await sim.CpuWriteAsync(during.Window, duringData, cached: true, ct).ConfigureAwait(false);
            }

            await CopyAsync(sim, channel, scenario, during.Prep, () => Task.CompletedTask, ct).ConfigureAwait(false); // no invalidate
        }

        await sim.DmaBusStatsAsync(reset: true, ct).ConfigureAwait(false);

        // before the copy: the CPU's accesses, and the maintenance the driver leaves out
        switch (hazard.Kind)
        {
            case HazardKind.StaleDmaRead or HazardKind.LostDmaWrite:
                await sim.CpuWriteAsync(hazard.Window, cpuData, cached: true, ct).ConfigureAwait(false); // no clean / no invalidate
                break;
            default:
                var before = await sim.CpuReadAsync(hazard.Window, hazard.WindowLength, cached: true, ct).ConfigureAwait(false);
                RequireAll(scenario, before, Guards.Value, "the CPU's load of the destination before the copy");
                break;
        }

        if (hazard.DirtySource is { } dirty)
        {
            var stored = SeededPattern.Create(dirty.Length, (scenario.Seed * 1000) + 780);
            await sim.CpuWriteAsync(dirty.Address, stored, cached: true, ct).ConfigureAwait(false); // no clean
        }

        // the copy, and the CPU-side mistake while its DMA reads
        var cycles = await CopyAsync(sim, channel, scenario, copy, async () =>
        {
            if (during?.Kind == HazardKind.StaleCpuRead)
            {
                var stale = await sim.CpuReadAsync(during.Window, during.Length, cached: true, ct).ConfigureAwait(false);
                RequireAll(scenario, stale, Guards.Value, "the CPU's load of the first copy's destination during the second copy (not invalidated: stale)");
            }
            else if (during != null)
            {
                await sim.CacheAsync(CacheOp.Clean, during.Window, (ulong)during.Length, ct).ConfigureAwait(false);
            }
        }, ct).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
        if (during != null)
        {
            // loaded: memory holds what the first copy wrote; stored: the CPU's lines written back over it
            expected.Expect(during.Window, during.Kind == HazardKind.StaleCpuRead ? prepData : duringData, "the first copy's destination (after the driver's mistake)");
        }

        // after the copy: what the mistake leaves behind
        var destination = (byte[])source.Clone();
        switch (hazard.Kind)
        {
            case HazardKind.StaleDmaRead:
                // the DMA read memory, without the CPU's stores: destination = the source as memory held it (stale under the window)
                break;
            case HazardKind.LostDmaWrite:
                // the lines the CPU dirtied are written back whole over the DMA's bytes: each holds what the fill read
                // (the guard value) with the CPU's stores over it
                var line = (ulong)rtl.CacheLine;
                await sim.CacheAsync(CacheOp.Clean, hazard.Window, (ulong)hazard.WindowLength, ct).ConfigureAwait(false);
                for (var a = hazard.Window & ~(line - 1); a < hazard.Window + (ulong)hazard.WindowLength; a += line)
                {
                    for (var b = Math.Max(a, copy.Destination); b < Math.Min(a + line, copy.Destination + copy.Length); b++)
                    {
                        var inWindow = b >= hazard.Window && b < hazard.Window + (ulong)hazard.WindowLength;
                        destination[b - copy.Destination] = inWindow ? cpuData[b - hazard.Window] : Guards.Value;
                    }
                }

                break;
            default:
                var after = await sim.CpuReadAsync(hazard.Window, hazard.WindowLength, cached: true, ct).ConfigureAwait(false);
                RequireAll(scenario, after, Guards.Value, "the CPU's load of the destination after the copy (not invalidated: stale)");
                break;
        }

        expected.Expect(copy.Destination, destination, "destination (after the driver's mistake)");
        var registers = await MonitorRegisters.ReadAsync(sim, rtl, ct).ConfigureAwait(false);
        var report = await sim.CoherencyAsync(clear: true, cancellationToken: ct).ConfigureAwait(false);
        var hazards = hazard.Check(scenario, rtl, report, registers);
        return (cycles, bus, hazards, HazardScenario.CpuThenDmaBackToBack(report.Violations));
    }

    /// <summary>
    /// Runs a snoop-mode scenario (<see cref="SnoopScenario"/>): snoop mode on, the CPU's loads and stores in the copy's
    /// range, one dmaengine copy without any cache maintenance; then the source and the destination in memory and the
    /// CPU's cached load of the destination must all be the CPU's view of the source, the monitor must report nothing,
    /// its registers must agree, and MON_SNOOPS must be <see cref="SnoopScenario.PredictedSnoops"/>.
    /// </summary>
    /// <returns>The cycles and the DMA part's bus counters.</returns>
    private static async Task<(ulong Cycles, DmaBusStats Bus)> ExecuteSnoopAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, CancellationToken ct)
    {
        var snoop = scenario.Snoop!;
        var (sim, rtl, copy) = (harness.Client, harness.Hello.Rtl, scenario.Copies[0]);
        var (channel, source) = await PrepareCopyAsync(harness, scenario, expected, snoop: true, ct).ConfigureAwait(false);
        await sim.DmaBusStatsAsync(reset: true, ct).ConfigureAwait(false);

        // the CPU holds lines of both buffers, and the driver does no maintenance: snoop mode must make it coherent
        foreach (var load in snoop.DestinationLoads)
        {
            var held = await sim.CpuReadAsync(load.Address, load.Length, cached: true, ct).ConfigureAwait(false);
            RequireAll(scenario, held, Guards.Value, "the CPU's load of the destination before the copy");
        }

        for (var i = 0; i < snoop.DestinationStores.Count; i++)
        {
            var store = snoop.DestinationStores[i];
            await sim.CpuWriteAsync(store.Address, SeededPattern.Create(store.Length, (scenario.Seed * 1000) + 600 + (ulong)i), cached: true, ct).ConfigureAwait(false);
        }

        byte[] SourceStore(int i) => SeededPattern.Create(snoop.SourceStores[i].Length, (scenario.Seed * 1000) + 700 + (ulong)i);
        for (var i = 0; i < snoop.SourceStores.Count; i++)
        {
            await sim.CpuWriteAsync(snoop.SourceStores[i].Address, SourceStore(i), cached: true, ct).ConfigureAwait(false);
        }

        var cycles = await CopyAsync(sim, channel, scenario, copy, () => Task.CompletedTask, ct).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
        var view = snoop.CpuViewOfSource(copy, source, SourceStore);
        expected.Expect(copy.Source, view, "source (its dirty lines cleaned by the snoops)");
        expected.Expect(copy.Destination, view, "destination (snoop mode: the CPU's view of the source)");
        var seen = await sim.CpuReadAsync(copy.Destination, (int)copy.Length, cached: true, ct).ConfigureAwait(false);
        var at = 0;
        while (at < seen.Length && seen[at] == view[at])
        {
            at++;
        }

        var problems = new List<string>();
        if (at < seen.Length)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the CPU's load of the destination after the copy: byte {at} (0x{copy.Destination + (ulong)at:X}) is 0x{seen[at]:X2}, expected 0x{view[at]:X2} (a cached line not invalidated?)"));
        }

        var registers = await MonitorRegisters.ReadAsync(sim, rtl, ct).ConfigureAwait(false);
        var report = await sim.CoherencyAsync(clear: true, cancellationToken: ct).ConfigureAwait(false);
        problems.AddRange(report.Violations.Select(v => string.Create(CultureInfo.InvariantCulture,
            $"unexpected {v.Kind} at 0x{v.Address:X} by {v.Master} (cycle {v.Cycle}) in snoop mode")));
        problems.AddRange(registers.Compare(report.Violations));
        var snoops = snoop.PredictedSnoops(rtl.CacheLine);
        if (registers.Snoops != (uint)snoops)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"MON_SNOOPS reads {registers.Snoops}, expected {snoops} (each dirty source line and each cached destination line once)"));
        }

        if (problems.Count > 0)
        {
            throw new ScenarioException($"seed {scenario.Seed}: snoop mode:\n  {string.Join("\n  ", problems)}\nscenario: {scenario.Describe()}");
        }

        return (cycles, bus);
    }

    /// <summary>
    /// The monitor in the given mode and cleared, the scenario's one copy's source written and guards around its
    /// destination, and a probed dmaengine channel.
    /// </summary>
    /// <returns>The channel and the source's bytes.</returns>
    private static async Task<(CdmaChannel Channel, byte[] Source)> PrepareCopyAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, bool snoop, CancellationToken ct)
    {
        var (sim, memory, copy) = (harness.Client, harness.Memory, scenario.Copies[0]);
        var source = scenario.InitialSource(0);
        await sim.CoherencyAsync(snoop: snoop, clear: true, cancellationToken: ct).ConfigureAwait(false);
        await memory.WriteAsync(copy.Source, source, ct).ConfigureAwait(false);
        await Guards.PlaceAsync(memory, expected, copy.Destination, (int)copy.Length, Guard, ct).ConfigureAwait(false);
        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        return (channel, source);
    }

    /// <summary>One dmaengine copy, <paramref name="meanwhile"/> started right after it is issued; fails unless it completes.</summary>
    /// <returns>The cycles from issue to completion.</returns>
    private static async Task<ulong> CopyAsync(
        SimClient sim, CdmaChannel channel, Scenario scenario, ScenarioCopy copy, Func<Task> meanwhile, CancellationToken ct)
    {
        var transaction = await channel.PrepMemcpyAsync(copy.Destination, copy.Source, copy.Length, ct).ConfigureAwait(false);
        await channel.SubmitAsync(transaction, ct).ConfigureAwait(false);
        var start = await sim.RunAsync(0, ct).ConfigureAwait(false);
        await channel.IssuePendingAsync(ct).ConfigureAwait(false);
        await meanwhile().ConfigureAwait(false);
        await channel.WaitAsync(transaction, 100_000 + ((ulong)copy.Length * 16), ct).ConfigureAwait(false);
        var end = await sim.RunAsync(0, ct).ConfigureAwait(false);
        if (transaction.State != CdmaTransactionState.Complete)
        {
            throw new ScenarioException($"seed {scenario.Seed}: the copy 0x{copy.Source:X} -> 0x{copy.Destination:X} ended {transaction.State}, expected Complete\nscenario: {scenario.Describe()}");
        }

        return end - start;
    }

    private static void RequireAll(Scenario scenario, byte[] seen, byte value, string what)
    {
        var at = Array.FindIndex(seen, b => b != value);
        if (at >= 0)
        {
            throw new ScenarioException(string.Create(CultureInfo.InvariantCulture,
                $"seed {scenario.Seed}: {what}: byte {at} is 0x{seen[at]:X2}, expected 0x{value:X2}\nscenario: {scenario.Describe()}"));
        }
    }
}
