using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Testing;
using DmaCosim.Testing.Coverage;
using Spectre.Console;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim regress</c>: seeded constrained-random scenarios on a pool of harnesses, with a live
/// progress bar, a summary, one repro line per failure, JUnit XML and kept waveforms.
/// </summary>
internal static class RegressCommand
{
    public static Command Create()
    {
        var count = new Option<int?>("--count") { Description = "run seeds 1..N (default 100)" };
        var seeds = new Option<string?>("--seeds") { Description = "run seeds A..B (inclusive)" };
        var seed = new Option<ulong?>("--seed") { Description = "run one seed" };
        var jobs = new Option<int>("--jobs") { Description = "harnesses in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var build = new Option<string>("--build") { Description = "build variant: default, dw32, dw128, aw64", DefaultValueFactory = _ => "default" };
        var junit = new Option<string?>("--junit") { Description = "write JUnit XML here" };
        var shard = new Option<string?>("--shard") { Description = "run shard K of N (K/N) of the seed list" };
        var waves = new Option<string>("--waves")
        {
            Description = "none | failing (record each scenario, keep failing ones; ~10x slower) | all",
            DefaultValueFactory = _ => "none",
        };
        var output = new Option<string>("--out") { Description = "directory for waveforms", DefaultValueFactory = _ => "build/regress" };
        var generator = new Option<int?>("--generator")
        {
            Description = $"scenario-generator version the seeds belong to (this build: {ScenarioGenerator.Version}; another is a usage error)",
        };
        var command = new Command("regress", "run seeded random DMA scenarios against the RTL and check every byte")
        {
            count, seeds, seed, jobs, build, junit, shard, waves, output, generator,
            RegressCoverage.FileOption, RegressCoverage.GoalOption, RegressCoverage.MaxSeedsOption,
        };
        command.SetAction((r, ct) => RunAsync(
            r.GetValue(count), r.GetValue(seeds), r.GetValue(seed), r.GetValue(jobs), r.GetValue(build)!, r.GetValue(junit),
            r.GetValue(shard), r.GetValue(waves)!, r.GetValue(output)!, r.GetValue(generator),
            RegressCoverage.Create(r.GetValue(RegressCoverage.FileOption), r.GetValue(RegressCoverage.GoalOption), r.GetValue(RegressCoverage.MaxSeedsOption),
                SeedSelection.Select(r.GetValue(count), r.GetValue(seeds), r.GetValue(seed), r.GetValue(shard)).Seeds.Count, r.GetValue(shard)), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        int? count, string? range, ulong? seed, int jobs, string build, string? junit, string? shard, string wavesText, string output,
        int? generator, (RegressCoverage? Coverage, string? Error) coverageOptions, CancellationToken ct)
    {
        var (list, error) = SeedSelection.Select(count, range, seed, shard);
        if (error == null && generator is { } version && version != ScenarioGenerator.Version)
        {
            error = $"--generator {version}: this build generates version {ScenarioGenerator.Version} scenarios (a seed of another version is another scenario)";
        }

        if (error == null && jobs < 1)
        {
            error = $"--jobs {jobs} must be at least 1";
        }

        if (error == null && !Enum.TryParse<WaveformMode>(wavesText, ignoreCase: true, out _))
        {
            error = $"--waves '{wavesText}' is not none, failing or all";
        }

        error ??= coverageOptions.Error;
        var harnessPath = Locate(build, ref error);
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("regress", error).ConfigureAwait(false);
        }

        CliConsole.PlainWhenRedirected();

        var waves = Enum.Parse<WaveformMode>(wavesText, ignoreCase: true);
        var waveDirectory = Path.GetFullPath(output);
        Directory.CreateDirectory(waveDirectory);
        var options = new HarnessOptions { HarnessPath = harnessPath };
        var pool = new HarnessPool(jobs, options);
        var repro = (ulong s) => $"dmacosim regress --seed {s} --build {build} --generator {ScenarioGenerator.Version} --waves all";
        var clock = Stopwatch.StartNew();
        var passed = 0;
        var failed = 0;
        var withCpu = 0;
        var coverage = coverageOptions.Coverage!;
        var results = new List<ScenarioResult>();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{list.Count} scenarios", maxValue: list.Count);
                for (var batch = list; batch.Count > 0; batch = coverage.NextSeeds([.. results.Select(r => r.Seed)], jobs))
                {
                    bar.MaxValue = results.Count + batch.Count;
                    results.AddRange(await pool.RunAsync(
                        batch,
                        async (harness, s) =>
                        {
                            var scenario = ScenarioGenerator.Generate(s, harness.Hello.Rtl);
                            if (scenario.Cpu != null || scenario.Engine?.CpuLoad != null)
                            {
                                Interlocked.Increment(ref withCpu);
                            }
    
                            var result = await ScenarioRunner.RunAsync(harness, scenario, waves, waveDirectory, ct).ConfigureAwait(false);
                            return result with { Facts = ScenarioFacts.From(scenario, result, harness.Hello.Rtl) };
                        },
                        (s, crash) => new ScenarioResult(
                            s, false, 0, "", crash is SimRequestException ? crash.Message : $"harness crashed: {crash.Message}", null, TimeSpan.Zero),
                        result =>
                        {
                            coverage.Sample(result);
                            var p = result.Passed ? Interlocked.Increment(ref passed) : Volatile.Read(ref passed);
                            var f = result.Passed ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
                            bar.Description = $"[green]{p} passed[/] [red]{f} failed[/]";
                            bar.Increment(1);
                        },
                        ct).ConfigureAwait(false));
                }
            }).ConfigureAwait(false);
        clock.Stop();

        var table = new Table().AddColumns(
            "build", "scenarios", "with CPU activity", "passed", "failed", "simulated cycles", "wall", "scenarios/min", "harnesses started");
        table.AddRow(build, Text(results.Count), Text(withCpu), Text(passed), Text(failed), Text(results.Sum(r => (decimal)r.Cycles)),
            $"{clock.Elapsed.TotalSeconds:0.0} s", Text(Math.Round(results.Count / clock.Elapsed.TotalMinutes, 1)), Text(pool.Started));
        AnsiConsole.Write(table);
        Console.WriteLine(ScenarioRunner.KindSummary(results));
        foreach (var failure in results.Where(r => !r.Passed))
        {
            Console.WriteLine($"FAIL seed {failure.Seed}: {failure.Failure?.Split('\n')[0]}");
            if (failure.Scenario != null)
            {
                Console.WriteLine($"  scenario: {failure.Scenario}");
            }

            if (failure.WaveformPath != null)
            {
                Console.WriteLine($"  waveform: {failure.WaveformPath}");
            }

            Console.WriteLine($"  repro: {repro(failure.Seed)}");
        }

        if (junit != null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(junit));
            Directory.CreateDirectory(directory!);
            JUnitReport.Build($"dmacosim.regress.{build}", results, repro).Save(junit);
            Console.WriteLine($"junit: {Path.GetFullPath(junit)} ({results.Count} testcases)");
        }

        var goalMet = coverage.Report(results.Count);
        return failed == 0 && goalMet ? 0 : 1;
    }

    private static string? Locate(string build, ref string? error)
    {
        if (error != null)
        {
            return null;
        }

        try
        {
            var defaultPath = HarnessProcess.Locate();
            var path = build == "default" ? defaultPath : $"{defaultPath}-{build}";
            if (!File.Exists(path))
            {
                error = $"--build {build}: {path} does not exist (make harnesses builds every variant)";
            }

            return path;
        }
        catch (FileNotFoundException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
