// SPDX-License-Identifier: MIT
using System.Collections.Concurrent;
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
        var build = new Option<string>("--build") { Description = "build variant: default, dw32, dw128, aw64, nodre", DefaultValueFactory = _ => "default" };
        var junit = new Option<string?>("--junit") { Description = "write JUnit XML here" };
        var shard = new Option<string?>("--shard") { Description = "run shard K of N (K/N) of the seed list" };
        var waves = new Option<string>("--waves")
        {
            Description = "none | failing (record each scenario, keep failing ones; ~10x slower) | all",
            DefaultValueFactory = _ => "none",
        };
        var saving = new Option<string>("--scenarios")
        {
            Description = $"none | failing | all: save those seeds' scenarios as --out/seed-N{ScenarioFile.Extension}, replayable under any later generator (dmacosim replay)",
            DefaultValueFactory = _ => "failing",
        };
        var output = new Option<string>("--out") { Description = "directory for waveforms and saved scenarios", DefaultValueFactory = _ => "build/regress" };
        var generator = new Option<int?>("--generator")
        {
            Description = $"scenario-generator version the seeds belong to (this build: {ScenarioGenerator.Version}; another is a usage error)",
        };
        var chaos = new Option<double?>("--chaos")
        {
            Description = "SIGKILL harnesses at random moments with this probability per scenario (0..1); each interrupted scenario re-runs on a fresh harness",
        };
        var command = new Command("regress", "run seeded random DMA scenarios against the RTL and check every byte")
        {
            count, seeds, seed, jobs, build, junit, shard, waves, saving, output, generator, chaos,
            RegressCoverage.FileOption, RegressCoverage.GoalOption, RegressCoverage.MaxSeedsOption,
            RegressSharding.EmitOption, RegressSharding.ShardsOption,
        };
        command.SetAction((r, ct) =>
        {
            if (r.GetValue(RegressSharding.EmitOption) is { } emit)
            {
                return RegressSharding.EmitAsync(emit, r.GetValue(RegressSharding.ShardsOption), r.GetValue(shard), r.GetValue(count), r.GetValue(seeds),
                    r.GetValue(seed), r.GetValue(build)!, r.GetValue(jobs), r.GetValue(generator));
            }

            var (resolved, shardError) = RegressSharding.Resolve(r.GetValue(shard));
            shardError ??= RegressSharding.CheckShardsAlone(r.GetValue(RegressSharding.ShardsOption));
            return shardError != null ? CliConsole.UsageErrorAsync("regress", shardError) : RunAsync(
                r.GetValue(count), r.GetValue(seeds), r.GetValue(seed), r.GetValue(jobs), r.GetValue(build)!, r.GetValue(junit),
                resolved, r.GetValue(waves)!, r.GetValue(saving)!, r.GetValue(output)!, r.GetValue(generator), r.GetValue(chaos),
                RegressCoverage.Create(r.GetValue(RegressCoverage.FileOption), r.GetValue(RegressCoverage.GoalOption), r.GetValue(RegressCoverage.MaxSeedsOption),
                    SeedSelection.Select(r.GetValue(count), r.GetValue(seeds), r.GetValue(seed), resolved).Seeds.Count, resolved), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        int? count, string? range, ulong? seed, int jobs, string build, string? junit, string? shard, string wavesText, string savingText, string output,
        int? generator, double? chaos, (RegressCoverage? Coverage, string? Error) coverageOptions, CancellationToken ct)
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

        if (error == null && !Enum.TryParse<WaveformMode>(savingText, ignoreCase: true, out _))
        {
            error = $"--scenarios '{savingText}' is not none, failing or all";
        }

        error ??= chaos is { } rate ? HarnessChaos.Validate(rate) : null;
        error ??= coverageOptions.Error;
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("regress", error).ConfigureAwait(false);
        }

        var waves = Enum.Parse<WaveformMode>(wavesText, ignoreCase: true);
        var saving = Enum.Parse<WaveformMode>(savingText, ignoreCase: true);
        if (waves != WaveformMode.None || saving != WaveformMode.None)
        {
            CliEnvironment.CheckOutputDirectory("--out", output);
        }

        if (junit != null)
        {
            CliEnvironment.CheckOutputFile("--junit", junit);
        }

        var harnessPath = Locate(build);
        CliConsole.PlainWhenRedirected();

        var waveDirectory = Path.GetFullPath(output);
        if (waves != WaveformMode.None || saving != WaveformMode.None)
        {
            Directory.CreateDirectory(waveDirectory);
        }

        var options = new HarnessOptions { HarnessPath = harnessPath };
        var run = new RegressRun(build, await HarnessHeader.ProbeAsync(options, ct).ConfigureAwait(false));
        Console.WriteLine(run.Header.Line + $", scenario generator {ScenarioGenerator.Version}");
        var pool = new HarnessPool(jobs, options) { Chaos = chaos is > 0 ? new HarnessChaos(chaos.Value) : null };
        var clock = Stopwatch.StartNew();
        // per seed, not per attempt: a scenario re-run after a chaos kill is one scenario
        var withCpu = new ConcurrentDictionary<ulong, bool>();
        var coverage = coverageOptions.Coverage!;
        if (run.Header.Rtl is { } rtl)
        {
            coverage.UseBuild(rtl); // the build's coverage model (nodre's bins differ)
        }
        var interrupted = false;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{list.Count} scenarios", maxValue: list.Count);
                try
                {
                    for (var batch = list; batch.Count > 0 && !ct.IsCancellationRequested; batch = coverage.NextSeeds([.. run.Results.Select(r => r.Seed)], jobs))
                    {
                        bar.MaxValue = run.Results.Count + batch.Count;
                        await pool.RunAsync(
                            batch,
                            ScenarioGenerator.BusOffsetOf,
                            async (harness, s) =>
                            {
                                var scenario = ScenarioGenerator.Generate(s, harness.Hello.Rtl);
                                if (scenario.Cpu != null || scenario.Engine?.CpuLoad != null)
                                {
                                    withCpu.TryAdd(s, true);
                                }

                                var result = await ScenarioRunner.RunAsync(harness, scenario, waves, waveDirectory, ct).ConfigureAwait(false);
                                return result with
                                {
                                    Facts = ScenarioFacts.From(scenario, result, harness.Hello.Rtl),
                                    SavedScenario = Save(saving, waveDirectory, scenario, harness.Hello.Rtl, result.Passed ? null : result.Failure),
                                };
                            },
                            (s, crash) =>
                            {
                                var failure = crash is SimRequestException ? crash.Message : $"harness crashed: {crash.Message}";
                                return new ScenarioResult(s, false, 0, "", failure, null, TimeSpan.Zero)
                                {
                                    SavedScenario = run.Header.Rtl is { } r ? Save(saving, waveDirectory, ScenarioGenerator.Generate(s, r), r, failure) : null,
                                };
                            },
                            result =>
                            {
                                // after Ctrl-C, what still arrives is a seed cut short (its harness may have had the signal too)
                                if (ct.IsCancellationRequested || !run.Add(result))
                                {
                                    return;
                                }

                                coverage.Sample(result);
                                bar.Description = $"[green]{run.Passed} passed[/] [red]{run.Failed} failed[/]";
                                bar.Increment(1);
                            },
                            ct).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    interrupted = true;
                }

                interrupted |= ct.IsCancellationRequested;
            }).ConfigureAwait(false);
        clock.Stop();

        var results = run.Results;
        if (interrupted)
        {
            Console.WriteLine($"interrupted (Ctrl-C): {results.Count} of {list.Count} selected seeds done; the summary and files below cover those");
        }

        run.PrintFailures(seed => Repro(seed, build));
        var summary = new (string Header, string Value)[]
        {
            ("build", build), ("scenarios", Text(results.Count)), ("with CPU activity", Text(results.Count(r => withCpu.ContainsKey(r.Seed)))), ("passed", Text(run.Passed)),
            ("failed", Text(run.Failed)), ("simulated cycles", Text(results.Sum(r => (decimal)r.Cycles))),
            ("wall", string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.0} s")),
            ("scenarios/min", Text(Math.Round(results.Count / Math.Max(clock.Elapsed.TotalMinutes, 1e-9), 1))), ("harnesses started", Text(pool.Started)),
        };
        Console.Write(SummaryTable.Render([.. summary.Select(c => c.Header)], [[.. summary.Select(c => c.Value)]], CliEnvironment.Width));
        Console.Write(SummaryTable.Fit(ScenarioRunner.KindSummary(results), CliEnvironment.Width));
        if (pool.Chaos != null)
        {
            Console.WriteLine($"chaos: {pool.ChaosKills} harnesses killed mid-scenario, each scenario re-run on a fresh harness");
        }
        run.PrintWaveforms(waves, waveDirectory);

        if (junit != null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(junit));
            Directory.CreateDirectory(directory!);
            // what the run declares (merge checks it), then which harness, RTL and CLI ran it
            var declared = RegressSharding.SuiteProperties(count, range, seed, shard, build, coverage.Goal, coverage.FilePath, junit, clock.Elapsed).ToList();
            var suite = declared.Concat(run.Properties.Where(p => declared.All(d => d.Key != p.Key)));
            JUnitReport.Build($"dmacosim.regress.{build}", results, seed => Repro(seed, build), suite).Save(junit);
            Console.WriteLine($"junit: {Path.GetFullPath(junit)} ({results.Count} testcases)");
        }

        var goalMet = coverage.Report(results.Count);
        return interrupted ? Cli.Interrupted : run.Failed == 0 && goalMet ? 0 : 1;
    }

    /// <summary>Saves <paramref name="scenario"/> when <paramref name="saving"/> asks for it (a failing one with its failure's first line); returns the file, or null.</summary>
    private static string? Save(WaveformMode saving, string directory, Scenario scenario, RtlInfo rtl, string? failure)
    {
        if (saving == WaveformMode.None || (saving == WaveformMode.Failing && failure == null))
        {
            return null;
        }

        var path = Path.Combine(directory, $"seed-{scenario.Seed}{ScenarioFile.Extension}");
        ScenarioFile.Save(path, scenario, rtl, failure == null ? null : $"regress: {failure.Split('\n')[0]}");
        return path;
    }

    /// <summary>The command that runs one seed again, as printed: runnable in a shell as it stands.</summary>
    private static string Repro(ulong seed, string build) =>
        $"{CliEnvironment.Invocation} regress --seed {seed} --build {build} --generator {ScenarioGenerator.Version} --waves all";

    /// <summary>The harness binary of a build variant.</summary>
    /// <param name="build">default, dw32, dw128, aw64, nodre.</param>
    /// <returns>Its path.</returns>
    /// <exception cref="CliUsageException">It has not been built.</exception>
    internal static string Locate(string build)
    {
        var defaultPath = CliEnvironment.Harness();
        var path = build == "default" ? defaultPath : $"{defaultPath}-{build}";
        return File.Exists(path) ? path : throw new CliUsageException($"--build {build}: {path} does not exist (make harnesses builds every variant)");
    }

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
