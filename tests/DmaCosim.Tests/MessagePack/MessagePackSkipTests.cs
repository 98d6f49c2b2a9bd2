// SPDX-License-Identifier: Apache-2.0
using DmaCosim.Bridge.MessagePack;
using Xunit;
using static DmaCosim.Tests.MessagePack.MessagePackTestSupport;

namespace DmaCosim.Tests.MessagePack;

public class MessagePackSkipTests
{
    [Theory]
    [InlineData("c0")] // nil
    [InlineData("c2")] // false
    [InlineData("c3")] // true
    [InlineData("05")] // positive fixint
    [InlineData("e0")] // negative fixint
    [InlineData("cc80")] // uint8
    [InlineData("cd0100")] // uint16
    [InlineData("ce00010000")] // uint32
    [InlineData("cf0000000100000000")] // uint64
    [InlineData("d0df")] // int8
    [InlineData("d1ff7f")] // int16
    [InlineData("d2ffff7fff")] // int32
    [InlineData("d3ffffffff7fffffff")] // int64
    [InlineData("ca3fc00000")] // float32
    [InlineData("cb3ff8000000000000")] // float64
    [InlineData("a0")] // empty fixstr
    [InlineData("a3616263")] // fixstr
    [InlineData("d903616263")] // str8
    [InlineData("da0003616263")] // str16
    [InlineData("db00000003616263")] // str32
    [InlineData("c400")] // empty bin8
    [InlineData("c403010203")] // bin8
    [InlineData("c50003010203")] // bin16
    [InlineData("c600000003010203")] // bin32
    [InlineData("90")] // empty fixarray
    [InlineData("920193c0c2c3")] // nested fixarray
    [InlineData("dc0002a161c0")] // array16
    [InlineData("dd00000002a161c0")] // array32
    [InlineData("80")] // empty fixmap
    [InlineData("82a16101a16292c0c0")] // fixmap holding an array
    [InlineData("de0001a16101")] // map16
    [InlineData("df00000001a16181a162c0")] // map32 holding a map
    [InlineData("d40107")] // fixext1
    [InlineData("d501aabb")] // fixext2
    [InlineData("d60101020304")] // fixext4
    [InlineData("d7010102030405060708")] // fixext8
    [InlineData("d801000102030405060708090a0b0c0d0e0f")] // fixext16
    [InlineData("c70201aabb")] // ext8
    [InlineData("c8000201aabb")] // ext16
    [InlineData("c90000000201aabb")] // ext32
    [InlineData("92d40107c70101ff")] // ext inside an array
    public void Skip_OneValueOfEveryFamily_StopsAtTheNextValue(string hex)
    {
        byte[] value = Hex(hex);
        var reader = new MessagePackReader([.. value, 0x2a]);

        reader.Skip();

        Assert.Equal(value.Length, reader.Consumed);
        Assert.Equal(42, reader.ReadInt32());
    }

    [Fact]
    public void TrySkip_CompleteValue_ReturnsTrueAndAdvances()
    {
        var reader = new MessagePackReader(Hex("92a16101 2a"));

        Assert.True(reader.TrySkip());
        Assert.Equal(4, reader.Consumed);
    }

    [Fact]
    public void Skip_100000NestedArrays_SkipsWithoutRecursion()
    {
        byte[] nested = [.. Enumerable.Repeat((byte)0x91, 100_000), 0xc0];
        var reader = new MessagePackReader(nested);

        reader.Skip();

        Assert.True(reader.End);
    }

    [Fact]
    public void Skip_AtEnd_Throws() =>
        Assert.Equal(
            "truncated: need 1 bytes at offset 0, have 0",
            Throws([], (ref MessagePackReader r) => r.Skip()).Message);

    [Fact]
    public void Skip_ArrayCountBeyondData_ThrowsWithoutAdvancing()
    {
        var reader = new MessagePackReader(Hex("ddffffffff010203"));

        Throws(ref reader, (ref MessagePackReader r) => r.Skip());

        Assert.Equal(0, reader.Consumed);
    }
}
