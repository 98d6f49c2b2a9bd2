// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Tests.Testing;

/// <summary>
/// <see cref="ScenarioFacts.From"/> for register-level, dmaengine-driver and hazard scenarios, and the hazard
/// scenarios' prediction (<see cref="HazardScenario"/>).
/// </summary>
public sealed class ScenarioFactsTests
{
    private static readonly RtlInfo Rtl = new(64, 32, 256, 64, 256, 2);

    private static readonly ArbiterChannelStats Quiet = new(0, 5, 0, 0);

    private static DmaBusStats Bus(ArbiterChannelStats ar, ArbiterChannelStats aw) => new(0, 0, 0, 0, 0, 0, 0, 0, 0, ar, aw);

    private static ScenarioResult Passed(ulong seed, EngineObservations? observed = null) =>
        new(seed, true, 0, "", null, null, TimeSpan.Zero, null, observed);

    private static Scenario Engine(EngineScenario engine, params ScenarioCopy[] copies) =>
        new(7, copies, new MemConfig(), null, -1, null, engine);

    private static ScenarioCopy Copy(int i, uint length = 100) => new(0x0400_0000 + ((ulong)i * 0x10000) + 3, 0x1C00_0000 + ((ulong)i * 0x10000), length);

    [Fact]
    public void From_EngineScenario_MapsTheLimitsInEffectTheKnobsAndTheObservations()
    {
        var engine = new EngineScenario
        {
            Mode = TransferMode.CycleStealing,
            MaxBurstM1Written = 7,
            MaxOutstandingWritten = 0, // stores 1
            BeatsPerGrantWritten = 300, // 300 & 0xFF = 44
            IdleGap = 5,
            KeyholeRead = true,
            IrqThresholdWritten = 9,
            Descriptors = [0x3000_0000, 0x3000_0040, 0x3000_0080],
            SoftResetAfter = 1,
            FirstTail = 0,
            PerfClearAfter = 2,
            Snoop = true,
            CpuLoad = new CpuLoad(CpuLoadPattern.Random, 10, 0x3A00_0000, 64, 1),
        };
        var observed = new EngineObservations { DelayFired = true, CyclicWraps = 2 };
        observed.CompletionsPerIoc.AddRange([9, 4]);
        var result = Passed(7, observed) with
        {
            RegisterOffsets = new HashSet<uint> { 0x000, 0x200 },
            Bus = Bus(new ArbiterChannelStats(3, 4, 2, 0), Quiet),
        };

        var facts = ScenarioFacts.From(Engine(engine, Copy(0), Copy(1, 0), Copy(2)), result, Rtl);

        Assert.Equal(TransferMode.CycleStealing, facts.Mode);
        Assert.Equal(8, facts.MaxBurstBeats);
        Assert.Equal(1, facts.MaxOutstanding);
        Assert.Equal(44, facts.BeatsPerGrant);
        Assert.Equal(5, facts.IdleGap);
        Assert.True(facts.ScatterGather);
        Assert.Equal([true, false, true], facts.Copies.Select(c => c.KeyholeRead)); // BTT = 0 moves nothing
        Assert.All(facts.Copies, c => Assert.False(c.KeyholeWrite));
        Assert.Equal(3, facts.Copies[0].SourceOffsetInBeat);
        Assert.Equal(9, facts.IrqThreshold);
        Assert.Equal([9, 4], facts.CompletionsPerIoc);
        Assert.True(facts.DelayIrqFired);
        Assert.Equal(2, facts.CyclicWraps);
        Assert.True(facts.Snoop);
        Assert.True(facts.CpuLoad);
        Assert.True(facts.SoftResetMidChain);
        Assert.True(facts.TailResume);
        Assert.True(facts.PerfClearMidTransfer);
        Assert.Equal(new HashSet<uint> { 0x000, 0x200 }, facts.RegisterOffsets);
        Assert.Equal(new HashSet<string> { "ar" }, facts.ArbitrationConflicts);
        Assert.Empty(facts.Errors);
    }

    [Fact]
    public void From_EngineScenarioWithoutEvents_LeavesEveryEventOffAndTheOtherModesWithoutStealParameters()
    {
        var engine = new EngineScenario { Mode = TransferMode.Transparent, Simple = true, BeatsPerGrantWritten = 4, IdleGap = 3, IrqThresholdWritten = 0 };

        var facts = ScenarioFacts.From(Engine(engine, Copy(0)), Passed(7), Rtl);

        Assert.Equal((TransferMode.Transparent, 0, 0, false, 1), (facts.Mode, facts.BeatsPerGrant, facts.IdleGap, facts.ScatterGather, facts.IrqThreshold));
        Assert.False(facts.SoftResetMidChain || facts.TailResume || facts.PerfClearMidTransfer || facts.Snoop || facts.CpuLoad || facts.DelayIrqFired);
        Assert.Empty(facts.RegisterOffsets);
        Assert.Empty(facts.ArbitrationConflicts);
        Assert.Empty(facts.CompletionsPerIoc);
    }

    [Theory]
    [InlineData(0, 5, 0, 0, false)] // the DMA alone
    [InlineData(3, 5, 0, 0, false)] // both granted, nobody waited
    [InlineData(3, 5, 2, 0, true)] // the CPU waited while the DMA was granted
    [InlineData(3, 5, 0, 1, true)] // the DMA waited while the CPU was granted
    [InlineData(3, 0, 4, 0, false)] // the CPU waited, the DMA never granted (the memory's backpressure)
    public void ArbitrationConflictsOf_Counters_AChannelOnlyWhenOneMasterWaitedWhileTheOtherWasGranted(
        ulong cpuGrants, ulong dmaGrants, ulong cpuWait, ulong dmaWait, bool conflict)
    {
        var channel = new ArbiterChannelStats(cpuGrants, dmaGrants, cpuWait, dmaWait);

        Assert.Equal(conflict ? ["aw"] : Array.Empty<string>(), ScenarioFacts.ArbitrationConflictsOf(Bus(Quiet, channel)));
        Assert.Equal(conflict ? ["ar"] : Array.Empty<string>(), ScenarioFacts.ArbitrationConflictsOf(Bus(channel, Quiet)));
    }

    [Fact]
    public void ErrorsMet_Faults_OnlyTheFirstFailingDescriptorsAFailedFetchAlone()
    {
        static InjectedFault F(int d, FaultSite site, AxiFault response = AxiFault.SlvErr) => new(d, site, response, new FaultWindow(0x100, 1, response));
        EngineScenario E(params InjectedFault[] faults) => new() { Descriptors = [0x3000_0000, 0x3000_0040, 0x3000_0080], Faults = faults };
        ScenarioCopy[] copies = [Copy(0), Copy(1), Copy(2)];

        // data + STATUS on descriptor 1, a fetch on 2: the engine halts at 1 and meets both of its errors
        Assert.Equal(
            [new ErrorFacts(AxiFault.DecErr, FaultSite.DataWrite), new ErrorFacts(AxiFault.SlvErr, FaultSite.StatusWrite)],
            ScenarioFacts.ErrorsMet(Engine(E(F(2, FaultSite.DescriptorFetch), F(1, FaultSite.StatusWrite), F(1, FaultSite.DataWrite, AxiFault.DecErr)), copies)));

        // a fetch fault hides the data fault of the same descriptor
        Assert.Equal(
            [new ErrorFacts(AxiFault.DecErr, FaultSite.DescriptorFetch)],
            ScenarioFacts.ErrorsMet(Engine(E(F(0, FaultSite.DataRead), F(0, FaultSite.DescriptorFetch, AxiFault.DecErr)), copies)));

        // BTT = 0 on descriptor 0 halts first (DMAIntErr): no bus error is met
        Assert.Empty(ScenarioFacts.ErrorsMet(Engine(E(F(1, FaultSite.DataRead)), [Copy(0, 0), Copy(1), Copy(2)])));
        Assert.Empty(ScenarioFacts.ErrorsMet(Engine(E(), copies)));
    }

    [Fact]
    public void RegressionModel_GeneratedScenarios_EveryBinOfADrawnKnobIsReached()
    {
        // what the generator draws reaches every bin that needs no run: a knob the mapping drops empties its bins
        var model = RegressionCoverage.Model;
        var database = model.CreateDatabase();
        for (var seed = 1UL; seed <= 3000; seed++)
        {
            var scenario = ScenarioGenerator.Generate(seed, Rtl);
            model.Sample(database, ScenarioFacts.From(scenario, Passed(seed), Rtl), seed);
        }

        var observedOnly = new HashSet<string> { "coalescing", "hazards", "arbitration", "registers" };
        var runOnly = new HashSet<string> { "Dly_Irq", "cyclic" };
        var empty = database.EmptyBins().Where(b => !observedOnly.Contains(b.Group) && !(b.Group == "scenario" && runOnly.Contains(b.Point)));

        Assert.Empty(empty);
    }

    [Fact]
    public void From_HazardScenario_TakesTheHazardsTheRunObserved()
    {
        var scenario = ScenarioGenerator.Generate(HazardSeed(HazardKind.LostDmaWrite), Rtl);
        var result = Passed(scenario.Seed) with { Hazards = [new HazardFacts(HazardKind.LostDmaWrite, 3)] };

        var facts = ScenarioFacts.From(scenario, result, Rtl);

        Assert.Equal([new HazardFacts(HazardKind.LostDmaWrite, 3)], facts.Hazards);
        Assert.Single(facts.Copies);
    }

    [Fact]
    public void Generate_HazardScenarios_AFewPercentOfSeedsEachCopyInOnePageAndEachWindowInsideItsBuffer()
    {
        var hazards = Enumerable.Range(1, 2000).Select(s => ScenarioGenerator.Generate((ulong)s, Rtl)).Where(s => s.Hazard != null).ToList();

        Assert.InRange(hazards.Count, 60, 200);
        Assert.All(Enum.GetValues<HazardKind>(), k => Assert.Contains(hazards, s => s.Hazard!.Kind == k));
        Assert.All(hazards, s =>
        {
            var (copy, h) = (Assert.Single(s.Copies), s.Hazard!);
            var buffer = h.Kind == HazardKind.StaleDmaRead ? copy.Source : copy.Destination;
            Assert.False(copy.CrossesPage);
            Assert.InRange(h.Window, buffer, buffer + copy.Length - (ulong)h.WindowLength);
            Assert.True(h.WindowLength >= 1);
            Assert.True(copy.Length % 8 == 0 && copy.Source % 8 == 0 && copy.Destination % 8 == 0 ||
                        (copy.Length < 8 && copy.Source % 8 + copy.Length <= 8 && copy.Destination % 8 + copy.Length <= 8));
        });
        Assert.Equal(hazards.Select(s => s.Describe()), hazards.Select(s => ScenarioGenerator.Generate(s.Seed, Rtl).Describe()));
    }

    [Fact]
    public void Predicted_EachKind_OneRangePerGranuleTheWindowTouches()
    {
        var copy = new ScenarioCopy(0x0400_1000, 0x1C00_1010, 160); // destination 0x1C00_1010..0x1C00_10AF

        // two lines of dirty source bytes
        Assert.Equal([(0x0400_1030UL, 0x0400_103FUL), (0x0400_1040UL, 0x0400_1044UL)],
            new HazardScenario(HazardKind.StaleDmaRead, 0x0400_1030, 0x15).Predicted(copy, 64));

        // each written-back line reports the lowest byte the DMA wrote in it
        Assert.Equal([(0x1C00_1010UL, 0x1C00_1010UL), (0x1C00_1040UL, 0x1C00_1040UL)],
            new HazardScenario(HazardKind.LostDmaWrite, 0x1C00_1020, 0x30).Predicted(copy, 64));

        // one per CPU word loaded
        Assert.Equal([(0x1C00_1012UL, 0x1C00_1013UL), (0x1C00_1014UL, 0x1C00_1014UL)],
            new HazardScenario(HazardKind.StaleCpuRead, 0x1C00_1012, 3).Predicted(copy, 64));
    }

    [Fact]
    public void Check_Reports_PassOnlyForExactlyThePredictedReportsAndGiveTheBeatWidth()
    {
        var seed = HazardSeed(HazardKind.StaleCpuRead);
        var scenario = ScenarioGenerator.Generate(seed, Rtl);
        var hazard = scenario.Hazard!;
        var predicted = hazard.Predicted(scenario.Copies[0], Rtl.CacheLine);
        List<CoherencyViolation> exact = [.. predicted.Select((r, i) => new CoherencyViolation((ulong)i, "STALE_CPU_READ", r.Last, "cpu"))];
        CoherencyReport Report(List<CoherencyViolation> v) => new(false, (ulong)v.Count, v);

        var facts = hazard.Check(scenario, Rtl, Report(exact));
        Assert.Equal(predicted.Count, facts.Count);
        Assert.All(facts, f => Assert.Equal(hazard.BeatBytesAt(scenario.Copies[0], hazard.Window, 8), f.BeatBytes));

        var outside = exact.Select((v, i) => i == 0 ? v with { Address = predicted[0].First - 1 } : v).ToList();
        var otherKind = exact.Select((v, i) => i == 0 ? v with { Kind = "LOST_DMA_WRITE" } : v).ToList();
        var twice = exact.Append(exact[0]).ToList();
        foreach (var wrong in new[] { outside, otherKind, twice, exact.Skip(1).ToList() })
        {
            Assert.Throws<ScenarioException>(() => hazard.Check(scenario, Rtl, Report(wrong)));
        }
    }

    [Theory]
    [InlineData(HazardKind.LostDmaWrite, 0x1C00_1003UL, 3u, 0x1C00_1004UL, 3)] // a narrow write beat: 3 bytes strobed
    [InlineData(HazardKind.StaleCpuRead, 0x1C00_1000UL, 64u, 0x1C00_1017UL, 8)] // a full-width beat
    [InlineData(HazardKind.StaleDmaRead, 0x0400_1005UL, 2u, 0x0400_1006UL, 2)] // the read beat carries 2 of the copy's bytes
    public void BeatBytesAt_Geometry_TheCopysBytesInTheBeat(HazardKind kind, ulong start, uint length, ulong address, int expected)
    {
        var copy = kind == HazardKind.StaleDmaRead ? new ScenarioCopy(start, 0x1C00_2000, length) : new ScenarioCopy(0x0400_2000, start, length);

        Assert.Equal(expected, new HazardScenario(kind, address, 1).BeatBytesAt(copy, address, 8));
    }

    private static ulong HazardSeed(HazardKind kind)
    {
        for (var seed = 1UL; ; seed++)
        {
            if (ScenarioGenerator.Generate(seed, Rtl).Hazard is { } h && h.Kind == kind)
            {
                return seed;
            }
        }
    }
}
