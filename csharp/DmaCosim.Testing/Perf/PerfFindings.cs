// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Net;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Perf;

/// <summary>A whole sweep: its grid, the bus it ran on, what each point measured and the CPU alone.</summary>
/// <param name="Grid">The grid.</param>
/// <param name="BusBytesPerCycle">The bus limit of a copy: one read and one write beat per cycle, DATA_WIDTH / 8 bytes.</param>
/// <param name="Results">One result per grid point, in the grid's order (the rows of results.csv).</param>
/// <param name="CpuAlone">The CPU traffic with no DMA, per latency and non-zero load (the rows of cpu_alone.csv).</param>
public sealed record PerfRun(PerfGrid Grid, int BusBytesPerCycle, IReadOnlyList<PerfResult> Results, IReadOnlyList<CpuAloneResult> CpuAlone)
{
    /// <summary>The size the summary, the plots and the conclusions look at: the largest.</summary>
    public long Size => Grid.Sizes.Max();

    /// <summary>The memory latency they look at: the smallest.</summary>
    public int Latency => Grid.Latencies.Min();

    /// <summary>The CPU load of the "idle CPU" figures: the smallest.</summary>
    public int IdleLoad => Grid.CpuLoads.Min();

    /// <summary>The CPU load of the trade-off: the largest.</summary>
    public int BusyLoad => Grid.CpuLoads.Max();

    /// <summary>The burst lengths, ascending.</summary>
    public IReadOnlyList<int> Bursts => [.. Grid.Bursts.Order()];

    /// <summary>The passed result of a point of the largest size, or null.</summary>
    /// <param name="mode">Mode.</param>
    /// <param name="burst">Burst length.</param>
    /// <param name="load">CPU load.</param>
    /// <param name="latency">Memory latency (default: <see cref="Latency"/>).</param>
    /// <returns>The result, or null when the point is not in the grid or failed.</returns>
    public PerfResult? Find(TransferMode mode, int burst, int load, int? latency = null)
    {
        var point = new PerfPoint(mode, burst, Size, latency ?? Latency, load);
        return Results.FirstOrDefault(r => r.Point == point && r.Passed);
    }

    /// <summary>The passed CPU-alone measurement at a latency and load, or null.</summary>
    /// <param name="latency">Memory latency.</param>
    /// <param name="load">CPU load.</param>
    /// <returns>The measurement, or null.</returns>
    public CpuAloneResult? Alone(int latency, int load) => CpuAlone.FirstOrDefault(a => a.Latency == latency && a.CpuLoad == load && a.Passed);
}

/// <summary>
/// What report.html says in words: two sentences per transfer mode, and the conclusions, each number of
/// which is taken from the run and carries where it came from: <c>data-ref="FILE:ROW:COLUMN"</c> (ROW 1
/// is the first row after the CSV header) and <c>data-op</c>: <c>value</c> (the cell), <c>pct</c> (the
/// cell as a percentage of <c>data-peak</c>), <c>per</c> (<c>data-peak</c> divided by the cell) or
/// <c>minus</c> (the first reference's cell minus the second's). A test recomputes every one.
/// </summary>
public static class PerfFindings
{
    /// <summary>The CPU-alone CSV header, in column order.</summary>
    public static readonly string[] CpuAloneColumns =
        ["latency", "cpu_load", "cycles", "cpu_accesses", "cpu_latency_mean", "cpu_latency_p50", "cpu_latency_p99", "cpu_latency_max", "error"];

    /// <summary>Two sentences per mode: what it does on the bus and what that costs whom.</summary>
    /// <param name="grid">The grid (its steal idle cycles).</param>
    /// <returns>Per mode of the grid, its name and the explanation.</returns>
    public static IReadOnlyList<(string Mode, string Text)> Modes(PerfGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return [.. grid.Modes.Distinct().Order().Select(mode => (PerfGrid.NameOf(mode), mode switch
        {
            TransferMode.Burst =>
                "The engine issues bursts of up to the burst length and keeps up to four in flight per direction, so it can move a read " +
                "and a write beat every cycle and hide the memory's latency. A CPU access that misses the cache waits behind the DMA " +
                "bursts the memory has already accepted, so the CPU waits longer the longer the bursts.",
            TransferMode.CycleStealing => string.Create(CultureInfo.InvariantCulture,
                $"The engine moves at most the burst length's beats per grant; per direction a new burst starts only after the previous " +
                $"one's last beat and then {grid.StealIdleCycles} idle cycles, so the CPU never waits behind more than one short burst. " +
                $"Every grant pays an address cycle and the idle gap, and waits for its own data before the gap starts, so short grants " +
                $"and long memory latency cost throughput."),
            _ =>
                "The engine moves one beat per burst and starts a read or write only in a cycle in which the CPU neither uses the bus nor " +
                "is about to (the cache's look-up cycle counts), so the DMA never delays the CPU and the burst length does not apply. " +
                "Each one-beat write puts its address (AW) on the bus in one cycle and its data (W) in the next, once the address is " +
                "taken (cdma_mode_gate never lets the DMA hold the write channel waiting for its address), so even with the CPU idle " +
                "a copy is paced by its writes, not by the bus (measured below).",
        }))];
    }

    /// <summary>The conclusions, each an HTML fragment whose numbers are cited spans (see <see cref="PerfFindings"/>).</summary>
    /// <param name="run">The run.</param>
    /// <returns>The sentences the run's data supports (a mode or a load not in the grid drops the sentences about it).</returns>
    public static IReadOnlyList<string> Conclusions(PerfRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var c = new Citer(run);
        var bursts = run.Bursts;
        var (minB, midB, maxB) = (bursts[0], bursts[bursts.Count / 2], bursts[^1]);
        var (idle, busy) = (run.IdleLoad, run.BusyLoad);
        var peak = Num(run.BusBytesPerCycle);
        var alone = busy > 0 ? run.Alone(run.Latency, busy) : null;
        var lines = new List<string?>();

        // burst mode, CPU idle: how close to the bus limit, and from which burst length
        var burstIdle = bursts.Select(b => run.Find(TransferMode.Burst, b, idle)).OfType<PerfResult>().ToList();
        if (burstIdle.Count > 0)
        {
            var best = burstIdle.MaxBy(r => r.DmaBytesPerCycle)!;
            var first = burstIdle.First(r => r.DmaBytesPerCycle >= 0.99 * best.DmaBytesPerCycle);
            var shortest = burstIdle[0];
            lines.Add($"<b>Burst mode</b> at CPU load {Num(idle)} reaches {c.Value(best, Throughput)} bytes per cycle, {c.Pct(best)} % of the bus limit " +
                      $"of {peak} bytes per cycle (at burst {Num(best.Point.Burst)}; within 1 % of its best from burst {Num(first.Point.Burst)} on); " +
                      $"at burst {Num(shortest.Point.Burst)} it moves {c.Value(shortest, Throughput)} ({c.Pct(shortest)} %).");
        }

        // burst mode under load: what it costs the CPU
        var lo = run.Find(TransferMode.Burst, minB, busy);
        var hi = run.Find(TransferMode.Burst, maxB, busy);
        if (alone != null && lo != null && hi != null && busy != idle)
        {
            lines.Add($"Under a CPU load of {Num(busy)} accesses per 100 cycles the CPU's p99 access latency is {c.Alone(alone, P99)} cycles with no DMA; " +
                      $"burst mode raises it to {c.Value(lo, P99)} at burst {Num(minB)} ({c.Value(lo, Throughput)} bytes per cycle) " +
                      $"and to {c.Value(hi, P99)} at burst {Num(maxB)} ({c.Value(hi, Throughput)} bytes per cycle).");
        }

        // cycle stealing: throughput with the CPU idle, and what it saves the CPU against burst mode
        var stealShort = run.Find(TransferMode.CycleStealing, minB, idle);
        var stealLong = run.Find(TransferMode.CycleStealing, maxB, idle);
        if (stealShort != null && stealLong != null)
        {
            lines.Add($"<b>Cycle stealing</b> at CPU load {Num(idle)} moves {c.Value(stealShort, Throughput)} bytes per cycle ({c.Pct(stealShort)} % of the bus) " +
                      $"at {Num(minB)} {(minB == 1 ? "beat" : "beats")} per grant and {c.Value(stealLong, Throughput)} ({c.Pct(stealLong)} %) at {Num(maxB)}: " +
                      $"each grant pays an address cycle and {Num(run.Grid.StealIdleCycles)} idle cycles besides its beats.");
        }

        foreach (var z in new[] { midB, maxB }.Distinct())
        {
            var steal = run.Find(TransferMode.CycleStealing, z, busy);
            var burst = run.Find(TransferMode.Burst, z, busy);
            if (alone != null && steal != null && burst != null && busy != idle)
            {
                lines.Add($"At burst length {Num(z)} and CPU load {Num(busy)}, cycle stealing costs the CPU {c.Minus(steal, alone)} cycles of p99 latency " +
                          $"over the CPU alone and moves {c.Value(steal, Throughput)} bytes per cycle; burst mode costs it " +
                          $"{c.Minus(burst, alone)} cycles and moves {c.Value(burst, Throughput)}.");
            }
        }

        // transparent mode: half the bus with the CPU idle (why), and nothing taken from the CPU
        var transparentIdle = run.Find(TransferMode.Transparent, minB, idle);
        if (transparentIdle != null)
        {
            // the two-cycle write explains the figure only when the copy did run at about one beat per two cycles
            var twoCycleWrites = Math.Abs((run.BusBytesPerCycle / transparentIdle.DmaBytesPerCycle) - 2) < 0.05;
            lines.Add($"<b>Transparent mode</b> at CPU load {Num(idle)} moves {c.Value(transparentIdle, Throughput)} bytes per cycle, " +
                      $"{c.Pct(transparentIdle)} % of the bus: one beat every {c.Per(transparentIdle)} cycles." +
                      (twoCycleWrites
                          ? " Its one-beat reads could go every cycle, but each one-beat write takes two (its AW, then its W beat once the AW " +
                            "is taken), and a copy moves no faster than its writes: a consequence of how cdma_mode_gate issues writes in " +
                            "this mode, not of the CPU."
                          : ""));
        }

        var transparentBusy = run.Find(TransferMode.Transparent, minB, busy);
        var transparentAll = run.Results.Where(r => r.Point.Mode == TransferMode.Transparent && r.Passed).ToList();
        if (transparentBusy != null && alone != null && busy != idle)
        {
            var worst = transparentAll.MaxBy(r => r.CpuWaitCycles)!;
            lines.Add($"Under CPU load {Num(busy)} transparent mode moves {c.Value(transparentBusy, Throughput)} bytes per cycle while the CPU's p99 " +
                      $"is {c.Value(transparentBusy, P99)} cycles against {c.Alone(alone, P99)} alone; over all {Num(transparentAll.Count)} transparent " +
                      $"points the CPU waited at most {c.Value(worst, "cpu_wait_cycles")} cycles at the arbiter for the DMA.");
        }

        // memory latency: who hides it
        var maxLatency = run.Grid.Latencies.Max();
        if (maxLatency != run.Latency)
        {
            var parts = new[] { TransferMode.Burst, TransferMode.CycleStealing, TransferMode.Transparent }
                .Select(m => (Mode: m, R: run.Find(m, maxB, idle, maxLatency)))
                .Where(x => x.R != null)
                .Select(x => $"{PerfGrid.NameOf(x.Mode)} {c.Value(x.R!, Throughput)} ({c.Pct(x.R!)} %)")
                .ToList();
            if (parts.Count > 0)
            {
                lines.Add($"At {Num(maxLatency)} cycles of memory latency (burst {Num(maxB)}, CPU load {Num(idle)}) the modes move, in bytes per cycle: " +
                          string.Join(", ", parts) + ". Burst mode keeps up to four bursts in flight; a stealing grant waits for its own data, " +
                          "a transparent beat for its own.");
            }
        }

        // the knee of the trade-off
        var underLoad = bursts.Select(b => run.Find(TransferMode.Burst, b, busy)).OfType<PerfResult>().ToList();
        if (underLoad.Count > 0 && busy != idle)
        {
            var knee = underLoad.FirstOrDefault(r => r.DmaBytesPerCycle >= 0.9 * run.BusBytesPerCycle);
            var most = underLoad.MaxBy(r => r.DmaBytesPerCycle)!;
            lines.Add(knee != null
                ? $"The shortest burst at which burst mode reaches 90 % of the bus under CPU load {Num(busy)} is {Num(knee.Point.Burst)} beats: " +
                  $"{c.Value(knee, Throughput)} bytes per cycle ({c.Pct(knee)} %) for a CPU p99 of {c.Value(knee, P99)} cycles."
                : $"No burst length of the grid reaches 90 % of the bus in burst mode under CPU load {Num(busy)}: the most is " +
                  $"{c.Value(most, Throughput)} bytes per cycle ({c.Pct(most)} %) at burst {Num(most.Point.Burst)}.");
        }

        return [.. lines.OfType<string>()];
    }

    private const string Throughput = "dma_bytes_per_cycle";
    private const string P99 = "cpu_latency_p99";

    private static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a number as the report shows it: integers with thousands separators, others to <paramref name="decimals"/> places.</summary>
    /// <param name="value">The value.</param>
    /// <param name="decimals">Decimal places for a non-integer.</param>
    /// <returns>The text.</returns>
    public static string Format(double value, int decimals = 2) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Turns results into cited spans: each number with the CSV cell(s) it comes from.</summary>
    private sealed class Citer(PerfRun run)
    {
        private readonly Dictionary<PerfPoint, int> _rows = run.Results.Select((r, i) => (r.Point, Row: i + 1)).ToDictionary(x => x.Point, x => x.Row);
        private readonly Dictionary<(int, int), int> _aloneRows = run.CpuAlone.Select((a, i) => ((a.Latency, a.CpuLoad), Row: i + 1)).ToDictionary(x => x.Item1, x => x.Row);

        public string Value(PerfResult r, string column) => Span("value", Format(Cell(r, column)), Ref(r, column));

        public string Pct(PerfResult r) =>
            Span("pct", Format(100 * Cell(r, Throughput) / run.BusBytesPerCycle, 1), Ref(r, Throughput), run.BusBytesPerCycle);

        public string Per(PerfResult r) =>
            Span("per", Format(run.BusBytesPerCycle / Cell(r, Throughput)), Ref(r, Throughput), run.BusBytesPerCycle);

        public string Alone(CpuAloneResult a, string column) => Span("value", Format(AloneCell(a, column)), AloneRef(a, column));

        public string Minus(PerfResult r, CpuAloneResult a) =>
            Span("minus", Format(Cell(r, P99) - AloneCell(a, P99)), Ref(r, P99) + " " + AloneRef(a, P99));

        private static double Cell(PerfResult r, string column) => double.Parse(PerfReport.CsvRow(r)[Array.IndexOf(PerfReport.Columns, column)], CultureInfo.InvariantCulture);

        private static double AloneCell(CpuAloneResult a, string column) =>
            double.Parse(PerfReport.CpuAloneRow(a)[Array.IndexOf(CpuAloneColumns, column)], CultureInfo.InvariantCulture);

        private string Ref(PerfResult r, string column) => string.Create(CultureInfo.InvariantCulture, $"{PerfReport.Csv}:{_rows[r.Point]}:{column}");

        private string AloneRef(CpuAloneResult a, string column) =>
            string.Create(CultureInfo.InvariantCulture, $"{PerfReport.CpuAloneCsv}:{_aloneRows[(a.Latency, a.CpuLoad)]}:{column}");

        private static string Span(string op, string text, string reference, int? peak = null) =>
            $"<span class=\"n\" data-op=\"{op}\" data-ref=\"{WebUtility.HtmlEncode(reference)}\"" +
            (peak is { } p ? string.Create(CultureInfo.InvariantCulture, $" data-peak=\"{p}\"") : "") + $">{text}</span>";
    }
}
