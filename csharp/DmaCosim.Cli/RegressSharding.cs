// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Globalization;
using DmaCosim.Testing;
using DmaCosim.Testing.Sharding;

namespace DmaCosim.Cli;

/// <summary>
/// regress on a scheduler: <c>--shard auto</c> / <c>auto/N</c> (the shard from the job array's variables),
/// <c>--emit slurm|k8s|gha --shards N</c> (print a ready job description instead of running), and the
/// testsuite properties that let <c>dmacosim merge</c> check a shard set.
/// </summary>
internal static class RegressSharding
{
    /// <summary>--emit.</summary>
    public static Option<string?> EmitOption { get; } = new("--emit")
    {
        Description = "print a job description that runs the selected seeds as --shards N shards, and exit: slurm (job array script), "
            + "k8s (Indexed Job manifest), gha (workflow matrix)",
    };

    /// <summary>--shards.</summary>
    public static Option<int?> ShardsOption { get; } = new("--shards") { Description = "with --emit: how many shards" };

    /// <summary>Resolves <c>--shard auto</c> / <c>auto/N</c> from the process environment and says which scheduler it found;
    /// any other value is returned as it is.</summary>
    /// <param name="shard">--shard.</param>
    /// <returns>The K/N to run, or a usage error.</returns>
    public static (string? Shard, string? Error) Resolve(string? shard)
    {
        if (!ShardDetection.IsAuto(shard))
        {
            return (shard, null);
        }

        var (detected, error) = ShardDetection.Resolve(shard!, ShardDetection.ProcessEnvironment());
        if (detected == null)
        {
            return (null, error);
        }

        Console.WriteLine($"shard {detected.Spec} from {detected.Scheduler} ({detected.Evidence})");
        Source = $"{detected.Scheduler}: {detected.Evidence}";
        return (detected.Spec, null);
    }

    /// <summary>Where the shard came from, once <see cref="Resolve"/> found it.</summary>
    private static string? Source { get; set; }

    /// <summary>Prints the job description of <c>--emit</c>.</summary>
    /// <param name="emit">--emit.</param>
    /// <param name="shards">--shards.</param>
    /// <param name="shard">--shard (must not be given).</param>
    /// <param name="count">--count.</param>
    /// <param name="range">--seeds.</param>
    /// <param name="seed">--seed.</param>
    /// <param name="build">--build.</param>
    /// <param name="jobs">--jobs (harnesses, and CPUs, per shard).</param>
    /// <param name="generator">--generator.</param>
    /// <returns>0, or 2 after a usage error.</returns>
    public static async Task<int> EmitAsync(
        string emit, int? shards, string? shard, int? count, string? range, ulong? seed, string build, int jobs, int? generator)
    {
        var (seeds, error) = SeedSelection.Select(count, range, seed, null);
        JobKind kind = default;
        error ??= !Enum.TryParse(emit, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(emit, out _) ? $"--emit '{emit}' is not slurm, k8s or gha"
            : shards == null ? "--emit needs --shards N"
            : shard != null ? "--emit writes each task's --shard itself: give --shards N, not --shard"
            : generator is { } version && version != ScenarioGenerator.Version ? $"--generator {version}: this build generates version {ScenarioGenerator.Version} scenarios"
            : JobEmitter.Check(shards.Value, seeds.Count, build, jobs);
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("regress", error).ConfigureAwait(false);
        }

        Console.Write(JobEmitter.Emit(kind, RunDeclaration.SelectionOf(count, range, seed), shards!.Value, build, ScenarioGenerator.Version, jobs));
        return 0;
    }

    /// <summary>A usage error when --shards is given without --emit; null otherwise.</summary>
    /// <param name="shards">--shards.</param>
    /// <returns>The error.</returns>
    public static string? CheckShardsAlone(int? shards) => shards != null ? "--shards N goes with --emit (to run one shard: --shard K/N or auto)" : null;

    /// <summary>The testsuite properties of a regress JUnit file: what merge needs to check a shard set.</summary>
    /// <param name="count">--count.</param>
    /// <param name="range">--seeds.</param>
    /// <param name="seed">--seed.</param>
    /// <param name="shard">The resolved K/N, or null.</param>
    /// <param name="build">--build.</param>
    /// <param name="coverageGoal">--coverage-goal.</param>
    /// <param name="coverage">--coverage FILE, or null.</param>
    /// <param name="junit">--junit FILE.</param>
    /// <param name="wall">The run's wall time.</param>
    /// <returns>The properties.</returns>
    public static IEnumerable<KeyValuePair<string, string>> SuiteProperties(
        int? count, string? range, ulong? seed, string? shard, string build, bool coverageGoal, string? coverage, string junit, TimeSpan wall)
    {
        var kn = (shard ?? "1/1").Split('/');
        var declared = new RunDeclaration(
            RunDeclaration.SelectionOf(count, range, seed), int.Parse(kn[0], CultureInfo.InvariantCulture), int.Parse(kn[1], CultureInfo.InvariantCulture),
            build, ScenarioGenerator.Version, coverageGoal);
        var properties = declared.ToProperties().ToList();
        if (coverage != null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(junit))!;
            properties.Add(new(RunDeclaration.Names.Coverage, Path.GetRelativePath(directory, Path.GetFullPath(coverage))));
        }

        if (Source != null)
        {
            properties.Add(new(RunDeclaration.Names.ShardSource, Source));
        }

        properties.Add(new(RunDeclaration.Names.Wall, wall.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)));
        return properties;
    }
}
