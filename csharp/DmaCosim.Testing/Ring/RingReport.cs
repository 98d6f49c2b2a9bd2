// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Net;
using System.Text;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Testing.Ring;

/// <summary>
/// Writes what a ring study measured: <c>results.csv</c> (one row per point), two gnuplot plots
/// (consumer cost per mapping vs block size; ring throughput vs ring depth), and <c>report.html</c>
/// with the conclusions in numbers, the plots and every row.
/// </summary>
public static class RingReport
{
    /// <summary>The CSV header, in column order.</summary>
    public static readonly string[] Columns =
    [
        "mapping", "block", "depth", "work_per_byte", "consumer", "bytes", "cycles", "consumer_cycles_per_byte", "read_cycles_per_byte",
        "sync_cycles_per_byte", "index_cycles", "kernel_cycles_per_byte", "work_cycles", "wait_cycles", "latency_mean", "latency_max",
        "dma_bytes_per_cycle", "dma_busy_fraction", "dma_bytes_per_busy_cycle", "bus_utilisation", "data_errors", "overwrites", "monitor_violations", "violations", "first_violation", "error",
    ];

    private const string Csv = "results.csv";
    private const string Html = "report.html";

    /// <summary>Writes results.csv.</summary>
    /// <param name="directory">Output directory (created).</param>
    /// <param name="results">The results.</param>
    /// <returns>The CSV path.</returns>
    public static string WriteCsv(string directory, IReadOnlyList<RingResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        var text = new StringBuilder().AppendLine(string.Join(',', Columns));
        foreach (var r in results)
        {
            text.AppendLine(string.Join(',', Row(r)));
        }

        var path = Path.Combine(directory, Csv);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// Renders the two plots: consumer cycles per byte vs block size, one line per mapping (deepest
    /// ring, least work); ring throughput vs depth, one line per mapping and work (largest block).
    /// </summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="grid">The grid (which slices to plot).</param>
    /// <param name="results">The results.</param>
    /// <param name="gnuplot">The gnuplot executable.</param>
    /// <returns>The plots.</returns>
    /// <exception cref="InvalidOperationException">gnuplot failed, timed out, or wrote an empty file.</exception>
    public static IReadOnlyList<PerfPlot> WritePlots(string directory, RingGrid grid, IReadOnlyList<RingResult> results, string gnuplot = "gnuplot")
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(results);
        var ok = results.Where(r => r.Passed).ToList();
        var depth = grid.Depths.Max();
        var least = grid.Work.Min();
        var block = grid.BlockSizes.Max();
        var plots = new List<PerfPlot>();
        var cost = PerfReport.RenderPlot(directory,
            new LinePlot("consumer_cost_vs_block", $"Consumer cost per mapping vs block size (depth {depth}, work {least} cycles/byte)",
                "block size (bytes)", "consumer CPU cycles per byte (index + data loads + maintenance)", LogX: true),
            [.. grid.Mappings.Select(m => new PlotSeries(RingGrid.NameOf(m),
                [.. ok.Where(r => r.Point.Mapping == m && r.Point.Depth == depth && r.Point.WorkPerByte == least)
                    .OrderBy(r => r.Point.BlockBytes).Select(r => ((double)r.Point.BlockBytes, r.ConsumerCyclesPerByte))]))],
            gnuplot);
        var throughput = PerfReport.RenderPlot(directory,
            new LinePlot("throughput_vs_depth", $"Ring throughput vs ring depth ({block}-byte blocks)",
                "ring depth (blocks)", "bytes produced and consumed per cycle", LogX: true),
            [.. from m in grid.Mappings
                from w in grid.Work
                select new PlotSeries($"{RingGrid.NameOf(m)}, work {w}",
                    [.. ok.Where(r => r.Point.Mapping == m && r.Point.WorkPerByte == w && r.Point.BlockBytes == block)
                        .OrderBy(r => r.Point.Depth).Select(r => ((double)r.Point.Depth, r.DmaBytesPerCycle))])],
            gnuplot);
        foreach (var plot in new[] { cost, throughput })
        {
            if (plot != null)
            {
                plots.Add(plot);
            }
        }

        return plots;
    }

    /// <summary>
    /// The study's answer in numbers from the results: per mapping, the consumer's cycles per byte at
    /// the largest block (deepest ring, least work), split into data loads and maintenance; the
    /// throughput at depth 1 and at the deepest ring (largest block, most work); the latency; and
    /// what the checks found for the broken mapping and for any other.
    /// </summary>
    /// <param name="grid">The grid.</param>
    /// <param name="results">The results.</param>
    /// <returns>One sentence per line.</returns>
    public static IReadOnlyList<string> Conclusions(RingGrid grid, IReadOnlyList<RingResult> results)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(results);
        var lines = new List<string>();
        var ok = results.Where(r => r.Passed).ToList();
        var block = grid.BlockSizes.Max();
        var depth = grid.Depths.Max();
        var least = grid.Work.Min();
        var most = grid.Work.Max();
        RingResult? At(RingMapping m, int b, int d, int w) =>
            ok.FirstOrDefault(r => r.Point.Mapping == m && r.Point.BlockBytes == b && r.Point.Depth == d && r.Point.WorkPerByte == w);

        var cost = grid.Mappings.Select(m => (Mapping: m, Result: At(m, block, depth, least))).Where(x => x.Result != null).ToList();
        if (cost.Count > 0)
        {
            lines.Add(F($"Consumer cost for {Size(block)} blocks (depth {depth}, work {least}), CPU cycles per byte consumed: ") +
                      string.Join("; ", cost.Select(x => F($"{RingGrid.NameOf(x.Mapping)} {x.Result!.ConsumerCyclesPerByte:0.000}") +
                                                          (x.Result.SyncCyclesPerByte > 0 ? F($" ({x.Result.SyncCyclesPerByte:0.000} of it maintenance)") : ""))) + ".");
            var uncached = cost.Find(x => x.Mapping == RingMapping.Uncached).Result;
            var invalidate = cost.Find(x => x.Mapping == RingMapping.Invalidate).Result;
            var snoop = cost.Find(x => x.Mapping == RingMapping.Snoop).Result;
            if (uncached != null && invalidate != null)
            {
                lines.Add(F($"Cached + invalidate costs {invalidate.ConsumerCyclesPerByte:0.000} cycles/byte against {uncached.ConsumerCyclesPerByte:0.000} uncached for {Size(block)} blocks ") +
                          F($"({Ratio(uncached.ConsumerCyclesPerByte, invalidate.ConsumerCyclesPerByte)} uncached)") +
                          (snoop != null ? F($"; snooping {snoop.ConsumerCyclesPerByte:0.000} ({Ratio(uncached.ConsumerCyclesPerByte, snoop.ConsumerCyclesPerByte)} uncached).") : "."));
            }
        }

        foreach (var m in grid.Mappings)
        {
            var bySize = grid.BlockSizes.Select(b => At(m, b, depth, least)).Where(r => r != null).ToList();
            if (bySize.Count > 1)
            {
                lines.Add(F($"{RingGrid.NameOf(m)}: consumer cycles/byte by block size ") +
                          string.Join(", ", bySize.Select(r => F($"{Size(r!.Point.BlockBytes)} {r.ConsumerCyclesPerByte:0.000}"))) + ".");
            }
        }

        foreach (var m in grid.Mappings)
        {
            var shallow = At(m, block, grid.Depths.Min(), most);
            var deep = At(m, block, depth, most);
            if (shallow != null && deep != null && shallow != deep)
            {
                lines.Add(F($"{RingGrid.NameOf(m)}, {Size(block)} blocks, work {most}: {shallow.DmaBytesPerCycle:0.000} bytes/cycle at depth {shallow.Point.Depth}, ") +
                          F($"{deep.DmaBytesPerCycle:0.000} at depth {depth}; block latency mean {shallow.LatencyMean:0} → {deep.LatencyMean:0} cycles; ") +
                          F($"the DMA busy {deep.DmaBusyFraction:P0} of the time at {deep.DmaBytesPerBusyCycle:0.000} bytes per busy cycle; bus utilisation {deep.BusUtilisation:0.000}."));
            }
        }

        var broken = results.Where(r => r.Point.Mapping == RingMapping.Broken).ToList();
        if (broken.Count > 0)
        {
            var caught = broken.Count(r => r.Violations > 0);
            lines.Add(F($"Broken (cached, no invalidate): {caught} of {broken.Count} points caught, ") +
                      F($"{broken.Sum(r => r.DataErrors)} stale blocks by the scoreboard, {broken.Sum(r => (long)r.MonitorViolations)} monitor reports") +
                      (broken.FirstOrDefault(r => r.FirstViolation != null)?.FirstViolation is { } first ? $"; e.g. {first}." : "."));
        }

        var wrong = results.Where(r => !RingSweep.AsExpected(r)).ToList();
        lines.Add(wrong.Count == 0
            ? F($"Every other point exact: {results.Count - broken.Count} points, 0 data errors, 0 overwrites of an unconsumed block, 0 monitor reports.")
            : F($"{wrong.Count} points not as expected, e.g. {wrong[0].Point}: {wrong[0].Error ?? wrong[0].FirstViolation}."));
        return lines;
    }

    /// <summary>Writes report.html: the command, the conclusions, the plots and every row.</summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="command">The command line.</param>
    /// <param name="machine">One line about the build and the run.</param>
    /// <param name="conclusions">From <see cref="Conclusions"/>.</param>
    /// <param name="plots">The plots.</param>
    /// <param name="results">The results.</param>
    /// <returns>The report's path.</returns>
    public static string WriteHtml(
        string directory, string command, string machine, IReadOnlyList<string> conclusions, IReadOnlyList<PerfPlot> plots, IReadOnlyList<RingResult> results)
    {
        ArgumentNullException.ThrowIfNull(conclusions);
        ArgumentNullException.ThrowIfNull(plots);
        ArgumentNullException.ThrowIfNull(results);
        var html = new StringBuilder()
            .AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>DmaCosim ring-buffer study</title>")
            .AppendLine("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}" +
                        "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}</style></head><body>")
            .AppendLine("<h1>A DMA-filled ring consumed by the CPU: uncached, cached + invalidate, snooping</h1>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p><code>{WebUtility.HtmlEncode(command)}</code><br>{WebUtility.HtmlEncode(machine)}</p>")
            .AppendLine("<p>Every figure is in simulated cycles of the cycle-accurate RTL: deterministic for the same grid and build.</p>")
            .AppendLine("<h2>Conclusions</h2><ul>");
        foreach (var line in conclusions)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<li>{WebUtility.HtmlEncode(line)}</li>");
        }

        html.AppendLine("</ul>");
        foreach (var plot in plots)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<h2>{WebUtility.HtmlEncode(plot.Title)}</h2><img src=\"{Path.GetFileName(plot.Svg)}\" alt=\"{plot.Name}\">");
        }

        html.AppendLine(CultureInfo.InvariantCulture, $"<h2>All {results.Count} points</h2><p>Also in <a href=\"{Csv}\">{Csv}</a>.</p>");
        PerfReport.AppendTable(html, Columns, results.Select(Row));
        html.AppendLine("</body></html>");
        var path = Path.Combine(directory, Html);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static string[] Row(RingResult r) =>
    [
        r.Point.MappingName, T(r.Point.BlockBytes), T(r.Point.Depth), T(r.Point.WorkPerByte), r.Point.Discipline.ToString().ToLowerInvariant(),
        T(r.Bytes), T(r.Cycles), T(Math.Round(r.ConsumerCyclesPerByte, 5)), T(Math.Round(r.ReadCyclesPerByte, 5)), T(Math.Round(r.SyncCyclesPerByte, 5)),
        T(r.IndexCycles), T(Math.Round(r.KernelCyclesPerByte, 5)), T(r.WorkCycles), T(r.WaitCycles), T(Math.Round(r.LatencyMean, 1)), T(r.LatencyMax),
        T(Math.Round(r.DmaBytesPerCycle, 5)), T(Math.Round(r.DmaBusyFraction, 5)), T(Math.Round(r.DmaBytesPerBusyCycle, 5)),
        T(Math.Round(r.BusUtilisation, 5)), T(r.DataErrors), T(r.Overwrites), T(r.MonitorViolations), T(r.Violations),
        r.FirstViolation == null ? "" : PerfReport.Quote(r.FirstViolation), r.Error == null ? "" : PerfReport.Quote(r.Error),
    ];

    private static string Ratio(double baseline, double value) =>
        value <= 0 ? "n/a" : value <= baseline ? F($"{baseline / value:0.00}× cheaper than") : F($"{value / baseline:0.00}× dearer than");

    private static string Size(int bytes) => bytes % 1024 == 0 ? F($"{bytes / 1024} KiB") : F($"{bytes}-byte");

    private static string T<TValue>(TValue value)
        where TValue : IFormattable => PerfReport.Text(value);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
