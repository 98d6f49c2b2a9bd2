// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The DRAM port shared by the CPU cache and the DMA (axi_arbiter, DESIGN §3.3): CPU writes issued while
/// the DMA streams full write bursts wait for the burst's WLAST, and every byte of both lands where it
/// belongs. (The regression's CPU activity never writes to the bus while the DMA runs.)
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class ArbiterTests(HarnessFixture fixture)
{
    private const ulong Src = 0x0700_0000;
    private const ulong Dst = 0x0710_0000;
    private const ulong CpuRegion = 0x0740_0000;
    private const int Length = 512 * 1024; // far longer than the CPU's writes take
    private const int Sets = 16;           // sets the CPU writes into

    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)] // uncached stores: one-beat bursts (coherent memory)
    [InlineData(true)]  // cached stores that overflow their sets: dirty victims written back as line bursts
    public async Task CpuWrites_WhileTheDmaWritesFullBursts_EveryBurstLandsWhole(bool evictions)
    {
        await fixture.FreshChannelAsync();
        var data = SeededPattern.Create(Length, 41);
        var expected = new ExpectedMemory();
        await fixture.Memory.WriteAsync(Src, data, Ct);
        await Guards.PlaceAsync(fixture.Memory, expected, Dst, Length, cancellationToken: Ct);
        expected.Expect(Dst, data, "destination").Expect(Src, data, "source");

        var ways = fixture.Rtl.CacheWays;
        await StoreAsync(evictions ? Lines(0, ways) : [], evictions, expected); // every way of each set dirty

        await Sim.RegWriteAsync(SaOffset, (uint)Src, Ct);
        await Sim.RegWriteAsync(DaOffset, (uint)Dst, Ct);
        await Sim.RegWriteAsync(BttOffset, Length, Ct); // the copy runs while the CPU writes
        await StoreAsync(evictions ? Lines(ways, 1) : Lines(0, 1), evictions, expected);
        var overlapped = !new CdmaStatus(await Sim.RegReadAsync(CdmasrOffset, Ct)).Idle;
        await Sim.RunUntilAsync(SimEvent.Idle, 2_000_000, Ct);
        if (evictions)
        {
            await Sim.CacheAsync(CacheOp.Clean, CpuRegion, (ulong)WaySize * (ulong)(ways + 1), Ct);
        }

        Assert.True(overlapped, "the copy ended before the CPU's writes did");
        await Scoreboard.AssertMemoryAsync(fixture.Memory, expected, cancellationToken: Ct);
    }

    private int WaySize => fixture.Rtl.CacheSets * fixture.Rtl.CacheLine;

    /// <summary>One line-aligned address in each of <see cref="Sets"/> sets, for <paramref name="count"/> ways from <paramref name="firstWay"/>.</summary>
    private List<ulong> Lines(int firstWay, int count) =>
        [.. from way in Enumerable.Range(firstWay, count)
            from set in Enumerable.Range(0, Sets)
            select CpuRegion + ((ulong)way * (ulong)WaySize) + ((ulong)set * (ulong)fixture.Rtl.CacheLine)];

    /// <summary>Eight seeded bytes at each address (cached: the first store to a line of a full set evicts a dirty one).</summary>
    private async Task StoreAsync(List<ulong> addresses, bool cached, ExpectedMemory expected)
    {
        foreach (var address in addresses)
        {
            var bytes = SeededPattern.Create(8, address);
            await Sim.CpuWriteAsync(address, bytes, cached, Ct);
            expected.Expect(address, bytes, $"CPU store at 0x{address:X}");
        }
    }
}
