// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using DmaCosim.Bridge.MessagePack;
using Xunit;
using static DmaCosim.Tests.MessagePack.MessagePackTestSupport;

namespace DmaCosim.Tests.MessagePack;

public class MessagePackHostileInputTests
{
    /// <summary>Complete encodings, cut at every length short of complete by <see cref="Truncations"/>.</summary>
    private static readonly (string Kind, string Hex)[] Complete =
    [
        ("Int64", "cd0100"),
        ("Int64", "d3ffffffff7fffffff"),
        ("Int64", "cf0000000100000000"),
        ("UInt64", "ce00010000"),
        ("UInt64", "cfffffffffffffffff"),
        ("Int32", "d2ffff7fff"),
        ("UInt32", "ccff"),
        ("Double", "cb3fb999999999999a"),
        ("Double", "ca3fc00000"),
        ("Double", "d1ff7f"),
        ("Boolean", "c3"),
        ("String", "a3616263"),
        ("String", "d903616263"),
        ("String", "da0003616263"),
        ("String", "db00000003616263"),
        ("Bytes", "c403010203"),
        ("Bytes", "c50003010203"),
        ("Bytes", "c600000003010203"),
        ("ArrayHeader", "920102"),
        ("ArrayHeader", "dc00020102"),
        ("ArrayHeader", "dd000000020102"),
        ("MapHeader", "810102"),
        ("MapHeader", "de00010102"),
        ("MapHeader", "df000000010102"),
        ("Skip", "82a2696401a464617461c403010203"),
        ("Skip", "93c0c2cb3ff8000000000000"),
        ("Skip", "d6010a0b0c0d"),
        ("Skip", "c8000201aabb"),
    ];

    public static TheoryData<string, string, int> Truncations
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach ((string kind, string hex) in Complete)
            {
                for (int length = 0; length < hex.Length / 2; length++)
                {
                    data.Add(kind, hex, length);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public void TryReadX_TruncatedData_ReturnsFalseWithoutAdvancing(string kind, string hex, int length)
    {
        var reader = new MessagePackReader(Hex(hex).AsSpan(0, length));

        Assert.False(MessagePackReaderTests.TryReadByKind(ref reader, kind));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public void ReadX_TruncatedData_ThrowsWithoutAdvancing(string kind, string hex, int length)
    {
        var reader = new MessagePackReader(Hex(hex).AsSpan(0, length));

        MessagePackSerializationException ex = Throws(ref reader, (ref MessagePackReader r) => MessagePackReaderTests.ReadByKind(ref r, kind));

        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public void TryReadX_CompleteData_ReturnsTrueAndConsumesIt(string kind, string hex, int length)
    {
        _ = length;
        byte[] data = Hex(hex);
        var reader = new MessagePackReader(data);

        Assert.True(MessagePackReaderTests.TryReadByKind(ref reader, kind));
        Assert.True(reader.Consumed > 0);
    }

    public static TheoryData<int> RequestPrefixes
    {
        get
        {
            var data = new TheoryData<int>();
            for (int length = 0; length < EncodedRequest().Length; length++)
            {
                data.Add(length);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RequestPrefixes))]
    public void ReadObject_EveryTruncationOfARequest_ThrowsWithoutAdvancing(int length)
    {
        var reader = new MessagePackReader(EncodedRequest().AsSpan(0, length));

        Throws(ref reader, (ref MessagePackReader r) => r.ReadObject());

        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(RequestPrefixes))]
    public void TrySkip_EveryTruncationOfARequest_ReturnsFalseWithoutAdvancing(int length)
    {
        var reader = new MessagePackReader(EncodedRequest().AsSpan(0, length));

        Assert.False(reader.TrySkip());
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void ReadObject_CompleteRequest_ConsumesAllOfIt()
    {
        byte[] data = EncodedRequest();
        var reader = new MessagePackReader(data);

        reader.ReadObject();

        Assert.Equal(data.Length, reader.Consumed);
    }

    [Fact]
    public void ReadInt64_TruncatedUInt64_MessageSaysWhatWasNeeded() =>
        Assert.Equal(
            "truncated: need 9 bytes at offset 0, have 4",
            Throws(Hex("cf000000"), (ref MessagePackReader r) => r.ReadInt64()).Message);

    [Fact]
    public void ReadString_Str8LengthPastEnd_Throws() =>
        Assert.Equal(
            "truncated: need 7 bytes at offset 0, have 4",
            Throws(Hex("d9056162"), (ref MessagePackReader r) => r.ReadString()).Message);

    [Fact]
    public void ReadString_Str32LengthNear4GiB_ThrowsBeforeAllocating() =>
        Assert.Equal(
            "truncated: need 4294967300 bytes at offset 0, have 7",
            Throws(Hex("dbffffffff6162"), (ref MessagePackReader r) => r.ReadString()).Message);

    [Theory]
    [InlineData("c40501")] // bin8
    [InlineData("c501000102")] // bin16
    [InlineData("c6ffffffff01")] // bin32
    public void ReadBytes_LengthPastEnd_Throws(string hex) =>
        Assert.StartsWith("truncated:", Throws(Hex(hex), (ref MessagePackReader r) => r.ReadBytes()).Message, StringComparison.Ordinal);

    [Fact]
    public void ReadArrayHeader_Array32CountFFFFFFFFWithThreeBytes_Throws() =>
        Assert.Equal(
            "array at offset 0 declares 4294967295 elements, which need at least 4294967295 bytes, have 3",
            Throws(Hex("ddffffffff010203"), (ref MessagePackReader r) => r.ReadArrayHeader()).Message);

    [Fact]
    public void TryReadArrayHeader_CountLargerThanData_ReturnsFalse()
    {
        var reader = new MessagePackReader(Hex("ddffffffff010203"));

        Assert.False(reader.TryReadArrayHeader(out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("ddffffffff010203")]
    [InlineData("dd00ffffff010203")] // 16 Mi elements: a naive reader would allocate 128 MiB first
    [InlineData("dfffffffff010203")]
    [InlineData("df00ffffff010203")]
    public void ReadObject_HostileCount_ThrowsWithoutAllocating(string hex)
    {
        byte[] data = Hex(hex);
        Throws(data, (ref MessagePackReader r) => r.ReadObject()); // warm up (JIT, resources)

        long before = GC.GetAllocatedBytesForCurrentThread();
        Throws(data, (ref MessagePackReader r) => r.ReadObject());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ReadMapHeader_Map32CountOver2Pow31_ThrowsWithoutOverflow() =>
        Assert.Equal(
            "map at offset 0 declares 2147483648 entries, which need at least 4294967296 bytes, have 4",
            Throws(Hex("df8000000001020304"), (ref MessagePackReader r) => r.ReadMapHeader()).Message);

    [Fact]
    public void ReadMapHeader_EnoughBytesForKeysButNotValues_Throws() =>
        Throws(Hex("82010203"), (ref MessagePackReader r) => r.ReadMapHeader());

    [Fact]
    public void ReadObject_DepthBombOf1000NestedArrays_Throws()
    {
        byte[] bomb = [.. Enumerable.Repeat((byte)0x91, 1000), 0xc0];

        MessagePackSerializationException ex = Throws(bomb, (ref MessagePackReader r) => r.ReadObject());

        Assert.Equal("nesting deeper than 32 at offset 32", ex.Message);
    }

    [Fact]
    public void ReadObject_DepthBombWithHugeMaxDepth_ThrowsInsteadOfOverflowingTheStack()
    {
        byte[] bomb = [.. Enumerable.Repeat((byte)0x91, 2_000_000), 0xc0];

        Throws(bomb, (ref MessagePackReader r) => r.ReadObject(int.MaxValue));
    }

    [Fact]
    public void ReadObject_ReservedCodeC1_Throws() =>
        Assert.Equal(
            "invalid code 0xc1 (never used) at offset 1",
            Throws(Hex("91c1"), (ref MessagePackReader r) => r.ReadObject()).Message);

    [Fact]
    public void Skip_ReservedCodeC1_Throws() =>
        Assert.Equal(
            "invalid code 0xc1 (never used) at offset 2",
            Throws(Hex("9201c1"), (ref MessagePackReader r) => r.Skip()).Message);

    [Fact]
    public void TrySkip_ReservedCodeC1_Throws() =>
        Throws(Hex("c1"), (ref MessagePackReader r) => r.TrySkip());

    [Fact]
    public void ReadInt64_ReservedCodeC1_ThrowsTypeMismatch() =>
        Assert.Equal(
            "expected integer at offset 0, found 0xc1 (never used)",
            Throws(Hex("c1"), (ref MessagePackReader r) => r.ReadInt64()).Message);

    [Theory]
    [InlineData("a2c328")] // bad continuation byte
    [InlineData("a2c080")] // overlong encoding of NUL
    [InlineData("a3eda080")] // UTF-16 surrogate encoded in UTF-8
    [InlineData("a180")] // lone continuation byte
    [InlineData("a1ff")] // never valid in UTF-8
    [InlineData("a2e282")] // sequence cut short
    public void ReadString_InvalidUtf8_ThrowsWithoutAdvancing(string hex)
    {
        var reader = new MessagePackReader(Hex(hex));

        MessagePackSerializationException ex = Throws(ref reader, (ref MessagePackReader r) => r.ReadString());

        Assert.Equal("string at offset 0 is not valid UTF-8", ex.Message);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void TryReadString_InvalidUtf8_Throws() =>
        Throws(Hex("a2c328"), (ref MessagePackReader r) => r.TryReadString(out _));

    [Fact]
    public void ReadObject_MapKeyWithInvalidUtf8_Throws() =>
        Throws(Hex("81a2c32801"), (ref MessagePackReader r) => r.ReadObject());

    /// <summary>A request as the client sends it: nested map, array, bin, strings and integers.</summary>
    private static byte[] EncodedRequest()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(4);
        writer.Write("id");
        writer.Write(70000u);
        writer.Write("op");
        writer.Write("batch");
        writer.Write("ops");
        writer.WriteArrayHeader(2);
        writer.WriteMapHeader(2);
        writer.Write("op");
        writer.Write("mem_write");
        writer.Write("data");
        writer.Write(Counting(300).AsSpan());
        writer.WriteMapHeader(1);
        writer.Write("cycles");
        writer.Write(-5L);
        writer.Write("scale");
        writer.Write(0.5);
        return buffer.WrittenSpan.ToArray();
    }
}
