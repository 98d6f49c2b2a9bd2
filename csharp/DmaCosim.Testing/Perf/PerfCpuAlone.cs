// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;

namespace DmaCosim.Testing.Perf;

/// <summary>The background CPU traffic measured with no DMA running: the floor the modes' CPU latencies compare with.</summary>
/// <param name="Latency">DRAM read and write latency in cycles.</param>
/// <param name="CpuLoad">Background CPU accesses per 100 cycles (at least 1).</param>
/// <param name="Cycles">Cycles measured (<see cref="PerfCpuAlone.WindowCycles"/>).</param>
/// <param name="Cpu">The CPU's accesses and latencies over those cycles.</param>
/// <param name="Error">Why the measurement failed (a crashed harness), or null.</param>
public sealed record CpuAloneResult(int Latency, int CpuLoad, ulong Cycles, CpuStats Cpu, string? Error = null)
{
    /// <summary>True when the measurement completed.</summary>
    public bool Passed => Error == null;

    /// <summary>One line naming the measurement.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"cpu alone latency {Latency} cpu-load {CpuLoad}");
}

/// <summary>
/// Measures the CPU traffic of a <see cref="PerfGrid"/> alone, per memory latency and non-zero CPU load:
/// the same reset, latency, load and warm-up as a sweep point, then <see cref="WindowCycles"/> cycles
/// with no DMA transfer.
/// </summary>
public static class PerfCpuAlone
{
    /// <summary>Cycles measured per (latency, load): at load 30, about 15,000 CPU accesses.</summary>
    public const ulong WindowCycles = 50_000;

    private static readonly CpuStats NoCpu = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The (latency, load) pairs measured: every latency × every non-zero load, in the grid's order.</summary>
    /// <param name="grid">The grid.</param>
    /// <returns>The pairs.</returns>
    public static IReadOnlyList<(int Latency, int CpuLoad)> Pairs(PerfGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return [.. from latency in grid.Latencies from load in grid.CpuLoads where load > 0 select (latency, load)];
    }

    /// <summary>Measures every pair of <see cref="Pairs"/> on a pool of harnesses, in that order.</summary>
    /// <param name="pool">The harnesses.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One result per pair.</returns>
    public static Task<IReadOnlyList<CpuAloneResult>> RunAsync(HarnessPool pool, PerfGrid grid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(grid);
        return pool.RunAsync(
            Pairs(grid),
            (harness, pair) => RunPairAsync(harness, grid, pair.Latency, pair.CpuLoad, cancellationToken),
            (pair, crash) => new CpuAloneResult(pair.Latency, pair.CpuLoad, 0, NoCpu, $"harness crashed: {crash.Message}"),
            cancellationToken: cancellationToken);
    }

    /// <summary>Measures the CPU traffic alone at one memory latency and load.</summary>
    /// <param name="harness">The harness (reset here).</param>
    /// <param name="grid">The grid's shared settings (region, stores).</param>
    /// <param name="latency">DRAM latency in cycles.</param>
    /// <param name="load">CPU accesses per 100 cycles (at least 1).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What it measured.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="load"/> is below 1 (nothing to measure).</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public static async Task<CpuAloneResult> RunPairAsync(
        HarnessProcess harness, PerfGrid grid, int latency, int load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(load, 1);
        var sim = harness.Client;
        await PerfSweep.ResetAsync(sim, latency, cancellationToken).ConfigureAwait(false);
        await PerfSweep.StartCpuLoadAsync(sim, grid, load, cancellationToken).ConfigureAwait(false);
        await sim.CpuStatsAsync(reset: true, cancellationToken).ConfigureAwait(false);
        await sim.RunAsync(WindowCycles, cancellationToken).ConfigureAwait(false);
        var cpu = await sim.CpuStatsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await sim.StopCpuLoadAsync(cancellationToken).ConfigureAwait(false);
        return new CpuAloneResult(latency, load, WindowCycles, cpu);
    }
}
