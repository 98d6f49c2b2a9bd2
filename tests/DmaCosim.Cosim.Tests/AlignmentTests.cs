// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Any source and destination byte alignment (the realigner, PG034's DRE), swept as verilog-axi's
/// tests do: offsets {0..2×bytes-per-beat} ∪ {4096−2×bytes-per-beat..4095} within a page on each side.
/// For each length every source offset is used once, paired with a destination offset that rotates
/// through the whole set, so across lengths every (source, destination) lane pair occurs. Each
/// length runs without and with seeded random backpressure on all five AXI channels.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class AlignmentTests(HarnessFixture fixture)
{
    private const ulong SourcePage = 0x0080_0000;
    private const ulong DestinationPage = 0x00A0_0000;

    public static TheoryData<int, bool> Lengths()
    {
        var data = new TheoryData<int, bool>();
        foreach (var length in Enumerable.Range(1, 64).Concat([255, 4095, 4097, 65537]))
        {
            data.Add(length, false);
            data.Add(length, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task Memcpy_EveryOffsetPairing_DestinationExactAndGuardsIntact(int length, bool backpressure)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await fixture.MemConfigScopeAsync(backpressure
            ? new MemConfig { Backpressure = Backpressure.All(0.3), Seed = (ulong)length }
            : new MemConfig());
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(ct);
        var offsets = Offsets(fixture.Rtl.BytesPerBeat);
        var step = length > 4096 ? 7 : 1; // the large copies sample the source offsets
        for (var i = 0; i < offsets.Count; i += step)
        {
            var sourceOffset = offsets[i];
            var destinationOffset = offsets[((i * 5) + length) % offsets.Count];
            await fixture.CopyAndCheckAsync(channel, SourcePage + (ulong)sourceOffset, DestinationPage + (ulong)destinationOffset,
                length, (ulong)((length * 8191) + (sourceOffset * 31) + destinationOffset),
                $"AlignmentTests: length {length}, source page offset {sourceOffset}, destination page offset {destinationOffset}");
        }
    }

    internal static List<int> Offsets(int bytesPerBeat) =>
        [.. Enumerable.Range(0, (2 * bytesPerBeat) + 1), .. Enumerable.Range(4096 - (2 * bytesPerBeat), 2 * bytesPerBeat)];
}
