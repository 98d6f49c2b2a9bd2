// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Xml.Linq;
using DmaCosim.Testing;
using DmaCosim.Testing.Coverage;
using DmaCosim.Testing.Sharding;

namespace DmaCosim.Tests.Testing.Sharding;

/// <summary>
/// Shard files as regress writes them (<see cref="JUnitReport"/> with a <see cref="RunDeclaration"/>), merged: a
/// complete set gives the unsharded run's seeds in its order; a missing, doubled or cut shard, a seed run twice or in
/// the wrong shard, files of different runs are errors that name the shard and the file.
/// </summary>
public sealed class ShardMergeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-shard-merge-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("--count 40", 4)]
    [InlineData("--count 7", 3)]
    [InlineData("--count 5", 5)]
    [InlineData("--seeds 100..130", 6)]
    [InlineData("--seed 99", 1)]
    public void Merge_CompleteSet_TheUnshardedRunsSeedsInOrder(string selection, int shards)
    {
        var files = WriteShards(selection, shards);

        var merged = ShardMerge.Merge([.. files.AsEnumerable().Reverse().Select(ShardFile.Load)]);

        var whole = new RunDeclaration(selection, 1, 1, "default", ScenarioGenerator.Version, false).Seeds().Seeds;
        Assert.Equal(whole, merged.Cases.Select(c => c.Seed));
        Assert.Equal(Enumerable.Range(1, shards), merged.Shards.Select(s => s.Declared.Index));
        Assert.All(merged.Cases, c => Assert.Equal(Cycles(c.Seed), c.Cycles));

        // the merged file is itself shard 1/1 of the same run: it merges again to the same cases
        var path = Path.Combine(_directory, "merged.xml");
        merged.ToJUnit(null).Save(path);
        var again = ShardMerge.Merge([ShardFile.Load(path)]);
        Assert.Equal(merged.Cases.Select(c => (c.Seed, c.Passed, c.Cycles, c.Checksum)), again.Cases.Select(c => (c.Seed, c.Passed, c.Cycles, c.Checksum)));
        Assert.Equal("1/1", again.Declared.Shard);
    }

    [Fact]
    public void Merge_AnyOneShardMissing_ErrorNamesThatShard()
    {
        const int n = 5;
        var files = WriteShards("--count 23", n);
        for (var k = 1; k <= n; k++)
        {
            var set = files.Where((_, i) => i != k - 1).Select(ShardFile.Load).ToList();

            var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge(set));

            Assert.Contains($"shard {k}/{n} of --count 23 missing", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Merge_ShardGivenTwice_ErrorNamesBothFiles()
    {
        var files = WriteShards("--count 12", 3);
        var copy = Path.Combine(_directory, "copy.xml");
        File.Copy(files[1], copy);

        var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge([.. files.Append(copy).Select(ShardFile.Load)]));

        Assert.Contains("shard 2/3 given twice", error.Message, StringComparison.Ordinal);
        Assert.Contains(files[1], error.Message, StringComparison.Ordinal);
        Assert.Contains(copy, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ShardCutShort_ErrorNamesShardAndLackingSeeds()
    {
        var files = WriteShards("--count 12", 3, (k, results) => k == 3 ? results.Take(2).ToList() : results);

        var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge([.. files.Select(ShardFile.Load)]));

        Assert.Contains("shard 3/3", error.Message, StringComparison.Ordinal);
        Assert.Contains("lacks 2 of its 4 seeds (9, 12)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_SeedInTwoShards_ErrorNamesSeedAndBothFiles()
    {
        // with --coverage-goal a shard may run seeds beyond its own, but never another shard's
        var files = WriteShards("--count 12", 3, (k, results) => k == 1 ? [.. results, Result(2)] : results, coverageGoal: true);

        var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge([.. files.Select(ShardFile.Load)]));

        Assert.Contains($"seed 2 run twice: in {files[0]} and {files[1]}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_SeedTwiceInOneFile_ErrorNamesSeed()
    {
        var files = WriteShards("--count 12", 3, (k, results) => k == 2 ? [.. results, Result(5)] : results);

        var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge([.. files.Select(ShardFile.Load)]));

        Assert.Contains($"seed 5 run twice: in {files[1]} and {files[1]}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_SeedOutsideTheList_ErrorUnlessCoverageGoal()
    {
        var extra = (int k, List<ScenarioResult> results) => k == 2 ? [.. results, Result(50)] : results;
        var plain = WriteShards("--count 6", 2, extra);
        var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge([.. plain.Select(ShardFile.Load)]));
        Assert.Contains("shard 2/2", error.Message, StringComparison.Ordinal);
        Assert.Contains("not in its shard of --count 6 (50)", error.Message, StringComparison.Ordinal);

        var goal = WriteShards("--count 6", 2, extra, coverageGoal: true);
        var merged = ShardMerge.Merge([.. goal.Select(ShardFile.Load)]);
        Assert.Equal([1UL, 2, 3, 4, 5, 6, 50], merged.Cases.Select(c => c.Seed));
    }

    [Theory]
    [InlineData("selection", "--count 13", "seed list '--count 13'")]
    [InlineData("shard", "2/4", "4 shards, not 3")]
    [InlineData("build", "dw32", "build dw32")]
    [InlineData("generator", "1", "generator 1")]
    public void Merge_FileOfAnotherRun_ErrorNamesFileAndDifference(string property, string value, string expected)
    {
        var files = WriteShards("--count 12", 3);
        var document = XDocument.Load(files[2]);
        document.Descendants("property").Single(p => (string?)p.Attribute("name") == property && p.Parent!.Parent!.Name == "testsuite").SetAttributeValue("value", value);
        document.Save(files[2]);

        var error = Assert.Throws<ShardMergeException>(() => ShardMerge.Merge([.. files.Select(ShardFile.Load)]));

        Assert.Contains($"{files[2]} is not a shard of the run of {files[0]}", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JUnitWithoutDeclaration_ErrorSaysWhichProperty()
    {
        var path = Path.Combine(_directory, "old.xml");
        JUnitReport.Build("dmacosim.regress.default", [Result(1)], s => $"repro {s}").Save(path);

        var error = Assert.Throws<ShardMergeException>(() => ShardFile.Load(path));

        Assert.Contains($"{path}: the testsuite has no 'selection' property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotXml_ErrorNamesFile()
    {
        var path = Path.Combine(_directory, "garbage.xml");
        File.WriteAllText(path, "<testsuites><testsuite");

        var error = Assert.Throws<ShardMergeException>(() => ShardFile.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeCoverage_EveryShardsFile_SumsThem()
    {
        var files = WriteShards("--count 6", 2, coverage: true);

        var database = ShardMerge.Merge([.. files.Select(ShardFile.Load)]).MergeCoverage();

        Assert.Equal(5, database.Scenarios); // seed 5 failed: not sampled
        Assert.Equal(5, database.Hits("transfer", "length", "1 B"));
        Assert.Equal(1UL, database.FirstSeed(RegressionCoverage.Model.Bins.ToList().IndexOf(new("transfer", "length", "1 B"))));
    }

    [Fact]
    public void MergeCoverage_ShardWithoutCoverage_ErrorNamesShard()
    {
        var files = WriteShards("--count 6", 2, coverage: true);
        File.Delete(Path.Combine(_directory, "cov-2.json"));
        var merge = ShardMerge.Merge([.. files.Select(ShardFile.Load)]);

        var error = Assert.Throws<ShardMergeException>(merge.MergeCoverage);

        Assert.Contains("shard 2/2", error.Message, StringComparison.Ordinal);
        Assert.Contains("cov-2.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeCoverage_CoverageOfAnotherRun_ErrorSaysCountsDiffer()
    {
        var files = WriteShards("--count 6", 2, coverage: true);
        var other = RegressionCoverage.Model.CreateDatabase();
        other.Save(Path.Combine(_directory, "cov-1.json"));
        var merge = ShardMerge.Merge([.. files.Select(ShardFile.Load)]);

        var error = Assert.Throws<ShardMergeException>(merge.MergeCoverage);

        Assert.Contains("shard 1/2", error.Message, StringComparison.Ordinal);
        Assert.Contains("sampled 0 scenarios", error.Message, StringComparison.Ordinal);
    }

    // a deterministic result per seed, like the RTL's: cycles and checksum from the seed; seed 5 fails
    private static ScenarioResult Result(ulong seed) => new(
        seed, seed != 5, Cycles(seed), seed.ToString("x16", CultureInfo.InvariantCulture), seed == 5 ? "mismatch" : null, null, TimeSpan.FromSeconds(0.1));

    private static ulong Cycles(ulong seed) => (seed * 7919) + 11;

    private List<string> WriteShards(
        string selection, int shards, Func<int, List<ScenarioResult>, List<ScenarioResult>>? change = null, bool coverageGoal = false, bool coverage = false)
    {
        var files = new List<string>();
        for (var k = 1; k <= shards; k++)
        {
            var declared = new RunDeclaration(selection, k, shards, "default", ScenarioGenerator.Version, coverageGoal);
            var results = declared.Seeds().Seeds.Select(Result).ToList();
            results = change?.Invoke(k, results) ?? results;
            var properties = declared.ToProperties().ToList();
            if (coverage)
            {
                var database = RegressionCoverage.Model.CreateDatabase();
                foreach (var result in results.Where(r => r.Passed))
                {
                    RegressionCoverage.Model.Sample(database, new ScenarioFacts { Copies = [new CopyFacts(1, 0, 0, false)] }, result.Seed);
                }

                database.Save(Path.Combine(_directory, $"cov-{k}.json"));
                properties.Add(new(RunDeclaration.Names.Coverage, $"cov-{k}.json"));
            }

            var path = Path.Combine(_directory, $"regress-{k}.xml");
            JUnitReport.Build("dmacosim.regress.default", results, s => $"dmacosim regress --seed {s}", properties).Save(path);
            files.Add(path);
        }

        return files;
    }
}
