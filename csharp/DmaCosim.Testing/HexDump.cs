// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;

namespace DmaCosim.Testing;

/// <summary>Hexdumps of memory, plain and as an expected-vs-actual diff.</summary>
public static class HexDump
{
    /// <summary>Bytes per dump row.</summary>
    public const int RowBytes = 16;

    /// <summary>Formats <paramref name="bytes"/> as rows of 16: address, hex bytes, ASCII.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="baseAddress">Address of <c>bytes[0]</c>.</param>
    /// <returns>The dump, one row per line.</returns>
    public static string Format(ReadOnlySpan<byte> bytes, ulong baseAddress)
    {
        var text = new StringBuilder();
        for (var row = 0; row < bytes.Length; row += RowBytes)
        {
            var line = bytes.Slice(row, Math.Min(RowBytes, bytes.Length - row));
            text.Append(CultureInfo.InvariantCulture, $"{baseAddress + (ulong)row:x8}  ");
            for (var i = 0; i < RowBytes; i++)
            {
                text.Append(i < line.Length ? line[i].ToString("x2", CultureInfo.InvariantCulture) : "  ").Append(' ');
            }

            text.Append(' ');
            foreach (var b in line)
            {
                text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Formats expected and actual side by side around <paramref name="focus"/>: rows of 16 bytes,
    /// differing rows marked with <c>!</c> and differing bytes in the actual column bracketed.
    /// </summary>
    /// <param name="expected">Expected bytes.</param>
    /// <param name="actual">Actual bytes (same length).</param>
    /// <param name="baseAddress">Address of index 0.</param>
    /// <param name="focus">Index to centre on (usually the first mismatch).</param>
    /// <param name="contextRows">Rows shown before and after the focus row.</param>
    /// <returns>The diff.</returns>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static string Diff(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, ulong baseAddress, int focus, int contextRows = 2)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"expected has {expected.Length} bytes, actual {actual.Length}", nameof(actual));
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"address",-10}  {"expected",-48} | actual\n");
        var focusRow = focus / RowBytes * RowBytes;
        var first = Math.Max(0, focusRow - (contextRows * RowBytes));
        var last = Math.Min(expected.Length, focusRow + ((contextRows + 1) * RowBytes));
        for (var row = first; row < last; row += RowBytes)
        {
            var n = Math.Min(RowBytes, expected.Length - row);
            var e = expected.Slice(row, n);
            var a = actual.Slice(row, n);
            text.Append(e.SequenceEqual(a) ? ' ' : '!')
                .Append(CultureInfo.InvariantCulture, $"{baseAddress + (ulong)row:x8}  ");
            for (var i = 0; i < RowBytes; i++)
            {
                text.Append(i < n ? e[i].ToString("x2", CultureInfo.InvariantCulture) : "  ").Append(' ');
            }

            text.Append("| ");
            for (var i = 0; i < n; i++)
            {
                text.Append(a[i] == e[i]
                    ? a[i].ToString("x2", CultureInfo.InvariantCulture) + " "
                    : "[" + a[i].ToString("x2", CultureInfo.InvariantCulture) + "]");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
