// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace DmaCosim.Bridge.MessagePack;

/// <summary>
/// Reads MessagePack values from a span, one value at a time, without copying (strings are decoded,
/// binary data is returned as a slice of the input).
/// </summary>
/// <remarks>
/// <para>
/// Modelled on MessagePack-CSharp's <c>MessagePackReader</c>. Every <c>ReadX</c> either returns a
/// value and advances past it, or throws <see cref="MessagePackSerializationException"/> and does
/// not advance. Every <c>TryReadX</c> returns <see langword="false"/> without advancing when the data
/// ends before the value does (a partial buffer), but still throws when the value is of another type,
/// out of range or malformed, because waiting for more data would not help.
/// </para>
/// <para>
/// Hostile input is rejected before anything is allocated: a str/bin length beyond the remaining
/// bytes, or an array/map count larger than the remaining bytes could hold (every element takes at
/// least one byte, every map entry two), is an error even for <c>array32</c> counts near 2^32.
/// Readers accept every encoding of a value, not only the smallest (a uint64 holding 1 reads as 1).
/// </para>
/// </remarks>
public ref struct MessagePackReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader positioned at the first byte of <paramref name="data"/>.</summary>
    /// <param name="data">The encoded bytes; the reader never copies them.</param>
    public MessagePackReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    private enum HeaderStatus
    {
        Ok,
        Truncated,
        CountExceedsData,
    }

    /// <summary>The number of bytes read so far (the offset of the next value).</summary>
    public readonly int Consumed => _position;

    /// <summary>The number of bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool End => _position >= _data.Length;

    /// <summary>The first byte of the next value, without advancing.</summary>
    /// <exception cref="MessagePackSerializationException">There is no next byte (<see cref="End"/>).</exception>
    public readonly byte NextCode
    {
        get
        {
            if (End)
            {
                ThrowTruncated(_position, 1, 0);
            }

            return _data[_position];
        }
    }

    /// <summary>The family of the next value, without advancing; <see cref="MessagePackType.Unknown"/> for 0xc1.</summary>
    /// <exception cref="MessagePackSerializationException">There is no next byte (<see cref="End"/>).</exception>
    public readonly MessagePackType NextMessagePackType => MessagePackCode.ToMessagePackType(NextCode);

    /// <summary>Advances past the next value if it is nil.</summary>
    /// <returns>True if the next value was nil (and was consumed); false otherwise, also at the end of the data.</returns>
    public bool TryReadNil()
    {
        if (!End && _data[_position] == MessagePackCode.Nil)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads a nil.</summary>
    /// <exception cref="MessagePackSerializationException">The data ends, or the next value is not nil.</exception>
    public void ReadNil()
    {
        byte code = NextCode;
        if (code != MessagePackCode.Nil)
        {
            ThrowTypeMismatch("nil", _position, code);
        }

        _position++;
    }

    /// <summary>Reads a boolean.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, or the next value is not a boolean.</exception>
    public bool ReadBoolean()
    {
        if (!TryReadBoolean(out bool value))
        {
            ThrowTruncated(_position, 1, Remaining);
        }

        return value;
    }

    /// <summary>Reads a boolean unless the data ends first.</summary>
    /// <param name="value">The value, or false when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not a boolean.</exception>
    public bool TryReadBoolean(out bool value)
    {
        value = false;
        if (End)
        {
            return false;
        }

        byte code = _data[_position];
        switch (code)
        {
            case MessagePackCode.False:
                break;
            case MessagePackCode.True:
                value = true;
                break;
            default:
                ThrowTypeMismatch("boolean", _position, code);
                break;
        }

        _position++;
        return true;
    }

    /// <summary>Reads an integer of any encoding that fits in <see cref="long"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is not an integer, or it is above <see cref="long.MaxValue"/>.</exception>
    public long ReadInt64()
    {
        Int128 value = ReadIntegerCore();
        if (value > long.MaxValue)
        {
            ThrowOverflow(value, "Int64", _position);
        }

        _position += IntegerSize();
        return (long)value;
    }

    /// <summary>Reads an integer that fits in <see cref="long"/>, unless the data ends first.</summary>
    /// <param name="value">The value, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not an integer, or it is above <see cref="long.MaxValue"/>.</exception>
    public bool TryReadInt64(out long value)
    {
        value = 0;
        if (!TryPeekInteger(out Int128 raw, out long size))
        {
            return false;
        }

        if (raw > long.MaxValue)
        {
            ThrowOverflow(raw, "Int64", _position);
        }

        value = (long)raw;
        _position += (int)size;
        return true;
    }

    /// <summary>Reads a non-negative integer of any encoding.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is not an integer, or it is negative.</exception>
    public ulong ReadUInt64()
    {
        Int128 value = ReadIntegerCore();
        if (value < 0)
        {
            ThrowOverflow(value, "UInt64", _position);
        }

        _position += IntegerSize();
        return (ulong)value;
    }

    /// <summary>Reads a non-negative integer, unless the data ends first.</summary>
    /// <param name="value">The value, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not an integer, or it is negative.</exception>
    public bool TryReadUInt64(out ulong value)
    {
        value = 0;
        if (!TryPeekInteger(out Int128 raw, out long size))
        {
            return false;
        }

        if (raw < 0)
        {
            ThrowOverflow(raw, "UInt64", _position);
        }

        value = (ulong)raw;
        _position += (int)size;
        return true;
    }

    /// <summary>Reads an integer of any encoding that fits in <see cref="int"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is not an integer, or it is outside the range of <see cref="int"/>.</exception>
    public int ReadInt32()
    {
        Int128 value = ReadIntegerCore();
        if (value < int.MinValue || value > int.MaxValue)
        {
            ThrowOverflow(value, "Int32", _position);
        }

        _position += IntegerSize();
        return (int)value;
    }

    /// <summary>Reads an integer that fits in <see cref="int"/>, unless the data ends first.</summary>
    /// <param name="value">The value, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not an integer, or it is outside the range of <see cref="int"/>.</exception>
    public bool TryReadInt32(out int value)
    {
        value = 0;
        if (!TryPeekInteger(out Int128 raw, out long size))
        {
            return false;
        }

        if (raw < int.MinValue || raw > int.MaxValue)
        {
            ThrowOverflow(raw, "Int32", _position);
        }

        value = (int)raw;
        _position += (int)size;
        return true;
    }

    /// <summary>Reads an integer of any encoding that fits in <see cref="uint"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is not an integer, or it is outside the range of <see cref="uint"/>.</exception>
    public uint ReadUInt32()
    {
        Int128 value = ReadIntegerCore();
        if (value < 0 || value > uint.MaxValue)
        {
            ThrowOverflow(value, "UInt32", _position);
        }

        _position += IntegerSize();
        return (uint)value;
    }

    /// <summary>Reads an integer that fits in <see cref="uint"/>, unless the data ends first.</summary>
    /// <param name="value">The value, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not an integer, or it is outside the range of <see cref="uint"/>.</exception>
    public bool TryReadUInt32(out uint value)
    {
        value = 0;
        if (!TryPeekInteger(out Int128 raw, out long size))
        {
            return false;
        }

        if (raw < 0 || raw > uint.MaxValue)
        {
            ThrowOverflow(raw, "UInt32", _position);
        }

        value = (uint)raw;
        _position += (int)size;
        return true;
    }

    /// <summary>Reads a float32, a float64 or an integer (converted) as a <see cref="double"/>.</summary>
    /// <returns>The value; integers beyond 2^53 are rounded to the nearest double.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, or the next value is neither a float nor an integer.</exception>
    public double ReadDouble()
    {
        if (!TryReadDouble(out double value))
        {
            ThrowTruncated(_position, NumberSize(), Remaining);
        }

        return value;
    }

    /// <summary>Reads a float32, a float64 or an integer as a <see cref="double"/>, unless the data ends first.</summary>
    /// <param name="value">The value, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is neither a float nor an integer.</exception>
    public bool TryReadDouble(out double value)
    {
        value = 0;
        if (End)
        {
            return false;
        }

        byte code = _data[_position];
        switch (code)
        {
            case MessagePackCode.Float32:
                if (Remaining < 5)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadSingleBigEndian(_data.Slice(_position + 1, 4));
                _position += 5;
                return true;
            case MessagePackCode.Float64:
                if (Remaining < 9)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadDoubleBigEndian(_data.Slice(_position + 1, 8));
                _position += 9;
                return true;
            default:
                if (MessagePackCode.ToMessagePackType(code) != MessagePackType.Integer)
                {
                    ThrowTypeMismatch("float or integer", _position, code);
                }

                if (!TryPeekInteger(out Int128 raw, out long size))
                {
                    return false;
                }

                value = (double)raw;
                _position += (int)size;
                return true;
        }
    }

    /// <summary>Reads a float32, a float64 (narrowed) or an integer (converted) as a <see cref="float"/>.</summary>
    /// <returns>The value, rounded to the nearest <see cref="float"/> when it came as a float64 or an integer.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, or the next value is neither a float nor an integer.</exception>
    public float ReadSingle()
    {
        if (!End && _data[_position] == MessagePackCode.Float32)
        {
            if (Remaining < 5)
            {
                ThrowTruncated(_position, 5, Remaining);
            }

            float value = BinaryPrimitives.ReadSingleBigEndian(_data.Slice(_position + 1, 4));
            _position += 5;
            return value;
        }

        return (float)ReadDouble();
    }

    /// <summary>Reads a string (fixstr, str8, str16, str32) or nil.</summary>
    /// <returns>The decoded string, or null for nil.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is neither a string nor nil, or it is not valid UTF-8.</exception>
    public string? ReadString()
    {
        if (!TryReadString(out string? value))
        {
            ThrowTruncated(_position, StringOrBinarySize(isString: true), Remaining);
        }

        return value;
    }

    /// <summary>Reads a string or nil, unless the data ends first.</summary>
    /// <param name="value">The decoded string, null for nil, and null when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is neither a string nor nil, or it is not valid UTF-8.</exception>
    public bool TryReadString(out string? value)
    {
        value = null;
        if (End)
        {
            return false;
        }

        if (_data[_position] == MessagePackCode.Nil)
        {
            _position++;
            return true;
        }

        if (!TryPeekStringOrBinary(isString: true, out int headerSize, out int length, out _))
        {
            return false;
        }

        ReadOnlySpan<byte> utf8 = _data.Slice(_position + headerSize, length);
        if (!Utf8.IsValid(utf8))
        {
            ThrowMalformed($"string at offset {_position} is not valid UTF-8");
        }

        value = Encoding.UTF8.GetString(utf8);
        _position += headerSize + length;
        return true;
    }

    /// <summary>Reads a string (not nil) as its raw UTF-8 bytes, without decoding or validating them.</summary>
    /// <returns>A slice of the input holding the string's bytes.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, or the next value is not a string.</exception>
    public ReadOnlySpan<byte> ReadStringSpan()
    {
        if (!TryPeekStringOrBinary(isString: true, out int headerSize, out int length, out long size))
        {
            ThrowTruncated(_position, size, Remaining);
        }

        ReadOnlySpan<byte> utf8 = _data.Slice(_position + headerSize, length);
        _position += headerSize + length;
        return utf8;
    }

    /// <summary>Reads a byte array (bin8, bin16, bin32). Nil and strings are not accepted.</summary>
    /// <returns>A slice of the input holding the bytes (no copy).</returns>
    /// <exception cref="MessagePackSerializationException">The data ends (or the declared length runs past it), or the next value is not bin.</exception>
    public ReadOnlySpan<byte> ReadBytes()
    {
        if (!TryPeekStringOrBinary(isString: false, out int headerSize, out int length, out long size))
        {
            ThrowTruncated(_position, size, Remaining);
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position + headerSize, length);
        _position += headerSize + length;
        return bytes;
    }

    /// <summary>Reads a byte array (bin8, bin16, bin32), unless the data ends first.</summary>
    /// <param name="value">A slice of the input holding the bytes; empty when this returns false.</param>
    /// <returns>False (without advancing) when the data ends before the value.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not bin.</exception>
    public bool TryReadBytes(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryPeekStringOrBinary(isString: false, out int headerSize, out int length, out _))
        {
            return false;
        }

        value = _data.Slice(_position + headerSize, length);
        _position += headerSize + length;
        return true;
    }

    /// <summary>Reads an array header (fixarray, array16, array32); the caller then reads that many values.</summary>
    /// <returns>The number of elements.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is not an array, or its count exceeds the bytes that remain.</exception>
    public int ReadArrayHeader()
    {
        int start = _position;
        switch (PeekContainerHeader(isMap: false, out int headerSize, out long count))
        {
            case HeaderStatus.Truncated:
                ThrowTruncated(start, headerSize, Remaining);
                break;
            case HeaderStatus.CountExceedsData:
                ThrowCountExceedsData("array", "elements", count, start, Remaining - headerSize, 1);
                break;
        }

        _position += headerSize;
        return (int)count;
    }

    /// <summary>Reads an array header, unless the data ends before the header or before the elements it announces could.</summary>
    /// <param name="count">The number of elements, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the header is cut short or the count exceeds the bytes that remain.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not an array.</exception>
    public bool TryReadArrayHeader(out int count)
    {
        count = 0;
        if (PeekContainerHeader(isMap: false, out int headerSize, out long declared) != HeaderStatus.Ok)
        {
            return false;
        }

        count = (int)declared;
        _position += headerSize;
        return true;
    }

    /// <summary>Reads a map header (fixmap, map16, map32); the caller then reads that many key/value pairs.</summary>
    /// <returns>The number of key/value pairs.</returns>
    /// <exception cref="MessagePackSerializationException">The data ends, the next value is not a map, or its count exceeds what the remaining bytes could hold (two bytes per entry).</exception>
    public int ReadMapHeader()
    {
        int start = _position;
        switch (PeekContainerHeader(isMap: true, out int headerSize, out long count))
        {
            case HeaderStatus.Truncated:
                ThrowTruncated(start, headerSize, Remaining);
                break;
            case HeaderStatus.CountExceedsData:
                ThrowCountExceedsData("map", "entries", count, start, Remaining - headerSize, 2);
                break;
        }

        _position += headerSize;
        return (int)count;
    }

    /// <summary>Reads a map header, unless the data ends before the header or before the entries it announces could.</summary>
    /// <param name="count">The number of key/value pairs, or 0 when this returns false.</param>
    /// <returns>False (without advancing) when the header is cut short or the count exceeds what the remaining bytes could hold.</returns>
    /// <exception cref="MessagePackSerializationException">The next value is not a map.</exception>
    public bool TryReadMapHeader(out int count)
    {
        count = 0;
        if (PeekContainerHeader(isMap: true, out int headerSize, out long declared) != HeaderStatus.Ok)
        {
            return false;
        }

        count = (int)declared;
        _position += headerSize;
        return true;
    }

    /// <summary>
    /// Skips one whole value of any type, including nested arrays and maps and extension values.
    /// Iterative, so nesting depth costs no stack.
    /// </summary>
    /// <exception cref="MessagePackSerializationException">The value is truncated or holds the reserved code 0xc1; nothing is skipped.</exception>
    public void Skip()
    {
        if (!TrySkipCore(out int end, out int failOffset, out long need))
        {
            ThrowTruncated(failOffset, need, _data.Length - failOffset);
        }

        _position = end;
    }

    /// <summary>Skips one whole value, unless the data ends before the value does.</summary>
    /// <returns>False (without advancing) when the value is truncated.</returns>
    /// <exception cref="MessagePackSerializationException">The value holds the reserved code 0xc1.</exception>
    public bool TrySkip()
    {
        if (!TrySkipCore(out int end, out _, out _))
        {
            return false;
        }

        _position = end;
        return true;
    }

    /// <summary>
    /// Reads one value into a tree of plain objects: nil → null, boolean → <see cref="bool"/>,
    /// integer → <see cref="long"/> (or <see cref="ulong"/> above <see cref="long.MaxValue"/>),
    /// float32/float64 → <see cref="double"/>, str → <see cref="string"/>, bin → <see cref="byte"/>[],
    /// array → <see cref="object"/>?[], map → <see cref="Dictionary{TKey, TValue}"/> of string to object?.
    /// </summary>
    /// <param name="maxDepth">The deepest nesting of arrays and maps accepted (0: scalars only).</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDepth"/> is negative.</exception>
    /// <exception cref="MessagePackSerializationException">The value is malformed or truncated, nests deeper than <paramref name="maxDepth"/> (or than the thread's stack allows), holds a map key that is not a string or appears twice, or holds an extension value. Nothing is consumed.</exception>
    public object? ReadObject(int maxDepth = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        MessagePackReader copy = this;
        object? value = copy.ReadObjectCore(maxDepth, maxDepth);
        this = copy;
        return value;
    }

    private object? ReadObjectCore(int depthLeft, int maxDepth)
    {
        int start = _position;
        byte code = NextCode;
        switch (MessagePackCode.ToMessagePackType(code))
        {
            case MessagePackType.Nil:
                _position++;
                return null;
            case MessagePackType.Boolean:
                return ReadBoolean();
            case MessagePackType.Integer:
                Int128 integer = ReadIntegerCore();
                _position += IntegerSize();
                return integer <= long.MaxValue ? (long)integer : (object)(ulong)integer;
            case MessagePackType.Float:
                return ReadDouble();
            case MessagePackType.String:
                return ReadString();
            case MessagePackType.Binary:
                return ReadBytes().ToArray();
            case MessagePackType.Array:
            {
                if (depthLeft == 0 || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    ThrowTooDeep(start, maxDepth);
                }

                int count = ReadArrayHeader();
                if (count == 0)
                {
                    return Array.Empty<object?>();
                }

                var array = new object?[count];
                for (int i = 0; i < count; i++)
                {
                    array[i] = ReadObjectCore(depthLeft - 1, maxDepth);
                }

                return array;
            }

            case MessagePackType.Map:
            {
                if (depthLeft == 0 || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    ThrowTooDeep(start, maxDepth);
                }

                int count = ReadMapHeader();
                var map = new Dictionary<string, object?>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    int keyOffset = _position;
                    byte keyCode = NextCode;
                    if (MessagePackCode.ToMessagePackType(keyCode) != MessagePackType.String)
                    {
                        ThrowMalformed($"map key at offset {keyOffset} must be a string, found 0x{keyCode:x2} ({MessagePackCode.Describe(keyCode)})");
                    }

                    string key = ReadString()!;
                    if (map.ContainsKey(key))
                    {
                        ThrowMalformed($"duplicate map key \"{key}\" at offset {keyOffset}");
                    }

                    map.Add(key, ReadObjectCore(depthLeft - 1, maxDepth));
                }

                return map;
            }

            case MessagePackType.Extension:
                ThrowMalformed($"extension value at offset {start} (0x{code:x2}, {MessagePackCode.Describe(code)}) is not supported");
                return null;
            default:
                ThrowMalformed($"invalid code 0x{code:x2} ({MessagePackCode.Describe(code)}) at offset {start}");
                return null;
        }
    }

    /// <summary>Decodes the integer at the position (any encoding) without advancing; throws on truncation or mismatch.</summary>
    private readonly Int128 ReadIntegerCore()
    {
        if (!TryPeekInteger(out Int128 value, out long size))
        {
            ThrowTruncated(_position, size, Remaining);
        }

        return value;
    }

    /// <summary>The encoded size of the integer at the position; call only after a successful peek.</summary>
    private readonly int IntegerSize()
    {
        TryPeekInteger(out _, out long size);
        return (int)size;
    }

    /// <summary>
    /// Decodes the integer at the position without advancing. On success <paramref name="size"/> is
    /// its encoded size; on truncation (false) the size it needs.
    /// </summary>
    private readonly bool TryPeekInteger(out Int128 value, out long size)
    {
        value = 0;
        size = 1;
        if (End)
        {
            return false;
        }

        byte code = _data[_position];
        if (code <= MessagePackCode.MaxFixInt)
        {
            value = code;
            return true;
        }

        if (code >= MessagePackCode.MinNegativeFixInt)
        {
            value = unchecked((sbyte)code);
            return true;
        }

        size = code switch
        {
            MessagePackCode.UInt8 or MessagePackCode.Int8 => 2,
            MessagePackCode.UInt16 or MessagePackCode.Int16 => 3,
            MessagePackCode.UInt32 or MessagePackCode.Int32 => 5,
            MessagePackCode.UInt64 or MessagePackCode.Int64 => 9,
            _ => 0,
        };
        if (size == 0)
        {
            ThrowTypeMismatch("integer", _position, code);
        }

        if (Remaining < size)
        {
            return false;
        }

        ReadOnlySpan<byte> payload = _data.Slice(_position + 1, (int)size - 1);
        value = code switch
        {
            MessagePackCode.UInt8 => payload[0],
            MessagePackCode.UInt16 => BinaryPrimitives.ReadUInt16BigEndian(payload),
            MessagePackCode.UInt32 => BinaryPrimitives.ReadUInt32BigEndian(payload),
            MessagePackCode.UInt64 => BinaryPrimitives.ReadUInt64BigEndian(payload),
            MessagePackCode.Int8 => unchecked((sbyte)payload[0]),
            MessagePackCode.Int16 => BinaryPrimitives.ReadInt16BigEndian(payload),
            MessagePackCode.Int32 => BinaryPrimitives.ReadInt32BigEndian(payload),
            _ => BinaryPrimitives.ReadInt64BigEndian(payload),
        };
        return true;
    }

    /// <summary>The size a number at the position needs (for truncation messages).</summary>
    private readonly long NumberSize()
    {
        if (End)
        {
            return 1;
        }

        return _data[_position] switch
        {
            MessagePackCode.Float32 => 5,
            MessagePackCode.Float64 => 9,
            _ => IntegerNeed(),
        };
    }

    /// <summary>The size an integer at the position needs (for truncation messages).</summary>
    private readonly long IntegerNeed()
    {
        TryPeekInteger(out _, out long size);
        return size;
    }

    /// <summary>The size a string or bin at the position needs (for truncation messages).</summary>
    private readonly long StringOrBinarySize(bool isString)
    {
        TryPeekStringOrBinary(isString, out _, out _, out long size);
        return size;
    }

    /// <summary>
    /// Parses the str (or bin) header at the position without advancing. True when the header and the
    /// whole body are present. <paramref name="size"/> is the total encoded size, or on false the
    /// bytes needed (header + declared length, as far as known).
    /// </summary>
    private readonly bool TryPeekStringOrBinary(bool isString, out int headerSize, out int length, out long size)
    {
        headerSize = 0;
        length = 0;
        size = 1;
        if (End)
        {
            return false;
        }

        byte code = _data[_position];
        int width;
        long declared = 0;
        if (isString && code is >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr)
        {
            width = 0;
            declared = code & 0x1f;
        }
        else
        {
            width = (isString, code) switch
            {
                (true, MessagePackCode.Str8) or (false, MessagePackCode.Bin8) => 1,
                (true, MessagePackCode.Str16) or (false, MessagePackCode.Bin16) => 2,
                (true, MessagePackCode.Str32) or (false, MessagePackCode.Bin32) => 4,
                _ => -1,
            };
            if (width < 0)
            {
                ThrowTypeMismatch(isString ? "string" : "binary", _position, code);
            }

            size = 1 + width;
            if (!TryReadLength(_data, _position, width, out declared))
            {
                return false;
            }
        }

        size = 1 + width + declared;
        if (Remaining < size)
        {
            return false;
        }

        headerSize = 1 + width;
        length = (int)declared;
        return true;
    }

    /// <summary>
    /// Parses the array (or map) header at the position without advancing. <paramref name="headerSize"/>
    /// is the header's size, or on truncation the bytes the header needs.
    /// </summary>
    private readonly HeaderStatus PeekContainerHeader(bool isMap, out int headerSize, out long count)
    {
        headerSize = 1;
        count = 0;
        if (End)
        {
            return HeaderStatus.Truncated;
        }

        byte code = _data[_position];
        byte minFix = isMap ? MessagePackCode.MinFixMap : MessagePackCode.MinFixArray;
        int width;
        if (code >= minFix && code <= minFix + MessagePackCode.MaxFixCount)
        {
            width = 0;
            count = code & 0x0f;
        }
        else
        {
            width = (isMap, code) switch
            {
                (false, MessagePackCode.Array16) or (true, MessagePackCode.Map16) => 2,
                (false, MessagePackCode.Array32) or (true, MessagePackCode.Map32) => 4,
                _ => -1,
            };
            if (width < 0)
            {
                ThrowTypeMismatch(isMap ? "map" : "array", _position, code);
            }

            headerSize = 1 + width;
            if (!TryReadLength(_data, _position, width, out count))
            {
                return HeaderStatus.Truncated;
            }
        }

        headerSize = 1 + width;
        long minimumBody = isMap ? count * 2 : count;
        return minimumBody > Remaining - headerSize ? HeaderStatus.CountExceedsData : HeaderStatus.Ok;
    }

    /// <summary>
    /// Walks one whole value from the position without recursion: a counter of values still to skip
    /// grows by each container's element count. Fails (false) at the first value that does not fit.
    /// </summary>
    private readonly bool TrySkipCore(out int end, out int failOffset, out long need)
    {
        int p = _position;
        long pending = 1;
        end = p;
        while (pending > 0)
        {
            failOffset = p;
            int remaining = _data.Length - p;
            if (pending > remaining)
            {
                // every pending value needs at least one byte
                need = pending;
                return false;
            }

            byte code = _data[p];
            long children = 0;
            long size;
            int width;
            switch (code)
            {
                case <= MessagePackCode.MaxFixInt:
                case >= MessagePackCode.MinNegativeFixInt:
                case MessagePackCode.Nil or MessagePackCode.False or MessagePackCode.True:
                    size = 1;
                    break;
                case <= MessagePackCode.MaxFixMap:
                    size = 1;
                    children = 2 * (code & 0x0f);
                    break;
                case <= MessagePackCode.MaxFixArray:
                    size = 1;
                    children = code & 0x0f;
                    break;
                case <= MessagePackCode.MaxFixStr:
                    size = 1 + (code & 0x1f);
                    break;
                case MessagePackCode.UInt8 or MessagePackCode.Int8:
                    size = 2;
                    break;
                case MessagePackCode.UInt16 or MessagePackCode.Int16:
                    size = 3;
                    break;
                case MessagePackCode.UInt32 or MessagePackCode.Int32 or MessagePackCode.Float32:
                    size = 5;
                    break;
                case MessagePackCode.UInt64 or MessagePackCode.Int64 or MessagePackCode.Float64:
                    size = 9;
                    break;
                case MessagePackCode.FixExt1:
                    size = 3;
                    break;
                case MessagePackCode.FixExt2:
                    size = 4;
                    break;
                case MessagePackCode.FixExt4:
                    size = 6;
                    break;
                case MessagePackCode.FixExt8:
                    size = 10;
                    break;
                case MessagePackCode.FixExt16:
                    size = 18;
                    break;
                case MessagePackCode.Str8 or MessagePackCode.Bin8
                    or MessagePackCode.Str16 or MessagePackCode.Bin16
                    or MessagePackCode.Str32 or MessagePackCode.Bin32:
                    width = code switch
                    {
                        MessagePackCode.Str8 or MessagePackCode.Bin8 => 1,
                        MessagePackCode.Str16 or MessagePackCode.Bin16 => 2,
                        _ => 4,
                    };
                    if (!TryReadLength(_data, p, width, out long length))
                    {
                        need = 1 + width;
                        return false;
                    }

                    size = 1 + width + length;
                    break;
                case MessagePackCode.Ext8 or MessagePackCode.Ext16 or MessagePackCode.Ext32:
                    width = code switch
                    {
                        MessagePackCode.Ext8 => 1,
                        MessagePackCode.Ext16 => 2,
                        _ => 4,
                    };
                    if (!TryReadLength(_data, p, width, out long extLength))
                    {
                        need = 1 + width;
                        return false;
                    }

                    size = 1 + width + 1 + extLength; // code, length, type, data
                    break;
                case MessagePackCode.Array16 or MessagePackCode.Array32
                    or MessagePackCode.Map16 or MessagePackCode.Map32:
                    width = code is MessagePackCode.Array16 or MessagePackCode.Map16 ? 2 : 4;
                    if (!TryReadLength(_data, p, width, out long count))
                    {
                        need = 1 + width;
                        return false;
                    }

                    size = 1 + width;
                    children = code is MessagePackCode.Map16 or MessagePackCode.Map32 ? count * 2 : count;
                    break;
                default:
                    ThrowMalformed($"invalid code 0x{code:x2} ({MessagePackCode.Describe(code)}) at offset {p}");
                    size = 0;
                    break;
            }

            if (size > remaining)
            {
                need = size;
                return false;
            }

            p += (int)size;
            pending += children - 1;
        }

        end = p;
        failOffset = 0;
        need = 0;
        return true;
    }

    /// <summary>Reads the big-endian length of <paramref name="width"/> bytes (0, 1, 2, 4) that follows the code at <paramref name="offset"/>.</summary>
    private static bool TryReadLength(ReadOnlySpan<byte> data, int offset, int width, out long length)
    {
        length = 0;
        if (data.Length - offset < 1 + width)
        {
            return false;
        }

        ReadOnlySpan<byte> field = data.Slice(offset + 1, width);
        length = width switch
        {
            0 => 0,
            1 => field[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(field),
            _ => BinaryPrimitives.ReadUInt32BigEndian(field),
        };
        return true;
    }

    [DoesNotReturn]
    private static void ThrowTruncated(int offset, long need, int have) =>
        throw new MessagePackSerializationException($"truncated: need {need} bytes at offset {offset}, have {have}");

    [DoesNotReturn]
    private static void ThrowTypeMismatch(string expected, int offset, byte code) =>
        throw new MessagePackSerializationException($"expected {expected} at offset {offset}, found 0x{code:x2} ({MessagePackCode.Describe(code)})");

    [DoesNotReturn]
    private static void ThrowOverflow(Int128 value, string target, int offset) =>
        throw new MessagePackSerializationException($"integer {value} at offset {offset} does not fit in {target}");

    [DoesNotReturn]
    private static void ThrowCountExceedsData(string kind, string noun, long count, int offset, int have, int bytesPerElement) =>
        throw new MessagePackSerializationException(
            $"{kind} at offset {offset} declares {count} {noun}, which need at least {count * bytesPerElement} bytes, have {have}");

    [DoesNotReturn]
    private static void ThrowTooDeep(int offset, int maxDepth) =>
        throw new MessagePackSerializationException(RuntimeHelpers.TryEnsureSufficientExecutionStack()
            ? $"nesting deeper than {maxDepth} at offset {offset}"
            : $"nesting too deep for the stack at offset {offset}");

    [DoesNotReturn]
    private static void ThrowMalformed(string message) =>
        throw new MessagePackSerializationException(message);
}
