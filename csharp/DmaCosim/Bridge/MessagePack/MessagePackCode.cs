// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.MessagePack;

/// <summary>The first-byte codes of the MessagePack format (msgpack spec, "Formats").</summary>
internal static class MessagePackCode
{
    internal const byte MinFixInt = 0x00;
    internal const byte MaxFixInt = 0x7f;
    internal const byte MinFixMap = 0x80;
    internal const byte MaxFixMap = 0x8f;
    internal const byte MinFixArray = 0x90;
    internal const byte MaxFixArray = 0x9f;
    internal const byte MinFixStr = 0xa0;
    internal const byte MaxFixStr = 0xbf;
    internal const byte Nil = 0xc0;
    internal const byte NeverUsed = 0xc1;
    internal const byte False = 0xc2;
    internal const byte True = 0xc3;
    internal const byte Bin8 = 0xc4;
    internal const byte Bin16 = 0xc5;
    internal const byte Bin32 = 0xc6;
    internal const byte Ext8 = 0xc7;
    internal const byte Ext16 = 0xc8;
    internal const byte Ext32 = 0xc9;
    internal const byte Float32 = 0xca;
    internal const byte Float64 = 0xcb;
    internal const byte UInt8 = 0xcc;
    internal const byte UInt16 = 0xcd;
    internal const byte UInt32 = 0xce;
    internal const byte UInt64 = 0xcf;
    internal const byte Int8 = 0xd0;
    internal const byte Int16 = 0xd1;
    internal const byte Int32 = 0xd2;
    internal const byte Int64 = 0xd3;
    internal const byte FixExt1 = 0xd4;
    internal const byte FixExt2 = 0xd5;
    internal const byte FixExt4 = 0xd6;
    internal const byte FixExt8 = 0xd7;
    internal const byte FixExt16 = 0xd8;
    internal const byte Str8 = 0xd9;
    internal const byte Str16 = 0xda;
    internal const byte Str32 = 0xdb;
    internal const byte Array16 = 0xdc;
    internal const byte Array32 = 0xdd;
    internal const byte Map16 = 0xde;
    internal const byte Map32 = 0xdf;
    internal const byte MinNegativeFixInt = 0xe0;
    internal const byte MaxNegativeFixInt = 0xff;

    /// <summary>The largest count a fixarray or fixmap holds.</summary>
    internal const int MaxFixCount = 15;

    /// <summary>The longest string (in UTF-8 bytes) a fixstr holds.</summary>
    internal const int MaxFixStrLength = 31;

    /// <summary>The family a first byte belongs to.</summary>
    internal static MessagePackType ToMessagePackType(byte code) => code switch
    {
        <= MaxFixInt => MessagePackType.Integer,
        <= MaxFixMap => MessagePackType.Map,
        <= MaxFixArray => MessagePackType.Array,
        <= MaxFixStr => MessagePackType.String,
        Nil => MessagePackType.Nil,
        NeverUsed => MessagePackType.Unknown,
        False or True => MessagePackType.Boolean,
        Bin8 or Bin16 or Bin32 => MessagePackType.Binary,
        Ext8 or Ext16 or Ext32 => MessagePackType.Extension,
        Float32 or Float64 => MessagePackType.Float,
        >= UInt8 and <= Int64 => MessagePackType.Integer,
        >= FixExt1 and <= FixExt16 => MessagePackType.Extension,
        Str8 or Str16 or Str32 => MessagePackType.String,
        Array16 or Array32 => MessagePackType.Array,
        Map16 or Map32 => MessagePackType.Map,
        _ => MessagePackType.Integer, // negative fixint 0xe0..0xff
    };

    /// <summary>The spec's name for a first byte, for error messages ("0xc3 (true)").</summary>
    internal static string Describe(byte code) => code switch
    {
        <= MaxFixInt => "positive fixint",
        <= MaxFixMap => "fixmap",
        <= MaxFixArray => "fixarray",
        <= MaxFixStr => "fixstr",
        Nil => "nil",
        NeverUsed => "never used",
        False => "false",
        True => "true",
        Bin8 => "bin8",
        Bin16 => "bin16",
        Bin32 => "bin32",
        Ext8 => "ext8",
        Ext16 => "ext16",
        Ext32 => "ext32",
        Float32 => "float32",
        Float64 => "float64",
        UInt8 => "uint8",
        UInt16 => "uint16",
        UInt32 => "uint32",
        UInt64 => "uint64",
        Int8 => "int8",
        Int16 => "int16",
        Int32 => "int32",
        Int64 => "int64",
        FixExt1 => "fixext1",
        FixExt2 => "fixext2",
        FixExt4 => "fixext4",
        FixExt8 => "fixext8",
        FixExt16 => "fixext16",
        Str8 => "str8",
        Str16 => "str16",
        Str32 => "str32",
        Array16 => "array16",
        Array32 => "array32",
        Map16 => "map16",
        Map32 => "map32",
        _ => "negative fixint",
    };
}
