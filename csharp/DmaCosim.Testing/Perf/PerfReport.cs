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

/// <summary>What a plot shows: its file stem, title, axis labels and whether x is logarithmic (base 2).</summary>
/// <param name="Name">File stem, e.g. <c>throughput_vs_burst</c>.</param>
/// <param name="Title">Title.</param>
/// <param name="XLabel">X axis label.</param>
/// <param name="YLabel">Y axis label.</param>
/// <param name="LogX">Log scale (base 2) on x.</param>
public sealed record LinePlot(string Name, string Title, string XLabel, string YLabel, bool LogX);

/// <summary>One line of a plot.</summary>
/// <param name="Title">Its key.</param>
/// <param name="Points">Its points, in drawing order.</param>
public sealed record PlotSeries(string Title, IReadOnlyList<(double X, double Y)> Points);

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

    /// <summary>File name of the per-point CSV.</summary>
    public const string Csv = "results.csv";

    /// <summary>File name of the CPU-alone CSV.</summary>
    public const string CpuAloneCsv = "cpu_alone.csv";

    /// <summary>File name of the report.</summary>
    public const string Html = "report.html";

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
            text.AppendLine(string.Join(',', CsvRow(r)));
        }

        var path = Path.Combine(directory, Csv);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Writes cpu_alone.csv: the CPU traffic with no DMA, one row per (latency, load).</summary>
    /// <param name="directory">Output directory (created).</param>
    /// <param name="cpuAlone">The measurements.</param>
    /// <returns>The CSV path.</returns>
    public static string WriteCpuAloneCsv(string directory, IReadOnlyList<CpuAloneResult> cpuAlone)
    {
        ArgumentNullException.ThrowIfNull(cpuAlone);
        Directory.CreateDirectory(directory);
        var text = new StringBuilder().AppendLine(string.Join(',', PerfFindings.CpuAloneColumns));
        foreach (var a in cpuAlone)
        {
            text.AppendLine(string.Join(',', CpuAloneRow(a)));
        }

        var path = Path.Combine(directory, CpuAloneCsv);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// Renders the three plots with gnuplot: DMA throughput vs burst length per mode, CPU p99 latency vs
    /// DMA throughput per mode (the trade-off: points labelled with their burst length, a log latency
    /// axis, the CPU-alone p99 and the bus limit drawn), and DMA throughput vs memory latency per mode.
    /// Transparent mode is drawn last with its own large marker, so no other point hides it.
    /// </summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="run">The run (which slices to plot, the bus limit, the CPU alone).</param>
    /// <param name="gnuplot">The gnuplot executable.</param>
    /// <param name="timeout">Wall-clock limit per gnuplot run.</param>
    /// <returns>The plots.</returns>
    /// <exception cref="InvalidOperationException">gnuplot failed, timed out, or wrote an empty file.</exception>
    public static IReadOnlyList<PerfPlot> WritePlots(string directory, PerfRun run, string gnuplot = "gnuplot", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        Directory.CreateDirectory(directory);
        var ok = run.Results.Where(r => r.Passed).ToList();
        var (size, latency, idle, busy, burst) = (run.Size, run.Latency, run.IdleLoad, run.BusyLoad, run.Bursts[^1]);
        var peak = run.BusBytesPerCycle;
        var alone = run.Alone(latency, busy);
        // the bus limit: a dashed line drawn over the series (burst mode runs along it) and named in the key
        var busLine = new PlotExtras(
            [Invariant($"set label 'bus limit' at graph 0.02, first {peak} offset 0,0.7 tc rgb '{BusColour}'"), Invariant($"set yrange [0:{peak * 1.15:R}]")],
            [Invariant($"{peak} with lines dt 2 lw 2 lc rgb '{BusColour}' title 'bus limit, {peak} bytes/cycle'")]);
        var specs = new List<PlotSpec>
        {
            new("throughput_vs_burst", $"DMA throughput vs burst length ({Kib(size)}, latency {latency}, CPU load {idle})",
                "burst length (beats; beats per grant when stealing; transparent always moves 1)", "DMA bytes per cycle", busLine,
                r => r.Point.Size == size && r.Point.Latency == latency && r.Point.CpuLoad == idle, r => r.Point.Burst, r => r.DmaBytesPerCycle)
            { LogX = true },
            new("cpu_p99_vs_throughput", $"CPU p99 latency vs DMA throughput (CPU load {busy}, {Kib(size)}, latency {latency}; labels: burst length)",
                "DMA bytes per cycle", "CPU access latency p99 (cycles, log scale)", TradeOffLines(ok, r => r.Point.Size == size && r.Point.Latency == latency && r.Point.CpuLoad == busy, peak, alone),
                r => r.Point.Size == size && r.Point.Latency == latency && r.Point.CpuLoad == busy && r.Cpu.LatencyP99 > 0, r => r.DmaBytesPerCycle, r => r.Cpu.LatencyP99)
            { LogY = true, Labels = true },
            new("throughput_vs_latency", $"DMA throughput vs memory latency (burst {burst}, {Kib(size)}, CPU load {idle})",
                "DRAM latency (cycles)", "DMA bytes per cycle", busLine,
                r => r.Point.Size == size && r.Point.Burst == burst && r.Point.CpuLoad == idle, r => r.Point.Latency, r => r.DmaBytesPerCycle),
        };

        var plots = new List<PerfPlot>();
        foreach (var spec in specs)
        {
            var data = new StringBuilder();
            var commands = new List<string>();
            var index = 0;                          // the data block of the next series
            // transparent last: drawn on top of the others
            foreach (var mode in run.Grid.Modes.Distinct().OrderBy(m => m == TransferMode.Transparent))
            {
                var series = Collapse(ok.Where(r => r.Point.Mode == mode && spec.Keep(r)).OrderBy(spec.X).ThenBy(r => r.Point.Burst), spec, run.Bursts.Count);
                if (series.Count == 0)
                {
                    continue;
                }

                data.Append(CultureInfo.InvariantCulture, $"# {PerfGrid.NameOf(mode)}: x y burst\n");
                foreach (var (x, y, label) in series)
                {
                    data.Append(CultureInfo.InvariantCulture, $"{x:R} {y:R} \"{label}\"\n");
                }

                data.Append("\n\n");
                var (colour, marker) = Style(mode);
                commands.Add(Invariant($"'{spec.Name}.dat' index {index} using 1:2 with linespoints lw 2 lc rgb '{colour}' {marker} title '{PerfGrid.NameOf(mode)}'"));
                if (spec.Labels)
                {
                    // burst below right of its points, stealing (above the burst curve) above left, transparent below right
                    var place = mode == TransferMode.CycleStealing ? "right offset char -0.7,0.7" : mode == TransferMode.Transparent ? "left offset char 1.3,-1" : "left offset char 0.7,-0.7";
                    commands.Add(Invariant($"'{spec.Name}.dat' index {index} using 1:2:(stringcolumn(3)) with labels {place} tc rgb '{colour}' notitle"));
                }

                index++;
            }

            if (commands.Count == 0)
            {
                continue;
            }

            var settings = new List<string>
            {
                "set key outside below center horizontal",
                spec.LogX ? "set logscale x 2" : "unset logscale x",
                spec.LogY ? "set logscale y 10" : "unset logscale y",
            };
            settings.AddRange(spec.Extras.Set);
            plots.Add(RunScript(directory, (spec.Name, spec.Title, spec.XLabel, spec.YLabel), data.ToString(), settings,
                [.. commands.Concat(spec.Extras.Plot)], "1000,640", gnuplot, timeout));
        }

        return plots;
    }

    /// <summary>
    /// Renders one gnuplot plot, one line per non-empty series, as SVG and PNG; writes its data
    /// (<c>NAME.dat</c>) and script (<c>NAME.gp</c>) next to them, so it can be re-plotted.
    /// </summary>
    /// <param name="directory">Output directory (created).</param>
    /// <param name="spec">File stem, title, axis labels, log scale.</param>
    /// <param name="series">The lines; empty ones are left out.</param>
    /// <param name="gnuplot">The gnuplot executable.</param>
    /// <param name="timeout">Wall-clock limit of the gnuplot run.</param>
    /// <returns>The plot, or null when every series is empty.</returns>
    /// <exception cref="InvalidOperationException">gnuplot failed, timed out, or wrote an empty file.</exception>
    public static PerfPlot? RenderPlot(
        string directory, LinePlot spec, IReadOnlyList<PlotSeries> series, string gnuplot = "gnuplot", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(series);
        Directory.CreateDirectory(directory);
        var data = new StringBuilder();
        var titles = new List<string>();
        foreach (var line in series.Where(s => s.Points.Count > 0))
        {
            data.Append(CultureInfo.InvariantCulture, $"# {line.Title}\n");
            foreach (var (x, y) in line.Points)
            {
                data.Append(CultureInfo.InvariantCulture, $"{x:R} {y:R}\n");
            }

            data.Append("\n\n");
            titles.Add(line.Title);
        }

        if (titles.Count == 0)
        {
            return null;
        }

        var commands = titles.Select((t, i) =>
            string.Create(CultureInfo.InvariantCulture, $"'{spec.Name}.dat' index {i} using 1:2 with linespoints lw 2 pt 7 title '{t}'")).ToList();
        return RunScript(directory, (spec.Name, spec.Title, spec.XLabel, spec.YLabel), data.ToString(),
            ["set key outside right", spec.LogX ? "set logscale x 2" : "unset logscale x"], commands, "900,540", gnuplot, timeout);
    }

    /// <summary>
    /// Writes a plot's data (<c>NAME.dat</c>) and gnuplot script (<c>NAME.gp</c>) and renders it as SVG
    /// and PNG, so it can be re-plotted by hand.
    /// </summary>
    private static PerfPlot RunScript(
        string directory, (string Name, string Title, string XLabel, string YLabel) plot, string data, IReadOnlyList<string> settings,
        IReadOnlyList<string> commands, string size, string gnuplot, TimeSpan? timeout)
    {
        File.WriteAllText(Path.Combine(directory, plot.Name + ".dat"), data);
        var svg = Path.Combine(directory, plot.Name + ".svg");
        var png = Path.Combine(directory, plot.Name + ".png");
        var script = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"set title \"{plot.Title}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"set xlabel \"{plot.XLabel}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"set ylabel \"{plot.YLabel}\"")
            .AppendLine("set grid");
        foreach (var line in settings)
        {
            script.AppendLine(line);
        }

        var command = "plot " + string.Join(", ", commands);
        foreach (var (terminal, file) in new[] { ($"svg size {size} dynamic background rgb 'white'", svg), ($"pngcairo size {size}", png) })
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"set terminal {terminal}")
                .AppendLine(CultureInfo.InvariantCulture, $"set output '{Path.GetFileName(file)}'")
                .AppendLine(command)
                .AppendLine("unset output");
        }

        var gp = Path.Combine(directory, plot.Name + ".gp");
        File.WriteAllText(gp, script.ToString());
        RunGnuplot(gnuplot, directory, gp, timeout ?? TimeSpan.FromSeconds(30));
        foreach (var file in new[] { svg, png })
        {
            if (!File.Exists(file) || new FileInfo(file).Length == 0)
            {
                throw new InvalidOperationException($"gnuplot wrote no {file} (script {gp})");
            }
        }

        return new PerfPlot(plot.Name, plot.Title, svg, png);
    }

    /// <summary>
    /// Writes report.html (well-formed XHTML syntax): the command, what each mode does, the conclusions
    /// in numbers from this run, the plots (SVG), the summary, the CPU alone and every row.
    /// </summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="command">The command line that produced the sweep.</param>
    /// <param name="machine">One line about the machine and the build.</param>
    /// <param name="plots">The plots.</param>
    /// <param name="run">The run.</param>
    /// <returns>The report's path.</returns>
    public static string WriteHtml(string directory, string command, string machine, IReadOnlyList<PerfPlot> plots, PerfRun run)
    {
        ArgumentNullException.ThrowIfNull(plots);
        ArgumentNullException.ThrowIfNull(run);
        var html = new StringBuilder()
            .AppendLine("<!DOCTYPE html>")
            .AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>DmaCosim transfer-mode sweep</title>")
            .AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;font-size:12px}" +
                        "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}" +
                        ".scroll{overflow-x:auto;max-width:100%}img{max-width:100%;height:auto}dt{font-weight:bold}li{margin:.3em 0}</style></head><body>")
            .AppendLine("<h1>Burst vs cycle stealing vs transparent DMA</h1>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p><code>{WebUtility.HtmlEncode(command)}</code><br/>{WebUtility.HtmlEncode(machine)}</p>")
            .AppendLine("<p>Every figure is in simulated cycles of the cycle-accurate RTL: deterministic for the same grid and build.</p>")
            .AppendLine("<h2 id=\"modes\">The transfer modes</h2><dl class=\"modes\">");
        foreach (var (mode, text) in PerfFindings.Modes(run.Grid))
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<dt>{mode}</dt><dd>{WebUtility.HtmlEncode(text)}</dd>");
        }

        html.AppendLine("</dl>")
            .AppendLine(CultureInfo.InvariantCulture,
                $"<h2 id=\"conclusions\">What this run shows</h2><p>{Kib(run.Size)} copies at {run.Latency} cycles of memory latency unless said; " +
                $"bus limit {run.BusBytesPerCycle} bytes per cycle (a read and a write beat per cycle). Every number below is computed from " +
                $"<a href=\"{Csv}\">{Csv}</a> and <a href=\"{CpuAloneCsv}\">{CpuAloneCsv}</a> of this run.</p><ul class=\"conclusions\">");
        foreach (var line in PerfFindings.Conclusions(run))
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<li>{line}</li>");
        }

        html.AppendLine("</ul>");
        foreach (var plot in plots)
        {
            html.AppendLine(CultureInfo.InvariantCulture,
                $"<h2>{WebUtility.HtmlEncode(plot.Title)}</h2><figure><img src=\"{Path.GetFileName(plot.Svg)}\" alt=\"{plot.Name}\"/>" +
                $"<figcaption>Also as <a href=\"{Path.GetFileName(plot.Png)}\">PNG</a>.</figcaption></figure>");
        }

        html.AppendLine("<h2 id=\"summary\">Summary</h2>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p>{WebUtility.HtmlEncode(SummaryScope(run))}</p>");
        AppendTable(html, SummaryHeader, Summary(run.Results));
        html.AppendLine(CultureInfo.InvariantCulture,
            $"<h2 id=\"cpu-alone\">The CPU alone</h2><p>The same CPU traffic with no DMA, {PerfCpuAlone.WindowCycles:N0} cycles per row; also in " +
            $"<a href=\"{CpuAloneCsv}\">{CpuAloneCsv}</a>.</p>");
        AppendTable(html, PerfFindings.CpuAloneColumns, run.CpuAlone.Select(CpuAloneRow));
        html.AppendLine(CultureInfo.InvariantCulture, $"<h2 id=\"points\">All {run.Results.Count} points</h2><p>Also in <a href=\"{Csv}\">{Csv}</a>.</p>");
        AppendTable(html, Columns, run.Results.Select(CsvRow));
        html.AppendLine("</body></html>");
        var path = Path.Combine(directory, Html);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    /// <summary>What the summary's rows, "best" and "worst" range over, in one sentence (the report and the console print it).</summary>
    /// <param name="run">The run.</param>
    /// <returns>The sentence.</returns>
    public static string SummaryScope(PerfRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.Create(CultureInfo.InvariantCulture,
            $"One row per mode and CPU load, at {Kib(run.Size)} and {run.Latency} cycles of memory latency: \"best\" is the highest DMA " +
            $"throughput over the burst lengths {string.Join(", ", run.Bursts)}{(run.Grid.Modes.Contains(TransferMode.Transparent) ? " (transparent mode: the same at every one)" : "")}, with the CPU's p99 " +
            $"latency and arbiter wait at that burst length; \"worst CPU p99\" is the highest CPU p99 latency over the same burst lengths.");
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

    /// <summary>One row of results.csv, as written.</summary>
    /// <param name="r">The result.</param>
    /// <returns>The cells, in <see cref="Columns"/> order.</returns>
    public static string[] CsvRow(PerfResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            r.Point.ModeName, Text(r.Point.Burst), Text(r.Point.Size), Text(r.Point.Latency), Text(r.Point.CpuLoad),
            Text(Math.Round(r.DmaBytesPerCycle, 5)), Text(r.Cycles), Text(r.Cpu.Accesses), Text(Math.Round(r.Cpu.LatencyMean, 3)),
            Text(r.Cpu.LatencyP50), Text(r.Cpu.LatencyP99), Text(r.Cpu.LatencyMax), Text(r.Cpu.StallCycles), Text(r.CpuWaitCycles),
            Text(r.DmaBusWaitCycles), Text(Math.Round(r.BusUtilisation, 5)), r.Error == null ? "" : Quote(r.Error),
        ];
    }

    /// <summary>One row of cpu_alone.csv, as written.</summary>
    /// <param name="a">The measurement.</param>
    /// <returns>The cells, in <see cref="PerfFindings.CpuAloneColumns"/> order.</returns>
    public static string[] CpuAloneRow(CpuAloneResult a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return
        [
            Text(a.Latency), Text(a.CpuLoad), Text(a.Cycles), Text(a.Cpu.Accesses), Text(Math.Round(a.Cpu.LatencyMean, 3)),
            Text(a.Cpu.LatencyP50), Text(a.Cpu.LatencyP99), Text(a.Cpu.LatencyMax), a.Error == null ? "" : Quote(a.Error),
        ];
    }

    private const string BusColour = "#d62728";
    private const string AloneColour = "#555555";

    private static (string Colour, string Marker) Style(TransferMode mode) => mode switch
    {
        TransferMode.Burst => ("#1f77b4", "pt 7 ps 1.2"),
        TransferMode.CycleStealing => ("#ff7f0e", "pt 5 ps 1.2"),
        _ => ("#2ca02c", "pt 13 ps 2.6"),   // a large filled diamond, drawn last
    };

    // the trade-off's reference lines: the bus limit (vertical) and the CPU's p99 with no DMA (horizontal), in front of the
    // series and named in the key (by a plot of nothing in their style); the log y range around them and the points
    private static PlotExtras TradeOffLines(IReadOnlyList<PerfResult> ok, Func<PerfResult, bool> keep, int peak, CpuAloneResult? alone)
    {
        var ys = ok.Where(keep).Select(r => (double)r.Cpu.LatencyP99).Where(y => y > 0).ToList();
        var set = new List<string>
        {
            Invariant($"set arrow from first {peak}, graph 0 to first {peak}, graph 1 nohead front dt 2 lw 2 lc rgb '{BusColour}'"),
            Invariant($"set label 'bus limit' at first {peak}, graph 0.25 rotate by 90 center offset 1.2,0 tc rgb '{BusColour}'"),
            Invariant($"set xrange [0:{peak * 1.15:R}]"),
        };
        var plot = new List<string> { Invariant($"NaN with lines dt 2 lw 2 lc rgb '{BusColour}' title 'bus limit, {peak} bytes/cycle'") };
        if (alone != null)
        {
            var p99 = alone.Cpu.LatencyP99;
            ys.Add(p99);
            set.Add(Invariant($"set arrow from graph 0, first {p99} to graph 1, first {p99} nohead front dt 3 lw 2 lc rgb '{AloneColour}'"));
            set.Add(Invariant($"set label 'CPU alone: p99 {p99}' at graph 0.01, first {p99} offset 0,-0.9 tc rgb '{AloneColour}'"));
            plot.Add(Invariant($"NaN with lines dt 3 lw 2 lc rgb '{AloneColour}' title 'CPU alone (no DMA), p99 {p99} cycles'"));
        }

        if (ys.Count > 0)
        {
            set.Add(Invariant($"set yrange [{Math.Max(1, ys.Min() / 1.6):R}:{ys.Max() * 1.6:R}]"));
        }

        return new PlotExtras(set, plot);
    }

    // points of a series at the same (x, y) (transparent mode's, which ignore the burst length) become one, labelled with all their bursts
    private static List<(double X, double Y, string Label)> Collapse(IEnumerable<PerfResult> series, PlotSpec spec, int bursts) =>
        [.. series.GroupBy(r => (X: spec.X(r), Y: spec.Y(r)))
            .Select(g => (g.Key.X, g.Key.Y, Label: g.Count() == 1 ? Text(g.First().Point.Burst)
                : g.Count() == bursts ? "any burst" : string.Join('/', g.Select(r => Text(r.Point.Burst)))))];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // gnuplot set commands before the plot, and plot commands drawn after (over) the series
    private sealed record PlotExtras(IReadOnlyList<string> Set, IReadOnlyList<string> Plot);

    private sealed record PlotSpec(
        string Name, string Title, string XLabel, string YLabel, PlotExtras Extras,
        Func<PerfResult, bool> Keep, Func<PerfResult, double> X, Func<PerfResult, double> Y)
    {
        public bool LogX { get; init; }

        public bool LogY { get; init; }

        public bool Labels { get; init; }
    }

    internal static void AppendTable(StringBuilder html, IEnumerable<string> header, IEnumerable<string[]> rows)
    {
        html.Append("<div class=\"scroll\"><table><tr>");
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

        html.AppendLine("</table></div>");
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

    internal static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal).ReplaceLineEndings(" ") + "\"";

    internal static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
