// SPDX-License-Identifier: Apache-2.0
using System.Collections;
using DmaCosim.Bridge.MessagePack;
using Xunit;
using static DmaCosim.Tests.MessagePack.MessagePackTestSupport;

namespace DmaCosim.Tests.MessagePack;

public class MessagePackObjectTests
{
    [Fact]
    public void ReadObject_Nil_ReturnsNull() =>
        Assert.Null(new MessagePackReader(Hex("c0")).ReadObject());

    [Fact]
    public void ReadObject_Boolean_ReturnsBool() =>
        Assert.Equal(true, new MessagePackReader(Hex("c3")).ReadObject());

    [Theory]
    [InlineData("7f", 127L)]
    [InlineData("d38000000000000000", long.MinValue)]
    [InlineData("cf7fffffffffffffff", long.MaxValue)]
    public void ReadObject_IntegerFittingInt64_ReturnsLong(string hex, long expected) =>
        Assert.Equal(expected, Assert.IsType<long>(new MessagePackReader(Hex(hex)).ReadObject()));

    [Fact]
    public void ReadObject_IntegerAboveInt64Max_ReturnsULong() =>
        Assert.Equal(ulong.MaxValue, Assert.IsType<ulong>(new MessagePackReader(Hex("cfffffffffffffffff")).ReadObject()));

    [Theory]
    [InlineData("ca3fc00000", 1.5)]
    [InlineData("cb3fb999999999999a", 0.1)]
    public void ReadObject_Float_ReturnsDouble(string hex, double expected) =>
        Assert.Equal(expected, Assert.IsType<double>(new MessagePackReader(Hex(hex)).ReadObject()));

    [Fact]
    public void ReadObject_String_ReturnsString() =>
        Assert.Equal("abc", new MessagePackReader(Hex("d903616263")).ReadObject());

    [Fact]
    public void ReadObject_Binary_ReturnsByteArrayCopy() =>
        Assert.Equal([1, 2, 3], Assert.IsType<byte[]>(new MessagePackReader(Hex("c403010203")).ReadObject()));

    [Fact]
    public void ReadObject_Array_ReturnsObjectArray() =>
        Assert.Equal([1L, "a", null], Assert.IsType<object?[]>(new MessagePackReader(Hex("9301a161c0")).ReadObject()));

    [Fact]
    public void ReadObject_Map_ReturnsDictionaryOfStringToObject()
    {
        object? value = new MessagePackReader(Hex("82a16101a162c2")).ReadObject();

        Dictionary<string, object?> map = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(1L, map["a"]);
        Assert.Equal(false, map["b"]);
    }

    [Fact]
    public void ReadObject_OneValueOfSeveral_ConsumesOnlyThatValue()
    {
        var reader = new MessagePackReader(Hex("9201 02 03"));

        reader.ReadObject();

        Assert.Equal(3, reader.Consumed);
    }

    [Fact]
    public void ReadObject_MsgpackCxxReply_DecodesExactly()
    {
        // msgpack-cxx: pk.pack_map(3); pack("id"); pack(1u); pack("ok"); pack(true); pack("value"); pack(65538u)
        byte[] data = Hex("83 a2 6964 01 a2 6f6b c3 a5 76616c7565 ce 00010002");

        var map = Assert.IsType<Dictionary<string, object?>>(new MessagePackReader(data).ReadObject());

        Assert.Equal(3, map.Count);
        Assert.Equal(1L, map["id"]);
        Assert.Equal(true, map["ok"]);
        Assert.Equal(65538L, map["value"]);
    }

    [Fact]
    public void ReadObject_MsgpackCxxErrorReply_DecodesNestedMap()
    {
        // {"id":7,"ok":false,"error":{"code":"BAD_ADDRESS","message":"bad addr"}}
        byte[] data = Hex(
            "83 a2 6964 07 a2 6f6b c2 a5 6572726f72 82 a4 636f6465 ab 4241445f41444452455353 a7 6d657373616765 a8 6261642061646472");

        var map = Assert.IsType<Dictionary<string, object?>>(new MessagePackReader(data).ReadObject());
        var error = Assert.IsType<Dictionary<string, object?>>(map["error"]);

        Assert.Equal(false, map["ok"]);
        Assert.Equal("BAD_ADDRESS", error["code"]);
        Assert.Equal("bad addr", error["message"]);
    }

    [Fact]
    public void ReadObject_MsgpackCxxMemReadReply_DecodesBin()
    {
        // {"id":2,"ok":true,"data":bin{de ad be ef}}
        byte[] data = Hex("83 a2 6964 02 a2 6f6b c3 a4 64617461 c4 04 deadbeef");

        var map = Assert.IsType<Dictionary<string, object?>>(new MessagePackReader(data).ReadObject());

        Assert.Equal("deadbeef", ToHex(Assert.IsType<byte[]>(map["data"])));
    }

    [Fact]
    public void ReadObject_MsgpackCxxHelloFragment_DecodesArrayOfMaps()
    {
        // {"dram":[{"base":0,"size":1073741824}],"backpressure":0.25}
        byte[] data = Hex("82 a4 6472616d 91 82 a4 62617365 00 a4 73697a65 ce 40000000 ac 6261636b7072657373757265 cb 3fd0000000000000");

        var map = Assert.IsType<Dictionary<string, object?>>(new MessagePackReader(data).ReadObject());
        var dram = Assert.IsType<object?[]>(map["dram"]);
        var window = Assert.IsType<Dictionary<string, object?>>(Assert.Single(dram));

        Assert.Equal(0L, window["base"]);
        Assert.Equal(1073741824L, window["size"]);
        Assert.Equal(0.25, map["backpressure"]);
    }

    [Fact]
    public void WriteObject_RequestDictionary_WritesWhatMsgpackCxxExpects()
    {
        var request = new Dictionary<string, object?> { ["id"] = 1u, ["op"] = "reg_read", ["addr"] = 16 };

        byte[] encoded = Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, request));

        Assert.Equal("83a2696401a26f70a87265675f72656164a46164647210", ToHex(encoded));
    }

    [Fact]
    public void WriteObjectThenReadObject_NestedTree_RoundTrips()
    {
        var tree = new Dictionary<string, object?>
        {
            ["nil"] = null,
            ["t"] = true,
            ["neg"] = -129L,
            ["big"] = ulong.MaxValue,
            ["pi"] = 3.25,
            ["s"] = Letters(300),
            ["bin"] = Counting(70000),
            ["list"] = new object?[] { 1L, new object?[] { "x", null }, new Dictionary<string, object?> { ["k"] = false } },
            ["empty"] = Array.Empty<object?>(),
            ["map"] = new Dictionary<string, object?>(),
        };

        byte[] encoded = Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, tree));
        object? decoded = new MessagePackReader(encoded).ReadObject();

        Assert.Equivalent(tree, decoded, strict: true);
    }

    [Theory]
    [InlineData((sbyte)-100, "d09c")]
    [InlineData((byte)200, "ccc8")]
    [InlineData((short)-300, "d1fed4")]
    [InlineData((ushort)60000, "cdea60")]
    [InlineData(-5, "fb")]
    [InlineData(70000u, "ce00011170")]
    [InlineData(-33L, "d0df")]
    [InlineData(1UL, "01")]
    [InlineData(1.5f, "ca3fc00000")]
    [InlineData(1.5, "cb3ff8000000000000")]
    [InlineData(true, "c3")]
    [InlineData("ab", "a26162")]
    [InlineData(null, "c0")]
    public void WriteObject_Scalar_WritesSmallestEncoding(object? value, string expected) =>
        Assert.Equal(expected, ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, value))));

    [Fact]
    public void WriteObject_ByteArray_WritesBin() =>
        Assert.Equal("c4020102", ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, new byte[] { 1, 2 }))));

    [Fact]
    public void WriteObject_ReadOnlyMemoryOfByte_WritesBin()
    {
        ReadOnlyMemory<byte> memory = new byte[] { 9, 1, 2, 9 }.AsMemory(1, 2);

        Assert.Equal("c4020102", ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, memory))));
    }

    [Fact]
    public void WriteObject_LazySequence_WritesArray() =>
        Assert.Equal("93010203", ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, Enumerable.Range(1, 3)))));

    [Fact]
    public void WriteObject_IntArray_WritesArray()
    {
        int[] values = [1, 128];

        Assert.Equal("9201cc80", ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, values))));
    }

    [Fact]
    public void WriteObject_NonGenericDictionaryWithStringKeys_WritesMap() =>
        Assert.Equal("81a16101", ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, new Hashtable { ["a"] = 1 }))));

    [Fact]
    public void WriteObject_TypedDictionary_WritesMap() =>
        Assert.Equal("81a16101", ToHex(Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, new Dictionary<string, int> { ["a"] = 1 }))));

    [Fact]
    public void WriteObject_UnsupportedType_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, DateTime.UnixEpoch)));

    [Fact]
    public void WriteObject_UnsupportedTypeInsideList_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, new object[] { 1, Guid.Empty })));

    [Fact]
    public void WriteObject_NonStringKey_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, new Hashtable { [1] = "x" })));

    [Fact]
    public void WriteObject_ListContainingItself_ThrowsArgumentException()
    {
        var list = new List<object?>();
        list.Add(list);

        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, list)));
    }

    [Fact]
    public void WriteObject_NegativeMaxDepth_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode((ref MessagePackWriter w) => MessagePackObjectWriter.WriteObject(ref w, 1, -1)));

    [Fact]
    public void ReadObject_32NestedArrays_IsAccepted()
    {
        byte[] data = [.. Enumerable.Repeat((byte)0x91, 32), 0xc0];

        Assert.NotNull(new MessagePackReader(data).ReadObject());
    }

    [Fact]
    public void ReadObject_33NestedArrays_Throws() =>
        Throws([.. Enumerable.Repeat((byte)0x91, 33), 0xc0], (ref MessagePackReader r) => r.ReadObject());

    [Fact]
    public void ReadObject_MaxDepthZero_AcceptsScalarsOnly()
    {
        Assert.Equal(1L, new MessagePackReader(Hex("01")).ReadObject(maxDepth: 0));
        Throws(Hex("90"), (ref MessagePackReader r) => r.ReadObject(maxDepth: 0));
    }

    [Fact]
    public void ReadObject_NegativeMaxDepth_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReader(Hex("01")).ReadObject(-1));

    [Fact]
    public void ReadObject_IntegerMapKey_Throws() =>
        Assert.Equal(
            "map key at offset 1 must be a string, found 0x01 (positive fixint)",
            Throws(Hex("810102"), (ref MessagePackReader r) => r.ReadObject()).Message);

    [Fact]
    public void ReadObject_DuplicateMapKey_Throws() =>
        Assert.Equal(
            "duplicate map key \"a\" at offset 4",
            Throws(Hex("82a16101a16102"), (ref MessagePackReader r) => r.ReadObject()).Message);

    [Fact]
    public void ReadObject_ExtensionValue_Throws() =>
        Throws(Hex("d40107"), (ref MessagePackReader r) => r.ReadObject());

    [Fact]
    public void ReadObject_MalformedInsideArray_DoesNotAdvance()
    {
        var reader = new MessagePackReader(Hex("9201d905"));

        Throws(ref reader, (ref MessagePackReader r) => r.ReadObject());

        Assert.Equal(0, reader.Consumed);
    }
}
