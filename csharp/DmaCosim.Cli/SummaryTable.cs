// SPDX-License-Identifier: MIT
using System.Text;

namespace DmaCosim.Cli;

/// <summary>
/// A summary table fitted to a width without ever breaking a value: one line per row with the headers
/// on one line when that fits; else with the headers wrapped at their spaces (a column is as wide as its
/// widest value or header word; two spaces between columns, or one if that fits); else vertical, one <c>header  value</c> line per cell (rows separated
/// by a blank line). Values are never split; only a value wider than the width itself overflows.
/// </summary>
internal static class SummaryTable
{
    private const string Gap = "  ";

    // the narrow layout's gap between columns, when two spaces do not fit
    private const string NarrowGap = " ";

    /// <summary>Renders the table.</summary>
    /// <param name="headers">Column headers.</param>
    /// <param name="rows">Rows, each with one value per header.</param>
    /// <param name="width">The terminal's width (<see cref="CliEnvironment.Width"/>).</param>
    /// <returns>The lines, each ending in a newline.</returns>
    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int width)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Any(r => r.Count != headers.Count))
        {
            throw new ArgumentException("every row needs one value per header", nameof(rows));
        }

        var values = Enumerable.Range(0, headers.Count).Select(c => rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max()).ToList();
        var full = headers.Select((h, c) => Math.Max(h.Length, values[c])).ToList();
        if (Total(full, Gap) <= width)
        {
            return Horizontal(headers.Select(h => new[] { h }).ToList(), rows, full, Gap);
        }

        var narrow = headers.Select((h, c) => Math.Max(h.Split(' ').Max(w => w.Length), values[c])).ToList();
        foreach (var gap in new[] { Gap, NarrowGap })
        {
            if (Total(narrow, gap) <= width)
            {
                return Horizontal(headers.Select((h, c) => Wrap(h, narrow[c])).ToList(), rows, narrow, gap);
            }
        }

        return Vertical(headers, rows);
    }

    private static int Total(List<int> widths, string gap) => widths.Sum() + (gap.Length * (widths.Count - 1));

    private static string Horizontal(List<string[]> headers, IReadOnlyList<IReadOnlyList<string>> rows, List<int> widths, string gap)
    {
        var text = new StringBuilder();
        var headerLines = headers.Max(h => h.Length);
        for (var line = 0; line < headerLines; line++)
        {
            // headers sit on their last line, above the values
            AppendLine(text, headers.Select(h => line - (headerLines - h.Length) is var i && i >= 0 ? h[i] : "").ToList(), widths, gap);
        }

        AppendLine(text, widths.Select(w => new string('-', w)).ToList(), widths, gap);
        foreach (var row in rows)
        {
            AppendLine(text, row, widths, gap);
        }

        return text.ToString();
    }

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> cells, List<int> widths, string gap) =>
        text.Append(string.Join(gap, cells.Select((cell, c) => cell.PadLeft(widths[c]))).TrimEnd()).Append('\n');

    private static string Vertical(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        var labelWidth = headers.Max(h => h.Length);
        for (var r = 0; r < rows.Count; r++)
        {
            if (r > 0)
            {
                text.Append('\n');
            }

            for (var c = 0; c < headers.Count; c++)
            {
                text.Append(headers[c].PadRight(labelWidth)).Append(Gap).Append(rows[r][c]).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// A line of <c>name value, name value, …</c> fitted to <paramref name="width"/>: broken only after a
    /// comma, continuation lines indented by two spaces, so no <c>name value</c> pair is ever split.
    /// </summary>
    /// <param name="line">The line.</param>
    /// <param name="width">The terminal's width.</param>
    /// <returns>The lines, each ending in a newline.</returns>
    public static string Fit(string line, int width)
    {
        ArgumentNullException.ThrowIfNull(line);
        return string.Join('\n', Wrap(line, width, ", ", Gap)) + "\n";
    }

    /// <summary>A header's words in lines of at most <paramref name="width"/> characters.</summary>
    private static string[] Wrap(string header, int width) => Wrap(header, width, " ", "");

    /// <summary>
    /// <paramref name="text"/> split after each <paramref name="separator"/> and packed into lines of at most
    /// <paramref name="width"/> characters (a piece wider than that stays whole); continuation lines start with
    /// <paramref name="indent"/>.
    /// </summary>
    private static string[] Wrap(string text, int width, string separator, string indent)
    {
        var lines = new List<string>();
        var current = "";
        var joint = separator.TrimEnd();
        var words = text.Split(separator);
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i] + (i < words.Length - 1 ? joint : "");
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                lines.Add(current);
                current = indent + word;
            }
            else
            {
                current = current.Length == 0 ? word : $"{current} {word}";
            }
        }

        lines.Add(current);
        return [.. lines];
    }
}
