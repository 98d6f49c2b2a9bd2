// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// swiotlb bouncing against the RTL (issue #14 item 3, no IOMMU): a device whose DMA mask is below its
/// buffers maps them to slots of the bounce pool; copies through the CDMA stay byte-exact, the engine
/// only ever touches addresses below the mask, and each bounce is counted.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class BounceTests(HarnessFixture fixture) : IAsyncDisposable
{
    // the heap starts at 0x1000_0000: a 28-bit mask (0x0FFF_FFFF) cannot reach it
    private const int LowMask = 28;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(3000, 0)]
    [InlineData(64, 5)]
    [InlineData(70_000, 17)]
    public async Task Copy_BuffersAboveTheMask_BouncedByteExactAndTheEngineStaysBelowTheMask(int length, int offset)
    {
        var (channel, device) = await ChannelAsync(new DmaDeviceOptions { MaskBits = LowMask, CoherentMaskBits = 32 });
        var source = device.Allocate(length + offset);
        var destination = device.Allocate(length + offset);
        var data = SeededPattern.Create(length, (ulong)length);
        await device.CpuWriteAsync(source, offset, data, Ct);            // dirty in the cache: the bounce copy must see it
        await device.CpuReadAsync(destination, offset, length, Ct);       // stale lines of the destination cached
        var fresh = await fixture.Sim.DmaWindowsAsync(cancellationToken: Ct);

        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, offset, length, Ct);
        var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, offset, length, Ct);
        Assert.All(new[] { from, to }, m =>
        {
            Assert.NotNull(m.Bounce);
            Assert.InRange(m.DmaAddress + (ulong)m.Length - 1, 0UL, device.DmaMask);
            Assert.Equal(m.CpuAddress % 64, m.DmaAddress % 64);   // the slot keeps the offset within a line
        });
        // the analyser proves the engine touched only the slots (and descriptors), never the buffers
        await device.EnableDeviceAccessCheckAsync(Ct);
        await channel.CopyMappedAsync(to, from, length, Ct);
        await device.UnmapAsync(to, length, DmaDirection.FromDevice, Ct);
        await device.UnmapAsync(from, length, DmaDirection.ToDevice, Ct);

        Assert.Equal(data, await device.CpuReadAsync(destination, offset, length, Ct));
        Assert.Equal(new DmaBounceStats(2, length, length, 0, 0), device.BounceStats);
        var report = await fixture.Sim.DmaWindowsAsync(enable: false, cancellationToken: Ct);
        Assert.True(report.BeatsChecked > fresh.BeatsChecked);
        await device.VerifyDeviceAccessesAsync(Ct);
        Assert.Empty((await fixture.Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Fact]
    public async Task SyncForCpuAndDevice_Bidirectional_CopiesEachWayAndCounts()
    {
        var (channel, device) = await ChannelAsync(new DmaDeviceOptions { MaskBits = LowMask, CoherentMaskBits = 32 });
        var buffer = device.Allocate(512);
        var other = device.Allocate(512);
        await device.CpuWriteAsync(buffer, 0, SeededPattern.Create(512, 1), Ct);
        var mapping = await device.MapSingleAsync(buffer, DmaDirection.Bidirectional, cancellationToken: Ct);
        var otherMapping = await device.MapSingleAsync(other, DmaDirection.Bidirectional, cancellationToken: Ct);
        var list = new MappedScatterlist([mapping], DmaDirection.Bidirectional);

        // the CPU changes the buffer between two device phases: SyncForDevice must carry it to the slot
        await device.SyncSgForCpuAsync(list, DmaDirection.Bidirectional, Ct);
        var second = SeededPattern.Create(512, 2);
        await device.CpuWriteAsync(buffer, 0, second, Ct);
        await device.SyncSgForDeviceAsync(list, DmaDirection.Bidirectional, Ct);
        await channel.MemcpyAsync(otherMapping.DmaAddress, mapping.DmaAddress, 512, Ct);
        await device.SyncForCpuAsync(otherMapping, 512, DmaDirection.Bidirectional, Ct);

        Assert.Equal(second, await device.CpuReadAsync(other, 0, 512, Ct));
        var stats = device.BounceStats;
        Assert.Equal(2, stats.Mappings);
        Assert.Equal(512 * 3, stats.BytesToDevice);     // two maps and one SyncForDevice
        Assert.Equal(512 * 2, stats.BytesToCpu);        // two SyncForCpu
        Assert.Equal(2, stats.LiveMappings);
        await device.UnmapAsync(mapping, 512, DmaDirection.Bidirectional, Ct);
        await device.UnmapAsync(otherMapping, 512, DmaDirection.Bidirectional, Ct);
        Assert.Equal(0, device.BounceStats.PoolBytesInUse);
    }

    [Fact]
    public async Task SetMask_AtRunTime_OnlyLaterMappingsBounce()
    {
        var (_, device) = await ChannelAsync(new DmaDeviceOptions());
        var buffer = device.Allocate(256);
        var direct = await device.MapSingleAsync(buffer, DmaDirection.ToDevice, 0, 128, Ct);
        device.SetMask(LowMask);
        var bounced = await device.MapSingleAsync(buffer, DmaDirection.ToDevice, 128, 128, Ct);

        Assert.Null(direct.Bounce);
        Assert.Equal(buffer.Address, direct.DmaAddress);
        Assert.NotNull(bounced.Bounce);
        Assert.Equal(LowMask, device.MaskBits);
        await device.UnmapAsync(direct, 128, DmaDirection.ToDevice, Ct);
        await device.UnmapAsync(bounced, 128, DmaDirection.ToDevice, Ct);
    }

    [Fact]
    public async Task Map_BouncePoolExhausted_TypedErrorAndNothingMapped()
    {
        var (_, device) = await ChannelAsync(new DmaDeviceOptions { MaskBits = LowMask, CoherentMaskBits = 32, SwiotlbSize = 0x1000 });
        var big = device.Allocate(0x800);
        var first = await device.MapSingleAsync(big, DmaDirection.ToDevice, cancellationToken: Ct);
        var second = device.Allocate(0x900);

        var error = await Assert.ThrowsAsync<DmaBounceException>(() => device.MapSingleAsync(second, DmaDirection.ToDevice, cancellationToken: Ct));

        Assert.Equal(0x900, error.Length);
        Assert.Contains("swiotlb buffer is full", error.Message, StringComparison.Ordinal);
        Assert.Single(device.Mappings);
        Assert.Equal(1, device.BounceStats.Mappings);
        await device.UnmapAsync(first, 0x800, DmaDirection.ToDevice, Ct);
        // room again: the same map now succeeds
        var again = await device.MapSingleAsync(second, DmaDirection.ToDevice, cancellationToken: Ct);
        await device.UnmapAsync(again, 0x900, DmaDirection.ToDevice, Ct);
    }

    [Fact]
    public async Task SetMask_BelowEveryDramWindow_TypedErrorAndMaskUnchanged()
    {
        var windows = fixture.Harness.Hello.Dram.Select(d => (d.Base, d.Size)).ToList();
        var (_, device) = await ChannelAsync(new DmaDeviceOptions { DramWindows = windows });
        var lowest = windows.Min(w => w.Base);
        if (lowest == 0)
        {
            // a window at 0 is reachable by any mask: the check needs DRAM that starts higher
            device = new DmaDevice(new SimCpu(fixture.Sim), new SimCpu(fixture.Sim), new DmaDeviceOptions { DramWindows = [(0x4000_0000UL, 0x1000_0000UL)] });
        }

        var error = Assert.Throws<DmaMaskException>(() => device.SetMask(20));
        Assert.Equal(20, error.Bits);
        Assert.Contains("every DRAM window lies above it", error.Message, StringComparison.Ordinal);
        Assert.Equal(32, device.MaskBits);
        Assert.Throws<DmaMaskException>(() => device.SetCoherentMask(20));
        Assert.Throws<DmaMaskException>(() => new DmaDevice(new SimCpu(fixture.Sim), new SimCpu(fixture.Sim),
            new DmaDeviceOptions { MaskBits = 20, DramWindows = [(0x4000_0000UL, 0x1000_0000UL)] }));
        // a mask the bounce pool does not fit under cannot be used either
        Assert.Throws<DmaMaskException>(() => device.SetMask(16));
    }

    /// <summary>The analyser off again for the next test on the shared harness.</summary>
    public async ValueTask DisposeAsync() => await fixture.Sim.DmaWindowsAsync([], false);

    private async Task<(CdmaChannel Channel, DmaDevice Device)> ChannelAsync(DmaDeviceOptions options)
    {
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        var cpu = new SimCpu(fixture.Sim);
        var device = new DmaDevice(cpu, cpu, options);
        var channel = new CdmaChannel(fixture.Sim, device, fixture.Rtl);
        await channel.ProbeAsync(Ct);
        await fixture.Sim.CoherencyAsync(clear: true, cancellationToken: Ct);
        return (channel, device);
    }
}
