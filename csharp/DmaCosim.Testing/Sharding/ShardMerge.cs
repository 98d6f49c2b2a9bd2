// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Testing.Sharding;

/// <summary>A shard set that cannot be merged: a shard missing or given twice, seeds missing or run twice, files that
/// declare different runs, unreadable files. The message names the shard and the file.</summary>
public sealed class ShardMergeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the shard or file.</param>
    /// <param name="inner">The cause, if any.</param>
    public ShardMergeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>One testcase of a shard file: what merge checks and what it compares.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Passed">No failure or error element.</param>
/// <param name="Cycles">Simulated cycles.</param>
/// <param name="Checksum">Memory checksum.</param>
/// <param name="Seconds">Wall seconds of the scenario.</param>
/// <param name="Element">The testcase element as written (copied into the merged file unchanged).</param>
public sealed record ShardCase(ulong Seed, bool Passed, ulong Cycles, string Checksum, double Seconds, XElement Element);

/// <summary>One regress JUnit file: its declaration and its testcases.</summary>
/// <param name="Path">The file.</param>
/// <param name="Suite">The testsuite's name.</param>
/// <param name="Declared">What the run declares.</param>
/// <param name="Coverage">The full path of its coverage JSON, or null when it wrote none.</param>
/// <param name="Source">Where its shard came from (scheduler variables), or null.</param>
/// <param name="WallSeconds">The run's wall time, or null when not recorded.</param>
/// <param name="Cases">The testcases in file order.</param>
public sealed record ShardFile(
    string Path, string Suite, RunDeclaration Declared, string? Coverage, string? Source, double? WallSeconds, IReadOnlyList<ShardCase> Cases)
{
    /// <summary>Passing testcases.</summary>
    public int Passed => Cases.Count(c => c.Passed);

    /// <summary>Reads a regress JUnit file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="ShardMergeException">Not readable, not one regress testsuite, or a testcase without its seed.</exception>
    public static ShardFile Load(string path)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new ShardMergeException($"{path}: cannot read it as JUnit XML: {e.Message}", e);
        }

        var suites = document.Root?.Name == "testsuites" ? document.Root.Elements("testsuite").ToList()
            : document.Root?.Name == "testsuite" ? [document.Root] : [];
        if (suites.Count != 1)
        {
            throw new ShardMergeException($"{path}: expected one testsuite (a dmacosim regress JUnit file), found {suites.Count}");
        }

        var suite = suites[0];
        var declared = RunDeclaration.Read(suite, path);
        var properties = RunDeclaration.PropertiesOf(suite);
        var coverage = properties.GetValueOrDefault(RunDeclaration.Names.Coverage) is { Length: > 0 } relative
            ? System.IO.Path.GetFullPath(relative, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!)
            : null;
        double? wall = double.TryParse(properties.GetValueOrDefault(RunDeclaration.Names.Wall), NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w : null;
        var cases = suite.Elements("testcase").Select(testcase => ReadCase(testcase, path)).ToList();
        return new ShardFile(path, (string?)suite.Attribute("name") ?? "", declared, coverage, properties.GetValueOrDefault(RunDeclaration.Names.ShardSource), wall, cases);
    }

    private static ShardCase ReadCase(XElement testcase, string path)
    {
        var properties = testcase.Elements("properties").Elements("property")
            .GroupBy(p => (string?)p.Attribute("name") ?? "")
            .ToDictionary(g => g.Key, g => (string?)g.First().Attribute("value") ?? "", StringComparer.Ordinal);
        if (!ulong.TryParse(properties.GetValueOrDefault("seed"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            throw new ShardMergeException($"{path}: testcase '{(string?)testcase.Attribute("name")}' has no seed property");
        }

        _ = ulong.TryParse(properties.GetValueOrDefault("cycles"), NumberStyles.None, CultureInfo.InvariantCulture, out var cycles);
        _ = double.TryParse((string?)testcase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds);
        var passed = !testcase.Elements("failure").Any() && !testcase.Elements("error").Any();
        return new ShardCase(seed, passed, cycles, properties.GetValueOrDefault("checksum") ?? "", seconds, testcase);
    }
}

/// <summary>
/// Shard results merged into one run: every shard K of 1..N exactly once, every file declaring the same seed list,
/// build and generator, each shard holding exactly the seeds <c>--shard K/N</c> selects (plus, with
/// <c>--coverage-goal</c>, further seeds), and no seed in two shards.
/// </summary>
public sealed class ShardMerge
{
    private ShardMerge(RunDeclaration declared, string suite, IReadOnlyList<ShardFile> shards, IReadOnlyList<ShardCase> cases)
    {
        Declared = declared;
        Suite = suite;
        Shards = shards;
        Cases = cases;
    }

    /// <summary>The merged run's declaration: the shards' seed list as one shard 1/1.</summary>
    public RunDeclaration Declared { get; }

    /// <summary>The testsuite name.</summary>
    public string Suite { get; }

    /// <summary>The shard files, in shard order 1..N.</summary>
    public IReadOnlyList<ShardFile> Shards { get; }

    /// <summary>Every testcase: the seed list's order, then any seeds the coverage goal added, ascending.</summary>
    public IReadOnlyList<ShardCase> Cases { get; }

    /// <summary>Checks a shard set and merges it.</summary>
    /// <param name="shards">The shard files, any order.</param>
    /// <returns>The merged run.</returns>
    /// <exception cref="ShardMergeException">The set is not complete, not disjoint, or not one run; the message names the shard and file.</exception>
    public static ShardMerge Merge(IReadOnlyList<ShardFile> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new ShardMergeException("no shard files");
        }

        var first = shards[0];
        foreach (var shard in shards.Skip(1))
        {
            var (a, b) = (first.Declared, shard.Declared);
            var difference = a.Selection != b.Selection ? $"seed list '{b.Selection}', not '{a.Selection}'"
                : a.Count != b.Count ? $"shard {b.Shard}: {b.Count} shards, not {a.Count}"
                : a.Build != b.Build ? $"build {b.Build}, not {a.Build}"
                : a.Generator != b.Generator ? $"generator {b.Generator}, not {a.Generator}"
                : a.CoverageGoal != b.CoverageGoal ? $"coverage-goal {b.CoverageGoal}, not {a.CoverageGoal}"
                : null;
            if (difference != null)
            {
                throw new ShardMergeException($"{shard.Path} is not a shard of the run of {first.Path}: {difference}");
            }
        }

        var n = first.Declared.Count;
        var byIndex = new ShardFile?[n + 1];
        foreach (var shard in shards)
        {
            if (byIndex[shard.Declared.Index] is { } twice)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard} given twice: {twice.Path} and {shard.Path}");
            }

            byIndex[shard.Declared.Index] = shard;
        }

        var missing = Enumerable.Range(1, n).Where(k => byIndex[k] == null).ToList();
        if (missing.Count > 0)
        {
            throw new ShardMergeException(
                $"{(missing.Count == 1 ? "shard" : "shards")} {string.Join(", ", missing.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k}/{n}")))} "
                + $"of {first.Declared.Selection} missing ({shards.Count} of {n} shard files given)");
        }

        var ordered = byIndex.Skip(1).Select(s => s!).ToList();
        var owner = new Dictionary<ulong, ShardFile>();
        var cases = new List<ShardCase>();
        var extras = new List<ShardCase>();
        foreach (var shard in ordered)
        {
            var selected = shard.Declared.Seeds().Seeds;
            var bySeed = new Dictionary<ulong, ShardCase>();
            foreach (var testcase in shard.Cases)
            {
                if (owner.TryGetValue(testcase.Seed, out var other) || !bySeed.TryAdd(testcase.Seed, testcase))
                {
                    throw new ShardMergeException($"seed {testcase.Seed} run twice: in {(other ?? shard).Path} and {shard.Path} (shard {shard.Declared.Shard})");
                }

                owner[testcase.Seed] = shard;
            }

            var lacking = selected.Where(s => !bySeed.ContainsKey(s)).ToList();
            if (lacking.Count > 0)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard} ({shard.Path}) lacks {lacking.Count} of its {selected.Count} seeds "
                    + $"({Some(lacking)}): the run stopped early or the file was cut");
            }

            var chosen = selected.ToHashSet();
            var foreign = shard.Cases.Where(c => !chosen.Contains(c.Seed)).ToList();
            if (foreign.Count > 0 && !shard.Declared.CoverageGoal)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard} ({shard.Path}) has {foreign.Count} seeds that are not in its shard of "
                    + $"{shard.Declared.Selection} ({Some([.. foreign.Select(c => c.Seed)])})");
            }

            extras.AddRange(foreign);
        }

        // the seed list's order, as one unsharded run would list it
        var all = first.Declared.SeedsOf(1, 1).Seeds;
        var cased = ordered.SelectMany(s => s.Cases).ToDictionary(c => c.Seed);
        cases.AddRange(all.Select(s => cased[s]));
        cases.AddRange(extras.OrderBy(c => c.Seed));
        return new ShardMerge(first.Declared with { Index = 1, Count = 1 }, first.Suite, ordered, cases);
    }

    /// <summary>The merged run as one JUnit file that itself reads as shard 1/1 of the same run.</summary>
    /// <param name="coverage">The merged coverage file's path relative to the JUnit file's directory, or null.</param>
    /// <returns>The document.</returns>
    public XDocument ToJUnit(string? coverage)
    {
        var properties = Declared.ToProperties().Append(new(RunDeclaration.Names.MergedShards, Shards.Count.ToString(CultureInfo.InvariantCulture)));
        if (coverage != null)
        {
            properties = properties.Append(new(RunDeclaration.Names.Coverage, coverage));
        }

        return new XDocument(new XElement("testsuites",
            new XElement("testsuite",
                new XAttribute("name", Suite),
                new XAttribute("tests", Cases.Count),
                new XAttribute("failures", Cases.Count(c => !c.Passed)),
                new XAttribute("errors", 0),
                new XAttribute("time", Cases.Sum(c => c.Seconds).ToString("0.###", CultureInfo.InvariantCulture)),
                new XElement("properties", properties.Select(p => new XElement("property", new XAttribute("name", p.Key), new XAttribute("value", p.Value)))),
                Cases.Select(c => new XElement(c.Element)))));
    }

    /// <summary>Sums the shards' functional coverage. Every shard must have written one, sampled from its passing seeds.</summary>
    /// <returns>The merged database.</returns>
    /// <exception cref="ShardMergeException">A shard has no coverage file, it cannot be read, its scenario count is not the shard's
    /// passing seeds, or the bin sets differ.</exception>
    public CoverageDatabase MergeCoverage()
    {
        CoverageDatabase? merged = null;
        foreach (var shard in Shards)
        {
            if (shard.Coverage == null)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard} ({shard.Path}) wrote no coverage file (run regress with --coverage FILE)");
            }

            CoverageDatabase database;
            try
            {
                database = CoverageDatabase.Load(shard.Coverage);
            }
            catch (CoverageFileException e)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard} ({shard.Path}): {e.Message}", e);
            }

            if (database.Scenarios != shard.Passed)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard}: {shard.Coverage} sampled {database.Scenarios} scenarios, "
                    + $"but {shard.Path} has {shard.Passed} passing seeds (a coverage file of another run?)");
            }

            try
            {
                if (merged == null)
                {
                    merged = database;
                }
                else
                {
                    merged.Merge(database);
                }
            }
            catch (CoverageMismatchException e)
            {
                throw new ShardMergeException($"shard {shard.Declared.Shard}: {shard.Coverage} does not match the other shards' coverage: {e.Message}", e);
            }
        }

        return merged!;
    }

    private static string Some(List<ulong> seeds) =>
        string.Join(", ", seeds.Take(8).Select(s => s.ToString(CultureInfo.InvariantCulture))) + (seeds.Count > 8 ? ", …" : "");
}
