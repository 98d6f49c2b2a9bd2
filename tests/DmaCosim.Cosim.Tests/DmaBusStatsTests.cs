// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The harness's DMA-port measurements (<c>stats</c> <c>dma</c> in-flight gauges, busy and bus-wait cycles;
/// <c>arbiter</c>), through the real RTL: the harness counts EXT_PERF_BUSY's and EXT_PERF_BUS_WAIT's events on the
/// signals the RTL counts, so over a window that starts and ends with the DMA idle the two agree exactly, in every
/// transfer mode and under CPU load. The limit checks run on every cycle of these copies (a finding fails the copy).
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class DmaBusStatsTests(HarnessFixture fixture)
{
    private const ulong Source = 0x0100_0000;
    private const ulong Destination = 0x0300_0000;
    private const ulong CpuRegion = 0x0500_0000;

    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TransferMode.Burst, 16, 2, 1, 1)]
    [InlineData(TransferMode.Burst, 256, 4, 1, 1)]
    [InlineData(TransferMode.CycleStealing, 64, 4, 8, 3)]
    [InlineData(TransferMode.Transparent, 256, 4, 1, 1)]
    public async Task BusyAndBusWait_CopyUnderCpuLoad_EqualTheRtlPerfCountersExactly(
        TransferMode mode, int maxBurst, int maxOutstanding, int stealBeats, int stealIdle)
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        maxOutstanding = Math.Min(maxOutstanding, fixture.Rtl.MaxOutstanding);
        await channel.SetTransferModeAsync(
            new TransferModeConfig(mode, Math.Min(maxBurst, fixture.Rtl.MaxBurst), maxOutstanding, stealBeats, stealIdle), Ct);
        await Sim.CpuLoadAsync(new CpuLoad(CpuLoadPattern.Random, 40, CpuRegion, 65536, 7, StorePercent: 50), Ct);
        await Sim.DmaBusStatsAsync(reset: true, Ct);
        await channel.ClearPerfCountersAsync(Ct);

        await fixture.CopyAndCheckAsync(channel, Source + 5, Destination + 3, 16384, seed: 41);
        await Sim.StopCpuLoadAsync(Ct);
        var perf = await channel.ReadPerfCountersAsync(Ct);
        var stats = await Sim.DmaBusStatsAsync(cancellationToken: Ct);

        Assert.True(perf.BusyCycles > 0, perf.ToString());
        Assert.True(mode == TransferMode.Burst || perf.BusWaitCycles > 0, perf.ToString()); // the gate's hold
        Assert.Equal(perf.BusyCycles, stats.BusyCycles);
        Assert.Equal(perf.BusWaitCycles, stats.BusWaitCycles);
        Assert.Equal(0UL, stats.ReadsInFlight);
        Assert.Equal(0UL, stats.WritesInFlight);
        Assert.InRange(stats.MaxReadsInFlight, 1UL, (ulong)maxOutstanding);
        Assert.InRange(stats.MaxWritesInFlight, 1UL, (ulong)maxOutstanding);
        Assert.True(stats.Ar.CpuGrants > 0 && stats.Ar.DmaGrants > 0, stats.Ar.ToString());
        Assert.True(stats.Aw.DmaGrants > 0, stats.Aw.ToString());
    }

    [Fact]
    public async Task MaxReadsInFlight_LongBurstModeCopy_ReachesTheConfiguredLimit()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        var maxOutstanding = Math.Min(2, fixture.Rtl.MaxOutstanding);
        await channel.SetTransferModeAsync(new TransferModeConfig(TransferMode.Burst, 16, maxOutstanding), Ct);
        await Sim.DmaBusStatsAsync(reset: true, Ct);

        await fixture.CopyAndCheckAsync(channel, Source, Destination, 65536, seed: 43);
        var stats = await Sim.DmaBusStatsAsync(cancellationToken: Ct);

        Assert.Equal((ulong)maxOutstanding, stats.MaxReadsInFlight);
        Assert.Equal(0UL, stats.Ar.CpuGrants);
        Assert.Equal(0UL, stats.Ar.DmaMaxWait); // nobody else asked for the bus
    }
}
