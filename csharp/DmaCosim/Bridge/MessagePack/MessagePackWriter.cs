// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace DmaCosim.Bridge.MessagePack;

/// <summary>
/// Writes MessagePack values to an <see cref="IBufferWriter{T}"/>, always in the smallest encoding
/// the format offers for the value (127 is a positive fixint, 128 a uint8, -33 an int8, a 31-byte
/// string a fixstr, a 32-byte one a str8, and so on).
/// </summary>
/// <remarks>
/// <para>
/// Modelled on MessagePack-CSharp's <c>MessagePackWriter</c>. Unlike it, this writer is
/// <b>write-through</b>: every call writes its bytes and advances the <see cref="IBufferWriter{T}"/>
/// before it returns, so copies of the writer stay consistent and nothing is lost if
/// <see cref="Flush"/> is forgotten. <see cref="Flush"/> exists so callers can be written the
/// MessagePack-CSharp way and keep working if buffering is added later.
/// </para>
/// <para>
/// Floating-point values keep their .NET type: a <see cref="float"/> is written as float32, a
/// <see cref="double"/> as float64, never narrowed.
/// </para>
/// </remarks>
public ref struct MessagePackWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IBufferWriter<byte>? _output;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    /// <param name="output">Where the encoded bytes go, e.g. an <see cref="ArrayBufferWriter{T}"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public MessagePackWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    private readonly IBufferWriter<byte> Output =>
        _output ?? throw new InvalidOperationException("MessagePackWriter was default-constructed; create it with an IBufferWriter<byte>.");

    /// <summary>
    /// Commits everything written so far to the <see cref="IBufferWriter{T}"/>. This writer is
    /// write-through, so this only checks the writer; it is kept for MessagePack-CSharp compatible
    /// call sites.
    /// </summary>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Flush() => _ = Output;

    /// <summary>Writes nil (0xc0).</summary>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteNil() => WriteCode(MessagePackCode.Nil);

    /// <summary>Writes a boolean (0xc2 false, 0xc3 true).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(bool value) => WriteCode(value ? MessagePackCode.True : MessagePackCode.False);

    /// <summary>
    /// Writes a signed integer in the smallest encoding: non-negative values as positive fixint or
    /// uint8..uint64, negative ones as negative fixint (-32..-1) or int8..int64.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(long value)
    {
        if (value >= 0)
        {
            Write((ulong)value);
        }
        else if (value >= -32)
        {
            WriteCode(unchecked((byte)value));
        }
        else if (value >= sbyte.MinValue)
        {
            WriteWithPayload(MessagePackCode.Int8, unchecked((byte)value));
        }
        else if (value >= short.MinValue)
        {
            WriteWithPayload(MessagePackCode.Int16, unchecked((ushort)value));
        }
        else if (value >= int.MinValue)
        {
            WriteWithPayload(MessagePackCode.Int32, unchecked((uint)value));
        }
        else
        {
            WriteWithPayload(MessagePackCode.Int64, unchecked((ulong)value));
        }
    }

    /// <summary>Writes an unsigned integer in the smallest encoding: positive fixint or uint8..uint64.</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(ulong value)
    {
        if (value <= MessagePackCode.MaxFixInt)
        {
            WriteCode((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            WriteWithPayload(MessagePackCode.UInt8, (byte)value);
        }
        else if (value <= ushort.MaxValue)
        {
            WriteWithPayload(MessagePackCode.UInt16, (ushort)value);
        }
        else if (value <= uint.MaxValue)
        {
            WriteWithPayload(MessagePackCode.UInt32, (uint)value);
        }
        else
        {
            WriteWithPayload(MessagePackCode.UInt64, value);
        }
    }

    /// <summary>Writes a signed integer in the smallest encoding (see <see cref="Write(long)"/>).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(int value) => Write((long)value);

    /// <summary>Writes an unsigned integer in the smallest encoding (see <see cref="Write(ulong)"/>).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(uint value) => Write((ulong)value);

    /// <summary>Writes a float32 (0xca, big-endian IEEE 754).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(float value) =>
        WriteWithPayload(MessagePackCode.Float32, BitConverter.SingleToUInt32Bits(value));

    /// <summary>Writes a float64 (0xcb, big-endian IEEE 754).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(double value) =>
        WriteWithPayload(MessagePackCode.Float64, BitConverter.DoubleToUInt64Bits(value));

    /// <summary>
    /// Writes a string as UTF-8 in the smallest str encoding (fixstr, str8, str16, str32), or nil
    /// when <paramref name="value"/> is null.
    /// </summary>
    /// <param name="value">The string, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not valid UTF-16 (it holds a lone surrogate) and so has no UTF-8 form.</exception>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(string? value)
    {
        if (value is null)
        {
            WriteNil();
            return;
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The string holds a lone surrogate and has no UTF-8 encoding.", nameof(value), ex);
        }

        WriteStringHeader(byteCount);
        IBufferWriter<byte> output = Output;
        Span<byte> span = output.GetSpan(byteCount);
        int written = StrictUtf8.GetBytes(value, span);
        output.Advance(written);
    }

    /// <summary>Writes already-encoded UTF-8 bytes as a string (fixstr, str8, str16, str32).</summary>
    /// <param name="utf8">The UTF-8 bytes of the string.</param>
    /// <exception cref="ArgumentException"><paramref name="utf8"/> is not valid UTF-8.</exception>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteString(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new ArgumentException("The bytes are not valid UTF-8.", nameof(utf8));
        }

        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    /// <summary>
    /// Writes only the header of a string of <paramref name="byteCount"/> UTF-8 bytes; the caller then
    /// writes exactly that many bytes with <see cref="WriteRaw"/>.
    /// </summary>
    /// <param name="byteCount">The length of the string in UTF-8 bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteCount"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteStringHeader(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if (byteCount <= MessagePackCode.MaxFixStrLength)
        {
            WriteCode((byte)(MessagePackCode.MinFixStr | byteCount));
        }
        else if (byteCount <= byte.MaxValue)
        {
            WriteWithPayload(MessagePackCode.Str8, (byte)byteCount);
        }
        else if (byteCount <= ushort.MaxValue)
        {
            WriteWithPayload(MessagePackCode.Str16, (ushort)byteCount);
        }
        else
        {
            WriteWithPayload(MessagePackCode.Str32, (uint)byteCount);
        }
    }

    /// <summary>Writes a byte array in the smallest bin encoding (bin8, bin16, bin32).</summary>
    /// <param name="bin">The bytes.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void Write(ReadOnlySpan<byte> bin)
    {
        WriteBinHeader(bin.Length);
        WriteRaw(bin);
    }

    /// <summary>
    /// Writes only the header of a byte array of <paramref name="length"/> bytes (bin8, bin16, bin32);
    /// the caller then writes exactly that many bytes with <see cref="WriteRaw"/>.
    /// </summary>
    /// <param name="length">The number of bytes that follow.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteBinHeader(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= byte.MaxValue)
        {
            WriteWithPayload(MessagePackCode.Bin8, (byte)length);
        }
        else if (length <= ushort.MaxValue)
        {
            WriteWithPayload(MessagePackCode.Bin16, (ushort)length);
        }
        else
        {
            WriteWithPayload(MessagePackCode.Bin32, (uint)length);
        }
    }

    /// <summary>
    /// Writes the header of an array of <paramref name="count"/> elements (fixarray, array16,
    /// array32); the caller then writes exactly that many values.
    /// </summary>
    /// <param name="count">The number of elements.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteArrayHeader(int count)
    {
        WriteCollectionHeader(count, MessagePackCode.MinFixArray, MessagePackCode.Array16, MessagePackCode.Array32);
    }

    /// <summary>
    /// Writes the header of a map of <paramref name="count"/> entries (fixmap, map16, map32); the
    /// caller then writes exactly that many key/value pairs, key first.
    /// </summary>
    /// <param name="count">The number of key/value pairs.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteMapHeader(int count)
    {
        WriteCollectionHeader(count, MessagePackCode.MinFixMap, MessagePackCode.Map16, MessagePackCode.Map32);
    }

    // Array and map headers: fix form for up to 15, then 16- and 32-bit counts.
    private readonly void WriteCollectionHeader(int count, byte fixBase, byte code16, byte code32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= MessagePackCode.MaxFixCount)
        {
            WriteCode((byte)(fixBase | count));
        }
        else if (count <= ushort.MaxValue)
        {
            WriteWithPayload(code16, (ushort)count);
        }
        else
        {
            WriteWithPayload(code32, (uint)count);
        }
    }

    /// <summary>Copies bytes to the output unchanged (already-encoded MessagePack, or the body after a header).</summary>
    /// <param name="raw">The bytes.</param>
    /// <exception cref="InvalidOperationException">The writer was default-constructed.</exception>
    public readonly void WriteRaw(ReadOnlySpan<byte> raw)
    {
        IBufferWriter<byte> output = Output;
        if (raw.IsEmpty)
        {
            return;
        }

        raw.CopyTo(output.GetSpan(raw.Length));
        output.Advance(raw.Length);
    }

    private readonly void WriteCode(byte code)
    {
        IBufferWriter<byte> output = Output;
        output.GetSpan(1)[0] = code;
        output.Advance(1);
    }

    private readonly void WriteWithPayload(byte code, byte value)
    {
        IBufferWriter<byte> output = Output;
        Span<byte> span = output.GetSpan(2);
        span[0] = code;
        span[1] = value;
        output.Advance(2);
    }

    private readonly void WriteWithPayload(byte code, ushort value)
    {
        IBufferWriter<byte> output = Output;
        Span<byte> span = output.GetSpan(3);
        span[0] = code;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], value);
        output.Advance(3);
    }

    private readonly void WriteWithPayload(byte code, uint value)
    {
        IBufferWriter<byte> output = Output;
        Span<byte> span = output.GetSpan(5);
        span[0] = code;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], value);
        output.Advance(5);
    }

    private readonly void WriteWithPayload(byte code, ulong value)
    {
        IBufferWriter<byte> output = Output;
        Span<byte> span = output.GetSpan(9);
        span[0] = code;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
        output.Advance(9);
    }
}
