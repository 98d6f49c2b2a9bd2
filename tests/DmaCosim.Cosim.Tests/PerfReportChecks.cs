// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Checks a written perf report as a reader would get it, from the files alone: report.html parses
/// (well-formed), explains every mode of results.csv in two sentences, every number of its
/// conclusions recomputes from the CSV cells it cites, the plots it shows exist and are non-empty,
/// and its tables scroll instead of widening the page.
/// </summary>
internal static partial class PerfReportChecks
{
    /// <summary>Runs every check on the report in a directory; returns how many cited numbers it recomputed.</summary>
    public static int Verify(string directory)
    {
        var document = Parse(Path.Combine(directory, PerfReport.Html));
        var body = document.Root!.Element("body");
        Assert.NotNull(body);
        var csvs = new Dictionary<string, List<string[]>>
        {
            [PerfReport.Csv] = ReadCsv(Path.Combine(directory, PerfReport.Csv)),
            [PerfReport.CpuAloneCsv] = ReadCsv(Path.Combine(directory, PerfReport.CpuAloneCsv)),
        };

        // every mode of the CSV is explained, in two sentences
        var modes = body.Descendants("dl").Single(e => Class(e) == "modes");
        var explained = modes.Elements("dt").Select(dt => dt.Value).ToList();
        var inCsv = csvs[PerfReport.Csv].Skip(1).Select(row => row[0]).Distinct().Order().ToList();
        Assert.Equal(inCsv, explained.Order().ToList());
        foreach (var dd in modes.Elements("dd"))
        {
            Assert.Equal(2, Sentences().Split(dd.Value.Trim()).Length);
        }

        // the conclusions' numbers recompute from the cells they cite
        var conclusions = body.Descendants("ul").Single(e => Class(e) == "conclusions").Elements("li").ToList();
        Assert.NotEmpty(conclusions);
        var cited = 0;
        foreach (var li in conclusions)
        {
            var spans = li.Descendants("span").Where(s => Class(s) == "n").ToList();
            Assert.True(spans.Count > 0, $"a conclusion with no number from the run: {li.Value}");
            foreach (var span in spans)
            {
                var cells = ((string?)span.Attribute("data-ref") ?? "").Split(' ').Select(r => Cell(csvs, r)).ToList();
                var peak = (double?)span.Attribute("data-peak");
                var expected = (string?)span.Attribute("data-op") switch
                {
                    "value" => cells.Single(),
                    "pct" => 100 * cells.Single() / peak!.Value,
                    "per" => peak!.Value / cells.Single(),
                    "minus" => cells[0] - cells[1],
                    var op => Unknown(op, li.Value),
                };
                var shown = span.Value;
                var decimals = shown.Contains('.', StringComparison.Ordinal) ? shown.Length - shown.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
                var value = double.Parse(shown.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(value - expected) <= (0.5 * Math.Pow(10, -decimals)) + 1e-9,
                    $"'{shown}' ({span.Attribute("data-op")} of {span.Attribute("data-ref")}) should be {expected} in: {li.Value}");
                cited++;
            }
        }

        // every plot shown exists, non-empty, the SVG parses, and its PNG is there too
        var images = body.Descendants("img").Select(i => (string)i.Attribute("src")!).ToList();
        Assert.NotEmpty(images);
        foreach (var src in images)
        {
            var svg = Path.Combine(directory, src);
            Assert.True(File.Exists(svg) && new FileInfo(svg).Length > 1000, $"{svg} missing or nearly empty");
            Assert.Equal("svg", Parse(svg).Root!.Name.LocalName);
            var png = Path.ChangeExtension(svg, ".png");
            Assert.True(File.Exists(png) && new FileInfo(png).Length > 1000, $"{png} missing or nearly empty");
        }

        // wide tables scroll inside their own box; the summary says what best and worst range over
        Assert.All(body.Descendants("table"), t => Assert.Equal("scroll", Class(t.Parent!)));
        var summary = body.Elements("h2").Single(h => (string?)h.Attribute("id") == "summary").ElementsAfterSelf("p").First().Value;
        Assert.Contains("best", summary, StringComparison.Ordinal);
        Assert.Contains("over the burst lengths", summary, StringComparison.Ordinal);
        return cited;
    }

    private static XDocument Parse(string path)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        using var reader = XmlReader.Create(path, settings);
        return XDocument.Load(reader);
    }

    private static double Unknown(string? op, string conclusion)
    {
        Assert.Fail($"unknown data-op '{op}' in: {conclusion}");
        return 0;
    }

    private static string? Class(XElement e) => (string?)e.Attribute("class");

    // FILE:ROW:COLUMN, ROW 1 the first row after the header
    private static double Cell(Dictionary<string, List<string[]>> csvs, string reference)
    {
        var parts = reference.Split(':');
        Assert.Equal(3, parts.Length);
        var rows = csvs[parts[0]];
        var column = Array.IndexOf(rows[0], parts[2]);
        Assert.True(column >= 0, $"{reference}: no such column");
        return double.Parse(rows[int.Parse(parts[1], CultureInfo.InvariantCulture)][column], CultureInfo.InvariantCulture);
    }

    // the CSVs' numeric cells never hold commas; only the last (error) column may, quoted
    private static List<string[]> ReadCsv(string path) => [.. File.ReadAllLines(path).Select(line => line.Split(','))];

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z])")]
    private static partial Regex Sentences();
}
