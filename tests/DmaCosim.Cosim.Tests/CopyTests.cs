// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Simple-mode copies swept as verilog-axi's tests do: every length from 1 to 4 beats of the widest
/// build (128 bits: 64 bytes) plus 4096 and 65537, at beat-aligned offsets on both sides of a 4 KiB boundary, each checked
/// byte-for-byte with guard bytes around the destination.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class CopyTests(HarnessFixture fixture)
{
    private const ulong SourcePage = 0x0020_0000;
    private const ulong DestinationPage = 0x0040_0000;

    /// <summary>(source offset, destination offset) in a page: start of page, and just below a 4 KiB boundary.</summary>
    private static readonly (int Source, int Destination)[] Placements =
    [
        (0, 0),
        (4096 - 16, 16),
        (32, 4096 - 8),
        (4096 - 32, 4096 - 64),
    ];

    public static TheoryData<int, int, int> Sweep()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var length in Enumerable.Range(1, 64).Append(4096).Append(65537))
        {
            foreach (var (source, destination) in Placements)
            {
                data.Add(length, source, destination);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sweep))]
    public async Task Memcpy_LengthAndPlacement_DestinationExactAndGuardsIntact(int length, int sourceOffset, int destinationOffset)
    {
        var seed = (ulong)((length * 31) + sourceOffset + (destinationOffset * 7));
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(TestContext.Current.CancellationToken);

        var result = await fixture.CopyAndCheckAsync(
            channel, SourcePage + (ulong)sourceOffset, DestinationPage + (ulong)destinationOffset, length, seed);

        Assert.Equal((ulong)length, result.Bytes);
    }

    [Fact]
    public async Task Memcpy_OneMiB_ReadsAndWritesOverlapNearFullBusRate()
    {
        var ct = TestContext.Current.CancellationToken;
        const int length = 1 << 20;
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(ct);
        await fixture.Memory.WriteAsync(0x0100_0000, SeededPattern.Create(length, 5), ct);

        var result = await channel.MemcpyAsync(0x0200_0000, 0x0100_0000, length, ct);

        // Deterministic cycle count: with zero-latency memory and reads overlapping writes the engine
        // moves close to one beat per cycle; serialised read-then-write would need twice as long.
        var beats = (double)length / fixture.Rtl.BytesPerBeat;
        Assert.InRange(result.Cycles, (ulong)beats, (ulong)(beats * 1.25));
    }
}
