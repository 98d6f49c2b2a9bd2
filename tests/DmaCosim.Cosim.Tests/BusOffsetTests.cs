// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>A harness started with <c>--bus-offset</c> (the host bridge: bus address = CPU physical + offset).</summary>
public sealed class BusOffsetFixture : IAsyncLifetime
{
    /// <summary>The offset: 16 MiB, as the regress mix uses (a bounce pool at 12..16 MiB stays below a 25-bit mask).</summary>
    public const ulong Offset = ScenarioGenerator.RegressBusOffset;

    private HarnessProcess? _harness;

    public HarnessProcess Harness => _harness ?? throw new InvalidOperationException("harness not started");

    public async ValueTask InitializeAsync() => _harness = await HarnessProcess.StartAsync(new HarnessOptions { BusOffset = Offset });

    public async ValueTask DisposeAsync()
    {
        if (_harness != null)
        {
            await _harness.DisposeAsync();
        }
    }
}

/// <summary>
/// The host-bridge offset against the RTL (issue #14 item 2): every dma_addr the DMA API hands out is CPU
/// physical + the offset, the engine is programmed with those bus addresses (simple mode and SG
/// descriptors alike), and the copies land byte-exact at the physical addresses; masks apply to bus
/// addresses; the wild-DMA analyser (physical, behind the bridge) sees the engine inside the live mappings.
/// </summary>
public sealed class BusOffsetTests(BusOffsetFixture fixture) : IClassFixture<BusOffsetFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HarnessProcess Harness => fixture.Harness;

    [Fact]
    public void Hello_StartedWithBusOffset_ReportsIt()
    {
        Assert.Equal(BusOffsetFixture.Offset, Harness.Hello.BusOffset);
        Assert.Equal(BusOffsetFixture.Offset, DmaDevice.OptionsFor(Harness.Hello).BusOffset);
    }

    [Theory]
    [InlineData(false, 3000, 5)]
    [InlineData(true, 3000, 5)]
    [InlineData(true, 70_000, 0)]
    public async Task Copy_WithBusOffset_EngineGetsBusAddressesAndBytesLandAtPhysical(bool scatterGather, int length, int offset)
    {
        var (channel, device) = await ChannelAsync(DmaDevice.OptionsFor(Harness.Hello) with { CheckDeviceAccesses = true });
        var source = device.Allocate(length + offset + 128); // room for the destination's guard before it
        var destination = device.Allocate(length + offset + 128);
        var data = SeededPattern.Create(length, (ulong)(length + offset));
        await device.CpuWriteAsync(source, offset, data, Ct);
        var expected = new ExpectedMemory();
        var destinationAddress = destination.Address + (ulong)offset;
        await Guards.PlaceAsync(Harness.Memory, expected, destinationAddress, length, cancellationToken: Ct);
        expected.Expect(destinationAddress, data, "destination");

        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, offset, length, Ct);
        var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, offset, length, Ct);
        Assert.Equal(from.CpuAddress + BusOffsetFixture.Offset, from.DmaAddress);
        Assert.Equal(to.CpuAddress + BusOffsetFixture.Offset, to.DmaAddress);
        List<ulong> descriptors = [];
        if (scatterGather)
        {
            // three transactions in one chain: CURDESC, TAILDESC and two NXTDESC links are bus addresses
            var third = length / 3;
            var transactions = new List<CdmaTransaction>();
            for (var i = 0; i < 3; i++)
            {
                var at = (ulong)(i * third);
                var size = i == 2 ? (ulong)(length - (2 * third)) : (ulong)third;
                var transaction = await channel.PrepMemcpyAsync(to.DmaAddress + at, from.DmaAddress + at, size, Ct);
                descriptors.AddRange(transaction.Descriptors);
                await channel.SubmitAsync(transaction, Ct);
                transactions.Add(transaction);
            }

            await channel.IssuePendingAsync(Ct);
            await channel.WaitAsync(transactions[^1], cancellationToken: Ct);
            Assert.All(transactions, t => Assert.Equal(CdmaTransactionState.Complete, t.State));
        }
        else
        {
            await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, (uint)length, Ct);
        }

        await device.UnmapAsync(to, length, DmaDirection.FromDevice, Ct);
        await device.UnmapAsync(from, length, DmaDirection.ToDevice, Ct);

        await Scoreboard.AssertMemoryAsync(Harness.Memory, expected, new ScoreboardContext { Seed = (ulong)length }, Ct);
        Assert.Equal(data, await device.CpuReadAsync(destination, offset, length, Ct));
        foreach (var descriptor in descriptors)
        {
            // the engine wrote STATUS back at the descriptor's physical address (bus − offset)
            var status = BitConverter.ToUInt32(await Harness.Memory.ReadAsync(device.Bridge.ToPhysical(descriptor) + CdmaDescriptor.StatusOffset, 4, Ct));
            Assert.True((status & CdmaDescriptor.StatusComplete) != 0 && (status & CdmaDescriptor.StatusErrors) == 0, $"STATUS 0x{status:X8} at bus 0x{descriptor:X}");
        }

        await device.VerifyDeviceAccessesAsync(Ct); // the analyser's windows are the mappings' physical bytes
        Assert.Empty((await Harness.Client.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Fact]
    public async Task Masks_WithBusOffset_CheckedOnBusAddresses()
    {
        await Harness.Client.ResetAsync(cancellationToken: Ct);
        var cpu = new SimCpu(Harness.Client);
        var options = DmaDevice.OptionsFor(Harness.Hello);

        // a 24-bit mask reaches physical 0..16 MiB, but on the bus DRAM starts at 16 MiB: every window above it
        var below = Assert.Throws<DmaMaskException>(() => new DmaDevice(cpu, cpu, options with { MaskBits = 24 }));
        Assert.Contains("every DRAM window lies above it on the bus", below.Message, StringComparison.Ordinal);
        var device = new DmaDevice(cpu, cpu, options with { MaskBits = 32, CoherentMaskBits = 32 });
        Assert.Throws<DmaMaskException>(() => device.SetMask(24));
        Assert.Equal(32, device.MaskBits);
        // 28 bits: the coherent region (physical 0x1800_0000, bus 0x1900_0000) lies above the coherent mask on the bus only
        device.SetCoherentMask(28);
        var coherent = Assert.Throws<DmaApiException>(() => device.AllocCoherent(64));
        Assert.Contains("coherent DMA mask", coherent.Message, StringComparison.Ordinal);
        device.SetCoherentMask(32);
        var block = device.AllocCoherent(64);
        Assert.Equal(block.CpuAddress + BusOffsetFixture.Offset, block.DmaAddress);
    }

    [Fact]
    public async Task Bounce_WithBusOffset_SlotsBelowTheMaskOnTheBusAndTheCopyExact()
    {
        // 25 bits: the bounce pool (bus 0x01C0_0000..0x0200_0000) fits, the heap (bus 0x1100_0000..) does not
        var (channel, device) = await ChannelAsync(DmaDevice.OptionsFor(Harness.Hello) with { MaskBits = 25, CoherentMaskBits = 32, CheckDeviceAccesses = true });
        const int length = 5000;
        var source = device.Allocate(length);
        var destination = device.Allocate(length);
        var data = SeededPattern.Create(length, 25);
        await device.CpuWriteAsync(source, 0, data, Ct);

        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, 0, length, Ct);
        var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, 0, length, Ct);
        Assert.All(new[] { from, to }, m =>
        {
            Assert.NotNull(m.Bounce);
            Assert.Equal(m.Bounce!.Value + BusOffsetFixture.Offset, m.DmaAddress);
            Assert.InRange(m.DmaAddress + (ulong)m.Length - 1, 0UL, device.DmaMask);
        });
        await channel.CopyMappedAsync(to, from, length, Ct);
        await device.UnmapAsync(to, length, DmaDirection.FromDevice, Ct);
        await device.UnmapAsync(from, length, DmaDirection.ToDevice, Ct);

        Assert.Equal(data, await device.CpuReadAsync(destination, 0, length, Ct));
        Assert.Equal(2, device.BounceStats.Mappings);
        await device.VerifyDeviceAccessesAsync(Ct);
    }

    [Fact]
    public async Task UnmapTooEarly_WithBusOffset_AnalyserFlagsPhysicalBeatsExplainedByTheMapping()
    {
        var (channel, device) = await ChannelAsync(DmaDevice.OptionsFor(Harness.Hello) with { CheckDeviceAccesses = true });
        var source = device.Allocate(256);
        var destination = device.Allocate(256);
        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, 0, 256, Ct);
        var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, 0, 256, Ct);
        var stale = to.DmaAddress;
        await device.UnmapAsync(to, 256, DmaDirection.FromDevice, Ct);

        await channel.MemcpyAsync(stale, from.DmaAddress, 256, Ct);

        var wild = await device.DeviceAccessesOutsideMappingsAsync(Ct);
        Assert.NotEmpty(wild);
        Assert.All(wild, w =>
        {
            Assert.InRange(w.Report.Address, destination.Address, destination.Address + 255); // physical, behind the bridge
            Assert.Same(to, w.Mapping);
        });
        await device.UnmapAsync(from, 256, DmaDirection.ToDevice, Ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IommuScatterGather_WithAndWithoutBusOffset_DescriptorsAreIovasAndTheCopiesExact(bool withOffset)
    {
        // with the IOMMU on the offset does not apply: the device issues IOVAs, the PTEs hold physical addresses
        await using var plain = withOffset ? null : await HarnessProcess.StartAsync(cancellationToken: Ct);
        var harness = plain ?? Harness;
        var sim = harness.Client;
        await sim.ResetAsync(cancellationToken: Ct);
        var cpu = new SimCpu(sim);
        var device = new DmaDevice(cpu, cpu, DmaDevice.OptionsFor(harness.Hello));
        var domain = await IommuDomain.CreateAsync(sim, device, cancellationToken: Ct);
        var channel = await CdmaChannel.CreateBehindIommuAsync(sim, domain, harness.Hello.Rtl, cancellationToken: Ct);
        await channel.ProbeAsync(Ct);
        Assert.True(channel.HasScatterGather);

        // the source scattered over three pages (a spacer page after each), merged into one IOVA range by MapSg
        const int page = 4096;
        const int length = 3 * page;
        var data = SeededPattern.Create(length, 77);
        var entries = new List<ScatterEntry>();
        for (var i = 0; i < 3; i++)
        {
            var piece = device.Allocate(page, page);
            device.Allocate(page, page);
            await device.CpuWriteAsync(piece, 0, data.AsMemory(i * page, page), Ct);
            entries.Add(new ScatterEntry(piece, 0, page));
        }

        var destination = device.Allocate(length + 64, page);
        var expected = new ExpectedMemory();
        await Guards.PlaceAsync(harness.Memory, expected, destination.Address + 3, length - 3, cancellationToken: Ct);
        expected.Expect(destination.Address + 3, data.AsMemory(0, length - 3).ToArray(), "destination");
        var source = await domain.MapSgAsync(entries, DmaDirection.ToDevice, Ct);
        var to = await domain.MapSingleAsync(destination, DmaDirection.FromDevice, 3, length - 3, Ct);
        Assert.Single(source.Segments);

        // two transactions in one chain, split off the page grid
        var split = (ulong)(page + 100);
        var first = await channel.PrepMemcpyAsync(to.DmaAddress, source.Segments[0].DmaAddress, split, Ct);
        var second = await channel.PrepMemcpyAsync(to.DmaAddress + split, source.Segments[0].DmaAddress + split, (ulong)(length - 3) - split, Ct);
        await channel.SubmitAsync(first, Ct);
        await channel.SubmitAsync(second, Ct);
        await channel.IssuePendingAsync(Ct);
        await channel.WaitAsync(second, cancellationToken: Ct);

        Assert.Equal(CdmaTransactionState.Complete, first.State);
        foreach (var descriptor in first.Descriptors.Concat(second.Descriptors))
        {
            var physical = domain.Translate(descriptor);
            Assert.True(physical.HasValue, $"descriptor 0x{descriptor:X} is not an IOVA of the domain");
            var status = BitConverter.ToUInt32(await harness.Memory.ReadAsync(physical.Value + CdmaDescriptor.StatusOffset, 4, Ct));
            Assert.True((status & CdmaDescriptor.StatusComplete) != 0 && (status & CdmaDescriptor.StatusErrors) == 0, $"STATUS 0x{status:X8}");
        }

        Assert.Equal(0u, (await domain.ReadFaultAsync(Ct)).Count);
        await domain.UnmapAsync(to, Ct);
        await domain.UnmapSgAsync(source, Ct);
        await Scoreboard.AssertMemoryAsync(harness.Memory, expected, new ScoreboardContext { Seed = 77 }, Ct);
    }

    [Fact]
    public async Task Regress_AddressScenariosWithBusOffset_EachKindPassesTwiceAlike()
    {
        var rtl = Harness.Hello.Rtl;
        var address = Enumerable.Range(1, 4000).Select(s => ScenarioGenerator.Generate((ulong)s, rtl)).Where(s => s.Address != null).ToList();
        var scenarios = address.Where(s => s.Address!.BusOffset == BusOffsetFixture.Offset)
            .GroupBy(s => (s.Address!.Kind, s.Address.ScatterGather)).Select(g => g.First()).ToList();
        Assert.Contains(scenarios, s => s.Address!.ScatterGather);

        foreach (var scenario in scenarios)
        {
            var first = await ScenarioRunner.RunAsync(Harness, scenario, cancellationToken: Ct);
            var second = await ScenarioRunner.RunAsync(Harness, scenario, cancellationToken: Ct);

            Assert.True(first.Passed, first.Failure);
            Assert.Equal((first.Cycles, first.Checksum), (second.Cycles, second.Checksum));
            Assert.Equal(BusOffsetFixture.Offset, first.BusOffset);
        }

        // a scenario drawn without an offset is not run on this harness (its repro would not match)
        var plain = address.First(s => s.Address!.BusOffset == 0);
        var wrong = await Assert.ThrowsAsync<ArgumentException>(() => ScenarioRunner.RunAsync(Harness, plain, cancellationToken: Ct));
        Assert.Contains("--bus-offset 0x0", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("with-bus-offset 1", ScenarioRunner.KindSummary([new ScenarioResult(1, true, 0, "", null, null, TimeSpan.Zero) { BusOffset = 1 << 24 }]), StringComparison.Ordinal);
    }

    private async Task<(CdmaChannel Channel, DmaDevice Device)> ChannelAsync(DmaDeviceOptions options)
    {
        await Harness.Client.ResetAsync(cancellationToken: Ct);
        await Harness.Client.CoherencyAsync(clear: true, cancellationToken: Ct);
        var cpu = new SimCpu(Harness.Client);
        var device = new DmaDevice(cpu, cpu, options);
        var channel = new CdmaChannel(Harness.Client, device, Harness.Hello.Rtl);
        await channel.ProbeAsync(Ct);
        if (options.CheckDeviceAccesses)
        {
            await device.EnableDeviceAccessCheckAsync(Ct);
        }

        return (channel, device);
    }
}

/// <summary>Bad <c>--bus-offset</c> values: the harness refuses to start, naming the option (usage error, exit 2).</summary>
public sealed class BusOffsetStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("0x1001", "not a multiple of 4K")]
    [InlineData("4097", "not a multiple of 4K")]
    [InlineData("ten", "is not an unsigned integer")]
    [InlineData("0xFFFFFFFFFFFFF000", "beyond the")]
    public async Task Start_BadBusOffset_UsageErrorNamingTheOption(string value, string expected)
    {
        var error = await Assert.ThrowsAsync<HarnessExitedException>(() =>
            HarnessProcess.StartAsync(new HarnessOptions { ExtraArguments = ["--bus-offset", value] }, Ct));

        Assert.Contains("--bus-offset", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OffsetPushingTheWindowPastTheAddressWidth_Refused()
    {
        // the 1 GiB window at 0 ends at 0x3FFF_FFFF: on the 32-bit build 0xC000_0000 is the largest offset that keeps
        // it below 2^32, 0xC000_1000 the first that does not
        await using var probe = await HarnessProcess.StartAsync(cancellationToken: Ct);
        var window = probe.Hello.Dram[0];
        var width = probe.Hello.Rtl.AddrWidth;
        var top = width >= 64 ? ulong.MaxValue : (1UL << width) - 1;
        var tooFar = ((top - (window.Base + window.Size - 1)) & ~0xFFFUL) + 4096;

        var error = await Assert.ThrowsAsync<HarnessExitedException>(() =>
            HarnessProcess.StartAsync(new HarnessOptions { BusOffset = tooFar }, Ct));
        Assert.Contains($"--bus-offset: 0x{tooFar:X} puts the DRAM window", error.Message, StringComparison.Ordinal);

        // the largest page-aligned offset that keeps the window reachable starts
        await using var edge = await HarnessProcess.StartAsync(new HarnessOptions { BusOffset = tooFar - 4096 }, Ct);
        Assert.Equal(tooFar - 4096, edge.Hello.BusOffset);
    }

    [Fact]
    public async Task Start_UnalignedBusOffsetOption_RefusedBeforeStarting() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => HarnessProcess.StartAsync(new HarnessOptions { BusOffset = 0x800 }, Ct));
}
