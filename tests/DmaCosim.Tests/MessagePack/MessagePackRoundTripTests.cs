// SPDX-License-Identifier: Apache-2.0
using DmaCosim.Bridge.MessagePack;
using Xunit;
using static DmaCosim.Tests.MessagePack.MessagePackTestSupport;

namespace DmaCosim.Tests.MessagePack;

public class MessagePackRoundTripTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(127L)]
    [InlineData(128L)]
    [InlineData(255L)]
    [InlineData(256L)]
    [InlineData(65535L)]
    [InlineData(65536L)]
    [InlineData(4294967295L)]
    [InlineData(4294967296L)]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    [InlineData(-32L)]
    [InlineData(-33L)]
    [InlineData(-128L)]
    [InlineData(-129L)]
    [InlineData(-32768L)]
    [InlineData(-32769L)]
    [InlineData(-2147483648L)]
    [InlineData(-2147483649L)]
    [InlineData(long.MinValue)]
    public void WriteInt64ThenReadInt64_Boundary_RoundTrips(long value)
    {
        var reader = new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value)));

        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(128UL)]
    [InlineData(65536UL)]
    [InlineData(4294967296UL)]
    [InlineData(ulong.MaxValue)]
    public void WriteUInt64ThenReadUInt64_Boundary_RoundTrips(ulong value) =>
        Assert.Equal(value, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value))).ReadUInt64());

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void WriteDoubleThenReadDouble_SpecialValues_RoundTripBitExact(double value) =>
        Assert.Equal(
            BitConverter.DoubleToInt64Bits(value),
            BitConverter.DoubleToInt64Bits(new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value))).ReadDouble()));

    [Fact]
    public void WriteDoubleThenReadDouble_NegativeZero_KeepsTheSign() =>
        Assert.True(double.IsNegative(new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(-0.0))).ReadDouble()));

    [Theory]
    [InlineData(float.MinValue)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(3.14159f)]
    public void WriteSingleThenReadSingle_Value_RoundTrips(float value) =>
        Assert.Equal(value, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value))).ReadSingle());

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void WriteStringThenReadString_Length_RoundTrips(int length)
    {
        string value = Letters(length);

        Assert.Equal(value, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value))).ReadString());
    }

    [Fact]
    public void WriteStringThenReadString_NonAscii_RoundTrips()
    {
        const string Value = "Grüße, 世界 \U0001F600";

        Assert.Equal(Value, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(Value))).ReadString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void WriteBinaryThenReadBytes_Length_RoundTrips(int length)
    {
        byte[] value = Counting(length);

        Assert.Equal(value, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value.AsSpan()))).ReadBytes().ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void WriteArrayHeaderThenReadArrayHeader_Count_RoundTrips(int count)
    {
        byte[] encoded = Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(count);
            for (int i = 0; i < count; i++)
            {
                w.WriteNil();
            }
        });
        var reader = new MessagePackReader(encoded);

        Assert.Equal(count, reader.ReadArrayHeader());
        Assert.Equal(count, reader.Remaining);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void WriteMapHeaderThenReadMapHeader_Count_RoundTrips(int count)
    {
        byte[] encoded = Encode((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(count);
            for (int i = 0; i < count; i++)
            {
                w.Write(i);
                w.WriteNil();
            }
        });
        var reader = new MessagePackReader(encoded);

        Assert.Equal(count, reader.ReadMapHeader());
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, reader.ReadInt32());
            reader.ReadNil();
        }

        Assert.True(reader.End);
    }

    [Fact]
    public void WriteObjectThenReadObject_MapWith65536Entries_RoundTrips()
    {
        var map = new Dictionary<string, object?>();
        for (int i = 0; i < 65536; i++)
        {
            map[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = (long)i;
        }

        byte[] encoded = Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, map));

        Assert.Equal("df00010000", ToHex(encoded.AsSpan(0, 5)));
        Assert.Equal(map, new MessagePackReader(encoded).ReadObject());
    }
}
