// SPDX-License-Identifier: MIT
using System.CommandLine;
using DmaCosim.Bridge;
using DmaCosim.Testing;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Cli;

/// <summary>
/// regress's functional coverage: <c>--coverage FILE</c> (JSON, and FILE.html next to it), <c>--coverage-goal</c>
/// and <c>--max-seeds N</c>. Every passing scenario's facts are sampled into one database, whichever job ran it.
/// </summary>
internal sealed class RegressCoverage
{
    private readonly string? _file;
    private readonly bool _goal;
    private readonly int _maxSeeds;
    private readonly int _stride;

    private RegressCoverage(string? file, bool goal, int maxSeeds, int stride)
    {
        _file = file;
        _goal = goal;
        _maxSeeds = maxSeeds;
        _stride = stride;
    }

    /// <summary>--coverage FILE.</summary>
    public static Option<string?> FileOption { get; } =
        new("--coverage") { Description = "write the run's functional coverage here as JSON (and the HTML page next to it, .html)" };

    /// <summary>--coverage-goal.</summary>
    public static Option<bool> GoalOption { get; } =
        new("--coverage-goal") { Description = "keep drawing seeds after the selected ones until every coverage bin is hit (exit 1 if not)" };

    /// <summary>--max-seeds N.</summary>
    public static Option<int?> MaxSeedsOption { get; } =
        new("--max-seeds") { Description = $"with --coverage-goal: run at most N seeds in all (default {CoverageGoal.DefaultMaxSeeds:N0})" };

    private CoverageModel<ScenarioFacts> _model = RegressionCoverage.Model;

    /// <summary>The database of this run (of the build's model once <see cref="UseBuild"/> is called).</summary>
    public CoverageDatabase Database { get; private set; } = RegressionCoverage.Model.CreateDatabase();

    /// <summary>Switches to the model of the build under test (before anything is sampled): bins only another variant reaches are not counted.</summary>
    /// <param name="rtl">The build.</param>
    public void UseBuild(RtlInfo rtl)
    {
        _model = RegressionCoverage.For(rtl);
        Database = _model.CreateDatabase();
    }

    /// <summary>--coverage FILE, or null.</summary>
    public string? FilePath => _file;

    /// <summary>--coverage-goal.</summary>
    public bool Goal => _goal;

    /// <summary>Whether any coverage option was given (only then is anything printed or written).</summary>
    public bool Enabled => _file != null || _goal;

    /// <summary>Checks the options; the error is a usage error.</summary>
    /// <param name="file">--coverage.</param>
    /// <param name="goal">--coverage-goal.</param>
    /// <param name="maxSeeds">--max-seeds.</param>
    /// <param name="selected">Seeds selected by --count / --seeds / --seed / --shard.</param>
    /// <param name="shard">--shard (its N is the stride of further seeds).</param>
    /// <returns>The coverage of the run, or the error.</returns>
    public static (RegressCoverage? Coverage, string? Error) Create(string? file, bool goal, int? maxSeeds, int selected, string? shard)
    {
        if (file != null && (string.IsNullOrWhiteSpace(file) || Directory.Exists(file)))
        {
            return (null, $"--coverage '{file}' is not a file name");
        }

        if (file != null && Path.GetExtension(file).Equals(".html", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"--coverage '{file}': give the JSON file's name; the HTML page goes next to it as {Path.ChangeExtension(file, ".json")} → .html");
        }

        if (maxSeeds != null && !goal)
        {
            return (null, "--max-seeds needs --coverage-goal");
        }

        if (maxSeeds is < 1 or > 10_000_000)
        {
            return (null, $"--max-seeds {maxSeeds} is not 1..10,000,000");
        }

        if (maxSeeds < selected)
        {
            return (null, $"--max-seeds {maxSeeds} is less than the {selected} seeds selected");
        }

        var stride = shard?.Split('/') is [_, var n] && int.TryParse(n, out var total) ? total : 1;
        return (new RegressCoverage(file, goal, maxSeeds ?? Math.Max(CoverageGoal.DefaultMaxSeeds, selected), stride), null);
    }

    /// <summary>Samples a result (passing scenarios with facts only).</summary>
    /// <param name="result">The result.</param>
    public void Sample(ScenarioResult result)
    {
        if (result is { Passed: true, Facts: { } facts })
        {
            _model.Sample(Database, facts, result.Seed);
        }
    }

    /// <summary>The next seeds to run for the goal, or none.</summary>
    /// <param name="ran">Seeds run so far.</param>
    /// <param name="jobs">Harnesses in parallel.</param>
    /// <returns>The seeds.</returns>
    public IReadOnlyList<ulong> NextSeeds(IReadOnlyCollection<ulong> ran, int jobs) =>
        _goal ? CoverageGoal.NextSeeds(Database, ran, _stride, _maxSeeds, Math.Max(32, jobs * 16)) : [];

    /// <summary>Prints the table (and the goal's outcome) and writes the files.</summary>
    /// <param name="seedsRun">Seeds run.</param>
    /// <returns>False when the goal was asked for and not met.</returns>
    public bool Report(int seedsRun)
    {
        if (!Enabled)
        {
            return true;
        }

        Console.Write(CoverageReport.Table(Database));
        if (_file != null)
        {
            Database.Save(_file);
            var html = Path.ChangeExtension(_file, ".html");
            File.WriteAllText(html, CoverageReport.Html(Database));
            Console.WriteLine($"coverage: {Path.GetFullPath(_file)}, {Path.GetFullPath(html)}");
        }

        if (!_goal)
        {
            return true;
        }

        if (Database.GoalMet)
        {
            Console.WriteLine($"coverage goal met: every one of {Database.Bins.Count} bins hit after {seedsRun} seeds");
            return true;
        }

        var empty = Database.EmptyBins();
        Console.WriteLine($"coverage goal NOT met after {seedsRun} seeds (cap {_maxSeeds}): {empty.Count} of {Database.Bins.Count} bins stayed empty:");
        foreach (var bin in empty)
        {
            Console.WriteLine($"  {bin}");
        }

        return false;
    }
}
