// SPDX-License-Identifier: MIT
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
        Assert.Equal(a.Cpu?.Actions, b.Cpu?.Actions);
        Assert.Equal(a.Cpu?.UnrelatedBase, b.Cpu?.UnrelatedBase);
    }

    [Fact]
    public void Generate_ThousandSeedsTwice_CpuActivityForAboutHalfTheSameSeedsWithTheSameActions()
    {
        var first = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64)).ToList();
        var second = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64)).ToList();

        Assert.InRange(first.Count(s => s.Cpu != null), 400, 600);
        Assert.InRange(first.Where(s => s.Seed % 2 == 0).Count(s => s.Cpu != null), 200, 300); // not tied to the seed's low bit
        Assert.Equal(first.Select(s => s.Cpu != null), second.Select(s => s.Cpu != null));
        Assert.All(first.Zip(second), pair => Assert.Equal(pair.First.Cpu?.Actions, pair.Second.Cpu?.Actions));
        Assert.All(first.Where(s => s.Cpu == null), s => Assert.DoesNotContain("CPU", s.Describe(), StringComparison.Ordinal));
        Assert.All(first.Where(s => s.Cpu != null), s => Assert.Contains("; CPU: ", s.Describe(), StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_ThousandSeeds_EveryKindOfCpuActionAppearsAndEachStaysInsideItsRange()
    {
        var scenarios = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64)).Where(s => s.Cpu != null).ToList();

        Assert.All(Enum.GetValues<CpuActionKind>(), kind => Assert.Contains(scenarios, s => s.Cpu!.Actions.Any(a => a.Kind == kind)));
        Assert.All(scenarios, s => Assert.NotEmpty(s.Cpu!.Actions));
        Assert.All(scenarios, s => Assert.All(s.Cpu!.Actions, a =>
        {
            var (start, length) = a.Kind switch
            {
                CpuActionKind.StoreSource => (s.Copies[a.Copy].Source, s.Copies[a.Copy].Length),
                CpuActionKind.LoadDestination => (s.Copies[a.Copy].Destination, s.Copies[a.Copy].Length),
                _ => (s.Cpu.UnrelatedBase, (uint)s.Cpu.UnrelatedLength),
            };
            Assert.InRange(a.Length, 1, 2048);
            Assert.True(a.Address >= start && a.Address + (ulong)a.Length <= start + length, $"seed {s.Seed}: {a} outside its range");
            Assert.True(a.Copy < 0 || a.Copy != s.FaultedCopy, $"seed {s.Seed}: {a} touches the faulted copy"); // its fault window answers line fills too
        }));
    }

    [Fact]
    public void Generate_UnrelatedRegion_SharesNoCacheLineWithAnyDmaBufferItsGuardsOrTheDescriptorPool()
    {
        const ulong line = 64;
        var scenarios = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64))
            .Where(s => s.Cpu is { UnrelatedLength: > 0 }).ToList();

        Assert.NotEmpty(scenarios);
        Assert.All(scenarios, s =>
        {
            var first = s.Cpu!.UnrelatedBase & ~(line - 1);
            var end = (s.Cpu.UnrelatedBase + (ulong)s.Cpu.UnrelatedLength + line - 1) & ~(line - 1);
            var buffers = s.Copies.SelectMany(c => new[] { (c.Source, (ulong)c.Length), (c.Destination - 64, c.Length + 128UL) })
                .Append((0x3FF0_0000UL, 4096UL * 64));
            Assert.All(buffers, b => Assert.True(end <= b.Item1 || b.Item1 + b.Item2 <= first, $"seed {s.Seed}: unrelated region overlaps 0x{b.Item1:X}"));
        });
    }

    [Fact]
    public void Generate_BuildWithoutCpuCache_NoCpuActivity()
    {
        var noCache = Rtl64 with { CacheLine = 0, CacheSets = 0, CacheWays = 0 };

        Assert.All(Enumerable.Range(1, 200), s => Assert.Null(ScenarioGenerator.GenerateDriverPath((ulong)s, noCache).Cpu));
    }

    [Fact]
    public void SourceData_CpuStoredIntoTheSource_InitialBytesWithTheStoresOverThemAndTheDestinationExpectsThem()
    {
        var scenario = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64))
            .First(s => s is { Fault: null, Cpu: not null } && s.Cpu.Actions.Any(a => a.Kind == CpuActionKind.StoreSource));
        var index = scenario.Cpu!.Actions.ToList().FindIndex(a => a.Kind == CpuActionKind.StoreSource);
        var store = scenario.Cpu.Actions[index];
        var copy = scenario.Copies[store.Copy];
        var model = scenario.InitialSource(store.Copy);
        foreach (var (action, i) in scenario.Cpu.Actions.Select((a, i) => (a, i)).Where(p => p.a.Kind == CpuActionKind.StoreSource && p.a.Copy == store.Copy))
        {
            scenario.CpuStoreData(i).CopyTo(model, (int)(action.Address - copy.Source));
        }

        var data = scenario.SourceData(store.Copy);

        Assert.Equal(model, data);
        Assert.Equal(scenario.CpuStoreData(index), data.AsSpan((int)(store.Address - copy.Source), store.Length).ToArray());
        Assert.Equal(data, scenario.ExpectedDestination(store.Copy));
        Assert.NotEqual(scenario.InitialSource(store.Copy), data);
    }

    [Fact]
    public void ExpectedDestination_FaultedChain_SourceBeforeNothingAtTheFaultGuardValueAfter()
    {
        var scenario = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64))
            .First(s => s.FaultedCopy >= 1 && s.FaultedCopy < s.Copies.Count - 1);

        Assert.Equal(scenario.SourceData(0), scenario.ExpectedDestination(0));
        Assert.Null(scenario.ExpectedDestination(scenario.FaultedCopy));
        Assert.All(scenario.ExpectedDestination(scenario.FaultedCopy + 1)!, b => Assert.Equal(Guards.Value, b));
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
        var scenarios = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, Rtl64)).ToList();

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
            new ScenarioResult(2, false, 2000, "def", "memory mismatch: 3 of 10 expected bytes wrong\nhexdump", "/w/seed-2.fst", TimeSpan.FromSeconds(1),
                "seed 2: 1 descriptors, 10 bytes; CPU: 1 source store"),
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
        Assert.Equal("seed 2: 1 descriptors, 10 bytes; CPU: 1 source store", Property(failing, "scenario"));
        Assert.Equal(ScenarioGenerator.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Property(failing, "generator"));
    }

    private static string Property(XElement testcase, string name) =>
        testcase.Element("properties")!.Elements("property").Single(p => p.Attribute("name")!.Value == name).Attribute("value")!.Value;
}
