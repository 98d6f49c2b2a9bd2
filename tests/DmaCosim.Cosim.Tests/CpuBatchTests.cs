// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// <see cref="SimClient.CpuReadManyAsync"/> and <see cref="SimClient.CpuWriteManyAsync"/>: one request for
/// many CPU accesses, which must be exactly the accesses of one <c>cpu_read</c> / <c>cpu_write</c> after
/// another — the same bytes, the same cache state, the same cycles — and must refuse a bad access before
/// anything runs.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class CpuBatchTests(HarnessFixture fixture)
{
    private const ulong Region = 0x0640_0000;

    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Stores (cached and uncached, partial words, lines that hit and miss), then loads of the same and other bytes.</summary>
    private static IReadOnlyList<CpuWriteAccess> Stores { get; } =
    [
        new(Region + 4, SeededPattern.Create(8, 11)),
        new(Region + 70, SeededPattern.Create(3, 12)),
        new(Region + 4096, SeededPattern.Create(64, 13), Cached: false),
        new(Region + 8, SeededPattern.Create(4, 14)),
    ];

    private static IReadOnlyList<CpuReadAccess> Loads { get; } =
    [
        new(Region, 16),
        new(Region + 68, 8),
        new(Region + 4096, 64, Cached: false),
        new(Region + 8192, 32),
    ];

    [Fact]
    public async Task WriteManyThenReadMany_SameBytesAndCyclesAsOneAccessAfterAnother()
    {
        var (oneByOne, oneByOneCycles) = await FromFreshAsync(async () =>
        {
            foreach (var store in Stores)
            {
                await Sim.CpuWriteAsync(store.Address, store.Data, store.Cached, Ct);
            }

            var loads = new List<byte[]>();
            foreach (var load in Loads)
            {
                loads.Add(await Sim.CpuReadAsync(load.Address, load.Length, load.Cached, Ct));
            }

            return loads;
        });
        var (together, togetherCycles) = await FromFreshAsync(async () =>
        {
            await Sim.CpuWriteManyAsync(Stores, Ct);
            return await Sim.CpuReadManyAsync(Loads, Ct);
        });

        Assert.Equal(oneByOne, together);
        Assert.Equal(oneByOneCycles, togetherCycles);
        Assert.Equal(Loads.Select(load => load.Length), together.Select(bytes => bytes.Length));
        var firstLoad = new byte[16]; // DRAM was zeroed; store 0 wrote bytes 4..11, store 3 then bytes 8..11
        Stores[0].Data.CopyTo(firstLoad.AsMemory(4));
        Stores[3].Data.CopyTo(firstLoad.AsMemory(8));
        Assert.Equal(firstLoad, together[0]);
    }

    [Fact]
    public async Task WriteMany_ReturnsTheCycleAfterTheLastStore()
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        var before = await Sim.RunAsync(0, Ct);

        var after = await Sim.CpuWriteManyAsync(Stores, Ct);

        Assert.True(after > before, $"cycle {after} after the stores, {before} before");
        Assert.Equal(after, await Sim.RunAsync(0, Ct));
    }

    [Fact]
    public async Task ReadMany_LoadOutsideDram_FailsWithItsPositionAndTheLoadsBeforeItRan()
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        var window = fixture.Harness.Hello.Dram[0];
        var beyond = window.Base + window.Size - 2;
        await fixture.Memory.WriteAsync(Region, SeededPattern.Create(8, 21), Ct);

        var error = await Assert.ThrowsAsync<SimBatchException>(() =>
            Sim.CpuReadManyAsync([new(Region, 8), new(beyond, 4), new(Region, 4)], Ct));

        Assert.Equal(1, error.Index);
        Assert.Equal(SimErrorCode.BadAddress, error.ErrorCode);
        Assert.Equal("cpu_read", error.Op);
        var ran = Assert.Single(error.Completed);
        Assert.Equal(SeededPattern.Create(8, 21), ran.GetBytes("data"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SimClient.MaxCpuOp + 1)]
    public async Task ReadMany_BadLength_ThrowsBeforeAnythingRuns(int length)
    {
        var before = await Sim.RunAsync(0, Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Sim.CpuReadManyAsync([new(Region, 4), new(Region, length)], Ct));

        Assert.Equal(before, await Sim.RunAsync(0, Ct));
    }

    [Fact]
    public async Task WriteMany_EmptyStore_ThrowsBeforeAnythingRuns()
    {
        await fixture.Memory.FillAsync(Region, 8, 0x5A, Ct);
        var before = await Sim.RunAsync(0, Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Sim.CpuWriteManyAsync([new(Region, new byte[4], Cached: false), new(Region + 4, ReadOnlyMemory<byte>.Empty)], Ct));

        Assert.Equal(before, await Sim.RunAsync(0, Ct));
        Assert.All(await fixture.Memory.ReadAsync(Region, 8, Ct), b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public async Task ReadManyAndWriteMany_NoAccesses_RunNothing()
    {
        var before = await Sim.RunAsync(0, Ct);

        Assert.Empty(await Sim.CpuReadManyAsync([], Ct));
        Assert.Equal(before, await Sim.CpuWriteManyAsync([], Ct));
        Assert.Equal(before, await Sim.RunAsync(0, Ct));
    }

    /// <summary>After a reset (every cache line invalid) and with DRAM zeroed, runs <paramref name="accesses"/>; returns what they returned and the cycles they took.</summary>
    private async Task<(IReadOnlyList<byte[]> Loads, ulong Cycles)> FromFreshAsync(Func<Task<IReadOnlyList<byte[]>>> accesses)
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        await fixture.Memory.FillAsync(Region, 16384, 0, Ct);
        var start = await Sim.RunAsync(0, Ct);
        var loads = await accesses();
        return (loads, await Sim.RunAsync(0, Ct) - start);
    }
}
