// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Testing;
using DmaCosim.Testing.Ring;
using Spectre.Console;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim ring</c>: the ring-buffer study (issue #18) — a DMA-filled ring consumed by the CPU
/// through each mapping, swept over block size × ring depth × consumer work on a pool of harnesses;
/// writes results.csv, gnuplot plots (SVG and PNG) and report.html with the conclusions.
/// </summary>
internal static class RingCommand
{
    public static Command Create()
    {
        var defaults = new RingGrid();
        var mappings = new Option<string>("--mapping") { Description = "consumer mappings: uncached, invalidate, snoop, broken", DefaultValueFactory = _ => "uncached,invalidate,snoop,broken" };
        var blocks = new Option<string>("--block") { Description = "block sizes (K suffix; multiples of the cache line)", DefaultValueFactory = _ => PerfCommand.Join(defaults.BlockSizes) };
        var depths = new Option<string>("--depth") { Description = "ring depths in blocks", DefaultValueFactory = _ => PerfCommand.Join(defaults.Depths) };
        var work = new Option<string>("--work") { Description = "consumer compute cycles per byte", DefaultValueFactory = _ => PerfCommand.Join(defaults.Work) };
        var count = new Option<int>("--blocks") { Description = "blocks produced and consumed per point", DefaultValueFactory = _ => defaults.Blocks };
        var seed = new Option<ulong>("--seed") { Description = "seed of the device's data", DefaultValueFactory = _ => defaults.Seed };
        var jobs = new Option<int>("--jobs") { Description = "harnesses in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "output directory", DefaultValueFactory = _ => "build/ring" };
        var command = new Command("ring", "ring-buffer study: a DMA-filled ring consumed uncached / cached + invalidate / snooping / broken; CSV, plots, report")
        {
            mappings, blocks, depths, work, count, seed, jobs, output,
        };
        command.SetAction((r, ct) => RunAsync(
            r.GetValue(mappings)!, r.GetValue(blocks)!, r.GetValue(depths)!, r.GetValue(work)!, r.GetValue(count), r.GetValue(seed),
            r.GetValue(jobs), r.GetValue(output)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(
        string mappings, string blocks, string depths, string work, int count, ulong seed, int jobs, string output, CancellationToken ct)
    {
        var (grid, error) = Parse(mappings, blocks, depths, work, count, seed);
        if (error == null && jobs < 1)
        {
            error = $"--jobs {jobs} must be at least 1";
        }

        // every build today has 64-byte lines: a usage error comes before any harness is started;
        // the build's own line is checked once its harness has said what it is
        error ??= grid!.Validate(RingGrid.UsualCacheLine);
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("ring", error).ConfigureAwait(false);
        }

        CliEnvironment.CheckOutputDirectory("--out", output);
        var options = new HarnessOptions { HarnessPath = CliEnvironment.Harness() };
        RtlInfo rtl;
        await using (var probe = await HarnessProcess.StartAsync(options, ct).ConfigureAwait(false))
        {
            rtl = probe.Hello.Rtl;
            error = grid!.Validate(rtl.CacheLine);
            Console.WriteLine(HarnessHeader.Of(options.HarnessPath, probe).Line);
        }

        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("ring", error).ConfigureAwait(false);
        }

        CliConsole.PlainWhenRedirected();
        var directory = Path.GetFullPath(output);
        Directory.CreateDirectory(directory);
        var points = grid!.Points();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<RingResult> results = [];
        var unexpected = 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{points.Count} points", maxValue: points.Count);
                results = await RingSweep.RunAsync(new HarnessPool(jobs, options), grid, r =>
                {
                    if (!RingSweep.AsExpected(r))
                    {
                        Interlocked.Increment(ref unexpected);
                    }

                    bar.Description = $"{points.Count} points, [red]{Volatile.Read(ref unexpected)} not as expected[/]";
                    bar.Increment(1);
                }, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        var elapsed = clock.Elapsed;

        var csv = RingReport.WriteCsv(directory, results);
        var plots = RingReport.WritePlots(directory, grid, results);
        var conclusions = RingReport.Conclusions(grid, results);
        var commandLine = $"{CliEnvironment.Invocation} ring " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2).Select(CliEnvironment.Quote));
        var machine = string.Create(CultureInfo.InvariantCulture,
            $"RTL {rtl.DataWidth}-bit data, max burst {rtl.MaxBurst}; CPU cache {rtl.CacheSets * rtl.CacheWays * rtl.CacheLine / 1024} KiB, {rtl.CacheLine}-byte lines; " +
            $"DRAM latency 0; {grid.Blocks} blocks per point, seed {grid.Seed}; {points.Count} points in {elapsed.TotalSeconds:0.0} s with --jobs {jobs}");
        var html = RingReport.WriteHtml(directory, commandLine, machine, conclusions, plots, results);

        foreach (var line in conclusions)
        {
            Console.WriteLine("- " + line);
        }

        foreach (var bad in results.Where(r => !RingSweep.AsExpected(r)))
        {
            Console.WriteLine($"NOT AS EXPECTED {bad.Point}: {bad.Error ?? bad.FirstViolation}");
        }

        Console.WriteLine($"results: {csv} ({results.Count} rows)");
        foreach (var plot in plots)
        {
            Console.WriteLine($"plot:    {plot.Svg}, {plot.Png} — {plot.Title}");
        }

        Console.WriteLine($"report:  {html}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall:    {clock.Elapsed.TotalSeconds:0.0} s"));
        return unexpected == 0 ? 0 : 1;
    }

    private static (RingGrid? Grid, string? Error) Parse(string mappings, string blocks, string depths, string work, int count, ulong seed)
    {
        var mappingList = new List<RingMapping>();
        foreach (var name in PerfCommand.Split(mappings))
        {
            if (!RingGrid.TryParseMapping(name, out var mapping))
            {
                return (null, $"--mapping '{name}' is not uncached, invalidate, snoop or broken");
            }

            mappingList.Add(mapping);
        }

        var blockList = new List<int>();
        foreach (var text in PerfCommand.Split(blocks))
        {
            if (!SizeParser.TryParse(text, out var size) || size > int.MaxValue)
            {
                return (null, $"--block '{text}' is not a size such as 256, 1K or 4K");
            }

            blockList.Add((int)size);
        }

        var (depthList, depthError) = PerfCommand.Integers("--depth", depths);
        var (workList, workError) = PerfCommand.Integers("--work", work);
        var error = depthError ?? workError;
        return error != null
            ? (null, error)
            : (new RingGrid
            {
                Mappings = [.. mappingList.Distinct()],
                BlockSizes = [.. blockList.Distinct()],
                Depths = [.. depthList.Distinct()],
                Work = [.. workList.Distinct()],
                Blocks = count,
                Seed = seed,
            }, null);
    }
}
