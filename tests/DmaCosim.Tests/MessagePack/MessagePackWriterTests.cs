// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using DmaCosim.Bridge.MessagePack;
using Xunit;
using static DmaCosim.Tests.MessagePack.MessagePackTestSupport;

namespace DmaCosim.Tests.MessagePack;

public class MessagePackWriterTests
{
    [Fact]
    public void WriteNil_Always_WritesC0() =>
        Assert.Equal("c0", ToHex(Encode((ref MessagePackWriter w) => w.WriteNil())));

    [Theory]
    [InlineData(false, "c2")]
    [InlineData(true, "c3")]
    public void Write_Boolean_WritesFalseOrTrueCode(bool value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(0L, "00")] // positive fixint
    [InlineData(1L, "01")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")] // uint8
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")] // uint16
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")] // uint32
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")] // uint64
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")] // negative fixint
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")] // int8
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")] // int16
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")] // int32
    [InlineData(-2147483648L, "d280000000")]
    [InlineData(-2147483649L, "d3ffffffff7fffffff")] // int64
    [InlineData(long.MinValue, "d38000000000000000")]
    public void Write_Int64_UsesSmallestEncoding(long value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "cc80")]
    [InlineData(255UL, "ccff")]
    [InlineData(256UL, "cd0100")]
    [InlineData(65535UL, "cdffff")]
    [InlineData(65536UL, "ce00010000")]
    [InlineData(4294967295UL, "ceffffffff")]
    [InlineData(4294967296UL, "cf0000000100000000")]
    [InlineData(9223372036854775808UL, "cf8000000000000000")]
    [InlineData(ulong.MaxValue, "cfffffffffffffffff")]
    public void Write_UInt64_UsesSmallestEncoding(ulong value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(127, "7f")]
    [InlineData(128, "cc80")]
    [InlineData(-32, "e0")]
    [InlineData(-33, "d0df")]
    [InlineData(int.MaxValue, "ce7fffffff")]
    [InlineData(int.MinValue, "d280000000")]
    public void Write_Int32_UsesSmallestEncoding(int value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(127U, "7f")]
    [InlineData(65535U, "cdffff")]
    [InlineData(65536U, "ce00010000")]
    [InlineData(uint.MaxValue, "ceffffffff")]
    public void Write_UInt32_UsesSmallestEncoding(uint value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(1.5f, "ca3fc00000")]
    [InlineData(-2f, "cac0000000")]
    [InlineData(0f, "ca00000000")]
    public void Write_Single_WritesFloat32BigEndian(float value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(1.5, "cb3ff8000000000000")]
    [InlineData(0.1, "cb3fb999999999999a")]
    [InlineData(-0.25, "cbbfd0000000000000")]
    public void Write_Double_WritesFloat64BigEndian(double value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.Write(value))));

    [Theory]
    [InlineData(0, "a0")] // fixstr
    [InlineData(1, "a1")]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")] // str8
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")] // str16
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")] // str32
    public void Write_StringOfLength_UsesSmallestHeader(int length, string expectedHeader)
    {
        string value = Letters(length);

        byte[] encoded = Encode((ref MessagePackWriter w) => w.Write(value));

        Assert.Equal(Hex(expectedHeader).Concat(Encoding.ASCII.GetBytes(value)), encoded);
    }

    [Fact]
    public void Write_StringWithMultibyteCharacters_CountsUtf8Bytes()
    {
        string value = new('é', 16); // 32 UTF-8 bytes, 16 chars

        byte[] encoded = Encode((ref MessagePackWriter w) => w.Write(value));

        Assert.Equal("d920", ToHex(encoded.AsSpan(0, 2)));
        Assert.Equal(34, encoded.Length);
    }

    [Fact]
    public void Write_NullString_WritesNil() =>
        Assert.Equal("c0", ToHex(Encode((ref MessagePackWriter w) => w.Write((string?)null))));

    [Fact]
    public void Write_StringWithLoneSurrogate_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => w.Write("a\ud800b")));

    [Fact]
    public void WriteString_Utf8Bytes_WritesStrHeaderAndBytes() =>
        Assert.Equal("a3616263", ToHex(Encode((ref MessagePackWriter w) => w.WriteString("abc"u8))));

    [Fact]
    public void WriteString_InvalidUtf8_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => w.WriteString([0xc3, 0x28])));

    [Theory]
    [InlineData(0, "c400")] // bin8
    [InlineData(1, "c401")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")] // bin16
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")] // bin32
    public void Write_BinaryOfLength_UsesSmallestHeader(int length, string expectedHeader)
    {
        byte[] value = Counting(length);

        byte[] encoded = Encode((ref MessagePackWriter w) => w.Write(value.AsSpan()));

        Assert.Equal(Hex(expectedHeader).Concat(value), encoded);
    }

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(300, "c5012c")]
    [InlineData(70000, "c600011170")]
    public void WriteBinHeader_Length_WritesOnlyTheHeader(int length, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.WriteBinHeader(length))));

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(40, "d928")]
    public void WriteStringHeader_Length_WritesOnlyTheHeader(int length, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.WriteStringHeader(length))));

    [Theory]
    [InlineData(0, "90")] // fixarray
    [InlineData(1, "91")]
    [InlineData(15, "9f")]
    [InlineData(16, "dc0010")] // array16
    [InlineData(65535, "dcffff")]
    [InlineData(65536, "dd00010000")] // array32
    [InlineData(int.MaxValue, "dd7fffffff")]
    public void WriteArrayHeader_Count_UsesSmallestEncoding(int count, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.WriteArrayHeader(count))));

    [Theory]
    [InlineData(0, "80")] // fixmap
    [InlineData(1, "81")]
    [InlineData(15, "8f")]
    [InlineData(16, "de0010")] // map16
    [InlineData(65535, "deffff")]
    [InlineData(65536, "df00010000")] // map32
    public void WriteMapHeader_Count_UsesSmallestEncoding(int count, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => w.WriteMapHeader(count))));

    [Fact]
    public void WriteArrayHeader_NegativeCount_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode((ref MessagePackWriter w) => w.WriteArrayHeader(-1)));

    [Fact]
    public void WriteMapHeader_NegativeCount_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode((ref MessagePackWriter w) => w.WriteMapHeader(-1)));

    [Fact]
    public void WriteBinHeader_NegativeLength_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode((ref MessagePackWriter w) => w.WriteBinHeader(-1)));

    [Fact]
    public void WriteRaw_Bytes_CopiesThemUnchanged() =>
        Assert.Equal("c0c3ff", ToHex(Encode((ref MessagePackWriter w) => w.WriteRaw([0xc0, 0xc3, 0xff]))));

    [Fact]
    public void Write_SeveralValues_AppendsInOrderWithoutFlush()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);

        writer.WriteArrayHeader(2);
        writer.Write(1);
        writer.Write("a");

        Assert.Equal("9201a161", ToHex(buffer.WrittenSpan));
    }

    [Fact]
    public void Constructor_NullOutput_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new MessagePackWriter(null!));

    [Fact]
    public void WriteNil_DefaultWriter_ThrowsInvalidOperationException() =>
        Assert.Throws<InvalidOperationException>(() => default(MessagePackWriter).WriteNil());
}
