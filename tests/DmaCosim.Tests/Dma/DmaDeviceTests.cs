// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;

namespace DmaCosim.Tests.Dma;

/// <summary>
/// The DMA API's own logic: which cache maintenance each call does, who owns a buffer, and every
/// DMA-API-debug check. The cache and CPU port here only record; co-simulation tests check the effect.
/// </summary>
public sealed class DmaDeviceTests
{
    private readonly RecordingCache _cache = new();
    private readonly ArrayCpu _cpu = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DmaDirection.ToDevice, "clean")]
    [InlineData(DmaDirection.FromDevice, "invalidate")]
    [InlineData(DmaDirection.Bidirectional, "flush")]
    public async Task MapSingle_Direction_DoesTheMatchingMaintenanceOverTheRange(DmaDirection direction, string operation)
    {
        var device = Device();
        var buffer = device.Allocate(4096);

        var mapping = await device.MapSingleAsync(buffer, direction, 128, 1024, Ct);

        Assert.Equal([$"{operation} 0x{buffer.Address + 128:X}+1024"], _cache.Log);
        Assert.Equal(DmaOwner.Device, mapping.Owner);
        Assert.Equal(buffer.Address + 128, mapping.DmaAddress);
    }

    [Fact]
    public async Task MapPage_PageAndOffset_MapsFromThatPageIntoTheNextAndRecordsMapPage()
    {
        var device = Device();
        var buffer = device.Allocate(3 * 4096, 4096);

        var mapping = await device.MapPageAsync(buffer, 1, 100, 5000, DmaDirection.ToDevice, Ct);

        Assert.Equal(buffer.Address + 4096 + 100, mapping.DmaAddress);
        Assert.Equal(5000, mapping.Length);
        Assert.Equal([$"clean 0x{buffer.Address + 4196:X}+5000"], _cache.Log);
        Assert.Equal("MapPage", Assert.Single(mapping.History).Call);
        await device.UnmapAsync(mapping, 5000, DmaDirection.ToDevice, Ct);
        Assert.Empty(device.Mappings);
    }

    [Fact]
    public async Task MapPage_BufferNotPageAligned_TypedErrorAndNothingMapped()
    {
        var device = Device();
        device.Allocate(64);
        var buffer = device.Allocate(8192, 64);
        Assert.NotEqual(0UL, buffer.Address % 4096); // the premise

        var e = await Assert.ThrowsAsync<DmaApiException>(() => device.MapPageAsync(buffer, 0, 0, 64, DmaDirection.ToDevice, Ct));

        Assert.Equal("MapPage", e.Call);
        Assert.Contains("not page-aligned", e.Message, StringComparison.Ordinal);
        Assert.Empty(device.Mappings);
        Assert.Empty(_cache.Log);
    }

    [Theory]
    [InlineData(-1, 0, 16)]
    [InlineData(0, 4096, 16)] // the offset must be inside the page
    [InlineData(2, 0, 16)] // the buffer has two pages
    [InlineData(1, 4000, 200)] // runs past the buffer's end
    public async Task MapPage_OutsideTheBuffer_ArgumentOutOfRangeAndNothingMapped(int page, int offset, int length)
    {
        var device = Device();
        var buffer = device.Allocate(2 * 4096, 4096);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => device.MapPageAsync(buffer, page, offset, length, DmaDirection.FromDevice, Ct));

        Assert.Empty(device.Mappings);
        Assert.Empty(_cache.Log);
    }

    [Theory]
    [InlineData(DmaDirection.ToDevice, new string[0])]
    [InlineData(DmaDirection.FromDevice, new[] { "invalidate" })]
    [InlineData(DmaDirection.Bidirectional, new[] { "invalidate" })]
    public async Task Unmap_Direction_InvalidatesUnlessToDevice(DmaDirection direction, string[] operations)
    {
        var device = Device();
        var mapping = await device.MapSingleAsync(device.Allocate(256), direction, cancellationToken: Ct);
        _cache.Log.Clear();

        await device.UnmapAsync(mapping, 256, direction, Ct);

        Assert.Equal(operations, _cache.Log.Select(l => l.Split(' ')[0]));
        Assert.Equal(DmaOwner.Cpu, mapping.Owner);
        Assert.Empty(device.Mappings);
    }

    [Theory]
    [InlineData(DmaDirection.ToDevice, "", "clean")]
    [InlineData(DmaDirection.FromDevice, "invalidate", "invalidate")]
    [InlineData(DmaDirection.Bidirectional, "invalidate", "clean")]
    public async Task Sync_ForCpuThenForDevice_MaintenanceAndOwnershipFollow(DmaDirection direction, string forCpu, string forDevice)
    {
        var device = Device();
        var mapping = await device.MapSingleAsync(device.Allocate(256), direction, cancellationToken: Ct);
        _cache.Log.Clear();

        await device.SyncForCpuAsync(mapping, 256, direction, Ct);
        var cpuOwner = mapping.Owner;
        var afterCpu = _cache.Log.Select(l => l.Split(' ')[0]).ToList();
        _cache.Log.Clear();
        await device.SyncForDeviceAsync(mapping, 256, direction, Ct);

        Assert.Equal(DmaOwner.Cpu, cpuOwner);
        Assert.Equal(forCpu == "" ? [] : [forCpu], afterCpu);
        Assert.Equal([forDevice], _cache.Log.Select(l => l.Split(' ')[0]));
        Assert.Equal(DmaOwner.Device, mapping.Owner);
    }

    [Fact]
    public async Task CoherentDevice_MapSyncUnmap_NoCacheMaintenanceAtAll()
    {
        var device = Device(new DmaDeviceOptions { Coherent = true });
        var mapping = await device.MapSingleAsync(device.Allocate(256), DmaDirection.Bidirectional, cancellationToken: Ct);

        await device.SyncForCpuAsync(mapping, 256, DmaDirection.Bidirectional, Ct);
        await device.SyncForDeviceAsync(mapping, 256, DmaDirection.Bidirectional, Ct);
        await device.UnmapAsync(mapping, 256, DmaDirection.Bidirectional, Ct);

        Assert.Empty(_cache.Log);
    }

    [Fact]
    public async Task CpuWrite_WhileTheDeviceOwnsTheBuffer_DmaApiExceptionNamingBufferOwnerAndCall()
    {
        var device = Device();
        var buffer = device.Allocate(256);
        await device.MapSingleAsync(buffer, DmaDirection.FromDevice, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<DmaApiException>(() => device.CpuWriteAsync(buffer, 10, new byte[4], Ct));

        Assert.Equal("CpuWrite", error.Call);
        Assert.Equal("device", error.Owner);
        Assert.Contains($"0x{buffer.Address:X}", error.Buffer, StringComparison.Ordinal);
        Assert.Empty(_cpu.Log);
    }

    [Fact]
    public async Task CpuRead_AfterSyncForCpu_IsAllowedAndGoesThroughTheCache()
    {
        var device = Device();
        var buffer = device.Allocate(256);
        var mapping = await device.MapSingleAsync(buffer, DmaDirection.FromDevice, cancellationToken: Ct);
        await device.SyncForCpuAsync(mapping, 256, DmaDirection.FromDevice, Ct);

        await device.CpuReadAsync(buffer, 0, 16, Ct);

        Assert.Equal([$"read 0x{buffer.Address:X}+16 cached"], _cpu.Log);
    }

    [Fact]
    public async Task Unmap_Twice_DoubleUnmap()
    {
        var device = Device();
        var mapping = await device.MapSingleAsync(device.Allocate(64), DmaDirection.ToDevice, cancellationToken: Ct);
        await device.UnmapAsync(mapping, 64, DmaDirection.ToDevice, Ct);

        var error = await Assert.ThrowsAsync<DmaApiException>(() => device.UnmapAsync(mapping, 64, DmaDirection.ToDevice, Ct));

        Assert.Contains("double unmap", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unmap", 32, DmaDirection.ToDevice, "size 32")]
    [InlineData("Unmap", 64, DmaDirection.Bidirectional, "direction Bidirectional")]
    [InlineData("SyncForCpu", 64, DmaDirection.FromDevice, "direction FromDevice")]
    [InlineData("SyncForDevice", 128, DmaDirection.ToDevice, "size 128")]
    public async Task UnmapOrSync_SizeOrDirectionUnlikeTheMapping_DmaApiExceptionNoMaintenanceStillMapped(
        string call, int length, DmaDirection direction, string mismatch)
    {
        var device = Device();
        var mapping = await device.MapSingleAsync(device.Allocate(64), DmaDirection.ToDevice, cancellationToken: Ct);
        _cache.Log.Clear();

        var error = await Assert.ThrowsAsync<DmaApiException>(() => call switch
        {
            "Unmap" => device.UnmapAsync(mapping, length, direction, Ct),
            "SyncForCpu" => device.SyncForCpuAsync(mapping, length, direction, Ct),
            _ => device.SyncForDeviceAsync(mapping, length, direction, Ct),
        });

        Assert.Equal(call, error.Call);
        Assert.Contains(mismatch, error.Message, StringComparison.Ordinal);
        Assert.Empty(_cache.Log);
        Assert.Equal(DmaOwner.Device, Assert.Single(device.Mappings).Owner);
    }

    [Fact]
    public async Task SyncForDevice_UnmappedBuffer_DmaApiException()
    {
        var device = Device();
        var mapping = await device.MapSingleAsync(device.Allocate(64), DmaDirection.ToDevice, cancellationToken: Ct);
        await device.UnmapAsync(mapping, 64, DmaDirection.ToDevice, Ct);

        var error = await Assert.ThrowsAsync<DmaApiException>(() => device.SyncForDeviceAsync(mapping, 64, DmaDirection.ToDevice, Ct));

        Assert.Contains("sync of an unmapped buffer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Free_MappedBuffer_DmaApiException()
    {
        var device = Device();
        var buffer = device.Allocate(64);
        await device.MapSingleAsync(buffer, DmaDirection.ToDevice, cancellationToken: Ct);

        var error = Assert.Throws<DmaApiException>(() => device.Free(buffer));

        Assert.Contains("still mapped", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DmaDirection.ToDevice, true, false)]
    [InlineData(DmaDirection.FromDevice, false, true)]
    [InlineData(DmaDirection.Bidirectional, true, true)]
    public async Task MapSingle_AboveTheDmaMask_BouncedBelowItCopyingAsTheDirectionNeeds(DmaDirection direction, bool copyIn, bool copyOut)
    {
        var device = Device(new DmaDeviceOptions { MaskBits = 28 }); // the heap starts at 0x1000_0000
        var buffer = device.Allocate(100);

        var mapping = await device.MapSingleAsync(buffer, direction, 4, 96, Ct);
        var slot = mapping.DmaAddress;
        await device.UnmapAsync(mapping, 96, direction, Ct);

        Assert.InRange(slot, device.Options.SwiotlbBase, device.Options.SwiotlbBase + device.Options.SwiotlbSize - 96);
        Assert.Equal(buffer.Address + 4, mapping.CpuAddress);
        Assert.Equal((buffer.Address + 4) % 64, slot % 64);
        var expected = new List<string>();
        if (copyIn)
        {
            expected.AddRange([$"read 0x{buffer.Address + 4:X}+96 cached", $"write 0x{slot:X}+96 cached"]);
        }

        if (copyOut)
        {
            expected.AddRange([$"read 0x{slot:X}+96 cached", $"write 0x{buffer.Address + 4:X}+96 cached"]);
        }

        Assert.Equal(expected, _cpu.Log);
        Assert.All(_cache.Log, op => Assert.Contains($"0x{slot:X}+96", op, StringComparison.Ordinal));   // maintenance on the slot
        Assert.Equal(new DmaBounceStats(1, copyIn ? 96 : 0, copyOut ? 96 : 0, 0, 0), device.BounceStats);
        Assert.Equal(["MapSingle", "Unmap"], mapping.History.Select(e => e.Call));
    }

    [Fact]
    public async Task MapSingle_BelowTheDmaMask_NotBounced()
    {
        var device = Device(new DmaDeviceOptions { MaskBits = 29 });

        var mapping = await device.MapSingleAsync(device.Allocate(64), DmaDirection.ToDevice, cancellationToken: Ct);

        Assert.Null(mapping.Bounce);
        Assert.Empty(_cpu.Log);
        Assert.Equal(0, device.BounceStats.Mappings);
    }

    [Fact]
    public void DmaPool_Boundary_NoBlockCrossesIt()
    {
        var pool = Device().CreatePool("boundary", 48, 16, 128);

        var blocks = Enumerable.Range(0, 20).Select(_ => pool.Alloc()).ToList();

        Assert.All(blocks, b => Assert.Equal(b.DmaAddress / 128, (b.DmaAddress + 47) / 128));
        Assert.Equal(20, blocks.Select(b => b.DmaAddress).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Device().CreatePool("bad", 64, 16, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => Device().CreatePool("bad", 64, 16, 96));
    }

    [Fact]
    public async Task DmaPool_AllocZeroed_StoresZerosOverTheBlock()
    {
        var pool = Device().CreatePool("zero", 64, 64);

        var block = await pool.AllocZeroedAsync(Ct);

        Assert.Equal([$"write 0x{block.DmaAddress:X}+64 uncached"], _cpu.Log);
    }

    [Fact]
    public void DmaPool_Destroy_ReportsTheLeakedBlocksAndRefusesLaterCalls()
    {
        var pool = Device().CreatePool("leaky", 64, 64);
        var kept = pool.Alloc();
        var freed = pool.Alloc();
        pool.Free(freed);

        var leaked = pool.Destroy();

        Assert.Equal([kept], leaked);
        Assert.True(pool.Destroyed);
        Assert.Throws<DmaApiException>(() => pool.Alloc());
        Assert.Throws<DmaApiException>(() => pool.Free(kept));
        Assert.Throws<DmaApiException>(() => pool.Destroy());
        Assert.Empty(Device().CreatePool("clean", 64, 64).Destroy());
    }

    [Fact]
    public async Task MapSingle_OverlappingALiveMapping_DmaApiException()
    {
        var device = Device();
        var buffer = device.Allocate(256);
        await device.MapSingleAsync(buffer, DmaDirection.ToDevice, 0, 128, Ct);

        await Assert.ThrowsAsync<DmaApiException>(() => device.MapSingleAsync(buffer, DmaDirection.ToDevice, 64, 128, Ct));
    }

    [Fact]
    public async Task AllocCoherent_NonCoherentDevice_CpuViewIsUncached()
    {
        var device = Device();
        var buffer = device.AllocCoherent(128);

        await device.CoherentWriteAsync(buffer, 0, new byte[8], Ct);

        Assert.False(buffer.Cached);
        Assert.Equal([$"write 0x{buffer.DmaAddress:X}+8 uncached"], _cpu.Log);
    }

    [Fact]
    public async Task CoherentManyAccesses_ThePortGetsEachAccessInOrderWithTheBuffersCacheability()
    {
        var device = Device();
        var first = device.AllocCoherent(64);
        var second = device.AllocCoherent(64);

        await device.CoherentWriteManyAsync([(second, 8, new byte[4]), (first, 0, new byte[16])], Ct);
        var loads = await device.CoherentReadManyAsync([(first, 60, 4), (second, 0, 2)], Ct);

        Assert.Equal(
            [
                $"write 0x{second.DmaAddress + 8:X}+4 uncached", $"write 0x{first.DmaAddress:X}+16 uncached",
                $"read 0x{first.DmaAddress + 60:X}+4 uncached", $"read 0x{second.DmaAddress:X}+2 uncached",
            ],
            _cpu.Log);
        Assert.Equal([4, 2], loads.Select(l => l.Length));
    }

    [Fact]
    public async Task CoherentManyAccesses_OneFreedOrOutsideItsBuffer_ThrowsAndNoAccessIsMade()
    {
        var device = Device();
        var live = device.AllocCoherent(64);
        var freed = device.AllocCoherent(64);
        device.FreeCoherent(freed);

        await Assert.ThrowsAsync<DmaApiException>(() => device.CoherentWriteManyAsync([(live, 0, new byte[4]), (freed, 0, new byte[4])], Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => device.CoherentReadManyAsync([(live, 0, 4), (live, 62, 4)], Ct));

        Assert.Empty(_cpu.Log);
    }

    [Fact]
    public void AllocCoherent_CoherentDevice_CpuViewIsCached()
    {
        Assert.True(Device(new DmaDeviceOptions { Coherent = true }).AllocCoherent(64).Cached);
    }

    [Fact]
    public void DmaPool_Blocks_AlignedDistinctAndDoubleFreeCaught()
    {
        var pool = Device().CreatePool("descriptors", 64, 64);

        var blocks = Enumerable.Range(0, 10).Select(_ => pool.Alloc()).ToList();
        pool.Free(blocks[3]);

        Assert.All(blocks, b => Assert.Equal(0UL, b.DmaAddress % 64));
        Assert.Equal(10, blocks.Select(b => b.DmaAddress).Distinct().Count());
        Assert.True(blocks[3].Freed);
        Assert.Equal(9, pool.InUse);
        Assert.Throws<DmaApiException>(() => pool.Free(blocks[3]));
    }

    [Fact]
    public async Task MapSg_SecondEntryFails_FirstIsUnmappedAgain()
    {
        var device = Device();
        var buffer = device.Allocate(1024);

        await Assert.ThrowsAsync<DmaApiException>(() => device.MapSgAsync(
            [new ScatterEntry(buffer, 0, 512), new ScatterEntry(buffer, 256, 512)], DmaDirection.ToDevice, Ct));

        Assert.Empty(device.Mappings);
    }

    [Theory]
    [InlineData(DmaDirection.ToDevice, "clean")]
    [InlineData(DmaDirection.FromDevice, "invalidate")]
    public async Task MapSingle_BusOffset_DmaAddressIsPhysicalPlusOffsetMaintenanceOnPhysical(DmaDirection direction, string operation)
    {
        var device = Device(new DmaDeviceOptions { BusOffset = 0x4000_0000 });
        var buffer = device.Allocate(4096);

        var mapping = await device.MapSingleAsync(buffer, direction, 128, 1024, Ct);

        Assert.Equal(buffer.Address + 128 + 0x4000_0000, mapping.DmaAddress);
        Assert.Equal(buffer.Address + 128, mapping.PhysicalAddress);
        Assert.Equal([$"{operation} 0x{buffer.Address + 128:X}+1024"], _cache.Log);
        Assert.Equal(new DmaWindow(buffer.Address + 128, 1024, direction == DmaDirection.ToDevice ? Wire.DmaAccess.Read : Wire.DmaAccess.Write), device.LiveWindows()[1]);
        Assert.Same(mapping, (await UnmappedAsync(device, mapping)).Explain(buffer.Address + 128 + 1023));
    }

    [Fact]
    public async Task MapSingle_OffsetPushesTheBufferAboveTheMask_BouncedSlotOnTheBusBelowIt()
    {
        // 29 bits = 0x1FFF_FFFF: the heap (0x1000_0000) is below it physically, above it on the bus (+0x1000_0000)
        var device = Device(new DmaDeviceOptions { BusOffset = 0x1000_0000, MaskBits = 29 });

        var mapping = await device.MapSingleAsync(device.Allocate(256), DmaDirection.ToDevice, cancellationToken: Ct);

        Assert.NotNull(mapping.Bounce);
        Assert.Equal(mapping.Bounce!.Value + 0x1000_0000, mapping.DmaAddress);
        Assert.InRange(mapping.DmaAddress + 255, 0UL, device.DmaMask);
    }

    [Fact]
    public void Coherent_BusOffset_DmaAddressOnTheBusCpuAddressPhysical()
    {
        var device = Device(new DmaDeviceOptions { BusOffset = 0x2000 });

        var block = device.CreatePool("p", 64, 64).Alloc();

        Assert.Equal(block.CpuAddress + 0x2000, block.DmaAddress);
        Assert.Equal(device.Options.CoherentBase, block.CpuAddress);
    }

    [Fact]
    public void HostBridge_BadOffsetOrAddresses_TypedErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostBridge(0x800));
        Assert.Throws<ArgumentOutOfRangeException>(() => Device(new DmaDeviceOptions { BusOffset = 0x10 }));
        var bridge = new HostBridge(0x1000);
        Assert.Throws<ArgumentOutOfRangeException>(() => bridge.ToPhysical(0xFFF));
        Assert.Throws<ArgumentOutOfRangeException>(() => bridge.ToBus(ulong.MaxValue - 0xFFE));
        Assert.False(bridge.BelowMask(ulong.MaxValue - 0x10, 1, ulong.MaxValue));
        Assert.True(bridge.BelowMask(0, 0x1000, 0x1FFF));
        Assert.False(bridge.BelowMask(0, 0x1001, 0x1FFF));
    }

    private static async Task<DmaDevice> UnmappedAsync(DmaDevice device, DmaMapping mapping)
    {
        await device.UnmapAsync(mapping, mapping.Length, mapping.Direction, Ct);
        return device;
    }

    private DmaDevice Device(DmaDeviceOptions? options = null) => new(_cpu, _cache, options);

    private sealed class RecordingCache : ICacheMaintenance
    {
        public List<string> Log { get; } = [];

        public Task CleanAsync(ulong address, ulong length, CancellationToken cancellationToken = default) => Record("clean", address, length);

        public Task InvalidateAsync(ulong address, ulong length, CancellationToken cancellationToken = default) => Record("invalidate", address, length);

        public Task FlushAsync(ulong address, ulong length, CancellationToken cancellationToken = default) => Record("flush", address, length);

        private Task Record(string operation, ulong address, ulong length)
        {
            Log.Add($"{operation} 0x{address:X}+{length}");
            return Task.CompletedTask;
        }
    }

    private sealed class ArrayCpu : ICpuPort
    {
        public List<string> Log { get; } = [];

        public Task<byte[]> ReadAsync(ulong address, int length, bool cached, CancellationToken cancellationToken = default)
        {
            Log.Add($"read 0x{address:X}+{length} {(cached ? "cached" : "uncached")}");
            return Task.FromResult(new byte[length]);
        }

        public Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, bool cached, CancellationToken cancellationToken = default)
        {
            Log.Add($"write 0x{address:X}+{data.Length} {(cached ? "cached" : "uncached")}");
            return Task.CompletedTask;
        }
    }
}
