// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Xml.Linq;

namespace DmaCosim.Testing;

/// <summary>
/// Writes scenario results as JUnit XML (one testsuite, with the run's properties such as the harness
/// binary and its RTL hash; one testcase per seed, with seed, simulated cycles, checksum, waveform and the
/// scenario's description as properties), the format CI systems and merge tools read.
/// </summary>
public static class JUnitReport
{
    /// <summary>Builds the XML document.</summary>
    /// <param name="suite">Suite name, e.g. "dmacosim.regress.default".</param>
    /// <param name="results">The results.</param>
    /// <param name="repro">The repro command of a seed.</param>
    /// <param name="suiteProperties">The testsuite's own properties (what the run declares, e.g. its shard; the harness binary and its RTL hash), or none.</param>
    /// <returns>The document.</returns>
    public static XDocument Build(
        string suite, IReadOnlyList<ScenarioResult> results, Func<ulong, string> repro, IEnumerable<KeyValuePair<string, string>>? suiteProperties = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(repro);
        var failures = results.Count(r => !r.Passed);
        var cases = results.Select(r =>
        {
            var testcase = new XElement("testcase",
                new XAttribute("name", $"seed-{r.Seed}"),
                new XAttribute("classname", suite),
                new XAttribute("time", r.Wall.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)),
                new XElement("properties",
                    Property("seed", r.Seed.ToString(CultureInfo.InvariantCulture)),
                    Property("generator", ScenarioGenerator.Version.ToString(CultureInfo.InvariantCulture)),
                    Property("cycles", r.Cycles.ToString(CultureInfo.InvariantCulture)),
                    Property("checksum", r.Checksum),
                    Property("waveform", r.WaveformPath ?? ""),
                    Property("scenario", r.Scenario ?? "")));
            if (!r.Passed)
            {
                testcase.Add(new XElement("failure",
                    new XAttribute("message", FirstLine(r.Failure)),
                    $"{r.Failure}\nrepro: {repro(r.Seed)}"));
            }

            return testcase;
        });
        return new XDocument(new XElement("testsuites",
            new XElement("testsuite",
                new XAttribute("name", suite),
                new XAttribute("tests", results.Count),
                new XAttribute("failures", failures),
                new XAttribute("errors", 0),
                new XAttribute("time", results.Sum(r => r.Wall.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture)),
                suiteProperties == null ? null : new XElement("properties", suiteProperties.Select(p => Property(p.Key, p.Value))),
                cases)));
    }

    private static XElement Property(string name, string value) =>
        new("property", new XAttribute("name", name), new XAttribute("value", value));

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0];
}
