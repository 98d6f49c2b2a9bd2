// SPDX-License-Identifier: MIT
namespace DmaCosim.Testing;

/// <summary>
/// Deterministic pseudo-random bytes from a seed (SplitMix64): the same seed gives the same bytes on
/// every machine and run, so a failure can be reproduced from its seed.
/// </summary>
public static class SeededPattern
{
    /// <summary>Fills <paramref name="destination"/> with the pattern of <paramref name="seed"/>.</summary>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="seed">The seed.</param>
    public static void Fill(Span<byte> destination, ulong seed)
    {
        var state = seed;
        var i = 0;
        for (; i + 8 <= destination.Length; i += 8)
        {
            BitConverter.TryWriteBytes(destination[i..], Next(ref state));
        }

        var last = Next(ref state);
        for (; i < destination.Length; i++, last >>= 8)
        {
            destination[i] = (byte)last;
        }
    }

    /// <summary>Returns <paramref name="length"/> bytes of the pattern of <paramref name="seed"/>.</summary>
    /// <param name="length">Bytes.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Create(int length, ulong seed)
    {
        var bytes = new byte[length];
        Fill(bytes, seed);
        return bytes;
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
