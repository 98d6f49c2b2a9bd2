// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The CPU data cache of DESIGN §3.3 through the harness's CPU port: miss then hit, write-back with
/// write-allocate, LRU replacement (and write-back of dirty victims only), clean / invalidate / flush
/// of one line and of a range with partial first and last lines, uncached loads and stores, and byte
/// strobes. Each test compares what the CPU sees with what DRAM holds (backdoor) and checks the deltas
/// of the cache's hit / miss / write-back counters and of the DRAM bursts the cache caused. Geometry
/// comes from <c>hello</c>; every test starts from a hardware reset (every line invalid).
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class CacheTests(HarnessFixture fixture)
{
    private const ulong Region = 0x0600_0000;

    private SimClient Sim => fixture.Sim;

    private int LineBytes => fixture.Rtl.CacheLine;

    private int Ways => fixture.Rtl.CacheWays;

    private int WordsPerLine => LineBytes / 4;

    /// <summary>A line-aligned address in set 5 (not set 0, so a set index of 0 cannot pass by accident).</summary>
    private ulong Base => Region + (5 * (ulong)LineBytes);

    /// <summary>From the last byte of line 1 to the first byte of line 3 (of five lines from <see cref="Base"/>).</summary>
    private ulong PartialRangeStart => Base + (2 * (ulong)LineBytes) - 1;

    private ulong PartialRangeLength => (ulong)LineBytes + 2;

    /// <summary>What one cold line read word by word costs: a miss and its fill, then a hit per further word.</summary>
    private Counters ColdLine => Misses(1) + Fills(1) + Hits(WordsPerLine - 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CachedLoad_ColdLineThenSameLineAgain_MissWithOneFillThenHitWithoutBusTraffic()
    {
        await FreshAsync();
        var old = await PlaceAsync(Base, LineBytes, seed: 1);

        var (first, cold) = await CountAsync(() => Sim.CpuReadAsync(Base, 4, cancellationToken: Ct));
        var (second, warm) = await CountAsync(() => Sim.CpuReadAsync(Base + (ulong)LineBytes - 4, 4, cancellationToken: Ct));

        Assert.Equal(Misses(1) + Fills(1), cold);
        Assert.Equal(Hits(1), warm);
        Assert.Equal(old[..4], first);
        Assert.Equal(old[^4..], second);
    }

    [Fact]
    public async Task CachedStore_UncachedLine_AllocatesAndDramKeepsTheOldBytesWhileTheCpuSeesTheNew()
    {
        await FreshAsync();
        var old = await PlaceAsync(Base, LineBytes, seed: 2);
        var written = Inverted(old.AsSpan(8, 8));

        var store = await DeltaAsync(() => Sim.CpuWriteAsync(Base + 8, written, cancellationToken: Ct));
        var inDram = await fixture.Memory.ReadAsync(Base, LineBytes, Ct);
        var (seen, load) = await CountAsync(() => Sim.CpuReadAsync(Base, LineBytes, cancellationToken: Ct));

        Assert.Equal(Misses(1) + Fills(1) + Hits(1), store); // the second word hits the allocated line
        Assert.Equal(old, inDram);
        Assert.Equal(Hits(WordsPerLine), load);
        Assert.Equal(Spliced(old, 8, written), seen);
    }

    [Fact]
    public async Task Eviction_SetFullAndFirstLineTouchedAgain_LeastRecentlyUsedLineGoesNotTheTouchedOne()
    {
        Assert.SkipWhen(Ways < 2, "LRU order needs at least two ways");
        await FreshAsync();
        for (var i = 0; i < Ways; i++)
        {
            await LoadWordAsync(SameSet(i)); // fills every way of the set, line 0 first
        }

        await LoadWordAsync(SameSet(0)); // line 0 is now the most recent; line 1 the least recent

        var newcomer = await DeltaAsync(() => LoadWordAsync(SameSet(Ways)));
        var kept = await DeltaAsync(async () =>
        {
            foreach (var i in Enumerable.Range(0, Ways + 1).Where(i => i != 1))
            {
                await LoadWordAsync(SameSet(i)); // line 0, lines 2..Ways-1 and the newcomer
            }
        });
        var evicted = await DeltaAsync(() => LoadWordAsync(SameSet(1)));

        Assert.Equal(Misses(1) + Fills(1), newcomer);
        Assert.Equal(Hits(Ways), kept);
        Assert.Equal(Misses(1) + Fills(1), evicted);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Eviction_LeastRecentlyUsedVictim_WrittenBackOnlyWhenDirty(bool dirty)
    {
        await FreshAsync();
        var old = await PlaceAsync(SameSet(0), LineBytes, seed: 3);
        var written = Inverted(old);
        if (dirty)
        {
            await Sim.CpuWriteAsync(SameSet(0), written, cancellationToken: Ct);
        }
        else
        {
            await LoadWordAsync(SameSet(0));
        }

        for (var i = 1; i < Ways; i++)
        {
            await LoadWordAsync(SameSet(i)); // the set is full; line 0 is the least recent
        }

        var beforeEviction = await fixture.Memory.ReadAsync(SameSet(0), LineBytes, Ct);
        var evict = await DeltaAsync(() => LoadWordAsync(SameSet(Ways)));
        var afterEviction = await fixture.Memory.ReadAsync(SameSet(0), LineBytes, Ct);
        var (seen, reload) = await CountAsync(() => Sim.CpuReadAsync(SameSet(0), LineBytes, cancellationToken: Ct));

        Assert.Equal(old, beforeEviction);
        Assert.Equal(Misses(1) + Fills(1) + (dirty ? WriteBacks(1) : Counters.Zero), evict);
        Assert.Equal(dirty ? written : old, afterEviction);
        Assert.Equal(ColdLine, reload); // line 0 really was the victim
        Assert.Equal(afterEviction, seen);
    }

    [Fact]
    public async Task Clean_DirtyLine_DramGetsTheBytesTheLineStaysCachedAndASecondCleanWritesNothing()
    {
        var (written, clean, inDram, seen, load) = await MaintainDirtyLineAsync(CacheOp.Clean, seed: 4);
        var again = await DeltaAsync(() => Sim.CacheAsync(CacheOp.Clean, Base, (ulong)LineBytes, Ct));

        Assert.Equal(WriteBacks(1), clean);
        Assert.Equal(written, inDram);
        Assert.Equal(Hits(WordsPerLine), load);
        Assert.Equal(written, seen);
        Assert.Equal(Counters.Zero, again);
    }

    [Fact]
    public async Task Invalidate_DirtyLine_DirtyBytesDiscardedAndTheNextLoadMissesAndReturnsDramBytes()
    {
        var (written, invalidate, inDram, seen, load) = await MaintainDirtyLineAsync(CacheOp.Invalidate, seed: 5);
        var old = Inverted(written);

        Assert.Equal(Counters.Zero, invalidate);
        Assert.Equal(old, inDram);
        Assert.Equal(ColdLine, load);
        Assert.Equal(old, seen);
    }

    [Fact]
    public async Task Flush_DirtyLine_DramGetsTheBytesAndTheNextLoadMisses()
    {
        var (written, flush, inDram, seen, load) = await MaintainDirtyLineAsync(CacheOp.Flush, seed: 6);

        Assert.Equal(WriteBacks(1), flush);
        Assert.Equal(written, inDram);
        Assert.Equal(ColdLine, load);
        Assert.Equal(written, seen);
    }

    [Fact]
    public async Task Clean_RangeFromTheLastByteOfALineToTheFirstByteOfAnother_WritesBackEveryLineItTouchesAndNoOther()
    {
        var (written, clean, inDram, seen, load) = await MaintainDirtyLinesAsync(CacheOp.Clean, seed: 7, lines: 5,
            PartialRangeStart, PartialRangeLength);
        var old = Inverted(written);

        Assert.Equal(WriteBacks(3), clean);
        Assert.Equal(LinesOf(old, written, written, written, old), inDram);
        Assert.Equal(written, seen);
        Assert.Equal(Hits(5 * WordsPerLine), load);
    }

    [Fact]
    public async Task Invalidate_RangeFromTheLastByteOfALineToTheFirstByteOfAnother_DropsEveryLineItTouchesAndNoOther()
    {
        var (written, invalidate, inDram, seen, load) = await MaintainDirtyLinesAsync(CacheOp.Invalidate, seed: 8, lines: 5,
            PartialRangeStart, PartialRangeLength);
        var old = Inverted(written);

        Assert.Equal(Counters.Zero, invalidate);
        Assert.Equal(old, inDram);
        Assert.Equal(LinesOf(written, old, old, old, written), seen);
        Assert.Equal(Hits(WordsPerLine) + ColdLine + ColdLine + ColdLine + Hits(WordsPerLine), load);
    }

    [Fact]
    public async Task UncachedStore_GoesStraightToDramAndDoesNotAllocateTheLine()
    {
        await FreshAsync();
        var old = await PlaceAsync(Base, LineBytes, seed: 9);
        var written = Inverted(old.AsSpan(0, 8));

        var store = await DeltaAsync(() => Sim.CpuWriteAsync(Base, written, cached: false, Ct));
        var inDram = await fixture.Memory.ReadAsync(Base, LineBytes, Ct);
        var (seen, load) = await CountAsync(() => Sim.CpuReadAsync(Base, 8, cancellationToken: Ct));

        Assert.Equal(Counters.Zero with { WriteBursts = 2, WriteBytes = 8 }, store);
        Assert.Equal(Spliced(old, 0, written), inDram);
        Assert.Equal(Misses(1) + Fills(1) + Hits(1), load);
        Assert.Equal(written, seen);
    }

    [Fact]
    public async Task UncachedLoad_LineDirtyInTheCache_ReturnsDramBytesAndLeavesHitMissCountersAndTheLineAlone()
    {
        await FreshAsync();
        var written = await DirtyLinesAsync(Base, seed: 10);

        var (seen, load) = await CountAsync(() => Sim.CpuReadAsync(Base, LineBytes, cached: false, Ct));
        var (cachedSeen, cachedLoad) = await CountAsync(() => Sim.CpuReadAsync(Base, LineBytes, cancellationToken: Ct));

        Assert.Equal(Inverted(written), seen);
        Assert.Equal(Counters.Zero with { ReadBursts = (ulong)WordsPerLine, ReadBytes = (ulong)LineBytes }, load);
        Assert.Equal(written, cachedSeen);
        Assert.Equal(Hits(WordsPerLine), cachedLoad);
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(3, 1, true)]
    [InlineData(1, 2, true)]
    [InlineData(2, 2, true)]
    [InlineData(3, 2, true)] // crosses a word
    [InlineData(1, 3, true)]
    [InlineData(5, 1, true)] // upper word of a 64-bit beat
    [InlineData(7, 2, true)] // crosses a 64-bit beat
    [InlineData(13, 7, true)]
    [InlineData(2, 1, false)]
    [InlineData(3, 2, false)]
    [InlineData(6, 3, false)]
    public async Task Store_FewerThanFourOrUnalignedBytes_ChangesExactlyThoseBytes(int offset, int length, bool cached)
    {
        await FreshAsync();
        var old = await PlaceAsync(Base, LineBytes, seed: 11);
        var written = Inverted(old.AsSpan(offset, length));
        var expected = Spliced(old, offset, written);

        await Sim.CpuWriteAsync(Base + (ulong)offset, written, cached, Ct);
        var seen = await Sim.CpuReadAsync(Base, LineBytes, cancellationToken: Ct);
        await Sim.CacheAsync(CacheOp.Clean, Base, (ulong)LineBytes, Ct);

        Assert.Equal(expected, seen);
        Assert.Equal(expected, await fixture.Memory.ReadAsync(Base, LineBytes, Ct));
    }

    /// <summary>The <paramref name="i"/>-th line that maps to the set of <see cref="Base"/>.</summary>
    private ulong SameSet(int i) => Base + ((ulong)i * (ulong)fixture.Rtl.CacheSets * (ulong)LineBytes);

    private static Counters Hits(int n) => Counters.Zero with { Hits = (ulong)n };

    private static Counters Misses(int n) => Counters.Zero with { Misses = (ulong)n };

    private Counters Fills(int n) => Counters.Zero with { ReadBursts = (ulong)n, ReadBytes = (ulong)(n * LineBytes) };

    private Counters WriteBacks(int n) =>
        Counters.Zero with { WriteBacks = (ulong)n, WriteBursts = (ulong)n, WriteBytes = (ulong)(n * LineBytes) };

    /// <summary>Hardware reset: every line invalid, the cache counters at zero.</summary>
    private async Task FreshAsync() => await Sim.ResetAsync(cancellationToken: Ct);

    /// <summary>Writes a seeded pattern into DRAM through the backdoor and returns it.</summary>
    private async Task<byte[]> PlaceAsync(ulong address, int length, ulong seed)
    {
        var bytes = SeededPattern.Create(length, seed);
        await fixture.Memory.WriteAsync(address, bytes, Ct);
        return bytes;
    }

    /// <summary>
    /// Places a seeded pattern in DRAM over <paramref name="lines"/> lines, then stores its inverse
    /// through the cache (every byte differs): the lines are dirty. Returns the stored bytes.
    /// </summary>
    private async Task<byte[]> DirtyLinesAsync(ulong address, ulong seed, int lines = 1)
    {
        var written = Inverted(await PlaceAsync(address, lines * LineBytes, seed));
        await Sim.CpuWriteAsync(address, written, cancellationToken: Ct);
        return written;
    }

    private Task<Maintained> MaintainDirtyLineAsync(CacheOp operation, ulong seed) =>
        MaintainDirtyLinesAsync(operation, seed, lines: 1, Base, (ulong)LineBytes);

    /// <summary>
    /// From a reset: dirties <paramref name="lines"/> lines from <see cref="Base"/>, runs
    /// <paramref name="operation"/> over [<paramref name="start"/>, +<paramref name="length"/>), reads
    /// those lines from DRAM through the backdoor, then loads them through the cache.
    /// </summary>
    private async Task<Maintained> MaintainDirtyLinesAsync(CacheOp operation, ulong seed, int lines, ulong start, ulong length)
    {
        await FreshAsync();
        var written = await DirtyLinesAsync(Base, seed, lines);
        var maintenance = await DeltaAsync(() => Sim.CacheAsync(operation, start, length, Ct));
        var inDram = await fixture.Memory.ReadAsync(Base, lines * LineBytes, Ct);
        var (seen, load) = await CountAsync(() => Sim.CpuReadAsync(Base, lines * LineBytes, cancellationToken: Ct));
        return new Maintained(written, maintenance, inDram, seen, load);
    }

    private Task<byte[]> LoadWordAsync(ulong address) => Sim.CpuReadAsync(address, 4, cancellationToken: Ct);

    /// <summary>Runs <paramref name="action"/> and returns the counter deltas it caused.</summary>
    private async Task<Counters> DeltaAsync(Func<Task> action)
    {
        var before = await SnapshotAsync();
        await action();
        return await SnapshotAsync() - before;
    }

    /// <summary>Runs <paramref name="action"/> and returns its result with the counter deltas it caused.</summary>
    private async Task<(T Result, Counters Delta)> CountAsync<T>(Func<Task<T>> action)
    {
        var result = default(T)!;
        var delta = await DeltaAsync(async () => result = await action());
        return (result, delta);
    }

    private async Task<Counters> SnapshotAsync()
    {
        var stats = await Sim.RequestAsync("stats", cancellationToken: Ct);
        var cache = stats.GetMap("cache");
        var dram = stats.GetMap("dram");
        return new Counters(cache.GetUInt64("hits"), cache.GetUInt64("misses"), cache.GetUInt64("writebacks"),
            dram.GetUInt64("reads"), dram.GetUInt64("read_bytes"), dram.GetUInt64("writes"), dram.GetUInt64("write_bytes"));
    }

    /// <summary>Consecutive lines, each the matching line of one of the <paramref name="sources"/>.</summary>
    private byte[] LinesOf(params byte[][] sources) =>
        sources.SelectMany((source, i) => source.Skip(i * LineBytes).Take(LineBytes)).ToArray();

    private static byte[] Inverted(ReadOnlySpan<byte> bytes)
    {
        var inverted = new byte[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            inverted[i] = (byte)~bytes[i];
        }

        return inverted;
    }

    private static byte[] Spliced(byte[] original, int offset, byte[] patch)
    {
        var result = (byte[])original.Clone();
        patch.CopyTo(result, offset);
        return result;
    }

    /// <summary>What <see cref="MaintainDirtyLinesAsync"/> saw: the stored bytes, the op's counter deltas, DRAM afterwards, then the load.</summary>
    private sealed record Maintained(byte[] Written, Counters Maintenance, byte[] InDram, byte[] Seen, Counters Load);

    /// <summary>
    /// The cache's counters (<c>stats</c> <c>cache</c>) and the DRAM bursts and bytes that the cache's
    /// fills, write-backs and uncached accesses cause (the DMA stays idle in these tests).
    /// </summary>
    private sealed record Counters(
        ulong Hits, ulong Misses, ulong WriteBacks, ulong ReadBursts, ulong ReadBytes, ulong WriteBursts, ulong WriteBytes)
    {
        public static Counters Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

        public static Counters operator +(Counters a, Counters b) => new(a.Hits + b.Hits, a.Misses + b.Misses,
            a.WriteBacks + b.WriteBacks, a.ReadBursts + b.ReadBursts, a.ReadBytes + b.ReadBytes,
            a.WriteBursts + b.WriteBursts, a.WriteBytes + b.WriteBytes);

        public static Counters operator -(Counters a, Counters b) => new(a.Hits - b.Hits, a.Misses - b.Misses,
            a.WriteBacks - b.WriteBacks, a.ReadBursts - b.ReadBursts, a.ReadBytes - b.ReadBytes,
            a.WriteBursts - b.WriteBursts, a.WriteBytes - b.WriteBytes);
    }
}
