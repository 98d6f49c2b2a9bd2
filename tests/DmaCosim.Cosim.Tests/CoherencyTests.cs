// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The three coherency hazards of DESIGN §3.4, each provoked by a driver that omits the right cache
/// maintenance (the monitor reports exactly that kind at that address, and the bytes are wrong), then
/// the same transfer done through the DMA API (zero violations, exact bytes), then snoop mode.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class CoherencyTests(HarnessFixture fixture)
{
    private const int Length = 256; // four cache lines
    private const ulong Buffer = 0x0500_0000;
    private const ulong Other = 0x0510_0000;

    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task StaleCpuRead_NoSyncForCpuAfterDeviceWrote_ReportedAtTheBufferAndCpuSeesOldBytes(int way)
    {
        var channel = await FreshAsync(snoop: false);
        await OccupyWaysBelowAsync(way);
        var fresh = SeededPattern.Create(Length, 1 + (100 * (ulong)way));
        await fixture.Memory.WriteAsync(Other, fresh, Ct);
        await Sim.CpuReadAsync(Buffer, Length, cancellationToken: Ct); // lines now cached (clean, old bytes)

        await channel.MemcpyAsync(Buffer, Other, Length, Ct); // device writes memory behind the cache
        var seen = await Sim.CpuReadAsync(Buffer, Length, cancellationToken: Ct);
        var report = await Sim.CoherencyAsync(cancellationToken: Ct);

        var first = Assert.Single(report.Violations, v => v.Address == Buffer);
        Assert.Equal("STALE_CPU_READ", first.Kind);
        Assert.All(report.Violations, v => Assert.Equal("STALE_CPU_READ", v.Kind));
        Assert.NotEqual(fresh, seen);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task StaleCpuRead_SameTransferThroughTheDmaApi_NoViolationAndExactBytes(int way)
    {
        var channel = await FreshAsync(snoop: false);
        await OccupyWaysBelowAsync(way);
        var device = new DmaDevice(new SimCpu(Sim), new SimCpu(Sim));
        var buffer = device.Allocate(Length);
        var fresh = SeededPattern.Create(Length, 2 + (100 * (ulong)way));
        await fixture.Memory.WriteAsync(Other, fresh, Ct);
        await device.CpuReadAsync(buffer, 0, Length, Ct); // cached before the transfer, as above

        var mapping = await device.MapSingleAsync(buffer, DmaDirection.FromDevice, cancellationToken: Ct);
        await channel.MemcpyAsync(mapping.DmaAddress, Other, Length, Ct);
        await device.UnmapAsync(mapping, Length, DmaDirection.FromDevice, Ct);
        var seen = await device.CpuReadAsync(buffer, 0, Length, Ct);

        Assert.Equal(fresh, seen);
        Assert.Empty((await Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task StaleDmaRead_NoCleanBeforeToDevice_ReportedAtTheBufferAndDeviceCopiesOldBytes(int way)
    {
        var channel = await FreshAsync(snoop: false);
        await OccupyWaysBelowAsync(way);
        var written = SeededPattern.Create(Length, 3 + (100 * (ulong)way));
        await Sim.CpuWriteAsync(Buffer, written, cancellationToken: Ct); // dirty in the cache, not in memory

        await channel.MemcpyAsync(Other, Buffer, Length, Ct);
        var report = await Sim.CoherencyAsync(cancellationToken: Ct);
        var copied = await fixture.Memory.ReadAsync(Other, Length, Ct);

        Assert.Equal("STALE_DMA_READ", report.Violations[0].Kind);
        Assert.Equal(Buffer, report.Violations[0].Address);
        Assert.Equal("dma", report.Violations[0].Master);
        Assert.NotEqual(written, copied);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task StaleDmaRead_SameTransferThroughTheDmaApi_NoViolationAndExactBytes(int way)
    {
        var channel = await FreshAsync(snoop: false);
        await OccupyWaysBelowAsync(way);
        var device = new DmaDevice(new SimCpu(Sim), new SimCpu(Sim));
        var buffer = device.Allocate(Length);
        var written = SeededPattern.Create(Length, 4 + (100 * (ulong)way));
        await device.CpuWriteAsync(buffer, 0, written, Ct);

        var mapping = await device.MapSingleAsync(buffer, DmaDirection.ToDevice, cancellationToken: Ct);
        await channel.MemcpyAsync(Other, mapping.DmaAddress, Length, Ct);
        await device.UnmapAsync(mapping, Length, DmaDirection.ToDevice, Ct);

        Assert.Equal(written, await fixture.Memory.ReadAsync(Other, Length, Ct));
        Assert.Empty((await Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task LostDmaWrite_DirtyLineCleanedAfterTheDeviceWrote_ReportedAndMemoryLosesTheDmaBytes(int way)
    {
        var channel = await FreshAsync(snoop: false);
        await OccupyWaysBelowAsync(way);
        var fresh = SeededPattern.Create(Length, 5 + (100 * (ulong)way));
        await fixture.Memory.WriteAsync(Other, fresh, Ct);
        await Sim.CpuWriteAsync(Buffer, new byte[Length], cancellationToken: Ct); // dirty lines over the destination

        await channel.MemcpyAsync(Buffer, Other, Length, Ct);
        await Sim.CacheAsync(CacheOp.Clean, Buffer, Length, Ct); // the write-back lands on top of the DMA data
        var report = await Sim.CoherencyAsync(cancellationToken: Ct);

        Assert.Contains(report.Violations, v => v is { Kind: "LOST_DMA_WRITE", Address: Buffer });
        Assert.NotEqual(fresh, await fixture.Memory.ReadAsync(Buffer, Length, Ct));
    }

    [Fact]
    public async Task LostDmaWrite_DirtyLineEvictedAfterTheDeviceWrote_Reported()
    {
        var channel = await FreshAsync(snoop: false);
        var setStride = (ulong)(fixture.Harness.Hello.Rtl.CacheSets * fixture.Harness.Hello.Rtl.CacheLine);
        await fixture.Memory.WriteAsync(Other, SeededPattern.Create(64, 6), Ct);
        await Sim.CpuWriteAsync(Buffer, new byte[64], cancellationToken: Ct); // one dirty line

        await channel.MemcpyAsync(Buffer, Other, 64, Ct);
        for (var way = 1; way <= fixture.Harness.Hello.Rtl.CacheWays; way++)
        {
            await Sim.CpuReadAsync(Buffer + ((ulong)way * setStride), 4, cancellationToken: Ct); // same set: evicts it
        }

        var report = await Sim.CoherencyAsync(cancellationToken: Ct);
        Assert.Contains(report.Violations, v => v is { Kind: "LOST_DMA_WRITE", Address: Buffer });
    }

    [Fact]
    public async Task FalseSharing_CpuDirtiesOtherBytesOfALineTheDeviceWrote_LostDmaWriteOnWriteBack()
    {
        var channel = await FreshAsync(snoop: false);
        await fixture.Memory.WriteAsync(Other, SeededPattern.Create(32, 7), Ct);
        await Sim.CpuWriteAsync(Buffer, new byte[32], cancellationToken: Ct); // bytes 0..31 dirty

        await channel.MemcpyAsync(Buffer + 32, Other, 32, Ct); // the device writes bytes 32..63
        await Sim.CacheAsync(CacheOp.Clean, Buffer, 64, Ct);

        var report = await Sim.CoherencyAsync(cancellationToken: Ct);
        Assert.Contains(report.Violations, v => v.Kind == "LOST_DMA_WRITE");
    }

    [Fact]
    public async Task FalseSharing_CpuLoadsOnlyBytesTheDeviceDidNotWrite_NoStaleCpuRead()
    {
        var channel = await FreshAsync(snoop: false);
        await fixture.Memory.WriteAsync(Other, SeededPattern.Create(32, 8), Ct);
        await Sim.CpuReadAsync(Buffer, 64, cancellationToken: Ct); // the line is cached

        await channel.MemcpyAsync(Buffer + 32, Other, 32, Ct);
        await Sim.CpuReadAsync(Buffer, 32, cancellationToken: Ct); // bytes the device did not touch

        Assert.Empty((await Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Fact]
    public async Task SnoopMode_AllThreeFaultyDrivers_NoViolationsExactBytesAndStallCycles()
    {
        var channel = await FreshAsync(snoop: true);
        var fresh = SeededPattern.Create(Length, 9);
        var written = SeededPattern.Create(Length, 10);
        await fixture.Memory.WriteAsync(Other, fresh, Ct);

        await Sim.CpuReadAsync(Buffer, Length, cancellationToken: Ct); // stale-CPU-read setup
        await channel.MemcpyAsync(Buffer, Other, Length, Ct);
        var seen = await Sim.CpuReadAsync(Buffer, Length, cancellationToken: Ct);
        await Sim.CpuWriteAsync(Buffer + 0x1000, written, cancellationToken: Ct); // stale-DMA-read setup
        await channel.MemcpyAsync(Other + 0x1000, Buffer + 0x1000, Length, Ct);
        await Sim.CpuWriteAsync(Buffer + 0x2000, new byte[Length], cancellationToken: Ct); // lost-DMA-write setup
        await channel.MemcpyAsync(Buffer + 0x2000, Other, Length, Ct);
        await Sim.CacheAsync(CacheOp.Clean, Buffer + 0x2000, Length, Ct);

        Assert.Empty((await Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
        Assert.Equal(fresh, seen);
        Assert.Equal(written, await fixture.Memory.ReadAsync(Other + 0x1000, Length, Ct));
        Assert.Equal(fresh, await fixture.Memory.ReadAsync(Buffer + 0x2000, Length, Ct));
        var stats = await Sim.RequestAsync("stats", cancellationToken: Ct);
        Assert.True(stats.GetMap("monitor").GetUInt64("snoop_stall_cycles") > 0);
    }

    [Fact]
    public async Task SnoopMode_DirtyLinesAnywhereInOneReadBurst_TheWalkCostsTheSameWhereverTheyLie()
    {
        // The snoop walker checks each line of a burst's range once and snoops the ones that need it, so what a burst
        // waits (MON_SNOOP_STALL) depends on how many of its lines need a snoop, not on where they lie in its range.
        // Each subset of the 8 lines of one 512-byte read burst (one beat-aligned simple-mode copy) is dirtied from a
        // hardware reset with nothing else on the bus; subsets of one size must cost the same, and each copy must read
        // the CPU's bytes.
        const int Lines = 8;
        const int Line = 64;
        List<int> masks = [0x01, 0x02, 0x10, 0x80, 0x03, 0x18, 0x81, 0xC0, 0x0F, 0xF0, 0x5A, 0xFF];
        var random = new Random(12);
        masks.AddRange(Enumerable.Range(0, 8).Select(_ => random.Next(1, 1 << Lines)));
        var costs = new Dictionary<int, (int Mask, uint Stall)>();
        foreach (var mask in masks)
        {
            var channel = await FreshAsync(snoop: true);
            var source = SeededPattern.Create(Lines * Line, 13);
            await fixture.Memory.WriteAsync(Other, source, Ct);
            for (var i = 0; i < Lines; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    var stored = SeededPattern.Create(4, (ulong)(100 + i));
                    await Sim.CpuWriteAsync(Other + (ulong)(i * Line) + (ulong)(4 * i), stored, cancellationToken: Ct);
                    stored.CopyTo(source, (i * Line) + (4 * i));
                }
            }

            await channel.MemcpyAsync(Buffer, Other, Lines * Line, Ct);

            Assert.Equal(source, await fixture.Memory.ReadAsync(Buffer, Lines * Line, Ct));
            var count = System.Numerics.BitOperations.PopCount((uint)mask);
            Assert.Equal((uint)count, await Sim.RegReadAsync(RegisterBlocks.Monitor.SnoopsOffset, Ct));
            var stall = await Sim.RegReadAsync(RegisterBlocks.Monitor.SnoopStallOffset, Ct);
            if (costs.TryGetValue(count, out var first))
            {
                Assert.True(first.Stall == stall,
                    $"dirty lines 0x{mask:X2}: the read burst waited {stall} cycles for its walk; 0x{first.Mask:X2} ({count} lines too) waited {first.Stall}");
            }
            else
            {
                costs[count] = (mask, stall);
            }
        }

        Assert.Contains(1, costs.Keys);
        Assert.True(costs[2].Stall > costs[1].Stall, "a second snooped line costs cycles");
    }

    [Fact]
    public async Task RunUntilViolation_StaleDmaRead_StopsAtTheReport()
    {
        await FreshAsync(snoop: false);
        await Sim.CpuWriteAsync(Buffer, SeededPattern.Create(64, 11), cancellationToken: Ct);
        await Sim.RegWriteAsync(CdmaRegisters.SaOffset, (uint)Buffer, Ct);
        await Sim.RegWriteAsync(CdmaRegisters.DaOffset, (uint)Other, Ct);
        await Sim.RegWriteAsync(CdmaRegisters.BttOffset, 64, Ct);

        var stop = await Sim.RunUntilAsync(SimEvent.Violation, 10_000, Ct);

        var violation = Assert.Single((await Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
        Assert.Equal("violation", stop.Event);
        Assert.Equal(stop.Cycle, violation.Cycle);
    }

    /// <summary>The cache ways a test's lines can be put in (every build has at most 4).</summary>
    public static TheoryData<int> Ways => new(0, 1, 2, 3);

    /// <summary>
    /// Fills ways 0 .. <paramref name="way"/> − 1 of the sets of [<see cref="Buffer"/>, +4 KiB) with clean lines of other
    /// addresses (multiples of the set stride above it), so that the test's own lines are then allocated in way
    /// <paramref name="way"/>: the monitor must track every way, not only the first. The DMA API's heap, where the
    /// DMA-API twins allocate, starts at the same set (checked), so its first lines land there too.
    /// </summary>
    private async Task OccupyWaysBelowAsync(int way)
    {
        var rtl = fixture.Harness.Hello.Rtl;
        Assert.SkipWhen(way >= rtl.CacheWays, $"this build's cache has {rtl.CacheWays} ways");
        var setStride = (ulong)(rtl.CacheSets * rtl.CacheLine);
        Assert.Equal(0UL, (new DmaDeviceOptions().HeapBase - Buffer) % setStride);
        for (var w = 1; w <= way; w++)
        {
            await Sim.CpuReadAsync(Buffer + ((ulong)w * 4 * setStride), 4096, cancellationToken: Ct);
        }
    }

    private async Task<CdmaChannel> FreshAsync(bool snoop)
    {
        var channel = await fixture.FreshChannelAsync(); // hardware reset: empty cache, clean monitor
        await channel.ResetAsync(Ct);
        await Sim.CoherencyAsync(snoop: snoop, clear: true, cancellationToken: Ct);
        return channel;
    }
}
