// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Net;
using System.Text;

namespace DmaCosim.Testing.Coverage;

/// <summary>A coverage database as a text table (a terminal) or as one self-contained HTML page.</summary>
public static class CoverageReport
{
    /// <summary>
    /// Per group: bins hit / total and the percentage, then the empty bins ("point: bin", wrapped); a total line
    /// first. No line is longer than <paramref name="width"/>.
    /// </summary>
    /// <param name="database">The coverage.</param>
    /// <param name="width">Columns (at least 40).</param>
    /// <returns>The table, lines ending in '\n'.</returns>
    public static string Table(CoverageDatabase database, int width = 80)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 40);
        var text = new StringBuilder();
        Line($"functional coverage ({database.Model}, {database.Scenarios} scenarios): " +
             $"{database.BinsHit}/{database.Bins.Count} bins, {Percent(database.BinsHit, database.Bins.Count)}");
        Line($"{"group",-24} {"bins hit",12} {"%",7}  empty");
        foreach (var (group, _) in database.Groups)
        {
            var indices = Enumerable.Range(0, database.Bins.Count).Where(i => database.Bins[i].Group == group).ToList();
            var empty = indices.Where(i => database.Hits(i) == 0).Select(i => $"{database.Bins[i].Point}: {database.Bins[i].Name}").ToList();
            var hit = indices.Count - empty.Count;
            Line($"{Clip(group, 24),-24} {$"{hit}/{indices.Count}",12} {Percent(hit, indices.Count),7}  {(empty.Count == 0 ? "-" : empty.Count.ToString(CultureInfo.InvariantCulture))}");
            Wrap(empty);
        }

        return text.ToString();

        void Line(string line) => text.Append(Clip(line, width)).Append('\n');

        void Wrap(List<string> items)
        {
            const string indent = "    ";
            var line = new StringBuilder(indent);
            foreach (var item in items.Select(i => Clip(i, width - indent.Length - 1)))
            {
                if (line.Length > indent.Length && line.Length + 2 + item.Length > width)
                {
                    Line(line.ToString());
                    line.Clear().Append(indent);
                }

                line.Append(line.Length > indent.Length ? "; " : "").Append(item);
            }

            if (line.Length > indent.Length)
            {
                Line(line.ToString());
            }
        }
    }

    /// <summary>One self-contained HTML page: a summary, then per group a table of every bin with its hits and first seed; empty bins highlighted.</summary>
    /// <param name="database">The coverage.</param>
    /// <returns>The page.</returns>
    public static string Html(CoverageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>DmaCosim functional coverage</title>\n<style>\n")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}")
            .Append("td,th{border:1px solid #bbb;padding:2px 8px;text-align:left}td.n{text-align:right}")
            .Append("tr.empty td{background:#f8c8c8;font-weight:bold}.bar{background:#ddd;width:200px;display:inline-block}")
            .Append(".bar span{background:#4a4;display:block;height:1em}\n</style></head><body>\n")
            .Append(CultureInfo.InvariantCulture, $"<h1>Functional coverage: {E(database.Model)}</h1>\n")
            .Append(CultureInfo.InvariantCulture, $"<p>{database.Scenarios} scenarios; {database.BinsHit}/{database.Bins.Count} bins hit ({Percent(database.BinsHit, database.Bins.Count)}). Empty bins are <span style=\"background:#f8c8c8\">highlighted</span>.</p>\n")
            .Append("<table><tr><th>group</th><th>bins hit</th><th>%</th><th></th><th>empty</th></tr>\n");
        foreach (var (group, description) in database.Groups)
        {
            var indices = Indices(database, group);
            var hit = indices.Count(i => database.Hits(i) > 0);
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"#{E(group)}\">{E(group)}</a><br><small>{E(description)}</small></td><td class=\"n\">{hit}/{indices.Count}</td><td class=\"n\">{Percent(hit, indices.Count)}</td>")
                .Append(CultureInfo.InvariantCulture,
                    $"<td><div class=\"bar\"><span style=\"width:{(indices.Count == 0 ? 0 : 100 * hit / indices.Count)}%\"></span></div></td><td class=\"n\">{indices.Count - hit}</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var (group, description) in database.Groups)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{E(group)}\">{E(group)}</h2>\n<p>{E(description)}</p>\n")
                .Append("<table><tr><th>point</th><th>bin</th><th>hits</th><th>first seed</th></tr>\n");
            foreach (var i in Indices(database, group))
            {
                var bin = database.Bins[i];
                var hits = database.Hits(i);
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr{(hits == 0 ? " class=\"empty\"" : "")}><td>{E(bin.Point)}</td><td>{E(bin.Name)}</td><td class=\"n\">{hits}</td><td class=\"n\">{database.FirstSeed(i)?.ToString(CultureInfo.InvariantCulture) ?? "-"}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static List<int> Indices(CoverageDatabase database, string group) =>
        [.. Enumerable.Range(0, database.Bins.Count).Where(i => database.Bins[i].Group == group)];

    private static string Percent(int hit, int total) =>
        string.Create(CultureInfo.InvariantCulture, $"{(total == 0 ? 100.0 : 100.0 * hit / total):0.0} %");

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
