// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Diagnostics;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim soak</c>: the regression's scenarios over many seeds on a harness pool, sampling harness memory and
/// descriptors and the client's managed heap every interval into a CSV; passes when every seed has a verdict and
/// nothing grew beyond <see cref="SoakCriteria"/>'s bounds (docs/performance.md).
/// </summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "run seeds 1..N", DefaultValueFactory = _ => 20_000 };
        var jobs = new Option<int>("--jobs") { Description = "harnesses in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var csv = new Option<string>("--csv") { Description = "write the samples here", DefaultValueFactory = _ => "build/soak/soak.csv" };
        var interval = new Option<int>("--interval") { Description = "seconds between samples", DefaultValueFactory = _ => 60 };
        var command = new Command("soak", "run many seeds on every core, sampling memory and descriptors; check they do not grow")
        {
            count, jobs, csv, interval,
        };
        command.SetAction((r, ct) => RunAsync(r.GetValue(count), r.GetValue(jobs), r.GetValue(csv)!, r.GetValue(interval), ct));
        return command;
    }

    private static async Task<int> RunAsync(int count, int jobs, string csvPath, int interval, CancellationToken ct)
    {
        var error = count < 1 ? $"--count {count} must be at least 1"
            : jobs < 1 ? $"--jobs {jobs} must be at least 1"
            : interval < 1 ? $"--interval {interval} must be at least 1 second"
            : null;
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("soak", error).ConfigureAwait(false);
        }

        var path = Path.GetFullPath(csvPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var seeds = Enumerable.Range(1, count).Select(s => (ulong)s).ToList();
        var harnessPath = HarnessProcess.Locate();
        var comm = Path.GetFileName(harnessPath)[..Math.Min(15, Path.GetFileName(harnessPath).Length)]; // /proc/<pid>/stat's name
        var pool = new HarnessPool(jobs, new HarnessOptions { HarnessPath = harnessPath });
        var clock = Stopwatch.StartNew();
        var done = 0;
        var samples = new List<SoakSample>();
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync(SoakSample.CsvHeader).ConfigureAwait(false);
        var gate = new Lock();
        void Sample()
        {
            var sample = SoakSample.Take(clock.Elapsed.TotalSeconds, Volatile.Read(ref done), comm);
            lock (gate)
            {
                samples.Add(sample);
                writer.WriteLine(sample.ToCsv());
                writer.Flush();
            }

            Console.WriteLine($"soak: {sample.ToCsv()}");
        }

        Sample();
        await using (new Timer(_ => Sample(), null, TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(interval)))
        {
            var waves = Path.Combine(Path.GetDirectoryName(path)!, "waves");
            var results = await pool.RunAsync(
                seeds,
                (harness, s) => ScenarioRunner.RunAsync(harness, ScenarioGenerator.Generate(s, harness.Hello.Rtl), WaveformMode.None, waves, ct),
                (s, crash) => ScenarioResult.HarnessCrashed(s, crash),
                _ => Interlocked.Increment(ref done),
                ct).ConfigureAwait(false);
            Sample();
            var crashed = results.Count(r => r.Failure?.StartsWith("harness crashed", StringComparison.Ordinal) == true);
            var failed = results.Count(r => !r.Passed);
            var problems = SoakCriteria.Check(samples, count, count - crashed).ToList();
            if (failed > 0)
            {
                problems.Add($"{failed} seeds failed (first: {results.First(r => !r.Passed).Seed})");
            }

            Console.WriteLine($"soak: {count} seeds, {jobs} jobs, {clock.Elapsed.TotalMinutes:0.0} min, {pool.Started} harnesses started, {samples.Count} samples in {path}");
            foreach (var problem in problems)
            {
                Console.WriteLine($"soak FAIL: {problem}");
            }

            Console.WriteLine(problems.Count == 0 ? "soak: PASS" : "soak: FAIL");
            return problems.Count == 0 ? 0 : 1;
        }
    }
}
