// SPDX-License-Identifier: MIT
using System.Buffers;
using DmaCosim.Bridge;
using MessagePack;

namespace DmaCosim.Cosim.Tests;

/// <summary>Raw frames to a harness, bypassing SimClient: for malformed and hand-encoded requests.</summary>
internal static class RawFrames
{
    /// <summary>Sends one frame and decodes the reply map.</summary>
    public static Dictionary<string, object?> Exchange(NetMqDealerTransport transport, byte[] frame)
    {
        transport.Send(frame);
        Assert.True(transport.TryReceive(TimeSpan.FromSeconds(10), out var reply), "no reply from the harness");
        return Assert.IsType<Dictionary<string, object?>>(WireObjects.Decode(reply));
    }

    /// <summary>Encodes a request map whose values are written by the callback.</summary>
    public static byte[] Encode(int fields, WriteFields write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(fields);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The error code of a reply, or null when it succeeded.</summary>
    public static string? ErrorCode(Dictionary<string, object?> reply) =>
        reply.GetValueOrDefault("error") is Dictionary<string, object?> error ? error["code"] as string : null;

    /// <summary>"ok", or the code and message of an error reply.</summary>
    public static string Describe(Dictionary<string, object?> reply) =>
        reply.GetValueOrDefault("error") is Dictionary<string, object?> e ? $"{e["code"]}: {e["message"]}" : "ok";

    public delegate void WriteFields(ref MessagePackWriter writer);
}
