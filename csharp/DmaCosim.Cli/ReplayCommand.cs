// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim replay</c>: runs saved scenarios (<see cref="ScenarioFile"/>: what <c>regress</c> saves for a failing
/// seed, and the bank under tests/regress/banked) as they were generated, whatever the generator's version now.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = $"scenario files ({ScenarioFile.Extension}), or directories of them", Arity = ArgumentArity.OneOrMore };
        var jobs = new Option<int>("--jobs") { Description = "harnesses in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var build = new Option<string>("--build") { Description = "build variant: default, dw32, dw128, aw64, nodre", DefaultValueFactory = _ => "default" };
        var waves = new Option<string>("--waves") { Description = "none | failing | all", DefaultValueFactory = _ => "none" };
        var output = new Option<string>("--out") { Description = "directory for waveforms", DefaultValueFactory = _ => "build/replay" };
        var command = new Command("replay", "run saved scenarios (regress --scenarios, tests/regress/banked) on a build of their shape")
        {
            files, jobs, build, waves, output,
        };
        command.SetAction((r, ct) => RunAsync(r.GetValue(files)!, r.GetValue(jobs), r.GetValue(build)!, r.GetValue(waves)!, r.GetValue(output)!, ct));
        return command;
    }

    /// <summary>Every scenario file named: a file as given, a directory's <c>*.scenario.json</c> in name order.</summary>
    /// <param name="paths">Files and directories.</param>
    /// <returns>The files.</returns>
    /// <exception cref="CliUsageException">A path that does not exist, or a directory without scenario files.</exception>
    internal static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var list = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path, "*" + ScenarioFile.Extension).Order(StringComparer.Ordinal).ToList();
                list.AddRange(found.Count > 0 ? found : throw new CliUsageException($"{path}: no *{ScenarioFile.Extension} file in this directory"));
            }
            else
            {
                list.Add(File.Exists(path) ? path : throw new CliUsageException($"{path}: no such file or directory"));
            }
        }

        return list;
    }

    private static async Task<int> RunAsync(string[] paths, int jobs, string build, string wavesText, string output, CancellationToken ct)
    {
        if (jobs < 1)
        {
            return await CliConsole.UsageErrorAsync("replay", $"--jobs {jobs} must be at least 1").ConfigureAwait(false);
        }

        if (!Enum.TryParse<WaveformMode>(wavesText, ignoreCase: true, out var waves))
        {
            return await CliConsole.UsageErrorAsync("replay", $"--waves '{wavesText}' is not none, failing or all").ConfigureAwait(false);
        }

        var saved = new List<(string Path, SavedScenario Scenario)>();
        foreach (var path in Expand(paths))
        {
            try
            {
                saved.Add((path, ScenarioFile.Load(path)));
            }
            catch (ScenarioFileException e)
            {
                throw new CliUsageException(e.Message);
            }
        }

        if (waves != WaveformMode.None)
        {
            CliEnvironment.CheckOutputDirectory("--out", output);
            Directory.CreateDirectory(output);
        }

        var options = new HarnessOptions { HarnessPath = RegressCommand.Locate(build) };
        var header = await HarnessHeader.ProbeAsync(options, ct).ConfigureAwait(false);
        Console.WriteLine(header.Line);
        var rtl = header.Rtl ?? throw new InvalidOperationException("the harness did not say its RTL parameters");
        var runs = saved.Where(s => s.Scenario.RunsOn(rtl)).ToList();
        foreach (var (path, other) in saved.Where(s => !s.Scenario.RunsOn(rtl)))
        {
            Console.WriteLine($"skipped {path}: generated for {Shape(other.Rtl)}, --build {build} is {Shape(rtl)}");
        }

        if (runs.Count == 0)
        {
            return await CliConsole.UsageErrorAsync("replay", $"no scenario of these is for --build {build} ({Shape(rtl)})").ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        var waveDirectory = Path.GetFullPath(output);
        var pool = new HarnessPool(jobs, options);
        var results = await pool.RunAsync(
            runs,
            (s, _) => s.Scenario.BusOffset,
            (harness, s) => ScenarioRunner.RunAsync(harness, s.Scenario.Scenario, waves, waveDirectory, ct),
            (s, crash) => ScenarioResult.HarnessCrashed(s.Scenario.Scenario.Seed, crash),
            cancellationToken: ct).ConfigureAwait(false);

        foreach (var ((path, s), result) in runs.Zip(results))
        {
            var origin = $"generator v{s.Generator} seed {s.Scenario.Seed}" + (s.Found is { } found ? $", found: {found}" : "");
            Console.WriteLine(result.Passed
                ? string.Create(CultureInfo.InvariantCulture, $"PASS {path} ({origin}; {result.Cycles} cycles)")
                : $"FAIL {path} ({origin}): {result.Failure}");
            if (result.WaveformPath != null)
            {
                Console.WriteLine($"  waveform: {result.WaveformPath}");
            }
        }

        var failed = results.Count(r => !r.Passed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: {results.Count - failed} passed, {failed} failed, {saved.Count - runs.Count} skipped (other builds), {clock.Elapsed.TotalSeconds:0.0} s"));
        return failed == 0 ? 0 : 1;
    }

    private static string Shape(RtlInfo rtl) =>
        string.Create(CultureInfo.InvariantCulture, $"DATA_WIDTH {rtl.DataWidth}, ADDR_WIDTH {rtl.AddrWidth}, MAX_BURST {rtl.MaxBurst}, DRE {(rtl.HasDre ? 1 : 0)}");
}
