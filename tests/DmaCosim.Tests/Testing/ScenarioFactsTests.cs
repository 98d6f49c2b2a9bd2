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
        var empty = database.EmptyBins().Where(b => !observedOnly.Contains(b.Group) && !(b.Group == "scenario" && runOnly.Contains(b.Point))
                                                    && !(b.Group == "hazard mixes" && b.Point == "report paths"));

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

        Assert.InRange(hazards.Count, 50, 200);
        Assert.All(Enum.GetValues<HazardKind>(), k => Assert.Contains(hazards, s => s.Hazard!.Kind == k));
        Assert.Contains(hazards, s => s.Hazard!.Mistakes == 1);
        Assert.Contains(hazards, s => s.Hazard!.DirtySource != null);
        Assert.Contains(hazards, s => s.Hazard!.During is { Kind: HazardKind.StaleCpuRead });
        Assert.Contains(hazards, s => s.Hazard!.During is { Kind: HazardKind.LostDmaWrite });
        Assert.All(hazards, s =>
        {
            var (copy, h) = (Assert.Single(s.Copies), s.Hazard!);
            var buffer = h.Kind == HazardKind.StaleDmaRead ? copy.Source : copy.Destination;
            Assert.False(copy.CrossesPage);
            Assert.InRange(h.Window, buffer, buffer + copy.Length - (ulong)h.WindowLength);
            Assert.True(h.WindowLength >= 1);
            Assert.True(copy.Length % 8 == 0 && copy.Source % 8 == 0 && copy.Destination % 8 == 0 ||
                        (copy.Length < 8 && copy.Source % 8 + copy.Length <= 8 && copy.Destination % 8 + copy.Length <= 8));
            Assert.True(h.DirtySource == null || h.Kind != HazardKind.StaleDmaRead);
            Assert.True(h.DirtySource is not { } d || (d.Address >= copy.Source && d.Address + (ulong)d.Length <= copy.Source + copy.Length));
            if (h.During is { } c)
            {
                // the DMA reads a dirty source in one burst while the CPU works on another buffer, word by word
                Assert.Equal(HazardKind.StaleDmaRead, h.Kind);
                Assert.InRange(copy.Length, 4u * (uint)Rtl.CacheLine, (uint)Math.Min(2048, Rtl.MaxBurst * 8));
                Assert.True(c.Window % 4 == 0 && c.Length % 4 == 0 && !c.Prep.CrossesPage);
                Assert.True(c.Window / 4096 != copy.Destination / 4096 && c.PrepSource / 4096 != copy.Source / 4096);
            }
        });
        Assert.Equal(hazards.Select(s => s.Describe()), hazards.Select(s => ScenarioGenerator.Generate(s.Seed, Rtl).Describe()));
    }

    [Fact]
    public void Generate_SnoopScenarios_MultiBurstCopiesWithWindowsInsideTheirBuffersAndLinesPastTheFirstOfABurst()
    {
        var snoops = Enumerable.Range(1, 3000).Select(s => ScenarioGenerator.Generate((ulong)s, Rtl)).Where(s => s.Snoop != null).ToList();

        Assert.InRange(snoops.Count, 20, 150);
        Assert.All(snoops, s =>
        {
            var (copy, snoop) = (Assert.Single(s.Copies), s.Snoop!);
            Assert.Null(s.Hazard);
            Assert.InRange(copy.Length, 1u, 6144u);
            Assert.InRange(snoop.SourceStores.Count, 1, 4);
            Assert.All(snoop.SourceStores, w => Assert.True(w.Address >= copy.Source && w.Address + (ulong)w.Length <= copy.Source + copy.Length));
            Assert.All(snoop.DestinationStores.Concat(snoop.DestinationLoads),
                w => Assert.True(w.Address >= copy.Destination && w.Address + (ulong)w.Length <= copy.Destination + copy.Length));
        });
        var lines = snoops.SelectMany(s => ScenarioFacts.SnoopLinesOf(s.Snoop!, s.Copies[0], Rtl)).ToList();
        Assert.All(lines, l => Assert.True(l.Burst >= 0 && l.LineInBurst >= 0));
        foreach (var write in new[] { false, true })
        {
            Assert.Contains(lines, l => l.Write == write && l.LineInBurst > 0);
            Assert.Contains(lines, l => l.Write == write && l.Burst > 0);
        }
    }

    [Fact]
    public void BurstPositions_SplitAtMaxBurstAnd4K_EachLineInTheBurstThatFirstCoversIt()
    {
        // 0x1F00..0x2A00 with 16-beat bursts of 8 bytes (128 B): bursts 0x1F00, 0x1F80 (to the page), 0x2000, ...
        IReadOnlyList<ulong> lines = [0x1F00 / 64, 0x1F40 / 64, 0x1FC0 / 64, 0x2000 / 64, 0x2040 / 64, 0x29C0 / 64];
        Assert.Equal([(0, 0), (0, 1), (1, 1), (2, 0), (2, 1), (21, 1)], SnoopScenario.BurstPositions(lines, 0x1F00, 0xB00, 64, 8, 16));

        // an unaligned start: the first burst ends at its beat plus the max burst, mid-line; the line it splits belongs to it
        Assert.Equal([(0, 2), (1, 1)], SnoopScenario.BurstPositions([0x1080 / 64, 0x10C0 / 64], 0x1008, 0x200, 64, 8, 16));
    }

    [Fact]
    public void PredictedSnoops_DirtySourceAndCachedDestinationLines_EachOnce()
    {
        var snoop = new SnoopScenario(
            [new HazardWindow(0x0400_1030, 0x20), new HazardWindow(0x0400_1048, 1), new HazardWindow(0x0400_1100, 1)],
            [new HazardWindow(0x1C00_1000, 0x41)],
            [new HazardWindow(0x1C00_1040, 4), new HazardWindow(0x1C00_1200, 4)]);

        Assert.Equal([0x0400_1000UL / 64, 0x0400_1040UL / 64, 0x0400_1100UL / 64], snoop.DirtySourceLines(64));
        Assert.Equal([0x1C00_1000UL / 64, 0x1C00_1040UL / 64, 0x1C00_1200UL / 64], snoop.CachedDestinationLines(64));
        Assert.Equal(6, snoop.PredictedSnoops(64));
        // the CPU's view of the source: its stores over the initial bytes, a later one over an earlier one
        var copy = new ScenarioCopy(0x0400_1020, 0x1C00_1000, 0x100);
        var view = snoop.CpuViewOfSource(copy, [.. Enumerable.Range(0, 0x100).Select(i => (byte)i)],
            i => [.. Enumerable.Repeat((byte)(0xA0 + (0x11 * i)), snoop.SourceStores[i].Length)]);
        Assert.Equal([0x0F, 0xA0, 0xB1, 0xA0, 0x30, 0xC2], [view[0x0F], view[0x10], view[0x28], view[0x2F], view[0x30], view[0xE0]]);
    }

    [Fact]
    public void Predicted_EachKind_OneReportPerGranuleTheWindowTouches()
    {
        var copy = new ScenarioCopy(0x0400_1000, 0x1C00_1010, 160); // destination 0x1C00_1010..0x1C00_10AF
        static (HazardKind, ulong, ulong, bool) Of(PredictedHazard p) => (p.Kind, p.First, p.Last, p.AfterCopy);

        // two lines of dirty source bytes: each at the line's lowest dirty byte
        Assert.Equal([(HazardKind.StaleDmaRead, 0x0400_1030UL, 0x0400_1030UL, false), (HazardKind.StaleDmaRead, 0x0400_1040UL, 0x0400_1040UL, false)],
            new HazardScenario(HazardKind.StaleDmaRead, 0x0400_1030, 0x15).Predicted(copy, 64).Select(Of));

        // each written-back line reports the lowest byte the DMA wrote in it
        Assert.Equal([(HazardKind.LostDmaWrite, 0x1C00_1010UL, 0x1C00_1010UL, true), (HazardKind.LostDmaWrite, 0x1C00_1040UL, 0x1C00_1040UL, true)],
            new HazardScenario(HazardKind.LostDmaWrite, 0x1C00_1020, 0x30).Predicted(copy, 64).Select(Of));

        // one per CPU word loaded
        Assert.Equal([(HazardKind.StaleCpuRead, 0x1C00_1012UL, 0x1C00_1013UL, true), (HazardKind.StaleCpuRead, 0x1C00_1014UL, 0x1C00_1014UL, true)],
            new HazardScenario(HazardKind.StaleCpuRead, 0x1C00_1012, 3).Predicted(copy, 64).Select(Of));
    }

    [Fact]
    public void Predicted_SeveralMistakes_TheDmasInLineOrderAndTheCpusDuringThenAfter()
    {
        var copy = new ScenarioCopy(0x0400_1000, 0x1C00_1000, 0x100);
        var two = new HazardScenario(HazardKind.StaleCpuRead, 0x1C00_1010, 4) { DirtySource = new HazardWindow(0x0400_103F, 2) };
        Assert.Equal(
            [(HazardKind.StaleDmaRead, 0x0400_103FUL, false), (HazardKind.StaleDmaRead, 0x0400_1040UL, false), (HazardKind.StaleCpuRead, 0x1C00_1010UL, true)],
            two.Predicted(copy, 64).Select(p => (p.Kind, p.First, p.AfterCopy)));
        Assert.Equal(2, two.Mistakes);

        var during = new HazardScenario(HazardKind.StaleDmaRead, 0x0400_1000, 0x41)
        {
            During = new ConcurrentHazard(HazardKind.LostDmaWrite, 0x0500_0000, 0x1D00_0020, 0x60),
        };
        var predicted = during.Predicted(copy, 64);
        Assert.Equal(
            [(HazardKind.StaleDmaRead, 0x0400_1000UL, false), (HazardKind.StaleDmaRead, 0x0400_1040UL, false),
             (HazardKind.LostDmaWrite, 0x1D00_0020UL, false), (HazardKind.LostDmaWrite, 0x1D00_0040UL, false)],
            predicted.Select(p => (p.Kind, p.First, p.AfterCopy)));
        Assert.Equal(during.During!.Prep, predicted[3].Copy);
        Assert.Equal(3, (during with { DirtySource = new HazardWindow(0, 1) }).Mistakes);
    }

    [Fact]
    public void Check_Reports_PassOnlyForExactlyThePredictedReportsAndGiveTheBeatWidth()
    {
        var seed = HazardSeed(HazardKind.StaleCpuRead);
        var scenario = ScenarioGenerator.Generate(seed, Rtl);
        var hazard = scenario.Hazard!;
        var predicted = hazard.Predicted(scenario.Copies[0], Rtl.CacheLine);
        List<CoherencyViolation> exact = [.. predicted.Select((r, i) => new CoherencyViolation((ulong)i, ToWire(r.Kind), r.Last, r.Dma ? "dma" : "cpu"))];
        CoherencyReport Report(List<CoherencyViolation> v) => new(false, (ulong)v.Count, v);

        var facts = hazard.Check(scenario, Rtl, Report(exact), RegistersOf(exact));
        Assert.Equal(predicted.Count, facts.Count);
        Assert.Contains(facts, f => f.BeatBytes == HazardScenario.BeatBytesAt(HazardKind.StaleCpuRead, scenario.Copies[0], hazard.Window, 8));

        var outside = exact.Select((v, i) => i == 0 ? v with { Address = predicted[0].First - 1 } : v).ToList();
        var otherKind = exact.Select((v, i) => i == 0 ? v with { Kind = "LOST_DMA_WRITE" } : v).ToList();
        var twice = exact.Append(exact[0]).ToList();
        foreach (var wrong in new[] { outside, otherKind, twice, exact.Skip(1).ToList() })
        {
            Assert.Throws<ScenarioException>(() => hazard.Check(scenario, Rtl, Report(wrong), RegistersOf(wrong)));
        }

        // the registers must tell the same story as the reports
        Assert.Throws<ScenarioException>(() => hazard.Check(scenario, Rtl, Report(exact), RegistersOf(exact) with { Count = 0 }));
    }

    [Fact]
    public void Check_TwoMastersInterleaved_AnyInterleavingPassesButEachMastersOrderAndTheAfterPhaseHold()
    {
        var copy = new ScenarioCopy(0x0400_1000, 0x1C00_1000, 0x100);
        var hazard = new HazardScenario(HazardKind.StaleDmaRead, 0x0400_1000, 0x80)
        {
            During = new ConcurrentHazard(HazardKind.StaleCpuRead, 0x0500_0000, 0x1D00_0000, 8),
        };
        var scenario = new Scenario(1, [copy], new MemConfig(), null, -1) { Hazard = hazard };
        CoherencyViolation V(ulong cycle, string kind, ulong address, string master) => new(cycle, kind, address, master);
        var dma0 = V(10, "STALE_DMA_READ", 0x0400_1000, "dma");
        var dma1 = V(12, "STALE_DMA_READ", 0x0400_1040, "dma");
        var cpu0 = V(11, "STALE_CPU_READ", 0x1D00_0000, "cpu");
        var cpu1 = V(13, "STALE_CPU_READ", 0x1D00_0004, "cpu");
        CoherencyReport Report(List<CoherencyViolation> v) => new(false, (ulong)v.Count, v);

        foreach (List<CoherencyViolation> good in new[] { new List<CoherencyViolation> { cpu0, dma0, cpu1, dma1 }, [dma0, dma1, cpu0, cpu1], [cpu0, cpu1, dma0, dma1] })
        {
            Assert.Equal(4, hazard.Check(scenario, Rtl, Report(good), RegistersOf(good)).Count);
        }

        foreach (List<CoherencyViolation> bad in new[] { new List<CoherencyViolation> { dma1, cpu0, dma0, cpu1 }, [cpu1, dma0, cpu0, dma1] })
        {
            Assert.Throws<ScenarioException>(() => hazard.Check(scenario, Rtl, Report(bad), RegistersOf(bad)));
        }

        // MON_LAST_* names the last report
        List<CoherencyViolation> order = [cpu0, dma0, cpu1, dma1];
        Assert.Throws<ScenarioException>(() => hazard.Check(scenario, Rtl, Report(order), RegistersOf(order) with { LastDma = false }));
        Assert.True(HazardScenario.CpuThenDmaBackToBack([cpu0 with { Cycle = 20 }, dma0 with { Cycle = 21 }]));
        Assert.False(HazardScenario.CpuThenDmaBackToBack([cpu0 with { Cycle = 20 }, dma0 with { Cycle = 22 }]));
        Assert.False(HazardScenario.CpuThenDmaBackToBack([dma0 with { Cycle = 20 }, cpu0 with { Cycle = 21 }]));
    }

    [Fact]
    public void Compare_MonitorRegisters_EachDisagreementNamed()
    {
        List<CoherencyViolation> reports = [new(5, "LOST_DMA_WRITE", 0x1000, "cpu"), new(6, "STALE_DMA_READ", 0x2000, "dma")];
        Assert.Empty(RegistersOf(reports).Compare(reports));
        Assert.Single(RegistersOf(reports).Compare(reports.Take(1).ToList()), d => d.StartsWith("MON_COUNT ", StringComparison.Ordinal));
        Assert.Contains(RegistersOf(reports) with { StaleDma = 0 } is var r ? r.Compare(reports) : [], d => d.StartsWith("MON_COUNT_STALE_DMA", StringComparison.Ordinal));
        Assert.Contains((RegistersOf(reports) with { LastAddress = 0x2001 }).Compare(reports), d => d.StartsWith("MON_LAST_", StringComparison.Ordinal));
        Assert.Contains((RegistersOf(reports) with { Overflow = true }).Compare(reports), d => d.Contains("OVERFLOW", StringComparison.Ordinal));
        Assert.Empty(new MonitorRegisters(0, 0, 0, 0, 0, 0, false, false, 0, 0).Compare([]));
    }

    [Theory]
    [InlineData(HazardKind.LostDmaWrite, 0x1C00_1003UL, 3u, 0x1C00_1004UL, 3)] // a narrow write beat: 3 bytes strobed
    [InlineData(HazardKind.StaleCpuRead, 0x1C00_1000UL, 64u, 0x1C00_1017UL, 8)] // a full-width beat
    [InlineData(HazardKind.StaleDmaRead, 0x0400_1005UL, 2u, 0x0400_1006UL, 2)] // the read beat carries 2 of the copy's bytes
    public void BeatBytesAt_Geometry_TheCopysBytesInTheBeat(HazardKind kind, ulong start, uint length, ulong address, int expected)
    {
        var copy = kind == HazardKind.StaleDmaRead ? new ScenarioCopy(start, 0x1C00_2000, length) : new ScenarioCopy(0x0400_2000, start, length);

        Assert.Equal(expected, HazardScenario.BeatBytesAt(kind, copy, address, 8));
    }

    private static string ToWire(HazardKind kind) => kind switch
    {
        HazardKind.StaleCpuRead => "STALE_CPU_READ",
        HazardKind.LostDmaWrite => "LOST_DMA_WRITE",
        _ => "STALE_DMA_READ",
    };

    /// <summary>The registers of a monitor that made exactly <paramref name="reports"/>.</summary>
    private static MonitorRegisters RegistersOf(List<CoherencyViolation> reports)
    {
        uint Of(string kind) => (uint)reports.Count(v => v.Kind == kind);
        var last = reports.Count > 0 ? reports[^1] : null;
        var kind = last?.Kind switch { "STALE_CPU_READ" => 1, "LOST_DMA_WRITE" => 2, "STALE_DMA_READ" => 3, _ => 0 };
        return new MonitorRegisters((uint)reports.Count, Of("STALE_CPU_READ"), Of("LOST_DMA_WRITE"), Of("STALE_DMA_READ"),
            last?.Address ?? 0, kind, last?.Master == "dma", false, 0, 0);
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
