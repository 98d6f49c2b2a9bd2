// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.MessagePack;

#pragma warning disable CA1720 // Identifier contains type name: the names are the msgpack spec's and MessagePack-CSharp's.

/// <summary>The family of a MessagePack value, as told by its first byte.</summary>
public enum MessagePackType
{
    /// <summary>The reserved code 0xc1, which no valid encoding uses.</summary>
    Unknown = 0,

    /// <summary>A signed or unsigned integer (fixint, int8..int64, uint8..uint64).</summary>
    Integer,

    /// <summary>The nil value (0xc0).</summary>
    Nil,

    /// <summary>A boolean (0xc2 false, 0xc3 true).</summary>
    Boolean,

    /// <summary>A float32 or float64.</summary>
    Float,

    /// <summary>A UTF-8 string (fixstr, str8, str16, str32).</summary>
    String,

    /// <summary>A byte array (bin8, bin16, bin32).</summary>
    Binary,

    /// <summary>An array (fixarray, array16, array32).</summary>
    Array,

    /// <summary>A map (fixmap, map16, map32).</summary>
    Map,

    /// <summary>An extension value (fixext1..fixext16, ext8, ext16, ext32).</summary>
    Extension,
}
