// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using DmaCosim.Bridge.MessagePack;
using Xunit;

namespace DmaCosim.Tests.MessagePack;

/// <summary>Writes with a fresh writer.</summary>
internal delegate void WriteAction(ref MessagePackWriter writer);

/// <summary>Reads with a reader passed by reference (ref structs cannot be captured by lambdas).</summary>
internal delegate void ReadAction(ref MessagePackReader reader);

internal static class MessagePackTestSupport
{
    /// <summary>Hex (spaces allowed) to bytes.</summary>
    internal static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Bytes to lower-case hex.</summary>
    internal static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>The bytes one writer session produces.</summary>
    internal static byte[] Encode(WriteAction action)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        action(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Runs <paramref name="action"/> and returns the MessagePackSerializationException it must throw.</summary>
    internal static MessagePackSerializationException Throws(ref MessagePackReader reader, ReadAction action)
    {
        try
        {
            action(ref reader);
        }
        catch (MessagePackSerializationException ex)
        {
            return ex;
        }

        Assert.Fail("expected a MessagePackSerializationException");
        return null!;
    }

    /// <summary>Runs <paramref name="action"/> on a reader over <paramref name="data"/>; it must throw.</summary>
    internal static MessagePackSerializationException Throws(byte[] data, ReadAction action)
    {
        var reader = new MessagePackReader(data);
        return Throws(ref reader, action);
    }

    /// <summary>A string of <paramref name="length"/> ASCII letters.</summary>
    internal static string Letters(int length) => string.Create(length, 0, static (span, _) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (char)('a' + (i % 26));
        }
    });

    /// <summary><paramref name="length"/> bytes counting up from 0 (mod 256).</summary>
    internal static byte[] Counting(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = unchecked((byte)i);
        }

        return bytes;
    }
}
