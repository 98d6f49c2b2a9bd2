// SPDX-License-Identifier: MIT
using DmaCosim.Driver;
using DmaCosim.Testing;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Cosim.Tests;

/// <summary>The dmaengine-style driver (prep / submit / issue_pending / interrupt) on the SG engine.</summary>
[Collection(SharedHarness.Name)]
public sealed class EngineTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Probe_PowerOn_FindsScatterGatherAndEnablesTheThreeInterrupts()
    {
        var channel = await ProbedChannelAsync();

        var control = await fixture.Sim.RegReadAsync(CdmacrOffset, Ct);

        Assert.True(channel.HasScatterGather);
        Assert.Equal(0x7000u, control & 0x7000u);
    }

    [Fact]
    public async Task IssuePending_FiveCopies_OneCoalescedInterruptCompletesAllExactly()
    {
        var channel = await ProbedChannelAsync();
        var expected = new ExpectedMemory();
        var transactions = new List<CdmaTransaction>();
        for (var i = 0; i < 5; i++)
        {
            var (source, destination, length) = (0x0100_0000UL + ((ulong)i * 0x1_0003), 0x0200_0000UL + ((ulong)i * 0x1_0101), 1000 + (i * 4097));
            var data = SeededPattern.Create(length, (ulong)i);
            await fixture.Memory.WriteAsync(source, data, Ct);
            await Guards.PlaceAsync(fixture.Memory, expected, destination, length, cancellationToken: Ct);
            expected.Expect(destination, data, $"destination {i}");
            var transaction = await channel.PrepMemcpyAsync(destination, source, (ulong)length, Ct);
            await channel.SubmitAsync(transaction, Ct);
            transactions.Add(transaction);
        }

        await channel.IssuePendingAsync(Ct);
        var finished = await channel.RunUntilInterruptAsync(1_000_000, Ct);

        Assert.Equal(5, finished);
        Assert.All(transactions, t => Assert.Equal(CdmaTransactionState.Complete, t.State));
        Assert.Equal([1, 2, 3, 4, 5], transactions.Select(t => t.Cookie));
        await Scoreboard.AssertMemoryAsync(fixture.Memory, expected, cancellationToken: Ct);
    }

    [Fact]
    public async Task Descriptor_AfterCompletion_HasCmpltAndBytes0x20To0x3FUntouched()
    {
        var channel = await ProbedChannelAsync();
        var transaction = await channel.PrepMemcpyAsync(0x0210_0000, 0x0110_0000, 4096, Ct);
        var descriptor = transaction.Descriptors[0];
        var marker = Enumerable.Repeat((byte)0x5A, 32).ToArray();
        await fixture.Memory.WriteAsync(descriptor + 0x20, marker, Ct);
        await channel.SubmitAsync(transaction, Ct);
        await channel.IssuePendingAsync(Ct);

        await channel.WaitAsync(transaction, cancellationToken: Ct);
        var bytes = await fixture.Memory.ReadAsync(descriptor, CdmaDescriptor.Size, Ct);

        Assert.Equal(CdmaDescriptor.StatusComplete, BitConverter.ToUInt32(bytes, CdmaDescriptor.StatusOffset));
        Assert.Equal(marker, bytes[0x20..]);
        Assert.Equal(4096u, BitConverter.ToUInt32(bytes, CdmaDescriptor.ControlOffset));
    }

    [Fact]
    public async Task PrepMemcpy_LongerThanBttMax_SplitsIntoChainedDescriptors()
    {
        var channel = await ProbedChannelAsync();
        var length = (ulong)BttMax + 100;

        var transaction = await channel.PrepMemcpyAsync(0x1000_0000, 0x0800_0000, length, Ct);
        var first = await fixture.Memory.ReadAsync(transaction.Descriptors[0], CdmaDescriptor.Size, Ct);
        var second = await fixture.Memory.ReadAsync(transaction.Descriptors[1], CdmaDescriptor.Size, Ct);

        Assert.Equal(2, transaction.Descriptors.Count);
        Assert.Equal(transaction.Descriptors[1], BitConverter.ToUInt64(first, CdmaDescriptor.NextOffset));
        Assert.Equal(BttMax, BitConverter.ToUInt32(first, CdmaDescriptor.ControlOffset));
        Assert.Equal(100u, BitConverter.ToUInt32(second, CdmaDescriptor.ControlOffset));
        Assert.Equal(0x0800_0000UL + BttMax, BitConverter.ToUInt64(second, CdmaDescriptor.SourceOffset));
        Assert.Equal(0x1000_0000UL + BttMax, BitConverter.ToUInt64(second, CdmaDescriptor.DestinationOffset));
        await channel.TerminateAllAsync(Ct);
    }

    [Fact]
    public async Task Wait_SourceOutsideDram_FailsWithDmaDecErrAndTheNextSubmitResetsFirst()
    {
        var channel = await ProbedChannelAsync();
        var bad = await channel.PrepMemcpyAsync(0x0220_0000, 0x5000_0000, 4096, Ct);
        await channel.SubmitAsync(bad, Ct);
        await channel.IssuePendingAsync(Ct);

        var error = await Assert.ThrowsAsync<CdmaTransferException>(() => channel.WaitAsync(bad, cancellationToken: Ct));
        var data = SeededPattern.Create(3000, 77);
        await fixture.Memory.WriteAsync(0x0120_0000, data, Ct);
        var good = await channel.PrepMemcpyAsync(0x0230_0000, 0x0120_0000, 3000, Ct);
        await channel.SubmitAsync(good, Ct);
        await channel.IssuePendingAsync(Ct);
        await channel.WaitAsync(good, cancellationToken: Ct);

        Assert.Contains("DMADecErr", error.Status.Errors, StringComparison.Ordinal);
        Assert.Null(channel.Failure);
        Assert.Equal(data, await fixture.Memory.ReadAsync(0x0230_0000, 3000, Ct));
    }

    [Fact]
    public async Task TerminateAll_PendingTransaction_FailsItAndFreesItsDescriptors()
    {
        var channel = await ProbedChannelAsync();
        var transaction = await channel.PrepMemcpyAsync(0x0240_0000, 0x0140_0000, 64, Ct);
        await channel.SubmitAsync(transaction, Ct);
        Assert.Equal(1, channel.DescriptorPool.InUse);

        await channel.TerminateAllAsync(Ct);

        await Assert.ThrowsAsync<OperationCanceledException>(() => transaction.Completion);
        Assert.Equal(0, channel.DescriptorPool.InUse);
    }

    private async Task<CdmaChannel> ProbedChannelAsync()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        return channel;
    }
}
