// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Perf;

/// <summary>What one point measured, all in simulated cycles (deterministic) except nothing.</summary>
/// <param name="Point">The point.</param>
/// <param name="Cycles">Cycles from the BTT write to the interrupt.</param>
/// <param name="Cpu">The background CPU traffic's accesses and latencies during the copy.</param>
/// <param name="CpuWaitCycles">Cycles the CPU's requests waited at the arbiter while the DMA was served.</param>
/// <param name="DmaBusWaitCycles">Cycles the DMA had a request it could not move (EXT_PERF_BUS_WAIT).</param>
/// <param name="BusUtilisation">DRAM data beats (R + W) per cycle over both channels, 0..1.</param>
/// <param name="Error">Why the point failed (wrong bytes, a transfer error), or null.</param>
public sealed record PerfResult(
    PerfPoint Point, ulong Cycles, CpuStats Cpu, ulong CpuWaitCycles, ulong DmaBusWaitCycles, double BusUtilisation, string? Error = null)
{
    /// <summary>DMA throughput: bytes copied per cycle.</summary>
    public double DmaBytesPerCycle => Cycles == 0 ? 0 : (double)Point.Size / Cycles;

    /// <summary>True when the copy completed with exactly the right bytes.</summary>
    public bool Passed => Error == null;
}

/// <summary>
/// Runs the points of a <see cref="PerfGrid"/> on harnesses: per point a hardware reset, the DRAM
/// latency, the transfer mode, background CPU traffic, then one simple-mode copy whose destination is
/// checked byte for byte before its figures count.
/// </summary>
public static class PerfSweep
{
    private const ulong Source = 0x0100_0000;
    private const ulong Destination = 0x0300_0000;
    private const ulong CpuRegion = 0x0600_0000;      // disjoint from both buffers
    private const ulong WarmUpCycles = 2_000;         // the CPU traffic reaches its steady state first
    private static readonly CpuStats NoCpu = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>
    /// Runs every point on a pool of harnesses, results in the points' order. Points whose simulation is
    /// the same (transparent mode at different burst lengths, see <see cref="PerfPoint.Simulated"/>)
    /// are simulated once.
    /// </summary>
    /// <param name="pool">The harnesses.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="onResult">Called as each point finishes (from worker threads).</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>One result per point.</returns>
    public static async Task<IReadOnlyList<PerfResult>> RunAsync(
        HarnessPool pool, PerfGrid grid, Action<PerfResult>? onResult = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(grid);
        var points = grid.Points();
        var simulated = points.Select(p => p.Simulated(grid.Bursts[0])).Distinct().ToList();
        var results = await pool.RunAsync(
            simulated,
            (harness, point) => RunPointAsync(harness, grid, point, cancellationToken),
            (point, crash) => new PerfResult(point, 0, NoCpu, 0, 0, 0, $"harness crashed: {crash.Message}"),
            r =>
            {
                // a simulated point stands for every grid point that maps onto it
                foreach (var point in points.Where(p => p.Simulated(grid.Bursts[0]) == r.Point))
                {
                    onResult?.Invoke(r with { Point = point });
                }
            },
            cancellationToken).ConfigureAwait(false);
        var byPoint = results.ToDictionary(r => r.Point);
        return [.. points.Select(p => byPoint[p.Simulated(grid.Bursts[0])] with { Point = p })];
    }

    /// <summary>Runs one point on a harness.</summary>
    /// <param name="harness">The harness (reset here).</param>
    /// <param name="grid">The grid's shared settings.</param>
    /// <param name="point">The point.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What it measured.</returns>
    /// <exception cref="SimException">A request failed (a crashed harness, a transport timeout).</exception>
    public static async Task<PerfResult> RunPointAsync(
        HarnessProcess harness, PerfGrid grid, PerfPoint point, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(point);
        var sim = harness.Client;
        var rtl = harness.Hello.Rtl;
        await ResetAsync(sim, point.Latency, cancellationToken).ConfigureAwait(false);
        // the watchdog: generous for one-beat bursts behind a long latency (each may wait for its response)
        var channel = new CdmaChannel(sim, rtl, new CdmaChannelOptions { TimeoutCyclesPerByte = 8 + (4 * (ulong)point.Latency) });
        await channel.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var reset = await channel.GetTransferModeAsync(cancellationToken).ConfigureAwait(false);
        await channel.SetTransferModeAsync(
            new TransferModeConfig(point.Mode, point.Burst, reset.MaxOutstanding, point.StealBeatsPerGrant, grid.StealIdleCycles),
            cancellationToken).ConfigureAwait(false);

        var data = SeededPattern.Create((int)point.Size, (ulong)point.Size);
        await harness.Memory.WriteAsync(Source, data, cancellationToken).ConfigureAwait(false);
        await harness.Memory.FillAsync(Destination, (int)point.Size, 0, cancellationToken).ConfigureAwait(false);
        if (point.CpuLoad > 0)
        {
            await StartCpuLoadAsync(sim, grid, point.CpuLoad, cancellationToken).ConfigureAwait(false);
        }

        await channel.ClearPerfCountersAsync(cancellationToken).ConfigureAwait(false);
        var start = await sim.StatsAsync(reset: true, cancellationToken).ConfigureAwait(false);
        await sim.CpuStatsAsync(reset: true, cancellationToken).ConfigureAwait(false);
        string? error = null;
        CdmaTransferResult? copy = null;
        try
        {
            copy = await channel.MemcpyAsync(Destination, Source, (uint)point.Size, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CdmaTransferException or SimRequestException)
        {
            error = e.Message; // a transfer error or the cycle watchdog: this point failed, the sweep goes on
        }

        var cpu = await sim.CpuStatsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var dram = await sim.StatsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var counters = await channel.ReadPerfCountersAsync(cancellationToken).ConfigureAwait(false);
        await sim.StopCpuLoadAsync(cancellationToken).ConfigureAwait(false);
        if (error == null)
        {
            var copied = await harness.Memory.ReadAsync(Destination, (int)point.Size, cancellationToken).ConfigureAwait(false);
            var wrong = FirstDifference(data, copied);
            error = wrong < 0 ? null : $"destination differs from the source at offset {wrong} (0x{Destination + (ulong)wrong:X})";
        }

        var cycles = dram.Cycle - start.Cycle;
        var utilisation = cycles == 0 ? 0 : (dram.ReadBeats + dram.WriteBeats) / (2.0 * cycles);
        return new PerfResult(point, copy?.Cycles ?? 0, cpu, counters.CpuWaitCycles, counters.BusWaitCycles, utilisation, error);
    }

    /// <summary>Stops the CPU load, resets the hardware and sets the DRAM latency (no backpressure, no faults).</summary>
    internal static async Task ResetAsync(SimClient sim, int latency, CancellationToken cancellationToken)
    {
        await sim.StopCpuLoadAsync(cancellationToken).ConfigureAwait(false);
        await sim.ResetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await sim.MemConfigAsync(
            new MemConfig { ReadLatency = (uint)latency, WriteLatency = (uint)latency, Backpressure = Backpressure.None, Faults = [] },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the grid's background CPU traffic at a load and runs until it is in its steady state.</summary>
    internal static async Task StartCpuLoadAsync(SimClient sim, PerfGrid grid, int load, CancellationToken cancellationToken)
    {
        await sim.CpuLoadAsync(
            new CpuLoad(CpuLoadPattern.Random, load, CpuRegion, (ulong)grid.CpuRegionBytes, Seed: 1, grid.CpuStorePercent),
            cancellationToken).ConfigureAwait(false);
        await sim.RunAsync(WarmUpCycles, cancellationToken).ConfigureAwait(false);
    }

    private static int FirstDifference(byte[] expected, byte[] actual)
    {
        var common = expected.AsSpan().CommonPrefixLength(actual);
        return common == expected.Length && actual.Length == expected.Length ? -1 : common;
    }
}
