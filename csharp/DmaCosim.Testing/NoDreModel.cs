// SPDX-License-Identifier: MIT
namespace DmaCosim.Testing;

/// <summary>
/// What a copy leaves in the destination on the <c>nodre</c> build (PG034 without DRE, rtl
/// cdma_realign with HAS_DRE = 0): the engine reads whole source beats and writes whole destination
/// beats (strobed to the destination range) without rotating them, so destination beat j carries
/// source beat min(j, source beats − 1) and each byte keeps its source lane. With source and
/// destination at the same offset within a beat that is an exact copy; otherwise the bytes land out
/// of order, as on the IP. Keyhole transfers are not modelled.
/// </summary>
public static class NoDreModel
{
    /// <summary>The source bytes the engine reads: whole beats from the beat holding <paramref name="source"/>.</summary>
    /// <param name="source">Source address.</param>
    /// <param name="length">Bytes copied, ≥ 1.</param>
    /// <param name="bytesPerBeat">Data width in bytes.</param>
    /// <returns>The first address and the byte count to read.</returns>
    public static (ulong Start, int Length) SourceBeats(ulong source, int length, int bytesPerBeat)
    {
        var offset = (int)(source % (ulong)bytesPerBeat);
        var beats = (offset + length + bytesPerBeat - 1) / bytesPerBeat;
        return (source - (ulong)offset, beats * bytesPerBeat);
    }

    /// <summary>The destination bytes the copy writes.</summary>
    /// <param name="sourceBeats">Memory at <see cref="SourceBeats"/> before the copy.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="length">Bytes copied.</param>
    /// <param name="bytesPerBeat">Data width in bytes.</param>
    /// <returns><paramref name="length"/> bytes: what [destination, +length) holds afterwards.</returns>
    public static byte[] Destination(ReadOnlySpan<byte> sourceBeats, ulong source, ulong destination, int length, int bytesPerBeat)
    {
        var sourceCount = SourceBeats(source, length, bytesPerBeat).Length / bytesPerBeat;
        var dstOffset = (int)(destination % (ulong)bytesPerBeat);
        var result = new byte[length];
        for (var p = 0; p < length; p++)
        {
            var j = (dstOffset + p) / bytesPerBeat;
            var lane = (dstOffset + p) % bytesPerBeat;
            result[p] = sourceBeats[(Math.Min(j, sourceCount - 1) * bytesPerBeat) + lane];
        }

        return result;
    }
}
