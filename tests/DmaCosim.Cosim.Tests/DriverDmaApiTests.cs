// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The CDMA driver on the DMA API (issue #4 item 7): its descriptors are blocks of a
/// <see cref="DmaPool"/> in the device's coherent memory, written and read by CPU accesses through the
/// cache RTL; the buffers it is given are mapped, checked and unmapped through its <see cref="DmaDevice"/>.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class DriverDmaApiTests(HarnessFixture fixture)
{
    private const int Length = 3000; // not a whole number of lines: partial lines at both ends

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Descriptors_ComeFromThePoolInCoherentMemory_WrittenByTheCpuOverTheBus()
    {
        var channel = await ProbedChannelAsync();
        var before = await fixture.Sim.StatsAsync(cancellationToken: Ct);

        var transaction = await channel.PrepMemcpyAsync(0x0250_0000, 0x0150_0000, 2 * (ulong)CdmaRegisters.BttMax, Ct);
        var after = await fixture.Sim.StatsAsync(cancellationToken: Ct);

        var options = channel.Device.Options;
        Assert.Equal(2, channel.DescriptorPool.InUse);
        Assert.All(transaction.Descriptors, d =>
        {
            Assert.InRange(d, options.CoherentBase, options.CoherentBase + options.CoherentSize - CdmaDescriptor.Size);
            Assert.Equal(0UL, d % CdmaDescriptor.Size);
        });
        // the CPU's uncached stores reached DRAM through the arbiter: AXI writes on the DRAM port
        Assert.True(after.Writes > before.Writes, $"DRAM writes {before.Writes} -> {after.Writes}");
        var first = await fixture.Memory.ReadAsync(transaction.Descriptors[0], CdmaDescriptor.HardwareSize, Ct);
        Assert.Equal(transaction.Descriptors[1], BitConverter.ToUInt64(first, CdmaDescriptor.NextOffset));
        await channel.SubmitAsync(transaction, Ct);
        await channel.TerminateAllAsync(Ct);
        Assert.Equal(0, channel.DescriptorPool.InUse);
    }

    [Fact]
    public async Task Copy_CpuBuffers_MappedCopiedUnmapped_CpuSeesTheBytesAndNoViolation()
    {
        var channel = await ProbedChannelAsync();
        var device = channel.Device;
        var source = device.Allocate(Length);
        var destination = device.Allocate(Length);
        var data = SeededPattern.Create(Length, 41);
        await device.CpuWriteAsync(source, 0, data, Ct);         // dirty in the cache: the map must clean it
        await device.CpuReadAsync(destination, 0, Length, Ct);   // stale lines cached: the unmap must drop them

        var transaction = await channel.CopyAsync(destination, source, cancellationToken: Ct);

        Assert.Equal(CdmaTransactionState.Complete, transaction.State);
        Assert.Equal(data, await device.CpuReadAsync(destination, 0, Length, Ct));
        Assert.Empty(device.Mappings);
        Assert.Equal(0, channel.DescriptorPool.InUse);
        Assert.Empty((await fixture.Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Fact]
    public async Task Copy_TransferFails_BothBuffersUnmappedAnyway()
    {
        var channel = await ProbedChannelAsync();
        var device = channel.Device;
        var source = device.Allocate(Length);
        var destination = device.Allocate(Length);
        await using (await fixture.MemConfigScopeAsync(new MemConfig
        {
            Faults = [new FaultWindow(source.Address, 64, AxiFault.SlvErr, FaultDirection.Read)],
        }))
        {
            var error = await Assert.ThrowsAsync<CdmaTransferException>(
                () => channel.CopyAsync(destination, source, cancellationToken: Ct));
            Assert.Contains("DMASlvErr", error.Status.Errors, StringComparison.Ordinal);
        }

        Assert.Empty(device.Mappings);
        Assert.Equal(0, channel.DescriptorPool.InUse);
    }

    [Fact]
    public async Task Interrupt_ErrorInTheMiddleTransaction_OnlyTheOneBeforeItCompletes()
    {
        const ulong Source = 0x0160_0000, Destination = 0x0260_0000, Size = 4096;
        var channel = await ProbedChannelAsync();
        await fixture.Memory.WriteAsync(Source, SeededPattern.Create(3 * (int)Size, 43), Ct);
        var transactions = new List<CdmaTransaction>();
        for (var i = 0UL; i < 3; i++)
        {
            var transaction = await channel.PrepMemcpyAsync(Destination + (i * Size), Source + (i * Size), Size, Ct);
            await channel.SubmitAsync(transaction, Ct);
            transactions.Add(transaction);
        }

        await using (await fixture.MemConfigScopeAsync(new MemConfig
        {
            Faults = [new FaultWindow(Source + Size, 64, AxiFault.SlvErr, FaultDirection.Read)],
        }))
        {
            await channel.IssuePendingAsync(Ct);
            await channel.RunUntilInterruptAsync(1_000_000, Ct);
        }

        // the third descriptor was never fetched: its STATUS is still 0, which must not count as complete
        Assert.Equal(
            [CdmaTransactionState.Complete, CdmaTransactionState.Error, CdmaTransactionState.Error],
            transactions.Select(t => t.State));
        Assert.Equal(SeededPattern.Create(3 * (int)Size, 43)[..(int)Size], await fixture.Memory.ReadAsync(Destination, (int)Size, Ct));
        Assert.Equal(0, channel.DescriptorPool.InUse);
    }

    [Fact]
    public async Task PrepMemcpy_SourceOwnedByTheCpu_RefusedByTheDebugCheck()
    {
        var (channel, to, from) = await MappedPairAsync(DmaDirection.ToDevice);
        await channel.Device.SyncForCpuAsync(from, Length, DmaDirection.ToDevice, Ct);

        var error = await Assert.ThrowsAsync<DmaApiException>(() => channel.PrepMemcpyAsync(to, from, cancellationToken: Ct));

        Assert.Equal("CPU", error.Owner);
        Assert.Equal(0, channel.DescriptorPool.InUse);
    }

    [Fact]
    public async Task PrepMemcpy_SourceMappedFromDevice_RefusedByTheDebugCheck()
    {
        var (channel, to, from) = await MappedPairAsync(DmaDirection.FromDevice);

        var error = await Assert.ThrowsAsync<DmaApiException>(() => channel.PrepMemcpyAsync(to, from, cancellationToken: Ct));

        Assert.Contains("FromDevice", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, channel.DescriptorPool.InUse);
    }

    [Fact]
    public async Task PrepMemcpy_LongerThanAMapping_RefusedByTheDebugCheck()
    {
        var (channel, to, from) = await MappedPairAsync(DmaDirection.ToDevice);

        var error = await Assert.ThrowsAsync<DmaApiException>(() => channel.PrepMemcpyAsync(to, from, Length + 1, Ct));

        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepMemcpy_MappingOfAnotherDeviceOrUnmapped_RefusedByTheDebugCheck()
    {
        var (channel, to, from) = await MappedPairAsync(DmaDirection.ToDevice);
        var cpu = new SimCpu(fixture.Sim);
        var other = new DmaDevice(cpu, cpu, new DmaDeviceOptions { HeapBase = 0x0C00_0000, HeapSize = 0x0100_0000 });
        var foreign = await other.MapSingleAsync(other.Allocate(Length), DmaDirection.ToDevice, cancellationToken: Ct);
        await channel.Device.UnmapAsync(to, Length, DmaDirection.FromDevice, Ct);

        await Assert.ThrowsAsync<DmaApiException>(() => channel.PrepMemcpyAsync(to, from, cancellationToken: Ct));
        await Assert.ThrowsAsync<DmaApiException>(() => channel.PrepMemcpyAsync(to, foreign, cancellationToken: Ct));
    }

    private async Task<(CdmaChannel Channel, DmaMapping To, DmaMapping From)> MappedPairAsync(DmaDirection sourceDirection)
    {
        var channel = await ProbedChannelAsync();
        var device = channel.Device;
        var from = await device.MapSingleAsync(device.Allocate(Length), sourceDirection, cancellationToken: Ct);
        var to = await device.MapSingleAsync(device.Allocate(Length), DmaDirection.FromDevice, cancellationToken: Ct);
        return (channel, to, from);
    }

    private async Task<CdmaChannel> ProbedChannelAsync()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        await fixture.Sim.CoherencyAsync(clear: true, cancellationToken: Ct);
        return channel;
    }
}
