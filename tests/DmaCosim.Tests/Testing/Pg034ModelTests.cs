// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>The PG034 reference model on hand-computed cases, and the version-2 generator's reach over the configuration space.</summary>
public sealed class Pg034ModelTests
{
    private const uint SgOn = (1u << CdmaRegisters.Cr.SgModeBit) | (1u << CdmaRegisters.Cr.IocIrqEnBit) | (1u << CdmaRegisters.Cr.DlyIrqEnBit) |
                              (1u << CdmaRegisters.Cr.ErrIrqEnBit);

    private static readonly RtlInfo Rtl64 = new(64, 32, 256, 64, 256, 2);

    private static readonly ulong[] Walk = [0x1000, 0x1040, 0x2000, 0x1080, 0x3000, 0x30C0, 0x1100];

    [Fact]
    public void Reset_RegistersReadTheirPg034ResetValues()
    {
        var model = new Pg034Model(Walk);

        Assert.Equal(CdmaRegisters.CdmacrResetValue, model.Cdmacr);
        Assert.Equal(CdmaRegisters.CdmasrResetValue, model.Cdmasr);
        Assert.Equal(0UL, model.CurDesc);
    }

    [Fact]
    public void Walk_Threshold3Over7Descriptors_IocAfter3Then3ThenTheTailAlone()
    {
        var model = Started(threshold: 3, delay: 0, tail: 6);
        var iocs = new List<int>();
        var thresholdSts = new List<uint>();
        for (var i = 0; i < 7; i++)
        {
            var (ioc, covered) = model.DescriptorCompleted();
            if (ioc)
            {
                iocs.Add(covered);
            }

            thresholdSts.Add(model.ThresholdSts);
        }

        Assert.Equal([3, 3, 1], iocs);
        Assert.Equal([2u, 1, 3, 2, 1, 3, 3], thresholdSts);
        Assert.True(model.Idle);
        Assert.Equal(Walk[6], model.CurDesc); // the tail: CURDESC does not move past it
        Assert.Equal(0x0003_100Au, model.Cdmasr); // IRQThresholdSts 3, IOC_Irq, SGIncld, Idle
    }

    [Fact]
    public void Walk_CompletionWithoutIoc_CurdescMovesToTheNextDescriptorAndTheDelayTimerRuns()
    {
        var model = Started(threshold: 4, delay: 2, tail: 6);

        var (ioc, _) = model.DescriptorCompleted();

        Assert.False(ioc);
        Assert.Equal(Walk[1], model.CurDesc);
        Assert.True(model.DelayArmed);
        Assert.Equal(0x0003_0008u, model.Cdmasr); // busy, IRQThresholdSts 3
    }

    [Fact]
    public void DelayFired_AfterACompletionWithoutIoc_DlyIrqAndTheCounterReloads()
    {
        var model = Started(threshold: 4, delay: 2, tail: 6);
        model.DescriptorCompleted();
        model.DescriptorCompleted();

        model.DelayFired();

        Assert.True(model.DlyIrq);
        Assert.Equal(4u, model.ThresholdSts);
        Assert.False(model.DelayArmed);
        var iocs = Enumerable.Range(0, 4).Select(_ => model.DescriptorCompleted().Ioc).ToList();
        Assert.Equal([false, false, false, true], iocs); // four more after the reload
    }

    [Fact]
    public void DelayFired_TimerNotRunning_Mismatch()
    {
        var ioc = Started(threshold: 1, delay: 2, tail: 6);
        ioc.DescriptorCompleted(); // raised IOC: the timer stopped
        var off = Started(threshold: 3, delay: 0, tail: 6);
        off.DescriptorCompleted(); // IRQDelay 0: never runs

        Assert.Throws<ModelMismatchException>(ioc.DelayFired);
        Assert.Throws<ModelMismatchException>(off.DelayFired);
    }

    [Fact]
    public void DelayWindow_IrqDelay3_375CyclesAfterTheCompletionPlusTheLatencyOfItsDone()
    {
        var model = Started(threshold: 2, delay: 3, tail: 6);

        var (first, last) = model.DelayWindow(1000, 1032, 10);

        Assert.Equal(1001 + 375, first);
        Assert.Equal(1032 + 10 + 375 + Pg034Model.DelaySlack + 4, last);
    }

    [Fact]
    public void Halt_DataErrorAndFailedStatusWriteBack_BothErrorBitsErrIrqAndCurdescOnTheFailingDescriptor()
    {
        var model = Started(threshold: 1, delay: 0, tail: 6);
        model.DescriptorCompleted();
        model.WriteCdmasr(CdmaRegisters.Sr.IrqMask);
        var outcome = new DescriptorOutcome(EngineError.None, EngineError.DmaSlv, EngineError.SgDec);

        model.Halt(outcome);

        Assert.Equal(Walk[1], model.CurDesc);
        Assert.Equal((1u << CdmaRegisters.Sr.DmaSlvErrBit) | (1u << CdmaRegisters.Sr.SgDecErrBit) | (1u << CdmaRegisters.Sr.ErrIrqBit) |
                     (1u << CdmaRegisters.Sr.IdleBit) | (1u << CdmaRegisters.Sr.SgIncldBit) | (1u << CdmaRegisters.Sr.IrqThresholdStsLsb), model.Cdmasr);
        Assert.Equal(0x0123_4567u, outcome.StatusAfter(0x0123_4567)); // the write-back failed: nothing written
        Assert.Throws<ModelMismatchException>(() => model.DescriptorCompleted());
    }

    [Fact]
    public void Outcome_FetchErrorWinsOverTheDataError_OnlyTheSgBitAndStatusUntouched()
    {
        var outcome = new DescriptorOutcome(EngineError.SgSlv, EngineError.DmaDec, EngineError.None);

        Assert.Equal(1u << CdmaRegisters.Sr.SgSlvErrBit, outcome.ErrorBits);
        Assert.Equal(0x0000_0042u, outcome.StatusAfter(0x0000_0042));
    }

    [Theory]
    [InlineData(EngineError.None, 0x8ABC_DEF0u)]
    [InlineData(EngineError.DmaInt, 0x1ABC_DEF0u)]
    [InlineData(EngineError.DmaSlv, 0x2ABC_DEF0u)]
    [InlineData(EngineError.DmaDec, 0x4ABC_DEF0u)]
    public void StatusAfter_ReservedBitsKept_CmpltOrTheDataErrorBit(EngineError data, uint expected)
    {
        Assert.Equal(expected, new DescriptorOutcome(EngineError.None, data, EngineError.None).StatusAfter(0x0ABC_DEF0));
    }

    [Fact]
    public void WriteTailDesc_AfterTheWalkStoppedAtTheTail_ResumesAfterItWithTheCounterReloaded()
    {
        var model = Started(threshold: 3, delay: 0, tail: 1);
        model.DescriptorCompleted();
        var (ioc, covered) = model.DescriptorCompleted();
        Assert.True(ioc && model.Idle);
        Assert.Equal(2, covered);

        model.WriteTailDesc(6);

        Assert.False(model.Idle);
        Assert.Equal(Walk[2], model.CurDesc);
        Assert.Equal(3u, model.ThresholdSts);
    }

    [Fact]
    public void Cyclic_TailIgnored_WalkWrapsAndIocEveryThresholdCompletions()
    {
        var ring = new ulong[] { 0x40, 0x80, 0xC0 };
        var model = new Pg034Model(ring);
        model.WriteCdmacr(SgOn | (1u << CdmaRegisters.Cr.CyclicBit) | (2u << CdmaRegisters.Cr.IrqThresholdLsb));
        model.WriteCurDesc(0);
        model.WriteTailDesc(2);

        var iocs = Enumerable.Range(0, 7).Select(_ => model.DescriptorCompleted().Ioc).ToList();

        Assert.Equal([false, true, false, true, false, true, false], iocs);
        Assert.False(model.Idle);
        Assert.Equal(ring[1], model.CurDesc); // 7 completions: once around twice, and one more
    }

    [Fact]
    public void WriteCdmacr_Threshold0StoresOneAndTailPntrEnReads1_SoftResetRestoresEverything()
    {
        var model = new Pg034Model(Walk);

        model.WriteCdmacr(SgOn | (5u << CdmaRegisters.Cr.IrqDelayLsb));

        Assert.Equal(SgOn | (1u << CdmaRegisters.Cr.TailPntrEnBit) | (1u << CdmaRegisters.Cr.IrqThresholdLsb) | (5u << CdmaRegisters.Cr.IrqDelayLsb), model.Cdmacr);
        model.WriteCurDesc(2);
        model.WriteTailDesc(3);
        model.DescriptorCompleted();
        model.SoftReset();
        Assert.Equal(CdmaRegisters.CdmacrResetValue, model.Cdmacr);
        Assert.Equal(CdmaRegisters.CdmasrResetValue, model.Cdmasr);
        Assert.Equal(0UL, model.CurDesc);
    }

    [Fact]
    public void WriteTailDesc_Halted_DoesNotStart()
    {
        var model = Started(threshold: 1, delay: 0, tail: 6);
        model.Halt(new DescriptorOutcome(EngineError.SgDec, EngineError.None, EngineError.None));

        model.WriteTailDesc(6);

        Assert.True(model.Idle);
        Assert.True(model.Halted);
    }

    [Fact]
    public void Compare_DifferentIocAndThreshold_NamesRegisterFieldsExpectedAndRead()
    {
        var message = Pg034Model.Compare("CDMASR", 0x0003_000A, 0x0002_100A);

        Assert.Equal("CDMASR expected 0x0003000A read 0x0002100A (mask 0xFFFFFFFF): IOC_Irq expected 0 read 1, IRQThresholdSts expected 3 read 2", message);
        Assert.Null(Pg034Model.Compare("CDMASR", 0x0003_000A, 0x0503_000A, 0x00FF_FFFF));
    }

    [Fact]
    public void PerfCounts_Compare_ExactOrInsideTheWindowEveryField()
    {
        var observed = new PerfCounts(100, 50, 300, 20);
        var clearWindowHigh = new PerfCounts(110, 55, 330, 22);

        Assert.Empty(PerfCounts.Compare(observed, observed, observed));
        Assert.Equal(["EXT_PERF_RD_BEATS expected 100 (harness stats) read 101"], PerfCounts.Compare(observed with { ReadBeats = 101 }, observed, observed));
        Assert.Empty(PerfCounts.Compare(new PerfCounts(105, 55, 301, 21), observed, clearWindowHigh));
        Assert.Equal(["EXT_PERF_BUSY expected 300 (harness stats) read 299"], PerfCounts.Compare(observed with { BusyCycles = 299 }, observed, observed));
        Assert.Equal(["EXT_PERF_BUS_WAIT expected 20..22 (harness stats around the mid-transfer clear) read 23"],
            PerfCounts.Compare(observed with { BusWaitCycles = 23 }, observed, clearWindowHigh));
    }

    [Fact]
    public void PerfCounts_Subtract_FieldByField()
    {
        Assert.Equal(new PerfCounts(1, 2, 3, 4), new PerfCounts(11, 22, 33, 44) - new PerfCounts(10, 20, 30, 40));
    }

    [Fact]
    public void Generate_ThousandSeeds_EveryKnobOfTheConfigurationSpaceIsDrawn()
    {
        var engines = Enumerable.Range(1, 1000).Select(s => ScenarioGenerator.Generate((ulong)s, Rtl64)).Where(s => s.Engine != null).ToList();
        var e = engines.Select(s => s.Engine!).ToList();

        Assert.InRange(engines.Count, 480, 680); // the rest are version 1's driver-path scenarios and the hazard scenarios
        Assert.All(Enum.GetValues<TransferMode>(), m => Assert.Contains(e, x => x.Mode == m));
        Assert.Contains(e, x => x.Simple);
        Assert.Contains(e, x => x.KeyholeRead);
        Assert.Contains(e, x => x.KeyholeWrite);
        Assert.Contains(e, x => x.CyclicWraps == 1);
        Assert.Contains(e, x => x.CyclicWraps >= 2);
        Assert.Contains(e, x => x.IrqThreshold >= 8);
        Assert.Contains(e, x => x.IrqDelay > 0);
        Assert.Contains(e, x => x.IrqThresholdWritten == 0);
        Assert.Contains(e, x => x.SoftResetMidChain);
        Assert.Contains(e, x => x.TailResume);
        Assert.Contains(e, x => x.PerfClearMidTransfer);
        Assert.Contains(e, x => x.Snoop == true);
        Assert.Contains(e, x => x.Snoop == false);
        Assert.Contains(e, x => x.CpuLoad is { StorePercent: > 0 });
        Assert.Contains(e, x => x.MaxBurst(Rtl64) < Rtl64.MaxBurst && x.MaxOutstanding(Rtl64) < Rtl64.MaxOutstanding);
        Assert.Contains(e, x => x.Faults.Count >= 2);
        Assert.All(Enum.GetValues<FaultSite>(), site => Assert.Contains(e, x => x.Faults.Any(f => f.Site == site)));
        Assert.Contains(e, x => x.Faults.GroupBy(f => f.Descriptor).Any(g => g.Any(f => f.Site == FaultSite.StatusWrite) &&
                                                                         g.Any(f => f.Site is FaultSite.DataRead or FaultSite.DataWrite)));
        Assert.Contains(engines, s => s.Copies.Any(c => c.Length == 0));
        Assert.Contains(engines, s => s.Engine!.IrqThreshold > 1 && s.Copies.Count >= 2 * s.Engine.IrqThreshold);
        // keyhole copies are whole beats: one FIXED burst or less, many, and more than 256 beats
        var keyholes = engines.Where(s => s.Engine!.KeyholeRead || s.Engine.KeyholeWrite).SelectMany(s => s.Copies).Where(c => c.Length > 0).ToList();
        Assert.All(keyholes, c => Assert.True(c.Length % 8 == 0, $"keyhole copy of {c.Length} bytes"));
        Assert.Contains(keyholes, c => c.Length <= 16 * 8);
        Assert.Contains(keyholes, c => c.Length > 16 * 8 && c.Length <= 256 * 8);
        Assert.Contains(keyholes, c => c.Length > 256 * 8);
        Assert.All(Enum.GetValues<TransferMode>(), m => Assert.Contains(engines, s => s.Engine!.Mode == m && s.Copies.Any(c => c.Length >= 65536)));
        Assert.All(engines, s => Assert.StartsWith($"generator v{ScenarioGenerator.Version} seed {s.Seed}: register level", s.Describe(), StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_CyclicRings_ThresholdBelowTheRingAndNoFaults()
    {
        var rings = Enumerable.Range(1, 2000).Select(s => ScenarioGenerator.Generate((ulong)s, Rtl64)).Where(s => s.Engine is { CyclicWraps: > 0 }).ToList();

        Assert.NotEmpty(rings);
        Assert.All(rings, s =>
        {
            Assert.InRange(s.Engine!.IrqThreshold, 1u, (uint)s.Copies.Count - 1);
            Assert.Empty(s.Engine.Faults);
        });
    }

    private static Pg034Model Started(uint threshold, uint delay, int tail)
    {
        var model = new Pg034Model(Walk);
        model.WriteCdmacr(SgOn | (threshold << CdmaRegisters.Cr.IrqThresholdLsb) | (delay << CdmaRegisters.Cr.IrqDelayLsb));
        model.WriteCurDesc(0);
        model.WriteTailDesc(tail);
        return model;
    }
}
