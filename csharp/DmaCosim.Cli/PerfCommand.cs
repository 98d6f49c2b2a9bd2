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
/// <c>dmacosim perf</c>: sweeps transfer mode × burst length × size × memory latency × CPU load on a
/// pool of harnesses, and the CPU traffic alone; writes results.csv, cpu_alone.csv, gnuplot plots (SVG and PNG) and report.html.
/// Its subcommand <c>perf iotlb</c> (<see cref="PerfIotlbCommand"/>) is the IOMMU translation sweep.
/// </summary>
internal static class PerfCommand
{
    public static Command Create()
    {
        var defaults = new PerfGrid();
        var modes = new Option<string>("--mode") { Description = "transfer modes: burst, steal, transparent", DefaultValueFactory = _ => "burst,steal,transparent" };
        var bursts = new Option<string>("--burst") { Description = "burst lengths in beats (beats per grant when stealing)", DefaultValueFactory = _ => Join(defaults.Bursts) };
        var sizes = new Option<string>("--size") { Description = "copy sizes (K, M suffixes)", DefaultValueFactory = _ => "64K,1M" };
        var latencies = new Option<string>("--latency") { Description = "DRAM read and write latencies in cycles", DefaultValueFactory = _ => Join(defaults.Latencies) };
        var loads = new Option<string>("--cpu-load") { Description = "background CPU accesses per 100 cycles", DefaultValueFactory = _ => Join(defaults.CpuLoads) };
        var idle = new Option<int>("--steal-idle") { Description = "idle cycles between grants when stealing", DefaultValueFactory = _ => defaults.StealIdleCycles };
        var jobs = new Option<int>("--jobs") { Description = "harnesses in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "output directory", DefaultValueFactory = _ => "build/perf" };
        var command = new Command("perf", "sweep burst / cycle-stealing / transparent DMA against memory latency and CPU load; CSV, plots, report")
        {
            modes, bursts, sizes, latencies, loads, idle, jobs, output,
            PerfIotlbCommand.Create(),
        };
        command.SetAction((r, ct) => RunAsync(
            r.GetValue(modes)!, r.GetValue(bursts)!, r.GetValue(sizes)!, r.GetValue(latencies)!, r.GetValue(loads)!,
            r.GetValue(idle), r.GetValue(jobs), r.GetValue(output)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(
        string modes, string bursts, string sizes, string latencies, string loads, int idle, int jobs, string output, CancellationToken ct)
    {
        var (grid, error) = Parse(modes, bursts, sizes, latencies, loads, idle);
        if (error == null && jobs < 1)
        {
            error = $"--jobs {jobs} must be at least 1";
        }

        // everything but the build's MAX_BURST is checked before a harness is looked for
        error ??= grid!.Validate(int.MaxValue);

        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("perf", error).ConfigureAwait(false);
        }

        CliEnvironment.CheckOutputDirectory("--out", output);
        var options = new HarnessOptions { HarnessPath = CliEnvironment.Harness() };
        RtlInfo rtl;
        await using (var probe = await HarnessProcess.StartAsync(options, ct).ConfigureAwait(false))
        {
            rtl = probe.Hello.Rtl;
            error = grid!.Validate(rtl.MaxBurst);
            Console.WriteLine(HarnessHeader.Of(options.HarnessPath, probe).Line);
        }

        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("perf", error).ConfigureAwait(false);
        }

        CliConsole.PlainWhenRedirected();

        var directory = Path.GetFullPath(output);
        Directory.CreateDirectory(directory);
        var points = grid!.Points();
        var pool = new HarnessPool(jobs, options);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<PerfResult> results = [];
        var failed = 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{points.Count} points", maxValue: points.Count);
                results = await PerfSweep.RunAsync(pool, grid, r =>
                {
                    if (!r.Passed)
                    {
                        Interlocked.Increment(ref failed);
                    }

                    bar.Description = $"{points.Count} points, [red]{Volatile.Read(ref failed)} failed[/]";
                    bar.Increment(1);
                }, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        var cpuAlone = await PerfCpuAlone.RunAsync(pool, grid, ct).ConfigureAwait(false);
        var simulated = clock.Elapsed;

        var run = new PerfRun(grid, rtl!.BytesPerBeat, results, cpuAlone);
        var csv = PerfReport.WriteCsv(directory, results);
        var aloneCsv = PerfReport.WriteCpuAloneCsv(directory, cpuAlone);
        var plots = PerfReport.WritePlots(directory, run);
        var commandLine = $"{CliEnvironment.Invocation} perf " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2).Select(CliEnvironment.Quote));
        var machine = string.Create(CultureInfo.InvariantCulture,
            $"RTL {rtl.DataWidth}-bit data, {rtl.AddrWidth}-bit address, max burst {rtl.MaxBurst}; CPU cache {rtl.CacheSets * rtl.CacheWays * rtl.CacheLine / 1024} KiB; " +
            $"{Environment.ProcessorCount} cores; {points.Count} points in {simulated.TotalSeconds:0.0} s with --jobs {jobs}; " +
            $"steal idle {grid.StealIdleCycles} cycles; CPU load: random, {grid.CpuRegionBytes / 1024} KiB region, {grid.CpuStorePercent} % stores");
        var html = PerfReport.WriteHtml(directory, commandLine, machine, plots, run);

        foreach (var failure in results.Where(r => !r.Passed))
        {
            Console.WriteLine($"FAIL {failure.Point}: {failure.Error}");
        }

        foreach (var failure in cpuAlone.Where(a => !a.Passed))
        {
            failed++;
            Console.WriteLine($"FAIL {failure}: {failure.Error}");
        }

        // the summary after the failures, fitted to the terminal
        Console.WriteLine(PerfReport.SummaryScope(run));
        Console.Write(SummaryTable.Render(PerfReport.SummaryHeader, PerfReport.Summary(results), CliEnvironment.Width));

        Console.WriteLine($"results: {csv} ({results.Count} rows)");
        Console.WriteLine($"results: {aloneCsv} (the CPU alone, {cpuAlone.Count} rows)");
        foreach (var plot in plots)
        {
            Console.WriteLine($"plot:    {plot.Svg}, {plot.Png} — {plot.Title}");
        }

        if (plots.Count > 0)
        {
            Console.WriteLine($"gnuplot: {plots.Count} scripts (.gp) and their data (.dat) next to the plots in {directory}");
        }

        Console.WriteLine($"report:  {html}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall:    {clock.Elapsed.TotalSeconds:0.0} s"));
        return failed == 0 ? 0 : 1;
    }

    private static (PerfGrid? Grid, string? Error) Parse(string modes, string bursts, string sizes, string latencies, string loads, int idle)
    {
        var modeList = new List<TransferMode>();
        foreach (var name in Split(modes))
        {
            if (!PerfGrid.TryParseMode(name, out var mode))
            {
                return (null, $"--mode '{name}' is not burst, steal or transparent");
            }

            modeList.Add(mode);
        }

        var sizeList = new List<long>();
        foreach (var text in Split(sizes))
        {
            if (!SizeParser.TryParse(text, out var size))
            {
                return (null, $"--size '{text}' is not a size such as 4096, 64K or 1M");
            }

            sizeList.Add(size);
        }

        var (burstList, burstError) = Integers("--burst", bursts);
        var (latencyList, latencyError) = Integers("--latency", latencies);
        var (loadList, loadError) = Integers("--cpu-load", loads);
        var error = burstError ?? latencyError ?? loadError;
        return error != null
            ? (null, error)
            : (new PerfGrid
            {
                Modes = [.. modeList.Distinct()],
                Bursts = [.. burstList.Distinct()],
                Sizes = [.. sizeList.Distinct()],
                Latencies = [.. latencyList.Distinct()],
                CpuLoads = [.. loadList.Distinct()],
                StealIdleCycles = idle,
            }, null);
    }

    internal static (List<int> Values, string? Error) Integers(string option, string text)
    {
        var values = new List<int>();
        foreach (var item in Split(text))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return (values, $"{option} '{item}' is not a non-negative integer");
            }

            values.Add(value);
        }

        return (values, null);
    }

    internal static string[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static string Join(IEnumerable<int> values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
