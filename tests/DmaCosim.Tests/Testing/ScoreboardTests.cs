// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

public sealed class ScoreboardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AssertMemory_AllBytesMatch_ReturnsVerifiedCount()
    {
        var memory = new ArrayMemory(4096);
        var expected = new ExpectedMemory().Expect(100, [1, 2, 3]).ExpectFill(200, 10, 0);
        await memory.WriteAsync(100, new byte[] { 1, 2, 3 }, Ct);

        Assert.Equal(13, await Scoreboard.AssertMemoryAsync(memory, expected, cancellationToken: Ct));
    }

    [Fact]
    public async Task AssertMemory_TwoWrongBytes_ReportsFirstAddressCountAndHexdump()
    {
        var memory = new ArrayMemory(4096);
        var data = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        await memory.WriteAsync(0x100, data, Ct);
        await memory.WriteAsync(0x100 + 37, new byte[] { 0xEE }, Ct);
        await memory.WriteAsync(0x100 + 50, new byte[] { 0xEF }, Ct);
        var expected = new ExpectedMemory().Expect(0x100, data, "destination");

        var error = await Assert.ThrowsAsync<MemoryMismatchException>(() => Scoreboard.AssertMemoryAsync(
            memory, expected, new ScoreboardContext { Seed = 77, Repro = "dmacosim demo --seed 77" }, Ct));

        Assert.Equal(0x125UL, error.Address);
        Assert.Equal(2, error.WrongBytes);
        Assert.Contains("first wrong byte at 0x125 ('destination' + 37)", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 0x25, found 0xee", error.Message, StringComparison.Ordinal);
        Assert.Contains("[ee]", error.Message, StringComparison.Ordinal);
        Assert.Contains("seed: 77", error.Message, StringComparison.Ordinal);
        Assert.Contains("repro: dmacosim demo --seed 77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertMemory_GuardOverwritten_NamesTheGuardRegion()
    {
        var memory = new ArrayMemory(4096);
        var expected = new ExpectedMemory();
        await Guards.PlaceAsync(memory, expected, 1024, 16, 8, Ct);
        await memory.WriteAsync(1024 + 16, new byte[] { 0 }, Ct); // one byte past the destination

        var error = await Assert.ThrowsAsync<MemoryMismatchException>(
            () => Scoreboard.AssertMemoryAsync(memory, expected, cancellationToken: Ct));

        Assert.Contains("'guard after' + 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expect_OverlappingRegions_Throws()
    {
        var expected = new ExpectedMemory().Expect(100, new byte[10], "a");

        Assert.Throws<ArgumentException>(() => expected.Expect(109, new byte[1], "b"));
    }

    [Fact]
    public void SeededPattern_SameSeed_SameBytesDifferentSeedDifferentBytes()
    {
        Assert.Equal(SeededPattern.Create(100, 3), SeededPattern.Create(100, 3));
        Assert.NotEqual(SeededPattern.Create(100, 3), SeededPattern.Create(100, 4));
        Assert.Equal(SeededPattern.Create(100, 3).AsSpan(0, 13).ToArray(), SeededPattern.Create(13, 3));
    }

    [Fact]
    public void HexDumpDiff_DifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => HexDump.Diff(new byte[2], new byte[3], 0, 0));
    }

    [Fact]
    public void HexDumpFormat_SixteenBytes_OneRowWithAddressHexAndAscii()
    {
        var text = HexDump.Format("ABCDEFGHIJKLMNOP"u8, 0x1000);

        Assert.Equal("00001000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP\n", text);
    }

    /// <summary>A plain byte array as DRAM at address 0: the scoreboard's own logic, no simulator involved.</summary>
    private sealed class ArrayMemory(int size) : ISimMemory
    {
        private readonly byte[] _bytes = new byte[size];

        public IReadOnlyList<DramWindowInfo> Windows { get; } = [new DramWindowInfo(0, (ulong)size, "")];

        public Task<byte[]> ReadAsync(ulong address, int length, CancellationToken cancellationToken = default) =>
            Task.FromResult(_bytes.AsSpan((int)address, length).ToArray());

        public Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            data.Span.CopyTo(_bytes.AsSpan((int)address));
            return Task.CompletedTask;
        }

        public Task FillAsync(ulong address, int length, byte value, CancellationToken cancellationToken = default)
        {
            _bytes.AsSpan((int)address, length).Fill(value);
            return Task.CompletedTask;
        }
    }
}
