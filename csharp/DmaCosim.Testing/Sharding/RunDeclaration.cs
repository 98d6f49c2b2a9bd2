// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Xml.Linq;

namespace DmaCosim.Testing.Sharding;

/// <summary>
/// What a regression run declares about itself in its JUnit testsuite's properties, so that shard files can be
/// merged and checked: the seed list (as the options that select it), which shard K/N of it, the build, the
/// generator version, whether <c>--coverage-goal</c> could add seeds, and where its coverage file is.
/// </summary>
/// <param name="Selection">The seed list as options: <c>--count N</c>, <c>--seeds A..B</c> or <c>--seed S</c>.</param>
/// <param name="Index">K of K/N (1 when not sharded).</param>
/// <param name="Count">N of K/N (1 when not sharded).</param>
/// <param name="Build">Build variant.</param>
/// <param name="Generator">Scenario-generator version.</param>
/// <param name="CoverageGoal">True when <c>--coverage-goal</c> ran further seeds after the selected ones.</param>
public sealed record RunDeclaration(string Selection, int Index, int Count, string Build, int Generator, bool CoverageGoal)
{
    /// <summary>The testsuite property names, one place for the writer and the reader.</summary>
    public static class Names
    {
        /// <summary>The seed list as options.</summary>
        public const string Selection = "selection";

        /// <summary>K/N.</summary>
        public const string Shard = "shard";

        /// <summary>Build variant.</summary>
        public const string Build = "build";

        /// <summary>Generator version.</summary>
        public const string Generator = "generator";

        /// <summary>"true" when --coverage-goal was on.</summary>
        public const string CoverageGoal = "coverage-goal";

        /// <summary>The coverage JSON, relative to the JUnit file's directory (absent when none was written).</summary>
        public const string Coverage = "coverage";

        /// <summary>Where the shard came from (e.g. the scheduler's variables); informational.</summary>
        public const string ShardSource = "shard-source";

        /// <summary>The run's wall time in seconds (process start of the pool to the summary); informational.</summary>
        public const string Wall = "wall-seconds";

        /// <summary>How many shard files a merged file was made from.</summary>
        public const string MergedShards = "merged-shards";
    }

    /// <summary>K/N.</summary>
    public string Shard => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>The selection options as given: exactly one of them, or none for the default <c>--count 100</c>.</summary>
    /// <param name="count">--count.</param>
    /// <param name="range">--seeds.</param>
    /// <param name="seed">--seed.</param>
    /// <returns>E.g. "--count 40".</returns>
    public static string SelectionOf(int? count, string? range, ulong? seed) =>
        seed is { } s ? string.Create(CultureInfo.InvariantCulture, $"--seed {s}")
        : range != null ? $"--seeds {range}"
        : string.Create(CultureInfo.InvariantCulture, $"--count {count ?? 100}");

    /// <summary>This shard's seeds, as regress selects them.</summary>
    /// <returns>The seeds, or the error of an unreadable selection.</returns>
    public (IReadOnlyList<ulong> Seeds, string? Error) Seeds() => SeedsOf(Index, Count);

    /// <summary>The seeds of shard <paramref name="index"/>/<paramref name="count"/> of this run's list.</summary>
    /// <param name="index">K.</param>
    /// <param name="count">N.</param>
    /// <returns>The seeds, or the error of an unreadable selection.</returns>
    public (IReadOnlyList<ulong> Seeds, string? Error) SeedsOf(int index, int count)
    {
        var parts = Selection.Split(' ');
        var value = parts.Length == 2 ? parts[1] : "";
        var shard = string.Create(CultureInfo.InvariantCulture, $"{index}/{count}");
        return parts[0] switch
        {
            "--count" when parts.Length == 2 && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => SeedSelection.Select(n, null, null, shard),
            "--seeds" when parts.Length == 2 => SeedSelection.Select(null, value, null, shard),
            "--seed" when parts.Length == 2 && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) => SeedSelection.Select(null, null, s, shard),
            _ => ([], $"selection '{Selection}' is not --count N, --seeds A..B or --seed S"),
        };
    }

    /// <summary>The declaration as testsuite properties (name, value).</summary>
    /// <returns>The properties.</returns>
    public IEnumerable<KeyValuePair<string, string>> ToProperties() =>
    [
        new(Names.Selection, Selection),
        new(Names.Shard, Shard),
        new(Names.Build, Build),
        new(Names.Generator, Generator.ToString(CultureInfo.InvariantCulture)),
        new(Names.CoverageGoal, CoverageGoal ? "true" : "false"),
    ];

    /// <summary>Reads the declaration from a testsuite element.</summary>
    /// <param name="testsuite">The element.</param>
    /// <param name="file">The file, for messages.</param>
    /// <returns>The declaration.</returns>
    /// <exception cref="ShardMergeException">A property is missing or malformed.</exception>
    public static RunDeclaration Read(XElement testsuite, string file)
    {
        ArgumentNullException.ThrowIfNull(testsuite);
        var properties = PropertiesOf(testsuite);
        string Need(string name) => properties.TryGetValue(name, out var v)
            ? v
            : throw new ShardMergeException($"{file}: the testsuite has no '{name}' property (written by a dmacosim regress before shard merging, or not by dmacosim)");
        var selection = Need(Names.Selection);
        var shard = Need(Names.Shard).Split('/');
        if (shard.Length != 2 || !int.TryParse(shard[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(shard[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || k < 1 || k > n)
        {
            throw new ShardMergeException($"{file}: shard '{Need(Names.Shard)}' is not K/N with 1 ≤ K ≤ N");
        }

        if (!int.TryParse(Need(Names.Generator), NumberStyles.None, CultureInfo.InvariantCulture, out var generator))
        {
            throw new ShardMergeException($"{file}: generator '{Need(Names.Generator)}' is not a number");
        }

        var declaration = new RunDeclaration(selection, k, n, Need(Names.Build), generator, Need(Names.CoverageGoal) == "true");
        if (declaration.Seeds().Error is { } error)
        {
            throw new ShardMergeException($"{file}: {error}");
        }

        return declaration;
    }

    /// <summary>The testsuite's properties (name → value).</summary>
    /// <param name="testsuite">The element.</param>
    /// <returns>The properties.</returns>
    public static IReadOnlyDictionary<string, string> PropertiesOf(XElement testsuite)
    {
        ArgumentNullException.ThrowIfNull(testsuite);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in testsuite.Elements("properties").Elements("property"))
        {
            properties[(string?)property.Attribute("name") ?? ""] = (string?)property.Attribute("value") ?? "";
        }

        return properties;
    }
}
