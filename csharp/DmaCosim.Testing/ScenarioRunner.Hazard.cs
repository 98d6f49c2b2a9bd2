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
    /// Runs a hazard scenario: the CPU's accesses and the driver's mistake around one dmaengine copy, then the
    /// monitor's reports against <see cref="HazardScenario.Predicted"/> (exactly the predicted kind, one report per
    /// granule, each inside its range, no other kind) and memory or the CPU's loads against what the mistake leaves:
    /// the stale bytes are stale. Clears the monitor afterwards, so the end-of-scenario check sees no violation.
    /// </summary>
    /// <returns>The cycles, the DMA part's bus counters and the hazards observed (kind, beat bytes).</returns>
    private static async Task<(ulong Cycles, DmaBusStats Bus, IReadOnlyList<HazardFacts> Hazards)> ExecuteHazardAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, CancellationToken ct)
    {
        var hazard = scenario.Hazard!;
        var sim = harness.Client;
        var memory = harness.Memory;
        var rtl = harness.Hello.Rtl;
        var copy = scenario.Copies[0];
        var source = scenario.InitialSource(0);
        var cpuData = SeededPattern.Create(hazard.WindowLength, (scenario.Seed * 1000) + 777);
        await sim.CoherencyAsync(snoop: false, clear: true, cancellationToken: ct).ConfigureAwait(false);
        await memory.WriteAsync(copy.Source, source, ct).ConfigureAwait(false);
        await Guards.PlaceAsync(memory, expected, copy.Destination, (int)copy.Length, Guard, ct).ConfigureAwait(false);
        var channel = new CdmaChannel(sim, rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
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

        var transaction = await channel.PrepMemcpyAsync(copy.Destination, copy.Source, copy.Length, ct).ConfigureAwait(false);
        await channel.SubmitAsync(transaction, ct).ConfigureAwait(false);
        var start = await sim.RunAsync(0, ct).ConfigureAwait(false);
        await channel.IssuePendingAsync(ct).ConfigureAwait(false);
        await channel.WaitAsync(transaction, 100_000 + ((ulong)copy.Length * 16), ct).ConfigureAwait(false);
        var end = await sim.RunAsync(0, ct).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
        if (transaction.State != CdmaTransactionState.Complete)
        {
            throw new ScenarioException($"seed {scenario.Seed}: the copy ended {transaction.State}, expected Complete\nscenario: {scenario.Describe()}");
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
        var report = await sim.CoherencyAsync(clear: true, cancellationToken: ct).ConfigureAwait(false);
        var hazards = hazard.Check(scenario, rtl, report);
        return (end - start, bus, hazards);
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
