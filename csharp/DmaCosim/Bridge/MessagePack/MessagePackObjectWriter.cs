// SPDX-License-Identifier: Apache-2.0
using System.Collections;
using System.Runtime.CompilerServices;

namespace DmaCosim.Bridge.MessagePack;

/// <summary>
/// Writes trees of plain objects (the shapes <see cref="MessagePackReader.ReadObject"/> returns, and a
/// few more) with a <see cref="MessagePackWriter"/>; used to build requests from dictionaries.
/// </summary>
/// <remarks>
/// Supported: null; <see cref="bool"/>; <see cref="sbyte"/>, <see cref="byte"/>, <see cref="short"/>,
/// <see cref="ushort"/>, <see cref="int"/>, <see cref="uint"/>, <see cref="long"/>, <see cref="ulong"/>;
/// <see cref="float"/> (float32), <see cref="double"/> (float64); <see cref="string"/>;
/// <see cref="byte"/>[], <see cref="ReadOnlyMemory{T}"/> and <see cref="Memory{T}"/> of byte,
/// <see cref="ArraySegment{T}"/> of byte (bin); <see cref="IReadOnlyDictionary{TKey, TValue}"/> and
/// <see cref="IDictionary{TKey, TValue}"/> of string to object?, and non-generic
/// <see cref="IDictionary"/> with string keys (map); any other <see cref="IEnumerable"/> (array).
/// The writer is write-through: when an exception is thrown part of the value may already be written.
/// </remarks>
public static class MessagePackObjectWriter
{
    /// <summary>The nesting depth <see cref="WriteObject(ref MessagePackWriter, object?)"/> allows.</summary>
    public const int DefaultMaxDepth = 32;

    /// <summary>Writes <paramref name="value"/> and everything it contains, up to <see cref="DefaultMaxDepth"/> levels of nesting.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value (see the remarks for the supported types).</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is or contains an unsupported type, a dictionary with a non-string key, or nesting deeper than <see cref="DefaultMaxDepth"/> (for example a collection that contains itself).</exception>
    public static void WriteObject(ref MessagePackWriter writer, object? value) =>
        WriteObject(ref writer, value, DefaultMaxDepth);

    /// <summary>Writes <paramref name="value"/> and everything it contains, up to <paramref name="maxDepth"/> levels of nesting.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value (see the remarks for the supported types).</param>
    /// <param name="maxDepth">The deepest nesting of arrays and maps allowed (0: scalars only).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDepth"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is or contains an unsupported type, a dictionary with a non-string key, or nesting deeper than <paramref name="maxDepth"/>.</exception>
    public static void WriteObject(ref MessagePackWriter writer, object? value, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        Write(ref writer, value, maxDepth, maxDepth);
    }

    private static void Write(ref MessagePackWriter writer, object? value, int depthLeft, int maxDepth)
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
            throw new ArgumentException($"The value nests deeper than {maxDepth} levels (does a collection contain itself?).", nameof(value));
        }

        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteMapHeader(map.Count);
                foreach (KeyValuePair<string, object?> entry in map)
                {
                    writer.Write(entry.Key);
                    Write(ref writer, entry.Value, depthLeft - 1, maxDepth);
                }

                return;
            case IDictionary<string, object?> map:
                writer.WriteMapHeader(map.Count);
                foreach (KeyValuePair<string, object?> entry in map)
                {
                    writer.Write(entry.Key);
                    Write(ref writer, entry.Value, depthLeft - 1, maxDepth);
                }

                return;
            case IDictionary dictionary:
                foreach (object key in dictionary.Keys)
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
                    Write(ref writer, entry.Value, depthLeft - 1, maxDepth);
                }

                return;
            case ICollection collection:
                writer.WriteArrayHeader(collection.Count);
                foreach (object? item in collection)
                {
                    Write(ref writer, item, depthLeft - 1, maxDepth);
                }

                return;
            case IEnumerable sequence:
                var items = new List<object?>();
                foreach (object? item in sequence)
                {
                    items.Add(item);
                }

                writer.WriteArrayHeader(items.Count);
                foreach (object? item in items)
                {
                    Write(ref writer, item, depthLeft - 1, maxDepth);
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
