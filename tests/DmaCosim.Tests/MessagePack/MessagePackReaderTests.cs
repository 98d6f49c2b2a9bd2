// SPDX-License-Identifier: Apache-2.0
using DmaCosim.Bridge.MessagePack;
using Xunit;
using static DmaCosim.Tests.MessagePack.MessagePackTestSupport;

namespace DmaCosim.Tests.MessagePack;

public class MessagePackReaderTests
{
    [Theory]
    [InlineData("00", 0L)] // positive fixint
    [InlineData("7f", 127L)]
    [InlineData("cc80", 128L)] // uint8
    [InlineData("ccff", 255L)]
    [InlineData("cd0100", 256L)] // uint16
    [InlineData("cdffff", 65535L)]
    [InlineData("ce00010000", 65536L)] // uint32
    [InlineData("ceffffffff", 4294967295L)]
    [InlineData("cf0000000100000000", 4294967296L)] // uint64
    [InlineData("cf7fffffffffffffff", long.MaxValue)]
    [InlineData("ff", -1L)] // negative fixint
    [InlineData("e0", -32L)]
    [InlineData("d0df", -33L)] // int8
    [InlineData("d080", -128L)]
    [InlineData("d1ff7f", -129L)] // int16
    [InlineData("d18000", -32768L)]
    [InlineData("d2ffff7fff", -32769L)] // int32
    [InlineData("d280000000", -2147483648L)]
    [InlineData("d3ffffffff7fffffff", -2147483649L)] // int64
    [InlineData("d38000000000000000", long.MinValue)]
    [InlineData("cf0000000000000001", 1L)] // not the smallest encoding: still accepted
    [InlineData("d07f", 127L)]
    [InlineData("d3ffffffffffffffff", -1L)]
    public void ReadInt64_EveryIntegerFormat_DecodesValue(string hex, long expected)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("00", 0UL)]
    [InlineData("7f", 127UL)]
    [InlineData("cc80", 128UL)]
    [InlineData("cdffff", 65535UL)]
    [InlineData("ceffffffff", 4294967295UL)]
    [InlineData("cf0000000100000000", 4294967296UL)]
    [InlineData("cfffffffffffffffff", ulong.MaxValue)]
    [InlineData("d07f", 127UL)] // signed format, non-negative value
    public void ReadUInt64_NonNegativeIntegers_DecodesValue(string hex, ulong expected)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, reader.ReadUInt64());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("ff")]
    [InlineData("d0df")]
    [InlineData("d38000000000000000")]
    public void ReadUInt64_NegativeValue_Throws(string hex)
    {
        var reader = new MessagePackReader(Hex(hex));

        MessagePackSerializationException ex = Throws(ref reader, (ref MessagePackReader r) => r.ReadUInt64());

        Assert.Contains("does not fit in UInt64", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void ReadInt64_ValueAboveInt64Max_Throws() =>
        Throws(Hex("cf8000000000000000"), (ref MessagePackReader r) => r.ReadInt64());

    [Theory]
    [InlineData("d280000000", int.MinValue)]
    [InlineData("ce7fffffff", int.MaxValue)]
    [InlineData("e0", -32)]
    public void ReadInt32_ValueInRange_DecodesValue(string hex, int expected) =>
        Assert.Equal(expected, new MessagePackReader(Hex(hex)).ReadInt32());

    [Theory]
    [InlineData("cf0000010000000000")] // 2^40
    [InlineData("ce80000000")] // 2^31
    [InlineData("d3ffffffff7fffffff")] // int.MinValue - 1
    public void ReadInt32_ValueOutOfRange_ThrowsWithoutAdvancing(string hex)
    {
        var reader = new MessagePackReader(Hex(hex));

        MessagePackSerializationException ex = Throws(ref reader, (ref MessagePackReader r) => r.ReadInt32());

        Assert.Contains("does not fit in Int32", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("ceffffffff", uint.MaxValue)]
    [InlineData("00", 0U)]
    public void ReadUInt32_ValueInRange_DecodesValue(string hex, uint expected) =>
        Assert.Equal(expected, new MessagePackReader(Hex(hex)).ReadUInt32());

    [Theory]
    [InlineData("cf0000000100000000")] // 2^32
    [InlineData("ff")] // -1
    public void ReadUInt32_ValueOutOfRange_Throws(string hex) =>
        Throws(Hex(hex), (ref MessagePackReader r) => r.ReadUInt32());

    [Fact]
    public void TryReadInt64_OutOfRange_ThrowsRatherThanReturningFalse() =>
        Throws(Hex("cfffffffffffffffff"), (ref MessagePackReader r) => r.TryReadInt64(out _));

    [Theory]
    [InlineData("ca3fc00000", 1.5)] // float32
    [InlineData("cb3fb999999999999a", 0.1)] // float64
    [InlineData("07", 7.0)] // integers convert
    [InlineData("d0df", -33.0)]
    [InlineData("cfffffffffffffffff", 18446744073709551615.0)]
    public void ReadDouble_FloatsAndIntegers_DecodesValue(string hex, double expected)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, reader.ReadDouble());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("ca3fc00000", 1.5f)]
    [InlineData("cb3ff8000000000000", 1.5f)]
    [InlineData("7f", 127f)]
    public void ReadSingle_FloatsAndIntegers_DecodesValue(string hex, float expected)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, reader.ReadSingle());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("c2", false)]
    [InlineData("c3", true)]
    public void ReadBoolean_FalseAndTrue_DecodesValue(string hex, bool expected) =>
        Assert.Equal(expected, new MessagePackReader(Hex(hex)).ReadBoolean());

    [Fact]
    public void ReadNil_Nil_Advances()
    {
        var reader = new MessagePackReader(Hex("c0"));

        reader.ReadNil();

        Assert.True(reader.End);
    }

    [Fact]
    public void TryReadNil_Nil_ReturnsTrueAndAdvances()
    {
        var reader = new MessagePackReader(Hex("c001"));

        Assert.True(reader.TryReadNil());
        Assert.Equal(1, reader.Consumed);
    }

    [Fact]
    public void TryReadNil_NotNil_ReturnsFalseWithoutAdvancing()
    {
        var reader = new MessagePackReader(Hex("01"));

        Assert.False(reader.TryReadNil());
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void TryReadNil_AtEnd_ReturnsFalse() =>
        Assert.False(new MessagePackReader([]).TryReadNil());

    [Theory]
    [InlineData("a0", "")] // fixstr
    [InlineData("a3616263", "abc")]
    [InlineData("d903616263", "abc")] // str8
    [InlineData("da0003616263", "abc")] // str16
    [InlineData("db00000003616263", "abc")] // str32
    [InlineData("a2c3a9", "é")] // multi-byte UTF-8
    [InlineData("a4f09f9880", "\U0001F600")] // 4-byte UTF-8 (surrogate pair)
    public void ReadString_EveryStrFormat_DecodesValue(string hex, string expected)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, reader.ReadString());
        Assert.True(reader.End);
    }

    [Fact]
    public void ReadString_Nil_ReturnsNull()
    {
        var reader = new MessagePackReader(Hex("c0"));

        Assert.Null(reader.ReadString());
        Assert.True(reader.End);
    }

    [Fact]
    public void ReadStringSpan_Str8_ReturnsRawUtf8Bytes()
    {
        var reader = new MessagePackReader(Hex("d903616263"));

        Assert.Equal("616263", ToHex(reader.ReadStringSpan()));
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("c400", "")] // bin8
    [InlineData("c403010203", "010203")]
    [InlineData("c50003010203", "010203")] // bin16
    [InlineData("c600000003010203", "010203")] // bin32
    public void ReadBytes_EveryBinFormat_ReturnsBytes(string hex, string expected)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, ToHex(reader.ReadBytes()));
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("90", 0)] // fixarray
    [InlineData("920102", 2)]
    [InlineData("9f000102030405060708090a0b0c0d0e", 15)]
    [InlineData("dc00020102", 2)] // array16
    [InlineData("dd000000020102", 2)] // array32
    public void ReadArrayHeader_EveryArrayFormat_ReturnsCount(string hex, int expected)
    {
        byte[] data = Hex(hex);
        var reader = new MessagePackReader(data);

        Assert.Equal(expected, reader.ReadArrayHeader());
        Assert.Equal(data.Length - expected, reader.Consumed);
    }

    [Theory]
    [InlineData("80", 0, 1)] // fixmap
    [InlineData("82a16101a16202", 2, 1)]
    [InlineData("de0001a16101", 1, 3)] // map16
    [InlineData("df00000001a16101", 1, 5)] // map32
    public void ReadMapHeader_EveryMapFormat_ReturnsCount(string hex, int expected, int headerSize)
    {
        var reader = new MessagePackReader(Hex(hex));

        Assert.Equal(expected, reader.ReadMapHeader());
        Assert.Equal(headerSize, reader.Consumed);
    }

    [Theory]
    [InlineData("00", MessagePackType.Integer)]
    [InlineData("7f", MessagePackType.Integer)]
    [InlineData("e0", MessagePackType.Integer)]
    [InlineData("ff", MessagePackType.Integer)]
    [InlineData("cc", MessagePackType.Integer)]
    [InlineData("d3", MessagePackType.Integer)]
    [InlineData("c0", MessagePackType.Nil)]
    [InlineData("c2", MessagePackType.Boolean)]
    [InlineData("c3", MessagePackType.Boolean)]
    [InlineData("ca", MessagePackType.Float)]
    [InlineData("cb", MessagePackType.Float)]
    [InlineData("a0", MessagePackType.String)]
    [InlineData("bf", MessagePackType.String)]
    [InlineData("d9", MessagePackType.String)]
    [InlineData("db", MessagePackType.String)]
    [InlineData("c4", MessagePackType.Binary)]
    [InlineData("c6", MessagePackType.Binary)]
    [InlineData("90", MessagePackType.Array)]
    [InlineData("9f", MessagePackType.Array)]
    [InlineData("dc", MessagePackType.Array)]
    [InlineData("dd", MessagePackType.Array)]
    [InlineData("80", MessagePackType.Map)]
    [InlineData("8f", MessagePackType.Map)]
    [InlineData("de", MessagePackType.Map)]
    [InlineData("df", MessagePackType.Map)]
    [InlineData("c7", MessagePackType.Extension)]
    [InlineData("c9", MessagePackType.Extension)]
    [InlineData("d4", MessagePackType.Extension)]
    [InlineData("d8", MessagePackType.Extension)]
    [InlineData("c1", MessagePackType.Unknown)]
    public void NextMessagePackType_FirstByte_ReportsFamily(string hex, MessagePackType expected) =>
        Assert.Equal(expected, new MessagePackReader(Hex(hex)).NextMessagePackType);

    [Fact]
    public void NextCode_AtEnd_Throws() =>
        Throws([], (ref MessagePackReader r) => _ = r.NextCode);

    [Fact]
    public void ReadMapHeader_True_ThrowsNamingExpectedTypeOffsetAndFoundCode()
    {
        var reader = new MessagePackReader(Hex("01c3"));
        reader.ReadInt32();

        MessagePackSerializationException ex = Throws(ref reader, (ref MessagePackReader r) => r.ReadMapHeader());

        Assert.Equal("expected map at offset 1, found 0xc3 (true)", ex.Message);
        Assert.Equal(1, reader.Consumed);
    }

    public static TheoryData<string, string> TypeMismatches => new()
    {
        { "a161", "Int64" },
        { "ca3fc00000", "Int64" },
        { "c0", "Int64" },
        { "01", "String" },
        { "c403010203", "String" },
        { "a3616263", "Bytes" }, // str is not accepted as bin
        { "c0", "Bytes" },
        { "c0", "Boolean" },
        { "01", "Boolean" },
        { "c2", "Nil" },
        { "80", "ArrayHeader" },
        { "90", "MapHeader" },
        { "a161", "Double" },
        { "c3", "Single" },
        { "c3", "UInt64" },
    };

    [Theory]
    [MemberData(nameof(TypeMismatches))]
    public void ReadX_WrongType_ThrowsWithoutAdvancing(string hex, string kind)
    {
        var reader = new MessagePackReader(Hex(hex));

        MessagePackSerializationException ex = Throws(ref reader, (ref MessagePackReader r) => ReadByKind(ref r, kind));

        Assert.StartsWith("expected ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("a161", "Int64")]
    [InlineData("01", "String")]
    [InlineData("a3616263", "Bytes")]
    [InlineData("01", "Boolean")]
    [InlineData("80", "ArrayHeader")]
    [InlineData("90", "MapHeader")]
    [InlineData("c3", "UInt64")]
    public void TryReadX_WrongType_ThrowsRatherThanReturningFalse(string hex, string kind)
    {
        MessagePackSerializationException ex = Throws(Hex(hex), (ref MessagePackReader r) => TryReadByKind(ref r, kind));

        Assert.StartsWith("expected ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SequenceOfValues_TracksConsumedAndEnd()
    {
        var reader = new MessagePackReader(Hex("01 a161 c3"));

        reader.ReadInt32();
        Assert.Equal(1, reader.Consumed);
        reader.ReadString();
        Assert.Equal(3, reader.Consumed);
        Assert.False(reader.End);
        reader.ReadBoolean();
        Assert.True(reader.End);
        Assert.Equal(0, reader.Remaining);
    }

    /// <summary>Calls the ReadX named by <paramref name="kind"/>.</summary>
    internal static void ReadByKind(ref MessagePackReader reader, string kind)
    {
        switch (kind)
        {
            case "Int64": reader.ReadInt64(); break;
            case "UInt64": reader.ReadUInt64(); break;
            case "Int32": reader.ReadInt32(); break;
            case "UInt32": reader.ReadUInt32(); break;
            case "Double": reader.ReadDouble(); break;
            case "Single": reader.ReadSingle(); break;
            case "String": reader.ReadString(); break;
            case "Bytes": reader.ReadBytes(); break;
            case "Boolean": reader.ReadBoolean(); break;
            case "Nil": reader.ReadNil(); break;
            case "ArrayHeader": reader.ReadArrayHeader(); break;
            case "MapHeader": reader.ReadMapHeader(); break;
            case "Skip": reader.Skip(); break;
            case "Object": reader.ReadObject(); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind");
        }
    }

    /// <summary>Calls the TryReadX named by <paramref name="kind"/>.</summary>
    internal static bool TryReadByKind(ref MessagePackReader reader, string kind) => kind switch
    {
        "Int64" => reader.TryReadInt64(out _),
        "UInt64" => reader.TryReadUInt64(out _),
        "Int32" => reader.TryReadInt32(out _),
        "UInt32" => reader.TryReadUInt32(out _),
        "Double" => reader.TryReadDouble(out _),
        "String" => reader.TryReadString(out _),
        "Bytes" => reader.TryReadBytes(out _),
        "Boolean" => reader.TryReadBoolean(out _),
        "ArrayHeader" => reader.TryReadArrayHeader(out _),
        "MapHeader" => reader.TryReadMapHeader(out _),
        "Skip" => reader.TrySkip(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind"),
    };
}
