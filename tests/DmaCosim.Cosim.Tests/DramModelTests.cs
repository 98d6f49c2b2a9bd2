// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The DRAM model's knobs seen through the engine: latency, seeded backpressure on every channel,
/// fault windows answering SLVERR / DECERR; and the batch and stats ops.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class DramModelTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int, int, int> BackpressureSweep()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var length in new[] { 1, 7, 8, 9, 17, 33, 64, 4095, 4097, 65537 })
        {
            data.Add(length, 0, 0);
            data.Add(length, 4096 - 5, 3);
            data.Add(length, 13, 4096 - 9);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BackpressureSweep))]
    public async Task Memcpy_RandomBackpressureOnEveryChannel_DestinationExact(int length, int sourceOffset, int destinationOffset)
    {
        var seed = (ulong)((length * 7) + sourceOffset);
        await using var scope = await fixture.MemConfigScopeAsync(new MemConfig { Backpressure = Backpressure.All(0.4), Seed = seed });
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);

        var result = await fixture.CopyAndCheckAsync(channel, 0x00C0_0000UL + (ulong)sourceOffset, 0x00D0_0000UL + (ulong)destinationOffset, length, seed);

        Assert.Equal((ulong)length, result.Bytes);
    }

    [Fact]
    public async Task Memcpy_SameBackpressureSeedTwice_SameCycleCountAndSlowerThanWithout()
    {
        var free = await CopyCyclesAsync(new MemConfig());
        var first = await CopyCyclesAsync(new MemConfig { Backpressure = Backpressure.All(0.5), Seed = 1234 });
        var second = await CopyCyclesAsync(new MemConfig { Backpressure = Backpressure.All(0.5), Seed = 1234 });
        var other = await CopyCyclesAsync(new MemConfig { Backpressure = Backpressure.All(0.5), Seed = 4321 });

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.True(first > free * 3 / 2, $"{first} cycles with backpressure, {free} without");
    }

    [Fact]
    public async Task Memcpy_ReadLatency20_EfficiencyAtLeast90Percent()
    {
        await using var scope = await fixture.MemConfigScopeAsync(new MemConfig { ReadLatency = 20 });
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);

        var result = await channel.MemcpyAsync(0x0200_0000, 0x0100_0000, 1 << 20, Ct);

        var efficiency = result.BytesPerCycle / fixture.Rtl.BytesPerBeat;
        Assert.True(efficiency >= 0.90, $"{efficiency:P1} of the bus ({result.Cycles} cycles)");
    }

    [Theory]
    [InlineData(AxiFault.SlvErr, FaultDirection.Read, "DMASlvErr")]
    [InlineData(AxiFault.DecErr, FaultDirection.Read, "DMADecErr")]
    [InlineData(AxiFault.SlvErr, FaultDirection.Write, "DMASlvErr")]
    [InlineData(AxiFault.DecErr, FaultDirection.Write, "DMADecErr")]
    public async Task Memcpy_FaultWindow_ErrorBitHaltsAndDestinationUntouchedThenResetRecovers(
        AxiFault response, FaultDirection direction, string errorBit)
    {
        const ulong source = 0x00E0_0000;
        const ulong destination = 0x00F0_0000;
        const int length = 16384;
        var faulted = direction == FaultDirection.Read ? source + 8192 : destination + 8192;
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await fixture.Memory.WriteAsync(source, SeededPattern.Create(length, 5), Ct);
        var expected = new ExpectedMemory();
        await Guards.PlaceAsync(fixture.Memory, expected, destination, length, cancellationToken: Ct);
        CdmaTransferException error;
        await using (await fixture.MemConfigScopeAsync(new MemConfig { Faults = [new FaultWindow(faulted, 64, response, direction)] }))
        {
            error = await Assert.ThrowsAsync<CdmaTransferException>(() => channel.MemcpyAsync(destination, source, length, Ct));
        }

        var faultedBytes = await fixture.Memory.ReadAsync(destination + 8192, 64, Ct);
        await channel.ResetAsync(Ct);
        await channel.MemcpyAsync(destination, source, length, Ct);

        Assert.Equal(errorBit, error.Status.Errors);
        Assert.True(error.Status.ErrIrq);
        Assert.True(error.Status.Idle);
        if (direction == FaultDirection.Write)
        {
            Assert.All(faultedBytes, b => Assert.Equal(Guards.Value, b)); // the faulted burst wrote nothing
        }

        Assert.Equal(SeededPattern.Create(length, 5), await fixture.Memory.ReadAsync(destination, length, Ct));
        await Scoreboard.AssertMemoryAsync(fixture.Memory, expected, cancellationToken: Ct);
    }

    [Fact]
    public async Task MemConfig_OneBadField_BadRequestAndNothingChanges()
    {
        var before = await fixture.Sim.MemConfigAsync(new MemConfig(), Ct);

        var error = await Assert.ThrowsAsync<SimRequestException>(() => fixture.Sim.MemConfigAsync(
            new MemConfig { ReadLatency = 7, Backpressure = Backpressure.All(1.5) }, Ct));
        var after = await fixture.Sim.MemConfigAsync(new MemConfig(), Ct);

        Assert.Equal(SimErrorCode.BadRequest, error.ErrorCode);
        Assert.Contains("backpressure", error.HarnessMessage, StringComparison.Ordinal);
        Assert.Equal(before.ReadLatency, after.ReadLatency);
        Assert.Equal(before.Backpressure, after.Backpressure);
    }

    [Fact]
    public async Task Batch_ThousandRegisterReads_AllAnsweredInOrder()
    {
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        var requests = Enumerable.Range(0, 1000)
            .Select(i => new SimRequest("reg_read", new Dictionary<string, object?> { ["addr"] = i % 2 == 0 ? 0u : 4u }));

        var replies = await fixture.Sim.BatchAsync(requests, Ct);

        Assert.Equal(1000, replies.Count);
        Assert.All(replies.Where((_, i) => i % 2 == 0), r => Assert.Equal(CdmaRegisters.CdmacrResetValue, r.GetUInt64("value")));
        Assert.All(replies.Where((_, i) => i % 2 == 1), r => Assert.Equal(CdmaRegisters.CdmasrResetValue, r.GetUInt64("value")));
    }

    [Fact]
    public async Task Batch_BadEntry_StopsThereWithThePrecedingReplies()
    {
        var requests = Enumerable.Range(0, 10).Select(i =>
            new SimRequest("run", new Dictionary<string, object?> { ["cycles"] = i == 6 ? "x" : 1 }));

        var error = await Assert.ThrowsAsync<SimBatchException>(() => fixture.Sim.BatchAsync(requests, Ct));

        Assert.Equal(6, error.Index);
        Assert.Equal(6, error.Completed.Count);
        Assert.Equal(SimErrorCode.BadRequest, error.ErrorCode);
    }

    [Fact]
    public async Task Stats_OneMiBCopy_OneReadAndOneWriteBeatPerBusWord()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await fixture.Sim.StatsAsync(reset: true, Ct);

        await channel.MemcpyAsync(0x0200_0000, 0x0100_0000, 1 << 20, Ct);
        var stats = await fixture.Sim.StatsAsync(cancellationToken: Ct);

        var beats = (ulong)((1 << 20) / fixture.Rtl.BytesPerBeat);
        Assert.Equal(beats, stats.ReadBeats);
        Assert.Equal(beats, stats.WriteBeats);
        Assert.Equal(1UL << 20, stats.WriteBytes);
        Assert.Equal(0UL, stats.Errors);
    }

    private async Task<ulong> CopyCyclesAsync(MemConfig config)
    {
        await fixture.Sim.ResetAsync(cancellationToken: Ct); // restarts the backpressure RNG from its seed
        await using var scope = await fixture.MemConfigScopeAsync(config);
        var channel = new CdmaChannel(fixture.Sim, fixture.Rtl);
        await channel.ResetAsync(Ct);
        return (await channel.MemcpyAsync(0x0210_0000, 0x0110_0000, 65536, Ct)).Cycles;
    }
}
