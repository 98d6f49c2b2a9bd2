// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text.RegularExpressions;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Tests.Testing;

/// <summary>The functional coverage library and the regression's coverage model.</summary>
public sealed partial class CoverageTests
{
    private static readonly RtlInfo Rtl64 = new(64, 32, 256, 64, 256, 2);

    private sealed record Item(string Color, int Size);

    private static CoverageModel<IReadOnlyList<Item>> Toy(string name = "toy/1", bool withShape = false, string blue = "blue")
    {
        var builder = new CoverGroupBuilder<IReadOnlyList<Item>, Item>("items", "toy items", items => items)
            .Point("color", ["red", "green", blue], i => i.Color)
            .Point("size", ["small", "large"], i => i.Size < 10 ? "small" : i.Size < 100 ? "large" : null)
            .Cross(["color", "size"], c => c[0] == blue && c[1] == "large");
        if (withShape)
        {
            builder.Point("shape", ["round"], _ => "round");
        }

        var count = new CoverGroupBuilder<IReadOnlyList<Item>, int>("count", "items per sample", items => [items.Count])
            .Point("items", ["none", "some"], n => n == 0 ? "none" : "some")
            .Build();
        return new CoverageModel<IReadOnlyList<Item>>(name, [builder.Build(), count]);
    }

    [Fact]
    public void Model_PointsAndCross_DeclaresEveryBinUpFrontMinusIgnoredCombinations()
    {
        var model = Toy();
        var database = model.CreateDatabase();

        // 3 colors + 2 sizes + (3 × 2 − 1 ignored) cross bins + 2 count bins
        Assert.Equal(3 + 2 + 5 + 2, model.Bins.Count);
        Assert.Contains(new CoverageBinKey("items", "color × size", "red, large"), model.Bins);
        Assert.DoesNotContain(new CoverageBinKey("items", "color × size", "blue, large"), model.Bins);
        Assert.Equal(model.Bins, database.EmptyBins());
        Assert.False(database.GoalMet);
    }

    [Fact]
    public void Sample_Items_CountsEachItemInItsBinOfEveryPointAndCrossAndRemembersTheLowestSeed()
    {
        var model = Toy();
        var database = model.CreateDatabase();

        model.Sample(database, [new("red", 5), new("red", 50), new("blue", 50), new("green", 500)], seed: 9);
        model.Sample(database, [new("red", 1)], seed: 4);
        model.Sample(database, [], seed: 2);

        Assert.Equal(3, database.Scenarios);
        Assert.Equal(3, database.Hits("items", "color", "red"));
        Assert.Equal(1, database.Hits("items", "color", "green"));
        Assert.Equal(2, database.Hits("items", "size", "small"));
        Assert.Equal(2, database.Hits("items", "size", "large"));
        Assert.Equal(2, database.Hits("items", "color × size", "red, small"));
        Assert.Equal(1, database.Hits("items", "color × size", "red, large"));
        Assert.Equal(0, database.Hits("items", "color × size", "green, small")); // green's size fell in no bin
        Assert.Equal(1, database.Hits("count", "items", "none"));
        Assert.Equal(4UL, database.FirstSeed(model.Bins.ToList().IndexOf(new("items", "color", "red"))));
        Assert.Equal(9UL, database.FirstSeed(model.Bins.ToList().IndexOf(new("items", "color", "blue"))));
        Assert.Equal(["green, small", "green, large", "blue, small"], database.EmptyBins().Where(b => b.Point == "color × size").Select(b => b.Name));
    }

    [Fact]
    public void Sample_UndeclaredBin_ThrowsNamingIt()
    {
        var model = Toy();

        var e = Assert.Throws<InvalidOperationException>(() => model.Sample(model.CreateDatabase(), [new("purple", 1)], 1));

        Assert.Contains("'purple'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_TwoDatabases_SumsHitsAndScenariosAndKeepsTheLowestSeed()
    {
        var model = Toy();
        var a = model.CreateDatabase();
        var b = model.CreateDatabase();
        model.Sample(a, [new("red", 5)], 7);
        model.Sample(b, [new("red", 5), new("green", 5)], 3);
        model.Sample(b, [new("red", 50)], 1);

        a.Merge(b);

        Assert.Equal(3, a.Scenarios);
        Assert.Equal(3, a.Hits("items", "color", "red"));
        Assert.Equal(2, a.Hits("items", "color × size", "red, small"));
        Assert.Equal(1UL, a.FirstSeed(model.Bins.ToList().IndexOf(new("items", "color", "red"))));
        Assert.Equal(3UL, a.FirstSeed(model.Bins.ToList().IndexOf(new("items", "color", "green"))));
    }

    [Fact]
    public void Merge_OtherModelOrBinSet_ThrowsAndChangesNothing()
    {
        var a = Toy().CreateDatabase();
        Toy().Sample(a, [new("red", 5)], 1);
        var before = a.ToJson();
        var renamed = Toy("toy/2").CreateDatabase();
        var wider = Toy(withShape: true).CreateDatabase();
        Toy(withShape: true).Sample(wider, [new("red", 5)], 1);

        var modelError = Assert.Throws<CoverageMismatchException>(() => a.Merge(renamed));
        var binError = Assert.Throws<CoverageMismatchException>(() => a.Merge(wider));
        var nameError = Assert.Throws<CoverageMismatchException>(() => a.Merge(Toy(blue: "navy").CreateDatabase())); // same count, one bin renamed

        Assert.Contains("toy/2", modelError.Message, StringComparison.Ordinal);
        Assert.Contains("items / shape / round", binError.Message, StringComparison.Ordinal);
        Assert.Contains("items / color / blue", nameError.Message, StringComparison.Ordinal);
        Assert.Equal(before, a.ToJson());
    }

    [Fact]
    public void Json_RoundTrip_KeepsModelBinsHitsSeedsAndScenarios()
    {
        var model = Toy();
        var database = model.CreateDatabase();
        model.Sample(database, [new("red", 5), new("blue", 50)], 12);
        model.Sample(database, [new("green", 500)], 8);

        var back = CoverageDatabase.FromJson(database.ToJson());

        Assert.Equal(database.Model, back.Model);
        Assert.Equal(database.Bins, back.Bins);
        Assert.Equal(database.Groups, back.Groups);
        Assert.Equal(database.Scenarios, back.Scenarios);
        Assert.All(Enumerable.Range(0, database.Bins.Count), i =>
        {
            Assert.Equal(database.Hits(i), back.Hits(i));
            Assert.Equal(database.FirstSeed(i), back.FirstSeed(i));
        });
        Assert.Equal(database.ToJson(), back.ToJson());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("""{"format":"something-else/1","model":"toy/1","groups":[]}""")]
    [InlineData("""{"format":"dmacosim-coverage/1","model":"toy/1"}""")]
    [InlineData("""{"format":"dmacosim-coverage/1","model":"toy/1","groups":[{"name":"g","points":[{"name":"p","bins":[{"name":"b"}]}]}]}""")]
    [InlineData("""{"format":"dmacosim-coverage/1","model":"toy/1","groups":[{"name":"g","points":[{"name":"p","bins":[{"name":"b","hits":-1}]}]}]}""")]
    public void FromJson_NotACoverageFile_ThrowsCoverageFileException(string json) =>
        Assert.Throws<CoverageFileException>(() => CoverageDatabase.FromJson(json));

    [Fact]
    public void Load_MissingFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dmacosim-missing-{Guid.NewGuid():N}.json");

        var e = Assert.Throws<CoverageFileException>(() => CoverageDatabase.Load(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NextSeeds_GoalNotMet_ContinuesAfterTheLargestSeedWithTheStrideUpToTheCap()
    {
        var model = Toy();
        var database = model.CreateDatabase();
        model.Sample(database, [new("red", 5)], 1);

        Assert.Equal([11UL, 12, 13], CoverageGoal.NextSeeds(database, [1, 10, 3], stride: 1, maxSeeds: 100, batch: 3));
        Assert.Equal([14UL, 18], CoverageGoal.NextSeeds(database, [2, 6, 10], stride: 4, maxSeeds: 5, batch: 10)); // cap: 5 seeds in all
        Assert.Empty(CoverageGoal.NextSeeds(database, [1, 2, 3], stride: 1, maxSeeds: 3, batch: 10));
        Assert.Empty(CoverageGoal.NextSeeds(database, [ulong.MaxValue], stride: 1, maxSeeds: 10, batch: 10));
    }

    [Fact]
    public void NextSeeds_EveryBinHit_None()
    {
        var model = Toy();
        var database = model.CreateDatabase();
        model.Sample(database, [new("red", 5), new("red", 50), new("green", 5), new("green", 50), new("blue", 5)], 1);
        Assert.False(database.GoalMet);
        model.Sample(database, [], 2);

        Assert.True(database.GoalMet);
        Assert.Empty(CoverageGoal.NextSeeds(database, [1, 2], 1, 100, 10));
    }

    [Fact]
    public void Table_LongNamesAndManyEmptyBins_FitsTheWidthAndListsEveryEmptyBin()
    {
        var long1 = new string('x', 150);
        var group = new CoverGroupBuilder<int, int>("a group with a rather long name for a table column", "d", n => [n])
            .Point("value", [.. Enumerable.Range(0, 40).Select(i => $"bin number {i} of a coverpoint")], n => $"bin number {n} of a coverpoint")
            .Point(long1, [long1], _ => null)
            .Build();
        var model = new CoverageModel<int>("a-model-name-long-enough-to-push-the-first-line-past-eighty-columns/1", [group]);
        var database = model.CreateDatabase();
        model.Sample(database, 3, 1);

        var table = CoverageReport.Table(database);

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
        Assert.Contains("1/41", table, StringComparison.Ordinal);
        Assert.Contains("2.4 %", table, StringComparison.Ordinal);
        Assert.All(Enumerable.Range(0, 40).Where(i => i != 3), i => Assert.Contains($"value: bin number {i} of a coverpoint", table, StringComparison.Ordinal));
        Assert.DoesNotContain("value: bin number 3 of", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_EmptyBins_EachHighlightedOnceAndNamesEscaped()
    {
        var group = new CoverGroupBuilder<int, int>("g<1>", "d", n => [n])
            .Point("p", ["a&b", "c", "d"], n => n == 0 ? "a&b" : null)
            .Build();
        var model = new CoverageModel<int>("html/1", [group]);
        var database = model.CreateDatabase();
        model.Sample(database, 0, 5);

        var html = CoverageReport.Html(database);

        Assert.Equal(2, Regex.Count(html, "class=\"empty\""));
        Assert.Contains("a&amp;b", html, StringComparison.Ordinal);
        Assert.Contains("g&lt;1&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RegressionModel_Declared_StatesItsBinCountAndEveryBinIsUnique()
    {
        var model = RegressionCoverage.Model;

        Assert.Equal(model.Bins.Count, model.Bins.Distinct().Count());
        // transfer 79, errors 22, coalescing 12, keyhole 14, hazards 11, hazard mixes 4, snoop lines 14, scenario 13, arbitration 2,
        // registers 32, address 19
        Assert.Equal(222, model.Bins.Count);
        Assert.Equal(
            [("transfer", 79), ("errors", 22), ("coalescing", 12), ("keyhole", 14), ("hazards", 11), ("hazard mixes", 4), ("snoop lines", 14), ("scenario", 13),
             ("arbitration", 2), ("registers", 32), ("address", 19)],
            model.Groups.Select(g => (g.Name, g.Points.Sum(p => p.Bins.Count))));
        // nodre: the misaligned copy refused and remedied two ways instead of realigned
        Assert.Equal(223, RegressionCoverage.NodreModel.Bins.Count);
        Assert.NotEqual(model.Name, RegressionCoverage.NodreModel.Name);
        Assert.Same(RegressionCoverage.NodreModel, RegressionCoverage.For(Rtl64 with { HasDre = false }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RegressionModel_GeneratedAddressScenarios_ReachEveryAddressBin(bool hasDre)
    {
        var rtl = Rtl64 with { HasDre = hasDre };
        var model = RegressionCoverage.For(rtl);
        var database = model.CreateDatabase();
        for (var seed = 1UL; seed <= 2000; seed++)
        {
            var scenario = ScenarioGenerator.Generate(seed, rtl);
            model.Sample(database, ScenarioFacts.From(scenario, new ScenarioResult(seed, true, 0, "", null, null, TimeSpan.Zero), rtl), seed);
        }

        Assert.DoesNotContain(database.EmptyBins(), b => b.Group == "address");
    }

    [Fact]
    public void RegressionModel_Registers_EveryOffsetConstantOfCdmaRegistersAndTheMapEdgesOfDmaPkg()
    {
        var package = File.ReadAllText(SourceTree.Find("rtl/dma_pkg.sv"));
        uint Param(string name) => uint.Parse(
            ParamPattern().Matches(package).First(m => m.Groups[1].Value == name).Groups[2].Value.Replace("_", "", StringComparison.Ordinal),
            NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        Assert.Equal(22, RegressionCoverage.Registers.Count);
        Assert.Contains((CdmaRegisters.BttOffset, "Btt"), RegressionCoverage.Registers);
        Assert.Equal(RegressionCoverage.RegisterSpaceEnd, Param("REG_SPACE_END"));
        Assert.Equal(RegressionCoverage.MonitorBase, Param("MON_BASE_OFFSET"));
        Assert.Equal(RegressionCoverage.MonitorSpaceEnd, Param("MON_SPACE_END"));
        // the monitor's last register is the largest MON_*_OFFSET
        Assert.Equal(
            RegressionCoverage.MonitorLast,
            ParamPattern().Matches(package).Where(m => m.Groups[1].Value.StartsWith("MON_", StringComparison.Ordinal) && m.Groups[1].Value.EndsWith("_OFFSET", StringComparison.Ordinal))
                .Max(m => Param(m.Groups[1].Value)));
        Assert.All(RegressionCoverage.Edges, e => Assert.DoesNotContain(RegressionCoverage.Registers, r => r.Offset == e.Offset));
    }

    [Fact]
    public void RegressionModel_GeneratedScenarios_EveryCopyInExactlyOneBinOfEachCopyPoint()
    {
        var model = RegressionCoverage.Model;
        var database = model.CreateDatabase();
        var copies = 0;
        for (var seed = 1UL; seed <= 300; seed++)
        {
            var scenario = ScenarioGenerator.Generate(seed, Rtl64);
            var facts = ScenarioFacts.From(scenario, new ScenarioResult(seed, true, 0, "", null, null, TimeSpan.Zero), Rtl64);
            copies += facts.Copies.Count;
            Assert.All(scenario.Copies.Zip(facts.Copies), p => Assert.Equal(
                (p.First.Source >> 12) != ((p.First.Source + p.First.Length - 1) >> 12) || (p.First.Destination >> 12) != ((p.First.Destination + p.First.Length - 1) >> 12),
                p.Second.Crosses4K));
            model.Sample(database, facts, seed);
        }

        foreach (var point in new[] { "mode", "max burst", "alignment", "4 KiB", "length", "mode × max burst", "mode × length", "alignment × length" })
        {
            Assert.Equal(copies, Enumerable.Range(0, model.Bins.Count).Where(i => model.Bins[i].Group == "transfer" && model.Bins[i].Point == point).Sum(database.Hits));
        }

        Assert.Equal(300, database.Scenarios);
        Assert.All(Enum.GetNames<TransferMode>(), mode => Assert.True(database.Hits("transfer", "mode", mode) > 0, mode));
        Assert.Equal(0, database.Hits("registers", "register", "0x000 Cdmacr")); // offsets come from a run only
        Assert.True(database.Hits("errors", "where", "DataRead") + database.Hits("errors", "where", "DataWrite") > 10);
        Assert.All(Lengths(), length => Assert.True(database.Hits("transfer", "length", length) > 0, length));
    }

    [Theory]
    [InlineData(0xFFFUL, 1u, false)]
    [InlineData(0xFFFUL, 2u, true)]
    [InlineData(0x1000UL, 4096u, false)]
    [InlineData(0x1001UL, 4096u, true)]
    public void Crosses4K_Ranges_TrueOnlyWhenFirstAndLastBytesLieInDifferentPages(ulong address, uint length, bool expected) =>
        Assert.Equal(expected, ScenarioFacts.Crosses4K(address, length));

    private static string[] Lengths() => ["1 B", "under a beat", "beats to 4 KiB", "4 KiB to 64 KiB", "64 KiB and more"];

    [GeneratedRegex(@"localparam\s+int\s+unsigned\s+(\w+)\s*=\s*32'h([0-9A-Fa-f_]+)")]
    private static partial Regex ParamPattern();
}
