// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The AXI CDMA (PG034) register and descriptor behaviour of DESIGN §3.1, one named test per
/// behaviour, programmed register by register the way a driver author reads the product guide.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class Pg034Tests(HarnessFixture fixture)
{
    private const ulong Ring = 0x0300_0000; // descriptors
    private const ulong Src = 0x0310_0000;
    private const ulong Dst = 0x0320_0000;
    private const uint Enables = (1u << Cr.IocIrqEnBit) | (1u << Cr.DlyIrqEnBit) | (1u << Cr.ErrIrqEnBit);
    private const uint SgMode = 1u << Cr.SgModeBit;

    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reset_WrittenThenZeroWritten_StillResetsAndSelfClears()
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        await Sim.RegWriteAsync(CdmacrOffset, Enables | (7u << Cr.IrqThresholdLsb), Ct);
        await Sim.RegWriteAsync(SaOffset, 0x1234, Ct);

        await Sim.RegWriteAsync(CdmacrOffset, 1u << Cr.ResetBit, Ct);
        await Sim.RegWriteAsync(CdmacrOffset, 0, Ct); // software cannot clear Reset
        await Sim.RunAsync(2000, Ct);

        Assert.Equal(CdmacrResetValue, await Sim.RegReadAsync(CdmacrOffset, Ct));
        Assert.Equal(0u, await Sim.RegReadAsync(SaOffset, Ct));
        Assert.Equal(ExtIdValue, await Sim.RegReadAsync(ExtIdOffset, Ct)); // extension block survives
    }

    [Fact]
    public async Task IrqThreshold_WriteZero_StoresOne()
    {
        await Sim.ResetAsync(cancellationToken: Ct);

        await Sim.RegWriteAsync(CdmacrOffset, 0, Ct);

        Assert.Equal(1u, (await Sim.RegReadAsync(CdmacrOffset, Ct) >> Cr.IrqThresholdLsb) & 0xFF);
    }

    [Fact]
    public async Task SgMode_WrittenZero_ClearsCurdescAndTaildesc()
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        await Sim.RegWriteAsync(CdmacrOffset, SgMode, Ct);
        await Sim.RegWriteAsync(CurdescOffset, 0x0300_0040, Ct);
        var stored = await Sim.RegReadAsync(CurdescOffset, Ct);

        await Sim.RegWriteAsync(CdmacrOffset, 0, Ct);

        Assert.Equal(0x0300_0040u, stored);
        Assert.Equal(0u, await Sim.RegReadAsync(CurdescOffset, Ct));
        Assert.Equal(0u, await Sim.RegReadAsync(TaildescOffset, Ct));
    }

    [Fact]
    public async Task Curdesc_LowSixBits_ReadZero()
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        await Sim.RegWriteAsync(CdmacrOffset, SgMode, Ct);

        await Sim.RegWriteAsync(CurdescOffset, 0x0300_007F, Ct);

        Assert.Equal(0x0300_0040u, await Sim.RegReadAsync(CurdescOffset, Ct));
    }

    [Fact]
    public async Task Taildesc_StopsAfterTailThenALaterWriteResumes()
    {
        var d = await ChainAsync(4, 4096);
        await StartSgAsync(d[0], d[1]);

        await Sim.RunUntilAsync(SimEvent.Idle, 200_000, Ct);
        var afterFirst = await StatusesAsync(d);
        await AckAsync();
        await WriteAddressAsync(TaildescOffset, TaildescMsbOffset, d[3]);
        await Sim.RunUntilAsync(SimEvent.Idle, 200_000, Ct);
        var afterSecond = await StatusesAsync(d);

        Assert.Equal([true, true, false, false], afterFirst.Select(Complete));
        Assert.Equal([true, true, true, true], afterSecond.Select(Complete));
        await AssertCopiedAsync(4, 4096);
    }

    [Fact]
    public async Task Descriptor_AlreadyComplete_SgIntErrHaltsWithCurdescOnIt()
    {
        var d = await ChainAsync(2, 256);
        await fixture.Memory.WriteAsync(d[0] + CdmaDescriptor.StatusOffset, BitConverter.GetBytes(CdmaDescriptor.StatusComplete), Ct);
        await StartSgAsync(d[0], d[1]);

        await Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);
        var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));

        Assert.Equal("SGIntErr", status.Errors);
        Assert.True(status.ErrIrq);
        Assert.Equal(d[0], await ReadAddressAsync(CurdescOffset, CurdescMsbOffset));
        Assert.False(Complete(await StatusAsync(d[1])));
    }

    [Fact]
    public async Task Descriptor_BttZero_DmaIntErrInCdmasrAndStatus()
    {
        var d = await ChainAsync(1, 0);
        await StartSgAsync(d[0], d[0]);

        await Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);
        var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));

        Assert.Equal("DMAIntErr", status.Errors);
        Assert.NotEqual(0u, await StatusAsync(d[0]) & CdmaDescriptor.StatusIntErr);
    }

    [Theory]
    [InlineData(AxiFault.SlvErr, "DMASlvErr", CdmaDescriptor.StatusSlvErr)]
    [InlineData(AxiFault.DecErr, "DMADecErr", CdmaDescriptor.StatusDecErr)]
    public async Task DataError_OnSecondDescriptor_CurdescPointsAtItAndItsStatusCarriesTheBit(AxiFault fault, string bit, uint statusBit)
    {
        var d = await ChainAsync(3, 1024);
        await using var scope = await fixture.MemConfigScopeAsync(new MemConfig
        {
            Faults = [new FaultWindow(Src + 1024, 1024, fault, FaultDirection.Read)],
        });
        await StartSgAsync(d[0], d[2], enables: 1u << Cr.ErrIrqEnBit); // IOC after the first would end the wait early

        await Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);
        var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
        var statuses = await StatusesAsync(d);

        Assert.Equal(bit, status.Errors);
        Assert.Equal(d[1], await ReadAddressAsync(CurdescOffset, CurdescMsbOffset));
        Assert.True(Complete(statuses[0]));
        Assert.Equal(statusBit, statuses[1] & CdmaDescriptor.StatusErrors);
        Assert.Equal(0u, statuses[2]);
    }

    [Theory]
    [InlineData(AxiFault.SlvErr, FaultDirection.Read, "SGSlvErr")]
    [InlineData(AxiFault.DecErr, FaultDirection.Read, "SGDecErr")]
    [InlineData(AxiFault.SlvErr, FaultDirection.Write, "SGSlvErr")]
    [InlineData(AxiFault.DecErr, FaultDirection.Write, "SGDecErr")]
    public async Task DescriptorFault_OnFetchOrStatusWrite_SgErrorHaltsThenResetRecovers(AxiFault fault, FaultDirection on, string bit)
    {
        var d = await ChainAsync(2, 512);
        await using (await fixture.MemConfigScopeAsync(new MemConfig { Faults = [new FaultWindow(d[1], 64, fault, on)] }))
        {
            await StartSgAsync(d[0], d[1], enables: 1u << Cr.ErrIrqEnBit);
            await Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);
            var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));

            Assert.Equal(bit, status.Errors);
            Assert.Equal(d[1], await ReadAddressAsync(CurdescOffset, CurdescMsbOffset));
        }

        var channel = new CdmaChannel(Sim, fixture.Rtl);
        await channel.ResetAsync(Ct); // the soft reset alone must recover
        var again = await ChainAsync(2, 512, hardReset: false);
        await StartSgAsync(again[0], again[1], threshold: 2);
        await Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);
        var after = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
        Assert.False(after.HasError, after.ToString());
        Assert.True((await StatusesAsync(again)).All(Complete));
    }

    [Fact]
    public async Task IrqThreshold_Four_ExactlyOneIocPerFourDescriptorsAndAtTheTail()
    {
        var d = await ChainAsync(10, 4096);
        await StartSgAsync(d[0], d[9], threshold: 4);

        var iocs = 0;
        while (true)
        {
            await Sim.RunUntilAsync(SimEvent.Irq, 200_000, Ct);
            var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
            Assert.False(status.HasError, status.ToString());
            iocs += status.IocIrq ? 1 : 0;
            await Sim.RegWriteAsync(CdmasrOffset, status.Raw & Sr.IrqMask, Ct);
            if (status.Idle && (await Sim.RegReadAsync(CdmasrOffset, Ct) & (1u << Sr.IdleBit)) != 0
                && (await StatusesAsync(d)).All(Complete))
            {
                break;
            }
        }

        Assert.Equal(3, iocs); // after descriptors 4 and 8, and at the tail (10)
    }

    [Fact]
    public async Task IrqDelay_NoThresholdReached_DlyIrqAfterDelayUnits()
    {
        var d = await ChainAsync(2, 64 * 1024);
        const uint delayUnits = 2;
        await StartSgAsync(d[0], d[1], threshold: 5, delay: delayUnits, enables: 1u << Cr.DlyIrqEnBit);
        var started = await Sim.RunAsync(0, Ct);

        var irq = await Sim.RunUntilAsync(SimEvent.Irq, 200_000, Ct);
        var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
        var statuses = await StatusesAsync(d);

        Assert.True((status.Raw & (1u << Sr.DlyIrqBit)) != 0, status.ToString());
        Assert.True(Complete(statuses[0]));
        Assert.False(Complete(statuses[1])); // the delay fired while the second was still running
        Assert.True(irq.Cycle - started >= delayUnits * IrqDelayUnitCycles, $"{irq.Cycle - started} cycles");
    }

    [Theory]
    [InlineData(Sr.IocIrqBit)]
    [InlineData(Sr.DlyIrqBit)]
    [InlineData(Sr.ErrIrqBit)]
    public async Task IrqBit_WriteOneToCdmasr_ClearsItAndDropsIrqWhileErrorBitsStay(int bit)
    {
        var (length, threshold, delay) = bit switch
        {
            Sr.DlyIrqBit => (64u * 1024, 5u, 2u), // the delay fires while the second descriptor runs
            Sr.ErrIrqBit => (0u, 1u, 0u),         // BTT = 0: DMAIntErr on the first descriptor
            _ => (256u, 1u, 0u),                  // IOC when the first descriptor completes
        };
        var d = await ChainAsync(2, length);
        // an IRQ bit and its enable share a position (12..14): only this bit drives irq
        await StartSgAsync(d[0], bit == Sr.DlyIrqBit ? d[1] : d[0], threshold, delay, enables: 1u << bit);
        await Sim.RunUntilAsync(SimEvent.Irq, 200_000, Ct);
        var raised = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));

        await Sim.RegWriteAsync(CdmasrOffset, 1u << bit, Ct);
        var cleared = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
        var irqAfter = await Record.ExceptionAsync(() => Sim.RunUntilAsync(SimEvent.Irq, 50, Ct));

        Assert.True((raised.Raw & (1u << bit)) != 0, raised.ToString());
        Assert.True((cleared.Raw & (1u << bit)) == 0, cleared.ToString());
        Assert.Equal(SimErrorCode.Timeout, Assert.IsType<SimRequestException>(irqAfter).ErrorCode); // irq dropped
        Assert.Equal(bit == Sr.ErrIrqBit ? "DMAIntErr" : "none", cleared.Errors); // the error bits are not W1C
    }

    /// <summary>Every subset of the three interrupt enables (CDMACR bits 12..14).</summary>
    public static TheoryData<uint> EnableMasks => new(Enumerable.Range(0, 8).Select(m => (uint)m << Cr.IocIrqEnBit));

    /// <summary>
    /// PG034's interrupt enables, under every mask: each source (IOC at the tail, Dly_Irq from the delay timer, Err_Irq from
    /// a DMAIntErr) sets its CDMASR bit whatever its enable, and the irq output is high exactly when some set bit's enable is
    /// set — checked once the engine has stopped, for each source provoked on its own.
    /// </summary>
    [Theory]
    [MemberData(nameof(EnableMasks))]
    public async Task IrqOutput_EachSourceUnderThisEnableMask_IsTheOrOfTheEnabledStatusBits(uint enables)
    {
        foreach (var (bit, length, threshold, delay, count) in new (int, uint, uint, uint, int)[]
        {
            (Sr.IocIrqBit, 256, 1, 0, 1),          // IOC when the only descriptor completes
            (Sr.DlyIrqBit, 64 * 1024, 5, 2, 2),    // the delay fires while the second runs (IOC follows at the tail)
            (Sr.ErrIrqBit, 0, 1, 0, 1),            // BTT = 0: DMAIntErr
        })
        {
            var d = await ChainAsync(count, length);
            await StartSgAsync(d[0], d[^1], threshold, delay, enables);
            await Sim.RunAsync(16, Ct);
            await Sim.RunUntilAsync(SimEvent.Idle, 400_000, Ct);
            await Sim.RunAsync(4 * delay * IrqDelayUnitCycles + 64, Ct); // nothing left to come
            var sr = await Sim.RegReadAsync(CdmasrOffset, Ct);
            var expected = ((sr & enables) & ((1u << Sr.IocIrqBit) | (1u << Sr.DlyIrqBit) | (1u << Sr.ErrIrqBit))) != 0;

            Assert.True((sr & (1u << bit)) != 0, $"enables 0x{enables:X}: CDMASR 0x{sr:X8} lacks bit {bit} (a status bit sets whatever its enable)");
            Assert.True(expected == await IrqAsync(), $"enables 0x{enables:X}, CDMASR 0x{sr:X8} after provoking bit {bit}: irq {(expected ? "low" : "high")}, expected {(expected ? "high" : "low")}");
        }
    }

    /// <summary>
    /// A soft reset (CDMACR.Reset set by read-modify-write, as xilinx_dma does) at any cycle of a coalesced chain (threshold 8, so the delay timer runs after every completion and fires
    /// between them) leaves nothing of the chain behind: reprogrammed with the same CDMACR, the engine stays idle with
    /// CDMASR at its reset value (IRQThresholdSts reloaded, no interrupt bit, no error, IRQDelaySts 0) and irq low, however
    /// long it waits. The 44 reset points sweep the whole chain (its length measured first on this build) and a little
    /// beyond: data bursts in flight, completions, the timer running and firing, idle.
    /// </summary>
    [Fact]
    public async Task SoftReset_AtAnyCycleOfACoalescedChain_NothingOfItSurvives()
    {
        const uint threshold = 8, delay = 2;
        var control = Enables | SgMode | (threshold << Cr.IrqThresholdLsb) | (delay << Cr.IrqDelayLsb);
        var quiet = (threshold << Sr.IrqThresholdStsLsb) | (1u << Sr.IdleBit) | (1u << Sr.SgIncldBit);
        // the chain's length in cycles on this build, then 44 reset points over it and a little beyond
        var chain = await ChainAsync(4, 4096);
        await StartSgAsync(chain[0], chain[^1], threshold, delay);
        var started = await Sim.RunAsync(16, Ct);
        var length = (await Sim.RunUntilAsync(SimEvent.Idle, 1_000_000, Ct)).Cycle - started + 16;
        var step = (length * 11 / 10 / 44) | 1;
        var before = new HashSet<string>(); // what the resets interrupted
        for (ulong at = 0; at < step * 44; at += step)
        {
            var d = await ChainAsync(4, 4096);
            await StartSgAsync(d[0], d[^1], threshold, delay);
            await Sim.RunAsync(at, Ct);
            var running = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
            before.Add(running.Idle ? "idle" : "busy");
            before.Add((running.Raw & (1u << Sr.DlyIrqBit)) != 0 ? "Dly_Irq" : (running.Raw >> Sr.IrqDelayStsLsb) != 0 ? "timer running" : "timer stopped");

            // as Linux's xilinx_dma_reset does it: read-modify-write, SGMode and the rest kept
            await Sim.RegWriteAsync(CdmacrOffset, await Sim.RegReadAsync(CdmacrOffset, Ct) | (1u << Cr.ResetBit), Ct);
            for (var polls = 0; (await Sim.RegReadAsync(CdmacrOffset, Ct) & (1u << Cr.ResetBit)) != 0; polls++)
            {
                Assert.True(polls < 100, $"reset at cycle {at}: CDMACR.Reset still set after {polls} x 100 cycles");
                await Sim.RunAsync(100, Ct);
            }

            await Sim.RegWriteAsync(CdmacrOffset, control, Ct);
            await Sim.RunAsync(4 * delay * IrqDelayUnitCycles, Ct);
            var sr = await Sim.RegReadAsync(CdmasrOffset, Ct);

            Assert.True(sr == quiet, $"reset at cycle {at}: {Pg034Model.Compare("CDMASR", quiet, sr)}");
            Assert.False(await IrqAsync(), $"reset at cycle {at}: irq high with CDMASR 0x{sr:X8}");
        }

        Assert.Equal(["Dly_Irq", "busy", "idle", "timer running", "timer stopped"], before.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cyclic_EightDescriptorRing_WalkedThreeTimesRoundThenResetStopsIt()
    {
        var d = await ChainAsync(8, 512, ring: true);
        await StartSgAsync(d[0], d[7], threshold: 8, cyclic: true);

        for (var lap = 0; lap < 3; lap++)
        {
            await Sim.RunUntilAsync(SimEvent.Irq, 200_000, Ct);
            var status = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
            Assert.True(status.IocIrq && !status.HasError, $"lap {lap}: {status}");
            await Sim.RegWriteAsync(CdmasrOffset, status.Raw & Sr.IrqMask, Ct);
        }

        var running = new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct));
        await new CdmaChannel(Sim, fixture.Rtl).ResetAsync(Ct);

        Assert.False(running.Idle); // still walking the ring when reset
        Assert.True((await StatusesAsync(d)).All(Complete));
        await AssertCopiedAsync(8, 512);
    }

    [Fact]
    public async Task KeyholeRead_SimpleMode_EveryBeatReadsTheSameSourceWord()
    {
        var bpb = fixture.Rtl.BytesPerBeat;
        var word = SeededPattern.Create(bpb, 99);
        await fixture.Memory.WriteAsync(Src, word, Ct);

        await SimpleCopyAsync(Enables | (1u << Cr.KeyHoleRdBit), (uint)(bpb * 8));

        var copied = await fixture.Memory.ReadAsync(Dst, bpb * 8, Ct);
        Assert.False(new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct)).HasError);
        Assert.Equal(Enumerable.Repeat(word, 8).SelectMany(w => w), copied);
    }

    [Fact]
    public async Task KeyholeWrite_SimpleMode_OnlyTheLastBeatRemainsAtTheDestination()
    {
        var bpb = fixture.Rtl.BytesPerBeat;
        var data = SeededPattern.Create(bpb * 8, 98);
        await fixture.Memory.WriteAsync(Src, data, Ct);
        await fixture.Memory.FillAsync(Dst, bpb * 8, Guards.Value, Ct);

        await SimpleCopyAsync(Enables | (1u << Cr.KeyHoleWrBit), (uint)(bpb * 8));

        var landed = await fixture.Memory.ReadAsync(Dst, bpb * 8, Ct);
        Assert.Equal(data[^bpb..], landed[..bpb]);
        Assert.All(landed[bpb..], b => Assert.Equal(Guards.Value, b));
    }

    [Fact]
    public async Task TaildescMsb_64BitBuild_OnlyTheMsbWriteStartsTheEngine()
    {
        Assert.SkipUnless(fixture.Rtl.AddrWidth > 32, "TAILDESC_MSB starts the engine only when ADDR_WIDTH > 32");
        var d = await ChainAsync(1, 256);
        await Sim.RegWriteAsync(CdmacrOffset, Enables | SgMode, Ct);
        await WriteAddressAsync(CurdescOffset, CurdescMsbOffset, d[0]);

        await Sim.RegWriteAsync(TaildescOffset, (uint)d[0], Ct);
        await Sim.RunAsync(500, Ct);
        var afterLsb = await StatusAsync(d[0]);
        await Sim.RegWriteAsync(TaildescMsbOffset, (uint)(d[0] >> 32), Ct);
        await Sim.RunUntilAsync(SimEvent.Idle, 10_000, Ct);

        Assert.False(Complete(afterLsb));
        Assert.True(Complete(await StatusAsync(d[0])));
    }

    private static bool Complete(uint status) => (status & CdmaDescriptor.StatusComplete) != 0 && (status & CdmaDescriptor.StatusErrors) == 0;

    /// <summary>Resets, writes sources and a chain of <paramref name="count"/> descriptors copying Src+i·len → Dst+i·len.</summary>
    private async Task<ulong[]> ChainAsync(int count, uint length, bool ring = false, bool hardReset = true)
    {
        if (hardReset)
        {
            await Sim.ResetAsync(cancellationToken: Ct);
        }

        var descriptors = Enumerable.Range(0, count).Select(i => Ring + ((ulong)i * CdmaDescriptor.Size)).ToArray();
        await fixture.Memory.FillAsync(Ring, CdmaDescriptor.Size * (count + 1), 0, Ct);
        await fixture.Memory.FillAsync(Dst, (int)Math.Max(length, 1) * count, 0, Ct);
        for (var i = 0; i < count; i++)
        {
            var next = i + 1 < count ? descriptors[i + 1] : ring ? descriptors[0] : descriptors[i] + CdmaDescriptor.Size;
            var offset = (ulong)i * length;
            await fixture.Memory.WriteAsync(Src + offset, SeededPattern.Create((int)length, (ulong)i), Ct);
            await fixture.Memory.WriteAsync(descriptors[i], CdmaDescriptor.Encode(next, Src + offset, Dst + offset, length), Ct);
        }

        return descriptors;
    }

    private async Task StartSgAsync(ulong current, ulong tail, uint threshold = 1, uint delay = 0, uint enables = Enables, bool cyclic = false)
    {
        var control = enables | SgMode | (threshold << Cr.IrqThresholdLsb) | (delay << Cr.IrqDelayLsb) | (cyclic ? 1u << Cr.CyclicBit : 0);
        await Sim.RegWriteAsync(CdmacrOffset, control, Ct);
        await WriteAddressAsync(CurdescOffset, CurdescMsbOffset, current);
        await WriteAddressAsync(TaildescOffset, TaildescMsbOffset, tail);
    }

    /// <summary>Hardware reset, CDMACR = <paramref name="control"/>, then a simple-mode copy Src → Dst, to the interrupt.</summary>
    private async Task SimpleCopyAsync(uint control, uint length)
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        await Sim.RegWriteAsync(CdmacrOffset, control, Ct);
        await Sim.RegWriteAsync(SaOffset, (uint)Src, Ct);
        await Sim.RegWriteAsync(DaOffset, (uint)Dst, Ct);
        await Sim.RegWriteAsync(BttOffset, length, Ct);
        await Sim.RunUntilAsync(SimEvent.Irq, 10_000, Ct);
    }

    /// <summary>The irq output's level now (run_until irq sees a high level before running a cycle).</summary>
    private async Task<bool> IrqAsync()
    {
        try
        {
            await Sim.RunUntilAsync(SimEvent.Irq, 1, Ct);
            return true;
        }
        catch (SimRequestException e) when (e.ErrorCode == SimErrorCode.Timeout)
        {
            return false;
        }
    }

    private async Task WriteAddressAsync(uint low, uint high, ulong address)
    {
        await Sim.RegWriteAsync(low, (uint)address, Ct);
        if (fixture.Rtl.AddrWidth > 32)
        {
            await Sim.RegWriteAsync(high, (uint)(address >> 32), Ct);
        }
    }

    private async Task<ulong> ReadAddressAsync(uint low, uint high) =>
        await Sim.RegReadAsync(low, Ct) | (fixture.Rtl.AddrWidth > 32 ? (ulong)await Sim.RegReadAsync(high, Ct) << 32 : 0);

    private async Task AckAsync() =>
        await Sim.RegWriteAsync(CdmasrOffset, await Sim.RegReadAsync(CdmasrOffset, Ct) & Sr.IrqMask, Ct);

    private async Task<uint> StatusAsync(ulong descriptor) =>
        BitConverter.ToUInt32(await fixture.Memory.ReadAsync(descriptor + CdmaDescriptor.StatusOffset, 4, Ct));

    private async Task<uint[]> StatusesAsync(IEnumerable<ulong> descriptors)
    {
        var statuses = new List<uint>();
        foreach (var descriptor in descriptors)
        {
            statuses.Add(await StatusAsync(descriptor));
        }

        return [.. statuses];
    }

    private async Task AssertCopiedAsync(int count, uint length)
    {
        for (var i = 0; i < count; i++)
        {
            var offset = (ulong)i * length;
            Assert.Equal(SeededPattern.Create((int)length, (ulong)i), await fixture.Memory.ReadAsync(Dst + offset, (int)length, Ct));
        }
    }
}
