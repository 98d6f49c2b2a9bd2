// SPDX-License-Identifier: MIT
using System.Buffers;
using DmaCosim.Bridge;
using MessagePack;

namespace DmaCosim.Tests.Bridge;

/// <summary>
/// The MessagePack seam (<see cref="WireObjects"/> on MessagePack-CSharp): every hostile frame a
/// harness (or anything else on the socket) could send is a <see cref="MessagePackSerializationException"/>,
/// never a crash, a hang or a huge allocation; every value shape survives a round trip.
/// </summary>
public sealed class WireObjectsTests
{
    /// <summary>A reply with every shape the protocol uses.</summary>
    private static byte[] Sample() => WireObjects.Encode(new Dictionary<string, object?>
    {
        ["id"] = 7UL,
        ["ok"] = true,
        ["data"] = new byte[] { 1, 2, 3 },
        ["name"] = "héllo",
        ["neg"] = -5L,
        ["big"] = ulong.MaxValue,
        ["f"] = 1.5,
        ["nil"] = null,
        ["list"] = new object?[] { 1L, "two", new Dictionary<string, object?> { ["x"] = false } },
    });

    [Fact]
    public void Decode_EncodedSample_RoundTripsEveryShape()
    {
        var map = Assert.IsType<Dictionary<string, object?>>(WireObjects.Decode(Sample()));

        Assert.Equal(7L, map["id"]);
        Assert.Equal(true, map["ok"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, map["data"]);
        Assert.Equal("héllo", map["name"]);
        Assert.Equal(-5L, map["neg"]);
        Assert.Equal(ulong.MaxValue, map["big"]);
        Assert.Equal(1.5, map["f"]);
        Assert.Null(map["nil"]);
        var list = Assert.IsType<object?[]>(map["list"]);
        Assert.Equal(1L, list[0]);
        Assert.Equal("two", list[1]);
        Assert.Equal(false, Assert.IsType<Dictionary<string, object?>>(list[2])["x"]);
    }

    [Fact]
    public void Decode_EveryTruncationOfAReply_Throws()
    {
        var frame = Sample();
        for (var length = 0; length < frame.Length; length++)
        {
            Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(frame.AsMemory(0, length)));
        }
    }

    [Fact]
    public void Decode_TrailingBytes_Throws() =>
        Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(new byte[] { 0x80, 0xc0 }));

    [Theory]
    [InlineData("ddffffffff010203")] // array32 of 4 Gi elements
    [InlineData("dd00ffffff010203")] // 16 Mi elements: a naive reader would allocate 128 MiB first
    [InlineData("dfffffffff010203")] // map32
    [InlineData("df00ffffff010203")]
    [InlineData("db7fffffff41")] // str32 near 2 GiB
    [InlineData("c6ffffffff01")] // bin32 near 4 GiB
    [InlineData("c40501")] // bin8 past the end
    [InlineData("d905616263")] // str8 past the end
    public void Decode_HostileLength_ThrowsWithoutAllocating(string hex)
    {
        var data = Convert.FromHexString(hex);
        Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(data)); // warm up (JIT)

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(data));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Decode_DepthBombOf1000NestedArrays_ThrowsAtTheLimit()
    {
        byte[] bomb = [.. Enumerable.Repeat((byte)0x91, 1000), 0xc0];

        var error = Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(bomb));

        Assert.Contains($"deeper than {WireObjects.MaxDepth}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NestingExactlyAtTheLimit_IsAccepted()
    {
        byte[] deepest = [.. Enumerable.Repeat((byte)0x91, WireObjects.MaxDepth), 0xc0];

        Assert.IsType<object?[]>(WireObjects.Decode(deepest));
        Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(new byte[] { 0x91 }.Concat(deepest).ToArray()));
    }

    [Theory]
    [InlineData("91c1")] // reserved code
    [InlineData("81c0c0")] // nil key
    [InlineData("810101")] // integer key
    [InlineData("82a161c0a161c0")] // duplicate key
    [InlineData("d6010a0b0c0d")] // fixext4
    [InlineData("a2c328")] // bad UTF-8 continuation byte
    [InlineData("a2c080")] // overlong NUL
    [InlineData("a3eda080")] // UTF-16 surrogate in UTF-8
    [InlineData("a1ff")] // never valid in UTF-8
    [InlineData("81a2c328c0")] // map key with invalid UTF-8
    public void Decode_MalformedValue_Throws(string hex) =>
        Assert.Throws<MessagePackSerializationException>(() => WireObjects.Decode(Convert.FromHexString(hex)));

    [Fact]
    public void Decode_RandomFrames_ThrowOnlyTheTypedException()
    {
        var random = new Random(1234);
        var sample = Sample();
        for (var i = 0; i < 20_000; i++)
        {
            var frame = (byte[])sample.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                frame[random.Next(frame.Length)] = (byte)random.Next(256);
            }

            try
            {
                WireObjects.Decode(frame);
            }
            catch (MessagePackSerializationException)
            {
                // typed: what the client turns into "not a reply"
            }
        }
    }

    [Fact]
    public void WriteObject_CollectionThatContainsItself_ThrowsArgumentException()
    {
        var loop = new List<object?>();
        loop.Add(loop);

        Assert.Throws<ArgumentException>(() => WireObjects.Encode(new Dictionary<string, object?> { ["loop"] = loop }));
    }

    [Fact]
    public void WriteObject_UnsupportedType_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => WireObjects.Encode(new Dictionary<string, object?> { ["when"] = DateTime.UnixEpoch }));

    [Theory]
    [InlineData(100UL, "64")]
    [InlineData(200UL, "ccc8")]
    [InlineData(0x1_0000UL, "ce00010000")]
    [InlineData(0x1_0000_0000UL, "cf0000000100000000")]
    public void WriteObject_Integers_SmallestEncodingAsMsgpackCxxReadsThem(ulong value, string hex)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);

        WireObjects.WriteObject(ref writer, value);
        writer.Flush();

        Assert.Equal(hex, Convert.ToHexStringLower(buffer.WrittenSpan));
    }
}
