// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.MessagePack;

/// <summary>
/// Thrown by <see cref="MessagePackReader"/> for every malformed input: truncated data, a type other
/// than the one asked for, an integer out of range, a hostile length or count, invalid UTF-8, the
/// reserved code 0xc1, or nesting deeper than allowed.
/// </summary>
public class MessagePackSerializationException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public MessagePackSerializationException()
        : base("malformed MessagePack data")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What was wrong, and where (byte offset).</param>
    public MessagePackSerializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What was wrong, and where (byte offset).</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public MessagePackSerializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
