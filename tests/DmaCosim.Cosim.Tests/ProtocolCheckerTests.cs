// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The harness's two AXI protocol checkers seen through <c>stats</c> <c>checker</c>: the one on the
/// DMA side of the arbiter (<c>dma</c>, cosim_top's dbg_dma_* outputs) checks every burst the DMA
/// issues and nothing the CPU cache issues; the one on the DRAM port (<c>dram</c>) checks both.
/// A finding on either would fail the op with SIM_ERROR naming its port.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class ProtocolCheckerTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stats_OneMiBAlignedCopy_DmaPortCheckerCheckedEveryBurstAndFoundNothing()
    {
        const int length = 1 << 20;
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await fixture.Sim.StatsAsync(reset: true, Ct);

        await channel.MemcpyAsync(0x0200_0000, 0x0100_0000, length, Ct);
        var stats = await fixture.Sim.RequestAsync("stats", cancellationToken: Ct);

        // Page-aligned source and destination: every burst is as long as MAX_BURST and the 4 KiB
        // rule allow, one AR and one AW per burst.
        var burstBytes = Math.Min(fixture.Rtl.MaxBurst * fixture.Rtl.BytesPerBeat, 4096);
        var bursts = (ulong)(length / burstBytes);
        var dma = stats.GetMap("checker").GetMap("dma");
        var dram = stats.GetMap("checker").GetMap("dram");
        Assert.Equal(bursts, dma.GetUInt64("reads"));
        Assert.Equal(bursts, dma.GetUInt64("writes"));
        Assert.Equal(0UL, dma.GetUInt64("findings"));
        Assert.Equal(bursts, dram.GetUInt64("reads")); // the CPU was idle: the same bursts behind the arbiter
        Assert.Equal(bursts, dram.GetUInt64("writes"));
        Assert.Equal(0UL, dram.GetUInt64("findings"));
    }

    [Fact]
    public async Task Stats_UncachedCpuAccessesOnly_DramPortCheckerCountsThemDmaPortCheckerDoesNot()
    {
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        await fixture.Sim.StatsAsync(reset: true, Ct);

        await fixture.Sim.CpuReadAsync(0x0030_0000, 16, cached: false, Ct); // 4 words: 4 AXI reads
        await fixture.Sim.CpuWriteAsync(0x0030_0100, new byte[8], cached: false, Ct); // 2 words: 2 AXI writes
        var checker = (await fixture.Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("checker");

        Assert.Equal(4UL, checker.GetMap("dram").GetUInt64("reads"));
        Assert.Equal(2UL, checker.GetMap("dram").GetUInt64("writes"));
        Assert.Equal(0UL, checker.GetMap("dma").GetUInt64("reads"));
        Assert.Equal(0UL, checker.GetMap("dma").GetUInt64("writes"));
    }

    [Fact]
    public async Task StatsReset_AfterACopy_ZeroesBothPortsCounters()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await channel.MemcpyAsync(0x0220_0000, 0x0120_0000, 4096, Ct);

        await fixture.Sim.StatsAsync(reset: true, Ct);
        var checker = (await fixture.Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("checker");

        foreach (var port in new[] { "dram", "dma" })
        {
            Assert.Equal(0UL, checker.GetMap(port).GetUInt64("reads"));
            Assert.Equal(0UL, checker.GetMap(port).GetUInt64("writes"));
            Assert.Equal(0UL, checker.GetMap(port).GetUInt64("findings"));
        }
    }
}
