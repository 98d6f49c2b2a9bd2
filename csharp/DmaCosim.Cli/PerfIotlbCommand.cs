// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using DmaCosim.Testing.Perf;
using Spectre.Console;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim perf iotlb</c>: the translation sweep (issue #14 item 6) — IOTLB entries in use × access pattern
/// through the RTL IOMMU, each point copied cold and warm; writes iotlb.csv and gnuplot plots (SVG and PNG).
/// </summary>
internal static class PerfIotlbCommand
{
    public static Command Create()
    {
        var defaults = new TranslationGrid();
        var patterns = new Option<string>("--pattern")
        {
            Description = "access patterns: sequential, scattered, strided, thrash",
            DefaultValueFactory = _ => string.Join(',', defaults.Patterns.Select(TranslationGrid.NameOf)),
        };
        var entries = new Option<string>("--entries") { Description = "IOTLB entries in use (powers of two, 2..the build's; default: every one)", DefaultValueFactory = _ => "" };
        var size = new Option<string>("--size") { Description = "bytes per side of the sequential and scattered copies", DefaultValueFactory = _ => "256K" };
        var thrash = new Option<string>("--thrash-size") { Description = "bytes per side of the thrash copy (its pages should outnumber the IOTLB)", DefaultValueFactory = _ => "3M" };
        var pages = new Option<int>("--stride-pages") { Description = $"pages per side of the strided pattern ({defaults.StrideChunk} bytes copied from each)", DefaultValueFactory = _ => defaults.StridePages };
        var latency = new Option<int>("--latency") { Description = "DRAM read and write latency in cycles", DefaultValueFactory = _ => defaults.Latency };
        var jobs = new Option<int>("--jobs") { Description = "harnesses in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "output directory", DefaultValueFactory = _ => "build/perf-iotlb" };
        var command = new Command("iotlb", "translation sweep: IOTLB entries × access pattern through the IOMMU, cold and warm; CSV, plots")
        {
            patterns, entries, size, thrash, pages, latency, jobs, output,
        };
        command.SetAction((r, ct) => RunAsync(
            r.GetValue(patterns)!, r.GetValue(entries)!, r.GetValue(size)!, r.GetValue(thrash)!, r.GetValue(pages), r.GetValue(latency),
            r.GetValue(jobs), r.GetValue(output)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(
        string patterns, string entries, string size, string thrash, int pages, int latency, int jobs, string output, CancellationToken ct)
    {
        var (grid, error) = Parse(patterns, entries, size, thrash, pages, latency);
        if (error == null && jobs < 1)
        {
            error = $"--jobs {jobs} must be at least 1";
        }

        // the RTL's limit (4096 entries) before a harness is looked for; the build's own after
        const int rtlMaxLog2 = 12;
        error ??= grid!.Validate(rtlMaxLog2);
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("perf iotlb", error).ConfigureAwait(false);
        }

        CliEnvironment.CheckOutputDirectory("--out", output);
        var options = new HarnessOptions { HarnessPath = CliEnvironment.Harness() };
        RtlInfo rtl;
        int buildLog2;
        await using (var probe = await HarnessProcess.StartAsync(options, ct).ConfigureAwait(false))
        {
            rtl = probe.Hello.Rtl;
            var caps = await probe.Client.RegReadAsync(IommuRegisters.CapsOffset, ct).ConfigureAwait(false);
            buildLog2 = (int)((caps >> IommuRegisters.CapsTlbLog2Lsb) & 0x1F);
            error = caps == 0 ? "this build has no IOMMU (IOMMU_CAPS reads 0)" : grid!.Validate(buildLog2);
            Console.WriteLine(HarnessHeader.Of(options.HarnessPath, probe).Line);
        }

        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("perf iotlb", error).ConfigureAwait(false);
        }

        CliConsole.PlainWhenRedirected();
        var directory = Path.GetFullPath(output);
        Directory.CreateDirectory(directory);
        var points = grid!.Points(buildLog2);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<TranslationResult> results = [];
        var failed = 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{points.Count} points", maxValue: points.Count);
                results = await TranslationSweep.RunAsync(new HarnessPool(jobs, options), grid, buildLog2, r =>
                {
                    if (!r.Passed)
                    {
                        Interlocked.Increment(ref failed);
                    }

                    bar.Description = $"{points.Count} points, [red]{Volatile.Read(ref failed)} failed[/]";
                    bar.Increment(1);
                }, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        var csv = TranslationReport.WriteCsv(directory, results, rtl.BytesPerBeat);
        var plots = TranslationReport.WritePlots(directory, results, rtl.BytesPerBeat);
        foreach (var failure in results.Where(r => !r.Passed))
        {
            Console.WriteLine($"FAIL {failure.Point}: {failure.Error}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RTL {rtl.DataWidth}-bit data, max burst {rtl.MaxBurst}, {1 << buildLog2} IOTLB entries; DRAM latency {grid.Latency}; " +
            $"sequential / scattered {grid.Size} bytes per side, thrash {grid.ThrashSize}, strided {grid.StridePages} pages × {grid.StrideChunk} bytes"));
        Console.WriteLine(TranslationReport.SummaryScope(results));
        Console.Write(SummaryTable.Render(TranslationReport.SummaryHeader, TranslationReport.Summary(results, rtl.BytesPerBeat), CliEnvironment.Width));
        Console.WriteLine($"results: {csv} ({results.Count * 2} rows: cold and warm per point)");
        foreach (var plot in plots)
        {
            Console.WriteLine($"plot:    {plot.Svg}, {plot.Png} — {plot.Title}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall:    {clock.Elapsed.TotalSeconds:0.0} s"));
        return failed == 0 ? 0 : 1;
    }

    private static (TranslationGrid? Grid, string? Error) Parse(string patterns, string entries, string size, string thrash, int pages, int latency)
    {
        var patternList = new List<TranslationPattern>();
        foreach (var name in PerfCommand.Split(patterns))
        {
            if (!TranslationGrid.TryParsePattern(name, out var pattern))
            {
                return (null, $"--pattern '{name}' is not sequential, scattered, strided or thrash");
            }

            patternList.Add(pattern);
        }

        var (entryList, entryError) = PerfCommand.Integers("--entries", entries);
        if (entryError != null)
        {
            return (null, entryError);
        }

        var sizes = new List<int>();
        foreach (var (option, text) in new[] { ("--size", size), ("--thrash-size", thrash) })
        {
            if (!SizeParser.TryParse(text, out var bytes) || bytes > int.MaxValue)
            {
                return (null, $"{option} '{text}' is not a size such as 64K or 4M");
            }

            sizes.Add((int)bytes);
        }

        return (new TranslationGrid
        {
            Patterns = [.. patternList.Distinct()],
            Entries = [.. entryList.Distinct()],
            Size = sizes[0],
            ThrashSize = sizes[1],
            StridePages = pages,
            Latency = latency,
        }, null);
    }
}
