// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Perf;

/// <summary>A rendered plot: its title and the files gnuplot wrote.</summary>
/// <param name="Name">File stem, e.g. <c>throughput_vs_burst</c>.</param>
/// <param name="Title">What it shows.</param>
/// <param name="Svg">Path of the SVG.</param>
/// <param name="Png">Path of the PNG.</param>
public sealed record PerfPlot(string Name, string Title, string Svg, string Png);

/// <summary>
/// Writes what a sweep measured: <c>results.csv</c> (one row per point), the gnuplot data and
/// scripts, the plots as SVG and PNG, and <c>report.html</c> embedding the plots and the table.
/// </summary>
public static class PerfReport
{
    /// <summary>The CSV header, in column order.</summary>
    public static readonly string[] Columns =
    [
        "mode", "burst", "size", "latency", "cpu_load", "dma_bytes_per_cycle", "completion_cycles",
        "cpu_accesses", "cpu_latency_mean", "cpu_latency_p50", "cpu_latency_p99", "cpu_latency_max", "cpu_stall_cycles",
        "cpu_wait_cycles", "dma_bus_wait_cycles", "bus_utilisation", "error",
    ];

    private const string Csv = "results.csv";
    private const string Html = "report.html";

    /// <summary>Writes results.csv.</summary>
    /// <param name="directory">Output directory (created).</param>
    /// <param name="results">The results.</param>
    /// <returns>The CSV path.</returns>
    public static string WriteCsv(string directory, IReadOnlyList<PerfResult> results)
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
    /// Renders the three plots with gnuplot: DMA throughput vs burst length per mode, CPU p99 latency vs
    /// DMA throughput per mode (the trade-off curve), and DMA throughput vs memory latency per mode.
    /// </summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="grid">The grid (which slices to plot).</param>
    /// <param name="results">The results.</param>
    /// <param name="gnuplot">The gnuplot executable.</param>
    /// <param name="timeout">Wall-clock limit per gnuplot run.</param>
    /// <returns>The plots.</returns>
    /// <exception cref="InvalidOperationException">gnuplot failed, timed out, or wrote an empty file.</exception>
    public static IReadOnlyList<PerfPlot> WritePlots(
        string directory, PerfGrid grid, IReadOnlyList<PerfResult> results, string gnuplot = "gnuplot", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        var ok = results.Where(r => r.Passed).ToList();
        var size = grid.Sizes.Max();
        var latency = grid.Latencies[0];
        var idle = grid.CpuLoads[0];
        var busy = grid.CpuLoads.Max();
        var burst = grid.Bursts.Max();
        var specs = new List<(string Name, string Title, string XLabel, string YLabel, bool LogX, Func<PerfResult, bool> Keep, Func<PerfResult, double> X, Func<PerfResult, double> Y)>
        {
            ("throughput_vs_burst", $"DMA throughput vs burst length ({Kib(size)}, latency {latency}, CPU load {idle})",
                "burst length (beats; beats per grant when stealing)", "DMA bytes per cycle", true,
                r => r.Point.Size == size && r.Point.Latency == latency && r.Point.CpuLoad == idle, r => r.Point.Burst, r => r.DmaBytesPerCycle),
            ("cpu_p99_vs_throughput", $"CPU p99 latency vs DMA throughput (CPU load {busy}, {Kib(size)}, latency {latency}; one point per burst length)",
                "DMA bytes per cycle", "CPU access latency p99 (cycles)", false,
                r => r.Point.Size == size && r.Point.Latency == latency && r.Point.CpuLoad == busy, r => r.DmaBytesPerCycle, r => r.Cpu.LatencyP99),
            ("throughput_vs_latency", $"DMA throughput vs memory latency (burst {burst}, {Kib(size)}, CPU load {idle})",
                "DRAM latency (cycles)", "DMA bytes per cycle", false,
                r => r.Point.Size == size && r.Point.Burst == burst && r.Point.CpuLoad == idle, r => r.Point.Latency, r => r.DmaBytesPerCycle),
        };

        var plots = new List<PerfPlot>();
        foreach (var spec in specs)
        {
            var data = new StringBuilder();
            var titles = new List<string>();
            foreach (var mode in grid.Modes)
            {
                var series = ok.Where(r => r.Point.Mode == mode && spec.Keep(r)).OrderBy(spec.X).ToList();
                if (series.Count == 0)
                {
                    continue;
                }

                data.Append(CultureInfo.InvariantCulture, $"# {PerfGrid.NameOf(mode)}\n");
                foreach (var r in series)
                {
                    data.Append(CultureInfo.InvariantCulture, $"{spec.X(r):R} {spec.Y(r):R}\n");
                }

                data.Append("\n\n");
                titles.Add(PerfGrid.NameOf(mode));
            }

            if (titles.Count == 0)
            {
                continue;
            }

            var dat = Path.Combine(directory, spec.Name + ".dat");
            File.WriteAllText(dat, data.ToString());
            var svg = Path.Combine(directory, spec.Name + ".svg");
            var png = Path.Combine(directory, spec.Name + ".png");
            var script = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"set title \"{spec.Title}\"")
                .AppendLine(CultureInfo.InvariantCulture, $"set xlabel \"{spec.XLabel}\"")
                .AppendLine(CultureInfo.InvariantCulture, $"set ylabel \"{spec.YLabel}\"")
                .AppendLine("set grid")
                .AppendLine("set key outside right")
                .AppendLine(spec.LogX ? "set logscale x 2" : "unset logscale x");
            var plot = string.Join(", ", titles.Select((t, i) =>
                string.Create(CultureInfo.InvariantCulture, $"'{Path.GetFileName(dat)}' index {i} using 1:2 with linespoints lw 2 pt 7 title '{t}'")));
            foreach (var (terminal, file) in new[] { ("svg size 900,540 dynamic background rgb 'white'", svg), ("pngcairo size 900,540", png) })
            {
                script.AppendLine(CultureInfo.InvariantCulture, $"set terminal {terminal}")
                    .AppendLine(CultureInfo.InvariantCulture, $"set output '{Path.GetFileName(file)}'")
                    .AppendLine("plot " + plot)
                    .AppendLine("unset output");
            }

            var gp = Path.Combine(directory, spec.Name + ".gp");
            File.WriteAllText(gp, script.ToString());
            RunGnuplot(gnuplot, directory, gp, timeout ?? TimeSpan.FromSeconds(30));
            foreach (var file in new[] { svg, png })
            {
                if (!File.Exists(file) || new FileInfo(file).Length == 0)
                {
                    throw new InvalidOperationException($"gnuplot wrote no {file} (script {gp})");
                }
            }

            plots.Add(new PerfPlot(spec.Name, spec.Title, svg, png));
        }

        return plots;
    }

    /// <summary>Writes report.html: the command, the plots (SVG), the summary and every row.</summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="command">The command line that produced the sweep.</param>
    /// <param name="machine">One line about the machine and the build.</param>
    /// <param name="plots">The plots.</param>
    /// <param name="results">The results.</param>
    /// <returns>The report's path.</returns>
    public static string WriteHtml(string directory, string command, string machine, IReadOnlyList<PerfPlot> plots, IReadOnlyList<PerfResult> results)
    {
        ArgumentNullException.ThrowIfNull(plots);
        ArgumentNullException.ThrowIfNull(results);
        var html = new StringBuilder()
            .AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>DmaCosim transfer-mode sweep</title>")
            .AppendLine("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}" +
                        "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}</style></head><body>")
            .AppendLine("<h1>Burst vs cycle stealing vs transparent DMA</h1>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p><code>{WebUtility.HtmlEncode(command)}</code><br>{WebUtility.HtmlEncode(machine)}</p>")
            .AppendLine("<p>Every figure is in simulated cycles of the cycle-accurate RTL: deterministic for the same grid and build.</p>");
        foreach (var plot in plots)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<h2>{WebUtility.HtmlEncode(plot.Title)}</h2><img src=\"{Path.GetFileName(plot.Svg)}\" alt=\"{plot.Name}\">");
        }

        html.AppendLine("<h2>Summary</h2>");
        AppendTable(html, SummaryHeader, Summary(results));
        html.AppendLine(CultureInfo.InvariantCulture, $"<h2>All {results.Count} points</h2><p>Also in <a href=\"{Csv}\">{Csv}</a>.</p>");
        AppendTable(html, Columns, results.Select(Row));
        html.AppendLine("</body></html>");
        var path = Path.Combine(directory, Html);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    /// <summary>Columns of <see cref="Summary"/>.</summary>
    public static readonly string[] SummaryHeader =
        ["mode", "cpu load", "best DMA bytes/cycle", "at burst", "CPU p99 there", "CPU wait cycles there", "worst CPU p99", "at burst"];

    /// <summary>
    /// Per mode and CPU load (largest size, first latency): the best DMA throughput and the CPU's p99
    /// latency and wait at that point, and the worst CPU p99 over the burst lengths.
    /// </summary>
    /// <param name="results">The results.</param>
    /// <returns>Rows matching <see cref="SummaryHeader"/>.</returns>
    public static IReadOnlyList<string[]> Summary(IReadOnlyList<PerfResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ok = results.Where(r => r.Passed).ToList();
        if (ok.Count == 0)
        {
            return [];
        }

        var size = ok.Max(r => r.Point.Size);
        var latency = ok.Min(r => r.Point.Latency);
        return [.. ok.Where(r => r.Point.Size == size && r.Point.Latency == latency)
            .GroupBy(r => (r.Point.Mode, r.Point.CpuLoad))
            .OrderBy(g => g.Key.Mode).ThenBy(g => g.Key.CpuLoad)
            .Select(g =>
            {
                var best = g.MaxBy(r => r.DmaBytesPerCycle)!;
                var worst = g.MaxBy(r => r.Cpu.LatencyP99)!;
                return new[]
                {
                    PerfGrid.NameOf(g.Key.Mode), Text(g.Key.CpuLoad), Text(Math.Round(best.DmaBytesPerCycle, 3)), Text(best.Point.Burst),
                    Text(best.Cpu.LatencyP99), Text(best.CpuWaitCycles), Text(worst.Cpu.LatencyP99), Text(worst.Point.Burst),
                };
            })];
    }

    private static string[] Row(PerfResult r) =>
    [
        r.Point.ModeName, Text(r.Point.Burst), Text(r.Point.Size), Text(r.Point.Latency), Text(r.Point.CpuLoad),
        Text(Math.Round(r.DmaBytesPerCycle, 5)), Text(r.Cycles), Text(r.Cpu.Accesses), Text(Math.Round(r.Cpu.LatencyMean, 3)),
        Text(r.Cpu.LatencyP50), Text(r.Cpu.LatencyP99), Text(r.Cpu.LatencyMax), Text(r.Cpu.StallCycles), Text(r.CpuWaitCycles),
        Text(r.DmaBusWaitCycles), Text(Math.Round(r.BusUtilisation, 5)), r.Error == null ? "" : Quote(r.Error),
    ];

    private static void AppendTable(StringBuilder html, IEnumerable<string> header, IEnumerable<string[]> rows)
    {
        html.Append("<table><tr>");
        foreach (var h in header)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        }

        html.AppendLine("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }

            html.AppendLine("</tr>");
        }

        html.AppendLine("</table>");
    }

    private static void RunGnuplot(string gnuplot, string directory, string script, TimeSpan timeout)
    {
        // the scripts name their files relative to the output directory, so it can be moved and re-plotted
        var start = new ProcessStartInfo(gnuplot, [Path.GetFileName(script)])
        {
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {gnuplot}");
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{gnuplot} {script} did not finish within {timeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{gnuplot} {script} exited with {process.ExitCode}: {errors.Result.Trim()}");
        }
    }

    private static string Kib(long bytes) => bytes >= 1 << 20 && bytes % (1 << 20) == 0
        ? Text(bytes >> 20) + " MiB"
        : Text(bytes / 1024.0) + " KiB";

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal).ReplaceLineEndings(" ") + "\"";

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
