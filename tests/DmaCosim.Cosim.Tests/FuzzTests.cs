// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using System.Text;
using DmaCosim.Bridge;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Hostile input: a seeded stream of malformed frames against one private harness. Every frame gets
/// a well-formed reply (a typed error, or success for the few that happen to be valid and
/// harmless), the harness stays up, and its DRAM is byte-identical before and after.
/// </summary>
/// <remarks>
/// The frames are built so that none can change DRAM even if the harness accepted it: the only
/// well-formed <c>mem_write</c> rewrites the bytes already at <see cref="Pattern"/>; address
/// mutations of <c>mem_write</c> leave the DRAM window; byte flips are applied only to ops that
/// cannot write memory or run long; no frame writes BTT (which would start a copy). A change of
/// DRAM therefore means a request was half-applied.
/// </remarks>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int Seed = 20_261_121;
    private const int MinimumFrames = 10_000;
    private const int Window = 256; // frames in flight: well under the DEALER's send high-water mark
    private const ulong Pattern = 0x0010_0000;
    private const int PatternLength = 64 * 1024;
    private const ulong DramEnd = 1UL << 30;
    private const ulong RunCyclesMax = 1UL << 40;

    private static readonly HashSet<string> KnownCodes =
        ["BAD_REQUEST", "UNKNOWN_OP", "BAD_ADDRESS", "TOO_LARGE", "BUS_ERROR", "SIM_ERROR", "TIMEOUT", "DRAM_CAP"];

    private readonly Random _random = new(Seed);
    private readonly byte[] _pattern = new byte[PatternLength];
    private HarnessProcess? _harness;

    private HarnessProcess Harness => _harness ?? throw new InvalidOperationException("harness not started");

    public async ValueTask InitializeAsync()
    {
        _harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        new Random(Seed + 1).NextBytes(_pattern);
        await Harness.Client.MemWriteAsync(Pattern, _pattern, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_harness != null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task HandleRequest_TenThousandMalformedFrames_TypedErrorsHarnessUpDramUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var frames = Frames();
        Assert.True(frames.Count >= MinimumFrames, $"only {frames.Count} frames");
        var dramFile = Assert.Single(Harness.Hello.Dram).Shm;
        AssertDram(dramFile, "before the fuzz");
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);

        using (var transport = new NetMqDealerTransport(Harness.Endpoint, Harness.Keys))
        {
            for (var start = 0; start < frames.Count; start += Window)
            {
                var end = Math.Min(start + Window, frames.Count);
                for (var i = start; i < end; i++)
                {
                    transport.Send(frames[i]);
                }

                for (var i = start; i < end; i++)
                {
                    Assert.True(transport.TryReceive(TimeSpan.FromSeconds(10), out var reply), $"no reply to frame {i} ({Hex(frames[i])})");
                    var code = CheckReply(reply, i, frames[i]);
                    codes[code] = codes.GetValueOrDefault(code) + 1;
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{frames.Count} frames: {string.Join(", ", codes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"))}");
        var hello = await Harness.Client.HelloAsync(ct);
        Assert.Equal(1, hello.Protocol);
        Assert.False(Harness.HasExited);
        AssertDram(dramFile, "after the fuzz");
        Assert.True(codes.GetValueOrDefault("BAD_REQUEST") > frames.Count / 2, "most frames should be BAD_REQUEST");
    }

    /// <summary>The reply must be a map with a bool "ok"; an error carries a known code and a message.</summary>
    private static string CheckReply(byte[] reply, int index, byte[] frame)
    {
        var map = Assert.IsType<Dictionary<string, object?>>(WireObjects.Decode(reply));
        var ok = Assert.IsType<bool>(map["ok"]);
        if (ok)
        {
            return "ok";
        }

        var error = Assert.IsType<Dictionary<string, object?>>(map["error"]);
        var code = Assert.IsType<string>(error["code"]);
        Assert.IsType<string>(error["message"]);
        Assert.True(KnownCodes.Contains(code), $"frame {index} ({Hex(frame)}): unknown code {code}");
        return code;
    }

    /// <summary>
    /// DRAM is the pattern at <see cref="Pattern"/> and zeros everywhere else. Read with read(2), which
    /// does not allocate tmpfs pages for holes (a mapping would).
    /// </summary>
    private void AssertDram(string path, string when)
    {
        var buffer = new byte[4 << 20];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        Assert.Equal((long)DramEnd, file.Length);
        for (long offset = 0; offset < file.Length;)
        {
            var n = file.Read(buffer);
            Assert.True(n > 0, $"short read at {offset:x}");
            var chunk = buffer.AsSpan(0, n);
            var lo = Math.Max(offset, (long)Pattern);
            var hi = Math.Min(offset + n, (long)Pattern + PatternLength);
            if (lo < hi)
            {
                Assert.True(
                    chunk[(int)(lo - offset)..(int)(hi - offset)].SequenceEqual(_pattern.AsSpan((int)(lo - (long)Pattern), (int)(hi - lo))),
                    $"DRAM pattern at 0x{Pattern:x} changed {when}");
                AssertZero(chunk[..(int)(lo - offset)], offset, when);
                AssertZero(chunk[(int)(hi - offset)..], hi, when);
            }
            else
            {
                AssertZero(chunk, offset, when);
            }

            offset += n;
        }
    }

    private static void AssertZero(ReadOnlySpan<byte> span, long offset, string when)
    {
        var at = span.IndexOfAnyExcept((byte)0);
        Assert.True(at < 0, $"DRAM byte 0x{offset + at:x} is not zero {when}");
    }

    private static string Hex(byte[] frame) =>
        frame.Length <= 48 ? Convert.ToHexString(frame) : $"{Convert.ToHexString(frame.AsSpan(0, 48))}… ({frame.Length} bytes)";

    // ---- the frames -------------------------------------------------------------------------

    private List<byte[]> Frames()
    {
        var frames = new List<byte[]>();
        var bases = Bases();
        var harmless = bases.Where(b => b.FlipSafe).ToList();

        foreach (var b in bases)
        {
            // truncated valid requests: every strict prefix
            var full = Mp.Encode(b.Request);
            for (var n = 0; n < full.Length; n++)
            {
                frames.Add(full[..n]);
            }

            // one field at a time: wrong type, missing; a length that runs past the end
            for (var f = 0; f < b.Request.Count; f++)
            {
                foreach (var wrong in WrongTypes(b.Request[f].Value))
                {
                    frames.Add(Mp.Encode(b.Request.With(f, wrong)));
                }

                frames.Add(Mp.Encode(b.Request.Without(f)));
            }

            for (var lie = 0; lie < Mp.CountLengths(b.Request); lie++)
            {
                foreach (var extra in new long[] { 1, 2, 1000, 0x7FFF_FFFF })
                {
                    frames.Add(Mp.Encode(b.Request, lie, extra));
                }
            }

            // trailing garbage after a complete request
            frames.Add([.. full, 0xC0]);
            frames.Add([.. full, .. full]);
        }

        // nested fields of mem_config and batch: wrong types inside
        var memConfig = bases.Single(b => b.Name == "mem_config").Request;
        foreach (var wrong in WrongTypes(0.5))
        {
            frames.Add(Mp.Encode(Req("mem_config", ("backpressure", new Mp.Map { ("ar", wrong) }))));
        }

        foreach (var key in new[] { "addr", "len", "resp", "on" })
        {
            var fault = new Mp.Map { ("addr", 0x5000_0000UL), ("len", 4096UL), ("resp", "SLVERR"), ("on", "read") };
            var index = fault.FindIndex(p => p.Key == key);
            foreach (var wrong in WrongTypes(fault[index].Value))
            {
                frames.Add(Mp.Encode(Req("mem_config", ("faults", new Mp.Arr { fault.With(index, wrong) }))));
            }

            frames.Add(Mp.Encode(Req("mem_config", ("faults", new Mp.Arr { fault.Without(index) }))));
        }

        frames.Add(Mp.Encode(memConfig));

        // unknown ops
        string[] nearMisses = ["", "Hello", "HELLO", "hello ", " hello", "hello\0", "mem_read\0x", "memread", "mem-read", "batch2", "reg_", "trace\n", "shutdown!", "cpu_read", "cache", "coherency", "cpu_load", "\u00e9", "op", "id"];
        foreach (var op in nearMisses)
        {
            frames.Add(Mp.Encode(Req(op)));
        }

        for (var i = 0; i < 600; i++)
        {
            var bytes = new byte[_random.Next(1, 40)];
            _random.NextBytes(bytes);
            frames.Add(Mp.Encode(new Mp.Map { ("id", (ulong)i), ("op", new Mp.RawStr(bytes)) }));
        }

        // deep nesting: arrays and maps 100 000 levels deep, at the root and as a field
        foreach (var depth in new[] { 7, 8, 9, 64, 100_000 })
        {
            frames.Add(Nested(depth, array: true, asField: true));
            frames.Add(Nested(depth, array: false, asField: true));
            frames.Add(Nested(depth, array: true, asField: false));
            frames.Add(Nested(depth, array: false, asField: false));
        }

        // huge declared lengths: str/bin/array/map/ext 32 with nothing behind them
        foreach (var header in new byte[] { 0xDB, 0xC6, 0xDD, 0xDF, 0xC9 })
        {
            foreach (var length in new uint[] { 0xFFFF_FFFF, 0x7FFF_FFFF, 0x1000_0000, 0x0400_0001, 0x0002_0001 })
            {
                var tail = new byte[5];
                tail[0] = header;
                BinaryPrimitives.WriteUInt32BigEndian(tail.AsSpan(1), length);
                frames.Add(tail);
                frames.Add([.. Mp.Encode(Req("hello", ("x", 0UL)))[..^1], .. tail]);
                frames.Add([0x82, 0xA2, (byte)'i', (byte)'d', 0x01, .. tail]);
            }
        }

        frames.AddRange(OutOfRange());
        frames.AddRange(Batches(bases));

        // random bytes; random bytes behind a map header; byte flips of harmless requests
        while (frames.Count < MinimumFrames + 2000)
        {
            var kind = _random.Next(3);
            if (kind == 0)
            {
                var bytes = new byte[_random.Next(0, 96)];
                _random.NextBytes(bytes);
                frames.Add(bytes);
            }
            else if (kind == 1)
            {
                var bytes = new byte[_random.Next(1, 64)];
                _random.NextBytes(bytes);
                bytes[0] = (byte)(0x80 | _random.Next(16));
                frames.Add(bytes);
            }
            else
            {
                var bytes = Mp.Encode(harmless[_random.Next(harmless.Count)].Request);
                for (var flips = _random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                }

                frames.Add(bytes);
            }
        }

        return frames;
    }

    private sealed record Base(string Name, Mp.Map Request, bool FlipSafe);

    /// <summary>Valid requests whose effect, if run, cannot change DRAM.</summary>
    private List<Base> Bases() =>
    [
        new("hello", Req("hello"), true),
        new("stats", Req("stats", ("reset", false)), true),
        new("mem_read", Req("mem_read", ("addr", Pattern), ("len", 64UL)), false),
        new("mem_write", Req("mem_write", ("addr", Pattern + 16), ("data", _pattern[16..48])), false),
        new("reg_read", Req("reg_read", ("addr", 4UL)), true),
        new("reg_write", Req("reg_write", ("addr", 0x18UL), ("value", 0UL)), false),
        new("run", Req("run", ("cycles", 10UL)), false),
        new("run_until", Req("run_until", ("event", "idle"), ("max_cycles", 10UL)), false),
        new("reset", Req("reset", ("cycles", 4UL)), false),
        // loads only (store_percent 0): the cache fills lines and never dirties one
        new("cpu_load", Req(
            "cpu_load",
            ("pattern", "random"),
            ("rate", 20UL),
            ("addr", Pattern),
            ("len", (ulong)PatternLength),
            ("seed", 3UL),
            ("store_percent", 0UL),
            ("cached", true)), false),
        new("trace", Req("trace"), true),
        new("mem_config", Req(
            "mem_config",
            ("read_latency", 0UL),
            ("backpressure", new Mp.Map { ("ar", 0.0), ("r", 0UL) }),
            ("seed", 0UL),
            ("faults", new Mp.Arr { new Mp.Map { ("addr", 0x5000_0000UL), ("len", 4096UL), ("resp", "SLVERR"), ("on", "read") } })), true),
        new("batch", Req("batch", ("ops", new Mp.Arr
        {
            new Mp.Map { ("op", "hello") },
            new Mp.Map { ("id", 7UL), ("op", "reg_read"), ("addr", 0UL) },
            new Mp.Map { ("op", "mem_read"), ("addr", Pattern), ("len", 8UL) },
        })), true),
    ];

    private static Mp.Map Req(string op, params (string Key, object? Value)[] fields)
    {
        var map = new Mp.Map { ("id", 42UL), ("op", op) };
        map.AddRange(fields);
        return map;
    }

    /// <summary>Values of every MessagePack type except the one of <paramref name="value"/>.</summary>
    private static IEnumerable<object?> WrongTypes(object? value)
    {
        object?[] all = [null, true, -1L, long.MinValue, 1.5, double.NaN, "str", new byte[] { 1, 2, 3 }, new Mp.Arr(), new Mp.Arr { 1UL }, new Mp.Map(), new Mp.Map { ("a", 1UL) }, new Mp.Ext(1, [0])];
        return all.Where(w => Mp.TypeOf(w) != Mp.TypeOf(value));
    }

    private static byte[] Nested(int depth, bool array, bool asField)
    {
        var body = new List<byte>(depth * 3 + 32);
        if (asField)
        {
            body.AddRange(Mp.Encode(Req("hello", ("x", 0UL)))[..^1]); // the value 0 is replaced
        }

        for (var i = 0; i < depth; i++)
        {
            if (array)
            {
                body.Add(0x91);
            }
            else
            {
                body.AddRange([0x81, 0xA1, (byte)'a']);
            }
        }

        body.Add(0xC0);
        return [.. body];
    }

    private IEnumerable<byte[]> OutOfRange()
    {
        ulong[] bigs = [DramEnd, DramEnd + 1, 0xFFFF_FFFF, 1UL << 32, 1UL << 40, (1UL << 40) + 1, 1UL << 63, ulong.MaxValue, ulong.MaxValue - 7];
        foreach (var addr in bigs)
        {
            yield return Mp.Encode(Req("mem_read", ("addr", addr), ("len", 16UL)));
            yield return Mp.Encode(Req("mem_write", ("addr", addr), ("data", new byte[] { 1, 2, 3 })));
            yield return Mp.Encode(Req("reg_read", ("addr", addr)));
            yield return Mp.Encode(Req("reg_write", ("addr", addr), ("value", 1UL)));
            if (addr > RunCyclesMax)
            {
                yield return Mp.Encode(Req("run", ("cycles", addr)));
                yield return Mp.Encode(Req("run_until", ("event", "irq"), ("max_cycles", addr)));
            }

            yield return Mp.Encode(Req("reset", ("cycles", addr)));
            yield return Mp.Encode(Req("reg_write", ("addr", 0x18UL), ("value", addr)));
            yield return Mp.Encode(Req("mem_read", ("addr", 0UL), ("len", addr)));
            yield return Mp.Encode(Req("mem_read", ("addr", addr), ("len", addr)));
            yield return Mp.Encode(Req("mem_config", ("read_latency", addr)));
            yield return Mp.Encode(Req("mem_config", ("max_outstanding", addr)));
            yield return Mp.Encode(Req("mem_config", ("faults", new Mp.Arr { new Mp.Map { ("addr", addr), ("len", ulong.MaxValue), ("resp", "DECERR") } })));
            yield return Mp.Encode(Req("cpu_load", ("pattern", "stream"), ("rate", 10UL), ("addr", addr & ~3UL), ("len", 64UL), ("seed", 0UL)));
            yield return Mp.Encode(Req("cpu_load", ("pattern", "random"), ("rate", 10UL), ("addr", 0UL), ("len", addr & ~3UL), ("seed", 0UL)));
            yield return Mp.Encode(Req("cpu_load", ("pattern", "random"), ("rate", addr), ("addr", 0UL), ("len", 64UL), ("seed", 0UL)));
            yield return Mp.Encode(Req("cpu_load", ("pattern", "random"), ("rate", 10UL), ("addr", 0UL), ("len", 64UL), ("seed", 0UL), ("store_percent", addr)));
        }

        // cpu_load: every range rule (these would store if accepted: each must fail)
        foreach (var (rate, addr, len, stores) in new (ulong, ulong, ulong, ulong)[]
                 {
                     (0, 0, 64, 50), (101, 0, 64, 50), (10, 2, 64, 50), (10, 0, 0, 50), (10, 0, 3, 50), (10, 0, 6, 50),
                     (10, DramEnd - 4, 8, 50), (10, 0, 64, 101), (10, ulong.MaxValue - 3, 8, 50),
                 })
        {
            yield return Mp.Encode(Req("cpu_load", ("pattern", "random"), ("rate", rate), ("addr", addr), ("len", len), ("seed", 0UL), ("store_percent", stores)));
        }

        yield return Mp.Encode(Req("cpu_load", ("pattern", "burst"), ("rate", 10UL), ("addr", 0UL), ("len", 64UL), ("seed", 0UL)));
        yield return Mp.Encode(Req("cpu_load", ("pattern", "none"), ("store_percent", 101UL)));

        // the end of the window, lengths past it, zero and over-limit sizes
        yield return Mp.Encode(Req("mem_read", ("addr", DramEnd - 8), ("len", 9UL)));
        yield return Mp.Encode(Req("mem_write", ("addr", DramEnd - 2), ("data", new byte[3])));
        yield return Mp.Encode(Req("mem_read", ("addr", 0UL), ("len", (16UL << 20) + 1)));
        yield return Mp.Encode(Req("mem_write", ("addr", DramEnd + 4096), ("data", new byte[(16 << 20) + 1])));
        yield return Mp.Encode(Req("reset", ("cycles", 0UL)));
        yield return Mp.Encode(Req("reset", ("cycles", 1_000_001UL)));
        yield return Mp.Encode(Req("run_until", ("event", "irq"), ("max_cycles", 0UL)));
        yield return Mp.Encode(Req("run_until", ("event", "violation"), ("max_cycles", 10UL)));
        yield return Mp.Encode(Req("mem_config", ("max_outstanding", 0UL)));
        yield return Mp.Encode(Req("mem_config", ("read_latency", 10_001UL)));
        foreach (var p in new object[] { 1.5, -0.1, double.NaN, double.PositiveInfinity, -1L, 2UL })
        {
            yield return Mp.Encode(Req("mem_config", ("backpressure", p)));
            yield return Mp.Encode(Req("mem_config", ("backpressure", new Mp.Map { ("w", p) })));
        }

        yield return Mp.Encode(Req("mem_config", ("backpressure", new Mp.Map { ("x", 0.5) })));
        yield return Mp.Encode(Req("mem_config", ("faults", new Mp.Arr(Enumerable.Repeat<object?>(new Mp.Map { ("addr", 0UL), ("len", 1UL), ("resp", "SLVERR") }, 65)))));
        yield return Mp.Encode(Req("mem_config", ("faults", new Mp.Arr { new Mp.Map { ("addr", 0UL), ("len", 0UL), ("resp", "SLVERR") } })));
        yield return Mp.Encode(Req("mem_config", ("faults", new Mp.Arr { new Mp.Map { ("addr", 1UL), ("len", ulong.MaxValue), ("resp", "SLVERR") } })));
        yield return Mp.Encode(Req("mem_config", ("faults", new Mp.Arr { new Mp.Map { ("addr", 0UL), ("len", 1UL), ("resp", "OKAY") } })));
        yield return Mp.Encode(Req("trace", ("path", "/nonexistent-dmacosim/x.fst")));
        yield return Mp.Encode(Req("trace", ("stop", false)));
        yield return Mp.Encode(Req("trace", ("path", ""), ("stop", true)));
        yield return Mp.Encode(Req("batch", ("ops", new Mp.Arr(Enumerable.Repeat<object?>(0UL, 100_001)))));

        // random values above each limit
        for (var i = 0; i < 1000; i++)
        {
            var above = (ulong)_random.NextInt64() | (1UL << 62);
            var beyondDram = DramEnd + ((ulong)_random.NextInt64() % (ulong.MaxValue - DramEnd));
            yield return (i % 8) switch
            {
                0 => Mp.Encode(Req("mem_read", ("addr", beyondDram), ("len", (ulong)_random.Next(0, 4096)))),
                1 => Mp.Encode(Req("mem_write", ("addr", beyondDram), ("data", new byte[_random.Next(1, 64)]))),
                2 => Mp.Encode(Req("mem_write", ("addr", DramEnd - (ulong)_random.Next(0, 64)), ("data", new byte[_random.Next(65, 256)]))),
                3 => Mp.Encode(Req("reg_read", ("addr", 0x1_0000UL + (ulong)_random.NextInt64(0, long.MaxValue)))),
                4 => Mp.Encode(Req("reg_write", ("addr", (ulong)(_random.Next(0, 0x4000) * 4) + 1 + (ulong)_random.Next(3)), ("value", 0UL))),
                5 => Mp.Encode(Req("run", ("cycles", above))),
                6 => Mp.Encode(Req("mem_read", ("addr", (ulong)_random.Next(0, 1 << 20)), ("len", (16UL << 20) + 1 + (ulong)_random.NextInt64(0, long.MaxValue)))),
                _ => Mp.Encode(Req("run_until", ("event", "idle"), ("max_cycles", above))),
            };
        }
    }

    private IEnumerable<byte[]> Batches(List<Base> bases)
    {
        // A malformed entry, then a write that would change DRAM: it must never run.
        var poison = new Mp.Map { ("op", "mem_write"), ("addr", Pattern), ("data", _pattern[..64].Select(b => (byte)~b).ToArray()) };
        object?[] malformed =
        [
            null, 5UL, "hello", new byte[] { 0x80 }, new Mp.Arr(), new Mp.Arr { new Mp.Map { ("op", "hello") } },
            new Mp.Map(), new Mp.Map { ("id", 1UL) }, new Mp.Map { ("op", 5UL) }, new Mp.Map { ("op", "frobnicate") },
            new Mp.Map { ("op", "batch"), ("ops", new Mp.Arr()) }, new Mp.Map { ("id", -1L), ("op", "hello") },
            new Mp.Map { ("op", "hello"), ("x", 1UL) }, new Mp.Map { ("op", "mem_read"), ("addr", DramEnd), ("len", 1UL) },
            new Mp.Map { ("op", "reg_read"), ("addr", 2UL) }, new Mp.Map { ("op", "mem_write"), ("addr", Pattern), ("data", "text") },
            new Mp.Map { ("op", "run"), ("cycles", 1UL << 41) }, new Mp.Map { (string.Empty, 1UL), ("op", "hello") },
        ];
        var harmless = bases.Where(b => b.FlipSafe && b.Name != "batch").Select(b => b.Request.Without(0)).ToList();
        foreach (var entry in malformed)
        {
            for (var before = 0; before < 3; before++)
            {
                var ops = new Mp.Arr();
                ops.AddRange(Enumerable.Range(0, before).Select(i => (object?)harmless[i % harmless.Count]));
                ops.Add(entry);
                ops.Add(poison);
                yield return Mp.Encode(Req("batch", ("ops", ops)));
            }
        }

        for (var i = 0; i < 700; i++)
        {
            var ops = new Mp.Arr();
            for (var n = _random.Next(0, 6); n > 0; n--)
            {
                ops.Add(harmless[_random.Next(harmless.Count)]);
            }

            var entry = harmless[_random.Next(harmless.Count)];
            if (entry.Count > 1 && _random.Next(2) == 0)
            {
                var f = _random.Next(entry.Count);
                var wrong = WrongTypes(entry[f].Value).ToList();
                ops.Add(entry.With(f, wrong[_random.Next(wrong.Count)]));
            }
            else
            {
                ops.Add(malformed[_random.Next(malformed.Length)]);
            }

            ops.Add(poison);
            yield return Mp.Encode(Req("batch", ("ops", ops)));
        }
    }
}

/// <summary>A small MessagePack encoder that can lie: for hostile frames built from a request tree.</summary>
internal static class Mp
{
    /// <summary>A map in wire order (keys may repeat).</summary>
    internal sealed class Map : List<(string Key, object? Value)>
    {
        public Map With(int index, object? value)
        {
            var copy = new Map();
            copy.AddRange(this);
            copy[index] = (this[index].Key, value);
            return copy;
        }

        public Map Without(int index)
        {
            var copy = new Map();
            copy.AddRange(this);
            copy.RemoveAt(index);
            return copy;
        }
    }

    internal sealed class Arr : List<object?>
    {
        public Arr()
        {
        }

        public Arr(IEnumerable<object?> items)
            : base(items)
        {
        }
    }

    /// <summary>A str whose bytes need not be UTF-8.</summary>
    internal sealed record RawStr(byte[] Bytes);

    internal sealed record Ext(sbyte Type, byte[] Data);

    public static string TypeOf(object? v) => v switch
    {
        null => "nil",
        bool => "bool",
        ulong or long or int => "int",
        double => "float",
        string or RawStr => "str",
        byte[] => "bin",
        Arr => "array",
        Map => "map",
        Ext => "ext",
        _ => throw new ArgumentException($"no MessagePack type for {v.GetType()}"),
    };

    public static byte[] Encode(object? value, int lieAt = -1, long extra = 0)
    {
        var output = new List<byte>();
        var lengths = 0;
        Write(output, value, ref lengths, lieAt, extra);
        return [.. output];
    }

    /// <summary>How many length fields (str, bin, array, map, ext headers) the encoding has.</summary>
    public static int CountLengths(object? value)
    {
        var lengths = 0;
        Write([], value, ref lengths, -1, 0);
        return lengths;
    }

    private static void Write(List<byte> o, object? v, ref int lengths, int lieAt, long extra)
    {
        switch (v)
        {
            case null:
                o.Add(0xC0);
                break;
            case bool b:
                o.Add(b ? (byte)0xC3 : (byte)0xC2);
                break;
            case int i:
                WriteInt(o, i);
                break;
            case long l:
                WriteInt(o, l);
                break;
            case ulong u:
                WriteUInt(o, u);
                break;
            case double d:
                o.Add(0xCB);
                Span<byte> f = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(f, d);
                o.AddRange(f);
                break;
            case string s:
                WriteBytes(o, Encoding.UTF8.GetBytes(s), 0xA0, 0xD9, ref lengths, lieAt, extra);
                break;
            case RawStr r:
                WriteBytes(o, r.Bytes, 0xA0, 0xD9, ref lengths, lieAt, extra);
                break;
            case byte[] bin:
                WriteBytes(o, bin, null, 0xC4, ref lengths, lieAt, extra);
                break;
            case Ext e:
                Header(o, e.Data.Length, null, 0xC7, ref lengths, lieAt, extra);
                o.Add((byte)e.Type);
                o.AddRange(e.Data);
                break;
            case Arr a:
                Header(o, a.Count, 0x90, 0xDC, ref lengths, lieAt, extra);
                foreach (var item in a)
                {
                    Write(o, item, ref lengths, lieAt, extra);
                }

                break;
            case Map m:
                Header(o, m.Count, 0x80, 0xDE, ref lengths, lieAt, extra);
                foreach (var (key, value) in m)
                {
                    Write(o, key, ref lengths, lieAt, extra);
                    Write(o, value, ref lengths, lieAt, extra);
                }

                break;
            default:
                throw new ArgumentException($"cannot encode {v.GetType()}");
        }
    }

    private static void WriteBytes(List<byte> o, byte[] bytes, byte? fix, byte first8, ref int lengths, int lieAt, long extra)
    {
        Header(o, bytes.Length, fix, first8, ref lengths, lieAt, extra);
        o.AddRange(bytes);
    }

    /// <summary>
    /// A length header: the fix form when <paramref name="fix"/> is given and it fits, else the 8/16/32
    /// forms starting at <paramref name="first"/> (str8/bin8/ext8 are followed by 16 and 32; array16
    /// and map16 by 32). The header numbered <paramref name="lieAt"/> declares <paramref name="extra"/>
    /// more than there is.
    /// </summary>
    private static void Header(List<byte> o, long length, byte? fix, byte first, ref int lengths, int lieAt, long extra)
    {
        if (lengths++ == lieAt)
        {
            length = Math.Min(length + extra, uint.MaxValue);
        }

        var isContainer = first is 0xDC or 0xDE;
        if (fix is { } f && length < (f == 0xA0 ? 32 : 16))
        {
            o.Add((byte)(f | length));
        }
        else if (!isContainer && length <= byte.MaxValue)
        {
            o.AddRange([first, (byte)length]);
        }
        else if (length <= ushort.MaxValue)
        {
            o.Add(isContainer ? first : (byte)(first + 1));
            o.AddRange([(byte)(length >> 8), (byte)length]);
        }
        else
        {
            o.Add(isContainer ? (byte)(first + 1) : (byte)(first + 2));
            o.AddRange([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        }
    }

    private static void WriteUInt(List<byte> o, ulong u)
    {
        if (u < 0x80)
        {
            o.Add((byte)u);
        }
        else
        {
            o.Add(0xCF);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                o.Add((byte)(u >> shift));
            }
        }
    }

    private static void WriteInt(List<byte> o, long l)
    {
        if (l >= 0)
        {
            WriteUInt(o, (ulong)l);
        }
        else if (l >= -32)
        {
            o.Add((byte)l);
        }
        else
        {
            o.Add(0xD3);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                o.Add((byte)(l >> shift));
            }
        }
    }
}
