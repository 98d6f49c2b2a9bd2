// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using MessagePack;

namespace DmaCosim.Bridge;

/// <summary>
/// The bridge's MessagePack seam, on MessagePack-CSharp's <see cref="MessagePackWriter"/> and
/// <see cref="MessagePackReader"/>: requests are written from trees of plain objects, replies are read
/// into such trees as untrusted data (<see cref="MessagePackSecurity.UntrustedData"/>: a nesting limit
/// and collision-resistant map keys).
/// </summary>
/// <remarks>
/// Read: nil → null, boolean → <see cref="bool"/>, integer → <see cref="long"/> (or <see cref="ulong"/>
/// above <see cref="long.MaxValue"/>), float32/float64 → <see cref="double"/>, str → <see cref="string"/>,
/// bin → <see cref="byte"/>[], array → <see cref="object"/>?[], map → a dictionary of string to object?.
/// Written: the same shapes, plus every .NET integer type, <see cref="float"/>, byte memory and
/// segments (bin), dictionaries with string keys (map) and other enumerables (array).
/// </remarks>
public static class WireObjects
{
    /// <summary>The deepest nesting of arrays and maps written or accepted in a reply.</summary>
    public const int MaxDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The security settings replies are decoded with: untrusted data, at most <see cref="MaxDepth"/> levels.</summary>
    public static MessagePackSecurity ReplySecurity { get; } = MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(MaxDepth);

    /// <summary>Encodes a map of fields into one frame.</summary>
    /// <param name="fields">The fields (see the remarks for the supported value types).</param>
    /// <returns>The frame.</returns>
    /// <exception cref="ArgumentException">A value is unsupported or nests deeper than <see cref="MaxDepth"/>.</exception>
    public static byte[] Encode(IReadOnlyDictionary<string, object?> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        WriteObject(ref writer, fields);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="value"/> and everything it contains, up to <see cref="MaxDepth"/> levels of nesting.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value (see the remarks for the supported types).</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is or contains an unsupported type, a dictionary with a non-string key, or nesting deeper than <see cref="MaxDepth"/> (for example a collection that contains itself).</exception>
    public static void WriteObject(ref MessagePackWriter writer, object? value) => Write(ref writer, value, MaxDepth);

    /// <summary>Decodes one frame holding one value, as untrusted data.</summary>
    /// <param name="frame">The bytes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The frame is malformed or truncated, has bytes after the value, nests deeper than <see cref="MaxDepth"/>, holds a map key that is not a string or appears twice, or holds an extension value.</exception>
    public static object? Decode(ReadOnlyMemory<byte> frame)
    {
        var reader = new MessagePackReader(frame);
        var value = ReadObject(ref reader);
        if (!reader.End)
        {
            throw new MessagePackSerializationException($"{frame.Length - reader.Consumed} bytes after the value at offset {reader.Consumed}");
        }

        return value;
    }

    /// <summary>Reads one value into a tree of plain objects (see the remarks), as untrusted data.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">As for <see cref="Decode"/>, except for trailing bytes.</exception>
    public static object? ReadObject(ref MessagePackReader reader)
    {
        try
        {
            return Read(ref reader);
        }
        catch (EndOfStreamException e)
        {
            throw new MessagePackSerializationException($"the data ends inside a value at offset {reader.Consumed}", e);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new MessagePackSerializationException($"a length at offset {reader.Consumed} is out of range", e);
        }
    }

    private static object? Read(ref MessagePackReader reader)
    {
        var start = reader.Consumed;
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                if (reader.NextCode != MessagePackCode.UInt64)
                {
                    return reader.ReadInt64();
                }

                var unsigned = reader.ReadUInt64();
                return unsigned <= long.MaxValue ? (long)unsigned : unsigned;
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return ReadString(ref reader);
            case MessagePackType.Binary:
                return reader.ReadBytes() is { } bytes ? bytes.ToArray() : null;
            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader(); // checks the count against the bytes left
                Enter(ref reader, start);
                var array = count == 0 ? [] : new object?[count];
                for (var i = 0; i < count; i++)
                {
                    array[i] = Read(ref reader);
                }

                reader.Depth--;
                return array;
            }

            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                Enter(ref reader, start);
                var map = new Dictionary<string, object?>(count, ReplySecurity.GetEqualityComparer<string>());
                for (var i = 0; i < count; i++)
                {
                    var keyOffset = reader.Consumed;
                    if (reader.NextMessagePackType != MessagePackType.String)
                    {
                        throw new MessagePackSerializationException(
                            $"map key at offset {keyOffset} must be a string, found 0x{reader.NextCode:x2}");
                    }

                    var key = ReadString(ref reader);
                    if (!map.TryAdd(key, null))
                    {
                        throw new MessagePackSerializationException($"duplicate map key \"{key}\" at offset {keyOffset}");
                    }

                    map[key] = Read(ref reader);
                }

                reader.Depth--;
                return map;
            }

            case MessagePackType.Extension:
                throw new MessagePackSerializationException($"extension value at offset {start} (0x{reader.NextCode:x2}) is not supported");
            default:
                throw new MessagePackSerializationException($"invalid code 0x{reader.NextCode:x2} at offset {start}");
        }
    }

    /// <summary>A str, decoded strictly: invalid UTF-8 is an error, never a replacement character.</summary>
    private static string ReadString(ref MessagePackReader reader)
    {
        var start = reader.Consumed;
        var bytes = reader.ReadStringSequence()!.Value;
        try
        {
            return bytes.IsSingleSegment ? StrictUtf8.GetString(bytes.FirstSpan) : StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException e)
        {
            throw new MessagePackSerializationException($"the str at offset {start} is not valid UTF-8", e);
        }
    }

    /// <summary>One level deeper: past <see cref="MaxDepth"/> (or the thread's stack) is an error.</summary>
    private static void Enter(ref MessagePackReader reader, long start)
    {
        if (reader.Depth >= MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new MessagePackSerializationException($"the value at offset {start} nests deeper than {MaxDepth} levels");
        }

        ReplySecurity.DepthStep(ref reader);
    }

    private static void Write(ref MessagePackWriter writer, object? value, int depthLeft)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                return;
            case bool b:
                writer.Write(b);
                return;
            case sbyte i8:
                writer.Write(i8);
                return;
            case byte u8:
                writer.Write(u8);
                return;
            case short i16:
                writer.Write(i16);
                return;
            case ushort u16:
                writer.Write(u16);
                return;
            case int i32:
                writer.Write(i32);
                return;
            case uint u32:
                writer.Write(u32);
                return;
            case long i64:
                writer.Write(i64);
                return;
            case ulong u64:
                writer.Write(u64);
                return;
            case float f32:
                writer.Write(f32);
                return;
            case double f64:
                writer.Write(f64);
                return;
            case string s:
                writer.Write(s);
                return;
            case byte[] bytes:
                writer.Write(bytes.AsSpan());
                return;
            case ReadOnlyMemory<byte> rom:
                writer.Write(rom.Span);
                return;
            case Memory<byte> mem:
                writer.Write(mem.Span);
                return;
            case ArraySegment<byte> segment:
                writer.Write(segment.AsSpan());
                return;
        }

        if (depthLeft == 0 || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ArgumentException($"The value nests deeper than {MaxDepth} levels (does a collection contain itself?).", nameof(value));
        }

        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteMapHeader(map.Count);
                foreach (var entry in map)
                {
                    writer.Write(entry.Key);
                    Write(ref writer, entry.Value, depthLeft - 1);
                }

                return;
            case IDictionary<string, object?> map:
                writer.WriteMapHeader(map.Count);
                foreach (var entry in map)
                {
                    writer.Write(entry.Key);
                    Write(ref writer, entry.Value, depthLeft - 1);
                }

                return;
            case IDictionary dictionary:
                foreach (var key in dictionary.Keys)
                {
                    if (key is not string)
                    {
                        throw new ArgumentException(
                            $"A map key of type {key.GetType()} cannot be encoded; MessagePack maps in this protocol have string keys.", nameof(value));
                    }
                }

                writer.WriteMapHeader(dictionary.Count);
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.Write((string)entry.Key);
                    Write(ref writer, entry.Value, depthLeft - 1);
                }

                return;
            case ICollection collection:
                writer.WriteArrayHeader(collection.Count);
                foreach (var item in collection)
                {
                    Write(ref writer, item, depthLeft - 1);
                }

                return;
            case IEnumerable sequence:
                var items = new List<object?>();
                foreach (var item in sequence)
                {
                    items.Add(item);
                }

                writer.WriteArrayHeader(items.Count);
                foreach (var item in items)
                {
                    Write(ref writer, item, depthLeft - 1);
                }

                return;
            default:
                throw new ArgumentException(
                    $"A value of type {value.GetType()} cannot be encoded; supported are null, bool, integers, float, double, string, "
                    + "byte[]/ReadOnlyMemory<byte>, dictionaries with string keys and other enumerables.",
                    nameof(value));
        }
    }
}
