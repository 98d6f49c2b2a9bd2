using System.Xml.Linq;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>The regression machinery that needs no simulator: scenario generation, seed selection, JUnit.</summary>
public sealed class RegressionTests
{
    private static readonly RtlInfo Rtl64 = new(64, 32, 256, 64, 256, 2);

    [Fact]
    public void Generate_SameSeed_IdenticalScenario()
    {
        var a = ScenarioGenerator.Generate(42, Rtl64);
        var b = ScenarioGenerator.Generate(42, Rtl64);

        Assert.Equal(a.Copies, b.Copies);
        Assert.Equal(a.Memory.Backpressure, b.Memory.Backpressure);
        Assert.Equal(a.Memory.ReadLatency, b.Memory.ReadLatency);
        Assert.Equal(a.Fault, b.Fault);
    }

    [Fact]
    public void Generate_DifferentSeeds_DifferentScenarios()
    {
        var distinct = Enumerable.Range(1, 50).Select(s => ScenarioGenerator.Generate((ulong)s, Rtl64).Describe()).Distinct().Count();

        Assert.Equal(50, distinct);
    }

    [Fact]
    public void Generate_ThousandSeeds_ChainsOf1To64DisjointCopiesOf1ByteTo1MiBAndSomeFaults()
    {
        var scenarios = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.Generate((ulong)s, Rtl64)).ToList();

        Assert.All(scenarios, s => Assert.InRange(s.Copies.Count, 1, 64));
        Assert.All(scenarios.SelectMany(s => s.Copies), c => Assert.InRange(c.Length, 1u, 1u << 20));
        Assert.All(scenarios, s =>
        {
            var ranges = s.Copies.SelectMany(c => new[] { (c.Source, c.Source + c.Length), (c.Destination, c.Destination + c.Length) })
                .OrderBy(r => r.Item1).ToList();
            Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.True(pair.First.Item2 <= pair.Second.Item1));
        });
        Assert.Contains(scenarios.SelectMany(s => s.Copies), c => c.Length == 1);
        Assert.Contains(scenarios.SelectMany(s => s.Copies), c => c.Length is 4095 or 4097);
        Assert.InRange(scenarios.Count(s => s.Fault != null), 50, 150);
    }

    [Fact]
    public void Select_CountShardedInThree_DisjointCoveringAndBalanced()
    {
        var shards = Enumerable.Range(1, 3).Select(k => SeedSelection.Select(100, null, null, $"{k}/3").Seeds).ToList();

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i), shards.SelectMany(s => s).Order());
        Assert.Equal([34, 33, 33], shards.Select(s => s.Count));
    }

    [Theory]
    [InlineData(null, "5..3", null, null)]
    [InlineData(null, "x..3", null, null)]
    [InlineData(0, null, null, null)]
    [InlineData(10, null, null, "4/3")]
    [InlineData(10, null, null, "0/3")]
    [InlineData(10, "1..2", null, null)]
    public void Select_BadOptions_ErrorAndNoSeeds(int? count, string? range, long? seed, string? shard)
    {
        var (seeds, error) = SeedSelection.Select(count, range, (ulong?)seed, shard);

        Assert.Empty(seeds);
        Assert.NotNull(error);
    }

    [Fact]
    public void Select_SeedRange_InclusiveInOrder()
    {
        Assert.Equal([7UL, 8, 9], SeedSelection.Select(null, "7..9", null, null).Seeds);
    }

    [Fact]
    public void JUnit_OneFailure_TestcasePerSeedWithPropertiesAndRepro()
    {
        var results = new[]
        {
            new ScenarioResult(1, true, 1000, "abc", null, null, TimeSpan.FromSeconds(0.5)),
            new ScenarioResult(2, false, 2000, "def", "memory mismatch: 3 of 10 expected bytes wrong\nhexdump", "/w/seed-2.fst", TimeSpan.FromSeconds(1)),
        };

        var xml = JUnitReport.Build("dmacosim.regress.default", results, s => $"dmacosim regress --seed {s}");
        var suite = xml.Root!.Element("testsuite")!;
        var failing = suite.Elements("testcase").Single(e => e.Attribute("name")!.Value == "seed-2");

        Assert.Equal("2", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        Assert.Equal("memory mismatch: 3 of 10 expected bytes wrong", failing.Element("failure")!.Attribute("message")!.Value);
        Assert.Contains("repro: dmacosim regress --seed 2", failing.Element("failure")!.Value, StringComparison.Ordinal);
        Assert.Equal("/w/seed-2.fst", Property(failing, "waveform"));
        Assert.Equal("2000", Property(failing, "cycles"));
        Assert.Equal("2", Property(failing, "seed"));
    }

    private static string Property(XElement testcase, string name) =>
        testcase.Element("properties")!.Elements("property").Single(p => p.Attribute("name")!.Value == name).Attribute("value")!.Value;
}
