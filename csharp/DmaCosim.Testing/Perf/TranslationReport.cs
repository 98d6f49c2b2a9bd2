// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;

namespace DmaCosim.Testing.Perf;

/// <summary>
/// Writes what the translation sweep measured: <c>iotlb.csv</c> (one row per point and pass), the plots (throughput,
/// misses per translation and walk cycles per miss against the IOTLB entries in use, one line per pattern and pass)
/// and the summary the console prints.
/// </summary>
public static class TranslationReport
{
    private static readonly string[] Passes = ["warm", "cold"];

    /// <summary>File name of the CSV.</summary>
    public const string Csv = "iotlb.csv";

    /// <summary>The CSV header, in column order.</summary>
    public static readonly string[] Columns =
    [
        "pattern", "entries", "pass", "bytes", "copies", "cycles", "bytes_per_cycle", "efficiency", "translations", "hits", "misses",
        "miss_rate", "walk_cycles", "walk_cycles_per_miss", "pte_reads", "error",
    ];

    /// <summary>Columns of <see cref="Summary"/>.</summary>
    public static readonly string[] SummaryHeader =
        ["pattern", "warm efficiency at most entries", "cold", "warm reaches 99 % of it from", "walk cycles / miss (cold)", "cycles lost / miss"];

    /// <summary>Writes iotlb.csv.</summary>
    /// <param name="directory">Output directory (created).</param>
    /// <param name="results">The results.</param>
    /// <param name="bytesPerBeat">Bytes per data beat of the build (efficiency = bytes per cycle / this).</param>
    /// <returns>The CSV's path.</returns>
    public static string WriteCsv(string directory, IReadOnlyList<TranslationResult> results, int bytesPerBeat)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        var text = new StringBuilder().AppendLine(string.Join(',', Columns));
        foreach (var row in results.SelectMany(r => Rows(r, bytesPerBeat)))
        {
            text.AppendLine(string.Join(',', row));
        }

        var path = Path.Combine(directory, Csv);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>A result's two CSV rows (cold, warm), as written.</summary>
    /// <param name="r">The result.</param>
    /// <param name="bytesPerBeat">Bytes per data beat of the build.</param>
    /// <returns>The rows, cells in <see cref="Columns"/> order.</returns>
    public static IEnumerable<string[]> Rows(TranslationResult r, int bytesPerBeat)
    {
        ArgumentNullException.ThrowIfNull(r);
        foreach (var (name, pass) in new[] { ("cold", r.Cold), ("warm", r.Warm) })
        {
            yield return
            [
                r.Point.PatternName, PerfReport.Text(r.Point.Entries), name, PerfReport.Text(pass.Bytes), PerfReport.Text(pass.Copies),
                PerfReport.Text(pass.Cycles), PerfReport.Text(Math.Round(pass.BytesPerCycle, 5)), PerfReport.Text(Math.Round(pass.BytesPerCycle / bytesPerBeat, 5)),
                PerfReport.Text(pass.Translations), PerfReport.Text(pass.Counters.Hits), PerfReport.Text(pass.Counters.Misses),
                PerfReport.Text(Math.Round(pass.MissRate, 5)), PerfReport.Text(pass.Counters.WalkCycles), PerfReport.Text(Math.Round(pass.WalkCyclesPerMiss, 3)),
                PerfReport.Text(pass.Counters.PteReads), r.Error == null ? "" : PerfReport.Quote(r.Error),
            ];
        }
    }

    /// <summary>Renders the three plots with gnuplot (SVG and PNG, with their .dat and .gp).</summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="results">The results (failed points left out).</param>
    /// <param name="bytesPerBeat">Bytes per data beat of the build.</param>
    /// <param name="gnuplot">The gnuplot executable.</param>
    /// <returns>The plots.</returns>
    /// <exception cref="InvalidOperationException">gnuplot failed, timed out, or wrote an empty file.</exception>
    public static IReadOnlyList<PerfPlot> WritePlots(string directory, IReadOnlyList<TranslationResult> results, int bytesPerBeat, string gnuplot = "gnuplot")
    {
        ArgumentNullException.ThrowIfNull(results);
        var ok = results.Where(r => r.Passed).ToList();
        var patterns = ok.Select(r => r.Point.Pattern).Distinct().ToList();
        List<PlotSeries> Series(Func<TranslationPass, double> y, bool withCold) =>
            [.. patterns.SelectMany(p => (withCold ? Passes : Passes[..1]).Select(pass => new PlotSeries(
                $"{TranslationGrid.NameOf(p)} {pass}",
                [.. ok.Where(r => r.Point.Pattern == p).OrderBy(r => r.Point.Entries)
                    .Select(r => ((double)r.Point.Entries, y(pass == "warm" ? r.Warm : r.Cold)))])))];
        var plots = new[]
        {
            PerfReport.RenderPlot(directory,
                new LinePlot("iotlb_throughput", "DMA throughput vs IOTLB entries in use (cold: IOTLB empty; warm: the same copies again)",
                    "IOTLB entries in use", "efficiency (bytes per cycle / bytes per beat)", LogX: true),
                Series(p => p.BytesPerCycle / bytesPerBeat, withCold: true), gnuplot),
            PerfReport.RenderPlot(directory,
                new LinePlot("iotlb_miss_rate", "IOTLB misses per translation, warm pass", "IOTLB entries in use", "misses / translations", LogX: true),
                Series(p => p.MissRate, withCold: false), gnuplot),
            PerfReport.RenderPlot(directory,
                new LinePlot("iotlb_walk_cycles", "Walker-busy cycles per IOTLB miss", "IOTLB entries in use", "walk cycles per miss", LogX: true),
                Series(p => p.WalkCyclesPerMiss, withCold: true), gnuplot),
        };
        return [.. plots.OfType<PerfPlot>()];
    }

    /// <summary>
    /// Per pattern: the warm efficiency at the most entries swept, the cold one there, the fewest entries at which the
    /// warm pass reaches 99 % of it, the walker-busy cycles per cold miss, and the cycles the copy loses per miss
    /// (cold − warm cycles over cold − warm misses at the most entries; "-" when the warm pass missed as often).
    /// </summary>
    /// <param name="results">The results.</param>
    /// <param name="bytesPerBeat">Bytes per data beat of the build.</param>
    /// <returns>Rows matching <see cref="SummaryHeader"/>.</returns>
    public static IReadOnlyList<string[]> Summary(IReadOnlyList<TranslationResult> results, int bytesPerBeat)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [.. results.Where(r => r.Passed).GroupBy(r => r.Point.Pattern).Select(g =>
        {
            var most = g.MaxBy(r => r.Point.Entries)!;
            var best = most.Warm.BytesPerCycle;
            var from = g.Where(r => r.Warm.BytesPerCycle >= 0.99 * best).Min(r => r.Point.Entries);
            var saved = (long)most.Cold.Counters.Misses - most.Warm.Counters.Misses;
            return new[]
            {
                TranslationGrid.NameOf(g.Key), PerfReport.Text(Math.Round(best / bytesPerBeat, 4)), PerfReport.Text(Math.Round(most.Cold.BytesPerCycle / bytesPerBeat, 4)),
                PerfReport.Text(from) + " entries", PerfReport.Text(Math.Round(most.Cold.WalkCyclesPerMiss, 1)),
                saved <= 0 ? "-" : PerfReport.Text(Math.Round(((double)most.Cold.Cycles - most.Warm.Cycles) / saved, 2)),
            };
        })];
    }

    /// <summary>One line saying what the summary's columns range over.</summary>
    /// <param name="results">The results.</param>
    /// <returns>The line.</returns>
    public static string SummaryScope(IReadOnlyList<TranslationResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var entries = results.Select(r => r.Point.Entries).Distinct().Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"IOTLB entries in use swept over {string.Join(", ", entries)}; efficiency = bytes per cycle / bytes per beat (1.0: a beat every cycle).");
    }
}
