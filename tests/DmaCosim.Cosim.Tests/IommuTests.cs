// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The RTL IOMMU (rtl/iommu.sv) driven by <see cref="IommuDomain"/>: translated copies checked byte by
/// byte against the domain's own page table (every destination byte at the physical page its IOVA
/// maps to, guards around), and each fault kind answered to the engine and recorded. The harness's
/// DMA-port protocol and limit checkers run on every cycle of every test (a finding fails the request).
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class IommuTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registers_AfterReset_OffWithTheBuildsCapabilities()
    {
        await fixture.FreshChannelAsync();
        var sim = fixture.Sim;

        Assert.Equal(0u, await sim.RegReadAsync(IommuRegisters.StatusOffset, Ct));
        Assert.Equal(0u, (await sim.RegReadAsync(IommuRegisters.CtrlOffset, Ct)) & (1u << IommuRegisters.CtrlEnableBit));
        var caps = await sim.RegReadAsync(IommuRegisters.CapsOffset, Ct);
        var pteBytes = (caps >> IommuRegisters.CapsPteBytesLsb) & 0xF;
        Assert.Equal((uint)fixture.Rtl.AddrWidth / 8, pteBytes);
        Assert.Equal(fixture.Rtl.AddrWidth == 32 ? 32u : 39u, (caps >> IommuRegisters.CapsIovaBitsLsb) & 0xFF);
        Assert.Equal(0u, await sim.RegReadAsync(IommuRegisters.FaultCountOffset, Ct));
    }

    [Fact]
    public async Task Copy_IommuOff_PhysicalAddressesPassThroughAndNothingIsTranslated()
    {
        var channel = await ProbedChannelAsync();
        await fixture.CopyAndCheckAsync(channel, 0x0110_0010, 0x0220_0008, 5000, seed: 3);
        Assert.Equal(0u, await fixture.Sim.RegReadAsync(IommuRegisters.HitsOffset, Ct));
        Assert.Equal(0u, await fixture.Sim.RegReadAsync(IommuRegisters.MissesOffset, Ct));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Copy_ScatteredPagesMergedIntoOneIovaRange_OneCopyByteExact(int seed)
    {
        var channel = await ProbedChannelAsync();
        var domain = await IommuDomain.CreateAsync(fixture.Sim, channel.Device, cancellationToken: Ct);
        var random = new Random(seed);
        var device = channel.Device;

        // scattered pages: a spacer between each, the first entry starting mid-page, the last ending mid-page
        var pages = random.Next(2, 6);
        var entries = new List<ScatterEntry>();
        for (var i = 0; i < pages; i++)
        {
            var page = device.Allocate(4096, 4096);
            device.Allocate(4096 * random.Next(1, 4), 4096);
            var offset = i == 0 ? random.Next(0, 4000) : 0;
            var length = i == pages - 1 ? random.Next(1, 4097) : 4096 - offset;
            entries.Add(new ScatterEntry(page, offset, length));
        }

        var total = entries.Sum(e => e.Length);
        var pattern = SeededPattern.Create(total, (ulong)seed);
        var at = 0;
        foreach (var e in entries)
        {
            await fixture.Memory.WriteAsync(e.Buffer.Address + (ulong)e.Offset, pattern.AsMemory(at, e.Length), Ct);
            at += e.Length;
        }

        var destination = device.Allocate(total + 128);
        var expected = new ExpectedMemory();
        await Guards.PlaceAsync(fixture.Memory, expected, destination.Address + 64, total, cancellationToken: Ct);
        expected.Expect(destination.Address + 64, pattern, "destination");

        var source = await domain.MapSgAsync(entries, DmaDirection.ToDevice, Ct);
        var to = await domain.MapSingleAsync(destination, DmaDirection.FromDevice, 64, total, Ct);

        Assert.Single(source.Segments);
        Assert.Equal(total, source.Segments[0].Length);
        await channel.MemcpyAsync(to.DmaAddress, source.Segments[0].DmaAddress, (uint)total, Ct);

        await Scoreboard.AssertMemoryAsync(fixture.Memory, expected, new ScoreboardContext { Seed = (ulong)seed }, Ct);
        var counters = await domain.ReadCountersAsync(Ct);
        Assert.True(counters.Misses > 0 && counters.PteReads >= counters.Misses, $"{counters}");
        Assert.Equal(0u, (await domain.ReadFaultAsync(Ct)).Count);
        await domain.UnmapSgAsync(source, Ct);
        await domain.UnmapAsync(to, Ct);
        Assert.Empty(domain.Mappings);
        Assert.Empty(device.Mappings);
    }

    [Fact]
    public async Task Copy_SecondTimeWithWarmIotlb_NoWalkAndEveryBurstHits()
    {
        var (channel, domain, from, to, _) = await MappedPairAsync(16384);
        await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 16384, Ct);
        await domain.ClearAsync(Ct);

        await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 16384, Ct);

        var counters = await domain.ReadCountersAsync(Ct);
        Assert.Equal(0u, counters.Misses);
        Assert.Equal(0u, counters.PteReads);
        Assert.True(counters.Hits >= 8, $"{counters}"); // at least one read and one write burst per page
    }

    [Fact]
    public async Task Copy_1MiBWarmIotlb_AtLeast97PercentOfBusPeak()
    {
        var (cold, warm) = await IommuCopyBench.RunAsync(fixture.Sim, fixture.Rtl, 1 << 20, cancellationToken: Ct);

        Assert.Equal(0u, warm.Counters.Misses);
        Assert.True(warm.Efficiency >= 0.97, $"warm: {warm}");
        Assert.Equal(512u, cold.Counters.Misses); // one walk per source and destination page
        Assert.True(cold.Cycles > warm.Cycles, $"cold {cold.Cycles} vs warm {warm.Cycles} cycles");
        TestContext.Current.TestOutputHelper?.WriteLine($"cold {cold} ({cold.CyclesPerMiss:F1} walk cycles per miss); warm {warm}");
    }

    [Fact]
    public async Task Dma_AfterUnmap_CaughtAsNotPresentFaultWithDecErr()
    {
        var (channel, domain, from, to, destination) = await MappedPairAsync(3000);
        var staleSource = from.DmaAddress;
        await channel.MemcpyAsync(to.DmaAddress, staleSource, 3000, Ct); // warm: the IOTLB holds the source
        var before = await fixture.Memory.ReadAsync(destination.Address, 3000, Ct);
        await domain.UnmapAsync(from, Ct);

        var error = await Assert.ThrowsAsync<CdmaTransferException>(
            () => channel.MemcpyAsync(to.DmaAddress, staleSource, 3000, Ct));

        Assert.Contains("DMADecErr", error.Status.Errors, StringComparison.Ordinal);
        var fault = await domain.ReadFaultAsync(Ct);
        Assert.Equal((IommuFaultKind.NotPresent, false, staleSource & ~0xFFFUL), (fault.Kind, fault.Write, fault.Iova & ~0xFFFUL));
        Assert.Equal(before, await fixture.Memory.ReadAsync(destination.Address, 3000, Ct));
        // the harness logged the same fault, at the cycle the RTL recorded (its counter starts at reset)
        var logged = await fixture.Sim.IommuFaultsAsync(clear: true, Ct);
        Assert.Equal(fault.Count, (uint)logged.Count); // every read burst already issued faults too
        Assert.Equal(fault.Iova, logged[0].Iova);
        Assert.All(logged, l => Assert.Equal((false, (int)IommuFaultKind.NotPresent, staleSource >> 12), (l.Write, l.Kind, l.Iova >> 12)));
    }

    [Fact]
    public async Task RunUntil_IommuFault_StopsAtTheFaultedBurstEveryTime()
    {
        // 20 copies, each with one page's PTE cleared behind the domain's back: a source page (read
        // fault) or a destination page (write fault), somewhere in the copy; run_until must stop at it
        // every time, in the cycle the harness logged it
        const int length = 65536;
        var random = new Random(14);
        for (var i = 0; i < 20; i++)
        {
            var (channel, domain, from, to, _) = await MappedPairAsync(length);
            var write = i % 2 == 1;
            var page = (ulong)random.Next(0, length / 4096);
            var faulted = (write ? to.DmaAddress : from.DmaAddress) + (page * 4096);
            await fixture.Memory.WriteAsync(await LeafPteAddressAsync(domain, faulted), new byte[domain.PteBytes], Ct);
            await domain.InvalidateAllAsync(Ct);
            var sim = fixture.Sim;
            await sim.IommuFaultsAsync(clear: true, Ct);
            await sim.RegWriteAsync(CdmaRegisters.SaMsbOffset, (uint)(from.DmaAddress >> 32), Ct);
            await sim.RegWriteAsync(CdmaRegisters.SaOffset, (uint)from.DmaAddress, Ct);
            await sim.RegWriteAsync(CdmaRegisters.DaMsbOffset, (uint)(to.DmaAddress >> 32), Ct);
            await sim.RegWriteAsync(CdmaRegisters.DaOffset, (uint)to.DmaAddress, Ct);
            var start = await sim.RegWriteAsync(CdmaRegisters.BttOffset, length, Ct);

            var stop = await sim.RunUntilAsync(SimEvent.IommuFault, 100_000, Ct);

            var what = $"copy {i}: {(write ? "write" : "read")} fault at page {page} (IOVA 0x{faulted:X}), copy started at cycle {start}, stopped at {stop.Cycle}";
            var logged = await sim.IommuFaultsAsync(cancellationToken: Ct);
            Assert.True(logged.Count >= 1, what);
            Assert.InRange(logged[0].Cycle, stop.Cycle - 1, stop.Cycle); // the run stops in the cycle of the report or the next
            Assert.True(logged.All(l => l.Cycle <= stop.Cycle), what); // nothing ran past it
            Assert.Equal((faulted, write, (int)IommuFaultKind.NotPresent), (logged[0].Iova, logged[0].Write, logged[0].Kind));
            Assert.True(stop.Cycle > start + (page * 4096 / (ulong)(fixture.Rtl.DataWidth / 8)), what); // not before the bytes ahead of it moved
            var fault = await domain.ReadFaultAsync(Ct);
            Assert.Equal((faulted, write), (fault.Iova, fault.Write));
        }
    }

    [Fact]
    public async Task Copy_MappedByPage_IovasKeepThePageOffsetAndTheBytesArriveExactly()
    {
        var channel = await ProbedChannelAsync();
        var domain = await IommuDomain.CreateAsync(fixture.Sim, channel.Device, cancellationToken: Ct);
        var device = channel.Device;
        var source = device.Allocate(3 * 4096, 4096);
        var destination = device.Allocate(3 * 4096, 4096);
        var data = SeededPattern.Create(5000, 11);
        await fixture.Memory.WriteAsync(source.Address + 4096 + 0x120, data, Ct);
        await fixture.Memory.WriteAsync(destination.Address, new byte[3 * 4096], Ct);

        // page 1 at 0x120 (into page 2) to page 0 at 0x340 (into page 1)
        var from = await domain.MapPageAsync(source, 1, 0x120, data.Length, DmaDirection.ToDevice, Ct);
        var to = await domain.MapPageAsync(destination, 0, 0x340, data.Length, DmaDirection.FromDevice, Ct);
        await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, (uint)data.Length, Ct);
        await domain.UnmapAsync(to, Ct);
        await domain.UnmapAsync(from, Ct);

        Assert.Equal((0x120UL, 0x340UL), (from.DmaAddress % 4096, to.DmaAddress % 4096));
        Assert.Equal("MapPage", from.CpuMappings[0].History[0].Call); // the DMA API's history names the call
        var after = await fixture.Memory.ReadAsync(destination.Address, 3 * 4096, Ct);
        Assert.Equal(data, after.AsSpan(0x340, data.Length).ToArray());
        Assert.All(after[..0x340].Concat(after[(0x340 + data.Length)..]), b => Assert.Equal(0, b));
        Assert.Equal(0u, (await domain.ReadFaultAsync(Ct)).Count);
    }

    [Fact]
    public async Task Write_ToReadOnlyMapping_PermissionFaultWithSlvErrAndNothingWritten()
    {
        var channel = await ProbedChannelAsync();
        var domain = await IommuDomain.CreateAsync(fixture.Sim, channel.Device, cancellationToken: Ct);
        var device = channel.Device;
        var source = device.Allocate(2048);
        var destination = device.Allocate(2048);
        await fixture.Memory.WriteAsync(destination.Address, new byte[2048], Ct);
        var from = await domain.MapSingleAsync(source, DmaDirection.ToDevice, cancellationToken: Ct);
        var to = await domain.MapSingleAsync(destination, DmaDirection.ToDevice, cancellationToken: Ct); // no W

        var error = await Assert.ThrowsAsync<CdmaTransferException>(
            () => channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 2048, Ct));

        Assert.Contains("DMASlvErr", error.Status.Errors, StringComparison.Ordinal);
        var fault = await domain.ReadFaultAsync(Ct);
        Assert.Equal((IommuFaultKind.Permission, true), (fault.Kind, fault.Write));
        Assert.InRange(fault.Iova, to.DmaAddress, to.DmaAddress + 2047);
        Assert.Equal(new byte[2048], await fixture.Memory.ReadAsync(destination.Address, 2048, Ct));
    }

    [Fact]
    public async Task Walk_PageTableOutsideDram_WalkErrorWithDecErrNoHang()
    {
        var (channel, domain, from, to, _) = await MappedPairAsync(512);
        var end = fixture.Harness.Hello.Dram.Max(w => w.Base + w.Size);
        var outside = (end + 0x10_0000) & ~0xFFFUL;
        Assert.True(outside < (1UL << Math.Min(fixture.Rtl.AddrWidth, 63)), "no address outside DRAM on this build");
        await fixture.Sim.RegWriteAsync(IommuRegisters.PtbaseMsbOffset, (uint)(outside >> 32), Ct);
        await fixture.Sim.RegWriteAsync(IommuRegisters.PtbaseOffset, (uint)outside, Ct);
        await domain.InvalidateAllAsync(Ct);

        var error = await Assert.ThrowsAsync<CdmaTransferException>(
            () => channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 512, Ct));

        Assert.Contains("DMADecErr", error.Status.Errors, StringComparison.Ordinal);
        Assert.Equal(IommuFaultKind.WalkError, (await domain.ReadFaultAsync(Ct)).Kind);
    }

    [Fact]
    public async Task Walk_LeafWithReservedBitSet_ReservedFaultWithSlvErr()
    {
        var (channel, domain, from, to, _) = await MappedPairAsync(512);
        var pte = await LeafPteAddressAsync(domain, from.DmaAddress);
        var bytes = await fixture.Memory.ReadAsync(pte, domain.PteBytes, Ct);
        bytes[0] |= 1 << 5; // a reserved bit
        await fixture.Memory.WriteAsync(pte, bytes, Ct);
        await domain.InvalidateAllAsync(Ct);

        var error = await Assert.ThrowsAsync<CdmaTransferException>(
            () => channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 512, Ct));

        Assert.Contains("DMASlvErr", error.Status.Errors, StringComparison.Ordinal);
        var fault = await domain.ReadFaultAsync(Ct);
        Assert.Equal((IommuFaultKind.Reserved, false), (fault.Kind, fault.Write));
    }

    [Fact]
    public async Task Unmap_WhileTheDeviceStillWrites_TheRestOfTheCopyFaults()
    {
        const int length = 65536;
        var (channel, domain, from, to, destination) = await MappedPairAsync(length);
        await fixture.Memory.WriteAsync(destination.Address, new byte[length], Ct);
        var sim = fixture.Sim;
        await sim.RegWriteAsync(CdmaRegisters.SaMsbOffset, (uint)(from.DmaAddress >> 32), Ct);
        await sim.RegWriteAsync(CdmaRegisters.SaOffset, (uint)from.DmaAddress, Ct);
        await sim.RegWriteAsync(CdmaRegisters.DaMsbOffset, (uint)(to.DmaAddress >> 32), Ct);
        await sim.RegWriteAsync(CdmaRegisters.DaOffset, (uint)to.DmaAddress, Ct);
        await sim.RegWriteAsync(CdmaRegisters.BttOffset, length, Ct);
        await sim.RunAsync(400, Ct);

        await domain.UnmapAsync(to, Ct); // the driver's bug: the copy is still running

        await sim.RunUntilAsync(SimEvent.Irq, 1_000_000, Ct);
        var status = await channel.ReadStatusAsync(Ct);
        Assert.Contains("DMADecErr", status.Errors, StringComparison.Ordinal);
        var fault = await domain.ReadFaultAsync(Ct);
        Assert.Equal((IommuFaultKind.NotPresent, true), (fault.Kind, fault.Write));
        Assert.InRange(fault.Iova, to.DmaAddress, to.DmaAddress + length - 1);
        var landed = await fixture.Memory.ReadAsync(destination.Address, length, Ct);
        Assert.Equal(0, landed[^1]); // the tail never arrived
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unmap_IovaReusedForAnotherBuffer_OnlyTheInvalidatedIotlbSendsTheDataToTheNewBuffer(bool invalidate)
    {
        var (channel, domain, from, to, first) = await MappedPairAsync(4096);
        await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 4096, Ct); // the IOTLB holds to -> first
        var iova = to.DmaAddress;
        if (invalidate)
        {
            await domain.UnmapAsync(to, Ct);
        }
        else
        {
            await domain.UnmapWithoutInvalidateAsync(to, Ct);
        }

        await fixture.Memory.WriteAsync(first.Address, new byte[4096], Ct);
        var second = channel.Device.Allocate(4096, 4096);
        await fixture.Memory.WriteAsync(second.Address, new byte[4096], Ct);
        var again = await domain.MapSingleAsync(second, DmaDirection.FromDevice, cancellationToken: Ct);
        Assert.Equal(iova, again.DmaAddress); // the allocator reuses the freed IOVA

        await channel.MemcpyAsync(again.DmaAddress, from.DmaAddress, 4096, Ct);

        var data = await fixture.Memory.ReadAsync(from.CpuMappings[0].DmaAddress, 4096, Ct);
        var (hit, missed) = invalidate ? (second, first) : (first, second);
        Assert.Equal(data, await fixture.Memory.ReadAsync(hit.Address, 4096, Ct));
        Assert.Equal(new byte[4096], await fixture.Memory.ReadAsync(missed.Address, 4096, Ct));
    }

    [Fact]
    public async Task Map_IovaWindowExhausted_TypedErrorAndNothingLeftMapped()
    {
        var channel = await ProbedChannelAsync();
        var domain = await IommuDomain.CreateAsync(fixture.Sim, channel.Device,
            new IommuDomainOptions { IovaBase = 0x8000_0000, IovaSize = 2 * 4096 }, Ct);
        var buffer = channel.Device.Allocate(3 * 4096, 4096);

        var error = await Assert.ThrowsAsync<DmaAllocationException>(
            () => domain.MapSingleAsync(buffer, DmaDirection.ToDevice, cancellationToken: Ct));

        Assert.Contains("exhausted", error.Message, StringComparison.Ordinal);
        Assert.Empty(domain.Mappings);
        Assert.Empty(channel.Device.Mappings);
        Assert.Equal(0UL, domain.Iovas.PagesInUse);
    }

    private async Task<ulong> LeafPteAddressAsync(IommuDomain domain, ulong iova)
    {
        var bits = domain.PteBytes == 4 ? 10 : 9;
        var table = domain.RootTable;
        for (var level = domain.Levels - 1; level > 0; level--)
        {
            var index = (iova >> (12 + (level * bits))) & ((1UL << bits) - 1);
            var entry = await fixture.Memory.ReadAsync(table + (index * (ulong)domain.PteBytes), domain.PteBytes, Ct);
            table = (domain.PteBytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(entry) : BinaryPrimitives.ReadUInt64LittleEndian(entry)) & ~0xFFFUL;
        }

        return table + (((iova >> 12) & ((1UL << bits) - 1)) * (ulong)domain.PteBytes);
    }

    private async Task<(CdmaChannel Channel, IommuDomain Domain, IommuMapping From, IommuMapping To, DmaBuffer Destination)> MappedPairAsync(int length)
    {
        var channel = await ProbedChannelAsync();
        var domain = await IommuDomain.CreateAsync(fixture.Sim, channel.Device, cancellationToken: Ct);
        var source = channel.Device.Allocate(length, 4096);
        var destination = channel.Device.Allocate(length, 4096);
        await fixture.Memory.WriteAsync(source.Address, SeededPattern.Create(length, 7), Ct);
        var from = await domain.MapSingleAsync(source, DmaDirection.ToDevice, cancellationToken: Ct);
        var to = await domain.MapSingleAsync(destination, DmaDirection.FromDevice, cancellationToken: Ct);
        return (channel, domain, from, to, destination);
    }

    private async Task<CdmaChannel> ProbedChannelAsync()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        return channel;
    }
}
