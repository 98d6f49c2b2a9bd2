// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary>
/// What a regress run has done so far (results arrive from the pool's workers) and how it is reported:
/// the failures with their repro lines, the waveforms written, the JUnit properties. Interrupted runs
/// report the seeds done.
/// </summary>
/// <param name="build">The build variant.</param>
/// <param name="header">The harness run.</param>
internal sealed class RegressRun(string build, HarnessHeader header)
{
    /// <summary>Most waveform files listed one by one; more are summed up as a directory.</summary>
    public const int WaveformsListed = 10;

    private readonly List<ScenarioResult> _results = [];

    /// <summary>The harness run.</summary>
    public HarnessHeader Header { get; } = header;

    /// <summary>The results so far, in arrival order.</summary>
    public IReadOnlyList<ScenarioResult> Results
    {
        get
        {
            lock (_results)
            {
                return [.. _results];
            }
        }
    }

    /// <summary>Passing seeds so far.</summary>
    public int Passed => Results.Count(r => r.Passed);

    /// <summary>Failing seeds so far.</summary>
    public int Failed => Results.Count(r => !r.Passed);

    /// <summary>The JUnit suite's properties: which harness, RTL, generator and CLI.</summary>
    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["harness"] = Header.Path,
        ["rtl_hash"] = Header.RtlHash,
        ["build"] = build,
        ["generator"] = ScenarioGenerator.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["cli"] = CliEnvironment.Invocation,
    };

    /// <summary>Adds a result.</summary>
    /// <param name="result">The result.</param>
    /// <returns>True.</returns>
    public bool Add(ScenarioResult result)
    {
        lock (_results)
        {
            _results.Add(result);
        }

        return true;
    }

    /// <summary>One block per failing seed: its first message line, scenario, waveform and repro line.</summary>
    /// <param name="repro">The repro line of a seed.</param>
    public void PrintFailures(Func<ulong, string> repro)
    {
        foreach (var failure in Results.Where(r => !r.Passed).OrderBy(r => r.Seed))
        {
            Console.WriteLine($"FAIL seed {failure.Seed}: {failure.Failure?.Split('\n')[0]}");
            if (failure.Scenario != null)
            {
                Console.WriteLine($"  scenario: {failure.Scenario}");
            }

            if (failure.WaveformPath != null)
            {
                Console.WriteLine($"  waveform: {Waveform(failure.WaveformPath)}");
            }

            Console.WriteLine($"  repro: {repro(failure.Seed)}");
            if (failure.SavedScenario != null)
            {
                Console.WriteLine($"  saved: {failure.SavedScenario} (replays under any generator: {CliEnvironment.Invocation} replay {CliEnvironment.Quote(failure.SavedScenario)})");
            }
        }
    }

    /// <summary>Where the passing seeds' waveforms went (the failing ones are printed with their failure).</summary>
    /// <param name="waves">The waveform mode.</param>
    /// <param name="directory">The waveform directory.</param>
    public void PrintWaveforms(WaveformMode waves, string directory)
    {
        var written = Results.Where(r => r.Passed && r.WaveformPath != null).Select(r => r.WaveformPath!).Order(StringComparer.Ordinal).ToList();
        if (waves == WaveformMode.None || written.Count == 0)
        {
            return;
        }

        if (written.Count <= WaveformsListed)
        {
            written.ForEach(path => Console.WriteLine($"waveform: {Waveform(path)}"));
        }
        else
        {
            Console.WriteLine($"waveforms: {written.Count} .fst files and their .gtkw views in {directory}");
        }
    }

    /// <summary>A waveform and the GTKWave view written with it.</summary>
    private static string Waveform(string path) => $"{path} (open with: gtkwave {Path.ChangeExtension(path, ".gtkw")})";
}
