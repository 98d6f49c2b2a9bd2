// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Transfer modes and performance counters (DESIGN §3.2, extension block 0x10C..0x128), through the real RTL.
/// Every property is a simulated cycle count or a count of bus events: the DRAM model records each DMA
/// burst's length and the idle cycles the DMA left between its bursts (<c>stats</c> <c>dma</c>), the
/// arbiter counts the CPU's wait cycles (<c>stats</c> <c>bus</c>).
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class TransferModeTests(HarnessFixture fixture)
{
    private const ulong Source = 0x0100_0000;
    private const ulong Destination = 0x0300_0000;
    private const ulong CpuRegion = 0x0500_0000;

    private SimClient Sim => fixture.Sim;

    private RtlInfo Rtl => fixture.Rtl;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- registers -------------------------------------------------------------------------------

    [Fact]
    public async Task ExtXferCtrl_AfterReset_ReadsBurstModeMaxBurstAndMaxOutstanding()
    {
        var channel = await fixture.FreshChannelAsync();

        var value = await Sim.RegReadAsync(ExtXferCtrlOffset, Ct);

        Assert.Equal(((uint)(Rtl.MaxBurst - 1) << Xfer.MaxBurstM1Lsb) | ((uint)Rtl.MaxOutstanding << Xfer.MaxOutLsb), value);
        Assert.Equal(new TransferModeConfig(TransferMode.Burst, Rtl.MaxBurst, Rtl.MaxOutstanding), await channel.GetTransferModeAsync(Ct));
    }

    [Fact]
    public async Task ExtStealCfg_AfterReset_ReadsOneBeatPerGrantAndOneIdleCycle()
    {
        await fixture.FreshChannelAsync();

        Assert.Equal(0x0001_0001u, await Sim.RegReadAsync(ExtStealCfgOffset, Ct));
    }

    [Fact]
    public async Task ExtXferCtrl_FieldsBeyondTheBuild_ClampToMaxBurstAndMaxOutstanding()
    {
        await fixture.FreshChannelAsync();

        await Sim.RegWriteAsync(ExtXferCtrlOffset, 0x00FF_FF01, Ct);

        Assert.Equal(Xfer.ModeCycleStealing | ((uint)(Rtl.MaxBurst - 1) << Xfer.MaxBurstM1Lsb) | ((uint)Rtl.MaxOutstanding << Xfer.MaxOutLsb),
            await Sim.RegReadAsync(ExtXferCtrlOffset, Ct));
    }

    [Theory]
    [InlineData(ExtXferCtrlOffset, 0x0000_0F00u, 0x0001_0F00u)] // max outstanding 0 stores 1
    [InlineData(ExtStealCfgOffset, 0x0000_0000u, 0x0000_0001u)] // beats per grant 0 stores 1, idle 0 stays 0
    [InlineData(ExtStealCfgOffset, 0xFFFF_0080u, 0xFFFF_0080u)] // 128 beats, 65,535 idle cycles
    public async Task ExtBlockRegister_Written_ReadsBackWhatIsInEffect(uint offset, uint written, uint expected)
    {
        await fixture.FreshChannelAsync();

        await Sim.RegWriteAsync(offset, written, Ct);

        Assert.Equal(expected, await Sim.RegReadAsync(offset, Ct));
    }

    [Fact]
    public async Task ExtXferCtrl_ModeThree_KeepsTheModeAndWritesTheOtherFields()
    {
        await fixture.FreshChannelAsync();
        await Sim.RegWriteAsync(ExtXferCtrlOffset, Xfer.ModeTransparent | (1u << Xfer.MaxOutLsb), Ct);

        await Sim.RegWriteAsync(ExtXferCtrlOffset, Xfer.ModeKeep | (7u << Xfer.MaxBurstM1Lsb) | (1u << Xfer.MaxOutLsb), Ct);

        Assert.Equal(Xfer.ModeTransparent | (7u << Xfer.MaxBurstM1Lsb) | (1u << Xfer.MaxOutLsb), await Sim.RegReadAsync(ExtXferCtrlOffset, Ct));
    }

    [Fact]
    public async Task ExtBlock_CdmacrReset_KeepsTheModeAndTheCounters()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        var config = new TransferModeConfig(TransferMode.CycleStealing, 8, 2, 3, 5);
        await channel.SetTransferModeAsync(config, Ct);
        await channel.MemcpyAsync(Destination, Source, 4096, Ct);
        var before = await channel.ReadPerfCountersAsync(Ct);

        await channel.ResetAsync(Ct);

        Assert.Equal(config, await channel.GetTransferModeAsync(Ct));
        var after = await channel.ReadPerfCountersAsync(Ct);
        Assert.Equal((before.ReadBeats, before.WriteBeats), (after.ReadBeats, after.WriteBeats));
        Assert.NotEqual(0u, after.ReadBeats);
    }

    [Fact]
    public async Task ExtBlock_HardwareReset_RestoresTheDefaultsAndZeroesTheCounters()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await channel.SetTransferModeAsync(new TransferModeConfig(TransferMode.Transparent, 4, 1, 2, 9), Ct);
        await channel.MemcpyAsync(Destination, Source, 4096, Ct);

        await Sim.ResetAsync(cancellationToken: Ct);

        Assert.Equal(new TransferModeConfig(TransferMode.Burst, Rtl.MaxBurst, Rtl.MaxOutstanding), await channel.GetTransferModeAsync(Ct));
        Assert.Equal(new CdmaPerfCounters(0, 0, 0, 0, 0), await channel.ReadPerfCountersAsync(Ct));
    }

    [Fact]
    public async Task PerfCounters_SgCopy_CountEveryDataAndDescriptorBeatAndTheBusyCycles()
    {
        var channel = await ProbedChannelAsync(new TransferModeConfig(TransferMode.Burst, Rtl.MaxBurst, Rtl.MaxOutstanding));
        int[] lengths = [16384, 8192, 4096];
        var transactions = new List<CdmaTransaction>();
        for (var i = 0; i < lengths.Length; i++)
        {
            var offset = (ulong)i * 0x10_0000;
            var transaction = await channel.PrepMemcpyAsync(Destination + offset, Source + offset, (ulong)lengths[i], Ct);
            await channel.SubmitAsync(transaction, Ct);
            transactions.Add(transaction);
        }

        await Sim.RequestAsync("stats", new Dictionary<string, object?> { ["reset"] = true }, cancellationToken: Ct);
        await channel.ClearPerfCountersAsync(Ct);
        await channel.IssuePendingAsync(Ct);
        await channel.WaitAsync(transactions[^1], cancellationToken: Ct);
        var perf = await channel.ReadPerfCountersAsync(Ct);
        var dma = (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("dma");

        var dataBeats = (ulong)lengths.Sum() / (ulong)Rtl.BytesPerBeat;
        var fetchBeats = 32UL / (ulong)Rtl.BytesPerBeat; // DESC_FETCH_BYTES per descriptor
        Assert.Equal(dataBeats + ((ulong)lengths.Length * fetchBeats), perf.ReadBeats);
        Assert.Equal(dataBeats + (ulong)lengths.Length, perf.WriteBeats); // one STATUS beat each
        Assert.Equal(dma.GetUInt64("read_beats"), perf.ReadBeats);
        Assert.Equal(dma.GetUInt64("write_beats"), perf.WriteBeats);
        Assert.InRange(perf.BusyCycles, (uint)dataBeats, 2 * (uint)dataBeats);
        Assert.InRange(perf.BusWaitCycles, 0u, perf.BusyCycles);
    }

    [Fact]
    public async Task PerfCounters_SimpleCopy_BusyCyclesAreTheTransfersCycles()
    {
        var channel = await ProbedChannelAsync(new TransferModeConfig(TransferMode.Burst, Rtl.MaxBurst, Rtl.MaxOutstanding));
        await channel.ClearPerfCountersAsync(Ct);

        var result = await fixture.CopyAndCheckAsync(channel, Source + 3, Destination + 1, 65536, seed: 21);
        var perf = await channel.ReadPerfCountersAsync(Ct);

        // CDMASR.Idle falls the cycle after the BTT write and rises with the interrupt
        Assert.InRange((ulong)perf.BusyCycles, result.Cycles, result.Cycles + 2);
        Assert.Equal((65536 + 3 + Rtl.BytesPerBeat - 1) / Rtl.BytesPerBeat, (int)perf.ReadBeats);
        Assert.Equal((65536 + 1 + Rtl.BytesPerBeat - 1) / Rtl.BytesPerBeat, (int)perf.WriteBeats);
    }

    [Fact]
    public async Task PerfCtrl_ClearBit_ZeroesEveryCounterAndReadsZero()
    {
        var channel = await ProbedChannelAsync(new TransferModeConfig(TransferMode.Burst, Rtl.MaxBurst, Rtl.MaxOutstanding));
        await channel.MemcpyAsync(Destination, Source, 8192, Ct);

        await channel.ClearPerfCountersAsync(Ct);

        Assert.Equal(new CdmaPerfCounters(0, 0, 0, 0, 0), await channel.ReadPerfCountersAsync(Ct));
        Assert.Equal(0u, await Sim.RegReadAsync(ExtPerfCtrlOffset, Ct));
    }

    [Fact]
    public async Task SetTransferModeAsync_ThenGet_ReadsBackWhatWasSet()
    {
        var channel = await fixture.FreshChannelAsync();
        var config = new TransferModeConfig(TransferMode.CycleStealing, 16, Rtl.MaxOutstanding, 4, 1000);

        await channel.SetTransferModeAsync(config, Ct);

        Assert.Equal(config, await channel.GetTransferModeAsync(Ct));
    }

    public static TheoryData<string> BadConfigs() => ["burst 0", "burst max+1", "outstanding 0", "outstanding max+1", "steal 0", "steal 256", "idle -1", "idle 65536", "mode 3"];

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task SetTransferModeAsync_FieldOutsideTheBuild_ThrowsAndWritesNothing(string bad)
    {
        var channel = await fixture.FreshChannelAsync();
        var good = new TransferModeConfig(TransferMode.CycleStealing, Rtl.MaxBurst, Rtl.MaxOutstanding, 2, 3);
        await channel.SetTransferModeAsync(good, Ct);
        var config = bad switch
        {
            "burst 0" => good with { MaxBurstBeats = 0 },
            "burst max+1" => good with { MaxBurstBeats = Rtl.MaxBurst + 1 },
            "outstanding 0" => good with { MaxOutstanding = 0 },
            "outstanding max+1" => good with { MaxOutstanding = Rtl.MaxOutstanding + 1 },
            "steal 0" => good with { StealBeatsPerGrant = 0 },
            "steal 256" => good with { StealBeatsPerGrant = 256 },
            "idle -1" => good with { StealIdleCycles = -1 },
            "idle 65536" => good with { StealIdleCycles = 65536 },
            _ => good with { Mode = (TransferMode)3 },
        };
        var cycle = (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetUInt64("cycle");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => channel.SetTransferModeAsync(config, Ct));

        Assert.Contains(nameof(TransferModeConfig), error.Message, StringComparison.Ordinal);
        Assert.Equal(cycle, (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetUInt64("cycle")); // no register access ran
        Assert.Equal(good, await channel.GetTransferModeAsync(Ct));
    }

    // ---- cycle stealing --------------------------------------------------------------------------

    public static TheoryData<int, int> StealSettings() => new()
    {
        { 1, 1 },
        { 2, 0 },
        { 4, 5 },
        { 8, 3 },
        { 16, 20 },
        { 255, 2 },
    };

    [Theory]
    [MemberData(nameof(StealSettings))]
    public async Task CycleStealing_SgCopies_NoDmaBurstLongerThanBeatsPerGrantAndEveryGapAtLeastIdleCycles(int beats, int idle)
    {
        var channel = await ProbedChannelAsync(new TransferModeConfig(TransferMode.CycleStealing, Rtl.MaxBurst, Rtl.MaxOutstanding, beats, idle));
        var expected = new ExpectedMemory();
        // aligned, then both sides unaligned across a 4 KiB boundary, then a short odd one
        (ulong From, ulong To, int Length)[] copies = [(Source, Destination, 16384), (Source + 0x1_0FFD, Destination + 0x1_0FF3, 5000), (Source + 0x2_0001, Destination + 0x2_0002, 777)];
        var transactions = new List<CdmaTransaction>();
        foreach (var (from, to, length) in copies)
        {
            var data = SeededPattern.Create(length, (ulong)(beats * 1000 + idle + length));
            await fixture.Memory.WriteAsync(from, data, Ct);
            await Guards.PlaceAsync(fixture.Memory, expected, to, length, cancellationToken: Ct);
            expected.Expect(to, data, $"destination 0x{to:X}");
            var transaction = await channel.PrepMemcpyAsync(to, from, (ulong)length, Ct);
            await channel.SubmitAsync(transaction, Ct);
            transactions.Add(transaction);
        }

        await Sim.RequestAsync("stats", new Dictionary<string, object?> { ["reset"] = true }, cancellationToken: Ct);
        await channel.IssuePendingAsync(Ct);
        await channel.WaitAsync(transactions[^1], 2_000_000, Ct);
        var dma = (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("dma");

        await Scoreboard.AssertMemoryAsync(fixture.Memory, expected, cancellationToken: Ct);
        var cap = Math.Min(beats, Rtl.MaxBurst);
        Assert.Equal((ulong)cap, dma.GetUInt64("max_read_burst")); // descriptor fetches included
        Assert.Equal((ulong)cap, dma.GetUInt64("max_write_burst"));
        Assert.True(dma.GetUInt64("min_read_gap") >= (ulong)idle, $"a DMA read burst started {dma.GetUInt64("min_read_gap")} idle cycles after the previous one ended ({idle} required)");
        Assert.True(dma.GetUInt64("min_write_gap") >= (ulong)idle, $"a DMA write burst started {dma.GetUInt64("min_write_gap")} idle cycles after the previous one ended ({idle} required)");
        Assert.True(dma.GetUInt64("reads") > 1 && dma.GetUInt64("writes") > 1);
    }

    [Fact]
    public async Task CycleStealing_Copy_TakesAtLeastTheIdleCyclesOfEveryGrant()
    {
        const int beats = 8;
        const int idle = 7;
        var channel = await ProbedChannelAsync(new TransferModeConfig(TransferMode.CycleStealing, Rtl.MaxBurst, Rtl.MaxOutstanding, beats, idle));

        var result = await fixture.CopyAndCheckAsync(channel, Source, Destination, 65536, seed: 5);

        // per grant: the address cycle, the beats and the idle gap; reads and writes overlap
        var grants = (ulong)(65536 / Rtl.BytesPerBeat / beats);
        Assert.InRange(result.Cycles, grants * (beats + idle), grants * (beats + idle + 2) + 64);
    }

    // ---- transparent -----------------------------------------------------------------------------

    [Fact]
    public async Task Transparent_CopyDuringCpuMissesAndStores_CpuNeverWaitsForTheDma()
    {
        var (cpuWait, perf, dmaBeatsDuringCpu, cache) = await CopyUnderCpuLoadAsync(TransferMode.Transparent);

        Assert.Equal(0UL, cpuWait);
        Assert.Equal(0u, perf.CpuWaitCycles);
        Assert.InRange(dmaBeatsDuringCpu, 1u, perf.ReadBeats - 1); // the DMA ran alongside the CPU's work
        Assert.True(cache.Misses > 1000 && cache.Writebacks > 100, $"{cache}: the CPU workload did not miss");
    }

    [Fact]
    public async Task Burst_CopyDuringCpuMissesAndStores_CpuWaitsForTheDma()
    {
        var (cpuWait, perf, _, _) = await CopyUnderCpuLoadAsync(TransferMode.Burst);

        Assert.True(cpuWait > 0, "in burst mode the CPU waits behind DMA bursts");
        Assert.Equal(cpuWait, perf.CpuWaitCycles);
    }

    // ---- burst mode: the CPU behind whole bursts -------------------------------------------------

    [Fact]
    public async Task Burst_UncachedStoresDuringLongBursts_WorstWaitReachesTheBurstLength()
    {
        var worst = await WorstStoreWaitAsync(Rtl.MaxBurst);

        Assert.True(worst >= (ulong)Rtl.MaxBurst, $"worst CPU store waited {worst} cycles behind {Rtl.MaxBurst}-beat DMA bursts");
    }

    [Fact]
    public async Task Burst_MaxBurst16_WorstStoreWaitIsMuchLess()
    {
        var worst = await WorstStoreWaitAsync(16);

        // at most the arbiter's two write bursts ahead (WR_AHEAD) of 16 beats each
        Assert.InRange(worst, 1UL, 2UL * 16);
    }

    // ---- throughput ------------------------------------------------------------------------------

    [Fact]
    public async Task Modes_SameCopy_BurstFastestThenTransparentThenCycleStealing()
    {
        var burst = await CopyCyclesAsync(new TransferModeConfig(TransferMode.Burst, Rtl.MaxBurst, Rtl.MaxOutstanding));
        var steal16 = await CopyCyclesAsync(new TransferModeConfig(TransferMode.CycleStealing, Rtl.MaxBurst, Rtl.MaxOutstanding, 16, 1));
        var transparent = await CopyCyclesAsync(new TransferModeConfig(TransferMode.Transparent, Rtl.MaxBurst, Rtl.MaxOutstanding));
        var steal1 = await CopyCyclesAsync(new TransferModeConfig(TransferMode.CycleStealing, Rtl.MaxBurst, Rtl.MaxOutstanding));

        var beats = (ulong)(65536 / Rtl.BytesPerBeat);
        Assert.InRange(burst, beats, beats + 16);                 // one beat per cycle
        Assert.InRange(steal16, beats * 18 / 16, beats * 18 / 16 + 32); // 16 beats, 1 address, 1 idle
        Assert.InRange(transparent, 2 * beats, 2 * beats + 16);   // a write takes AW + W alone
        Assert.InRange(steal1, 3 * beats, 3 * beats + 16);        // 1 beat, 1 address, 1 idle
        Assert.True(burst < steal16 && steal16 < transparent && transparent < steal1);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private async Task<CdmaChannel> ProbedChannelAsync(TransferModeConfig config)
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        await channel.SetTransferModeAsync(config, Ct);
        return channel;
    }

    private async Task<ulong> CopyCyclesAsync(TransferModeConfig config)
    {
        var channel = await ProbedChannelAsync(config);
        var result = await fixture.CopyAndCheckAsync(channel, Source, Destination, 65536, seed: 77);
        return result.Cycles;
    }

    private async Task<ulong> CpuWaitAsync() => (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("bus").GetUInt64("cpu_wait_cycles");

    /// <summary>
    /// Starts a copy of 65,536 beats by register writes, then runs a CPU workload that goes to the bus all the time:
    /// uncached stores, cached loads that miss, and cached stores that evict dirty lines; then waits for the copy.
    /// </summary>
    private async Task<(ulong CpuWait, CdmaPerfCounters Perf, uint DmaBeatsDuringCpu, (ulong Misses, ulong Writebacks) Cache)> CopyUnderCpuLoadAsync(TransferMode mode)
    {
        var length = 65536 * Rtl.BytesPerBeat; // 65,536 beats: longer than the CPU's workload even in transparent mode
        var channel = await ProbedChannelAsync(new TransferModeConfig(mode, Rtl.MaxBurst, Rtl.MaxOutstanding));
        var data = SeededPattern.Create(length, 31);
        var expected = new ExpectedMemory();
        await fixture.Memory.WriteAsync(Source, data, Ct);
        await Guards.PlaceAsync(fixture.Memory, expected, Destination, length, cancellationToken: Ct);
        expected.Expect(Destination, data, "destination");
        await Sim.RequestAsync("stats", new Dictionary<string, object?> { ["reset"] = true }, cancellationToken: Ct);
        await channel.ClearPerfCountersAsync(Ct);

        await Sim.RegWriteAsync(SaOffset, (uint)Source, Ct);
        await Sim.RegWriteAsync(DaOffset, (uint)Destination, Ct);
        await Sim.RegWriteAsync(BttOffset, (uint)length, Ct);
        await Sim.CpuWriteAsync(CpuRegion, new byte[4096], cached: false, cancellationToken: Ct);
        await Sim.CpuReadAsync(CpuRegion + 0x10_0000, 16384, cached: true, cancellationToken: Ct);
        await Sim.CpuWriteAsync(CpuRegion + 0x20_0000, SeededPattern.Create(32768, 1), cached: true, cancellationToken: Ct);
        await Sim.CpuWriteAsync(CpuRegion + 0x30_0000, SeededPattern.Create(32768, 2), cached: true, cancellationToken: Ct);
        var dmaBeatsDuringCpu = await Sim.RegReadAsync(ExtPerfRdBeatsOffset, Ct);
        await Sim.RunUntilAsync(SimEvent.Irq, 10_000_000, Ct);

        var status = await channel.ReadStatusAsync(Ct);
        Assert.True(status is { IocIrq: true, HasError: false }, status.ToString());
        await Scoreboard.AssertMemoryAsync(fixture.Memory, expected, cancellationToken: Ct);
        var stats = await Sim.RequestAsync("stats", cancellationToken: Ct);
        var cache = stats.GetMap("cache");
        return (stats.GetMap("bus").GetUInt64("cpu_wait_cycles"), await channel.ReadPerfCountersAsync(Ct), dmaBeatsDuringCpu,
            (cache.GetUInt64("misses"), cache.GetUInt64("writebacks")));
    }

    /// <summary>
    /// Starts a 1 MiB burst-mode copy with bursts of <paramref name="maxBurst"/> beats and, while it streams, issues
    /// 32 single uncached CPU stores at staggered times; returns the most cycles one store waited at the arbiter.
    /// </summary>
    private async Task<ulong> WorstStoreWaitAsync(int maxBurst)
    {
        var channel = await ProbedChannelAsync(new TransferModeConfig(TransferMode.Burst, maxBurst, Rtl.MaxOutstanding));
        await Sim.RegWriteAsync(SaOffset, (uint)Source, Ct);
        await Sim.RegWriteAsync(DaOffset, (uint)Destination, Ct);
        await Sim.RegWriteAsync(BttOffset, 1 << 20, Ct);
        await Sim.RunAsync(500, Ct);
        var worst = 0UL;
        for (var i = 0; i < 32; i++)
        {
            var before = await CpuWaitAsync();
            await Sim.CpuWriteAsync(CpuRegion + ((ulong)i * 4), new byte[4], cached: false, cancellationToken: Ct);
            worst = Math.Max(worst, await CpuWaitAsync() - before);
            await Sim.RunAsync((ulong)(37 * i % 101), Ct);
        }

        Assert.False((await channel.ReadStatusAsync(Ct)).Idle, "the copy ended before the CPU's stores: nothing measured");
        await Sim.RunUntilAsync(SimEvent.Irq, 10_000_000, Ct);
        return worst;
    }
}
