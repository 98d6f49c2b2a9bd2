// SPDX-License-Identifier: MIT
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DmaCosim.Testing;
using DmaCosim.Tests.Cli;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The CLI on a real harness: the RTL hash the harness reports is that of the sources, and is in the
/// console header and the JUnit; Ctrl-C in the middle of a regression gives a partial summary and the
/// JUnit of the seeds done (exit 130); <c>--waves all</c> says where every waveform went.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed partial class CliRunTests(HarnessFixture fixture) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-cli-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Hello_RtlHash_IsTheSha256OfTheRtlSourcesInBuildOrder()
    {
        // the Makefile's RTL_SRCS: rtl/dma_pkg.sv first, then every other rtl/*.sv by name
        var rtl = Path.GetDirectoryName(SourceTree.Find("rtl/dma_pkg.sv"))!;
        var sources = Directory.GetFiles(rtl, "*.sv").Where(f => Path.GetFileName(f) != "dma_pkg.sv").Order(StringComparer.Ordinal).Prepend(Path.Combine(rtl, "dma_pkg.sv"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(sources.SelectMany(File.ReadAllBytes).ToArray()))[..16];

        Assert.Equal(hash, fixture.Harness.Hello.RtlHash);
    }

    [Fact]
    public async Task Regress_CtrlC_PartialSummaryAndJUnitOfTheSeedsDoneExit130()
    {
        var junit = Path.Combine(_directory, "junit.xml");

        // interrupted once the progress shows a seed done (redirected, the progress bar prints a line per change)
        var run = await CliProcess.RunAsync(
            ["regress", "--count", "500", "--jobs", "1", "--junit", junit], interruptWhen: line => PassedSoFar().IsMatch(line));

        Assert.True(run.Code == 130, $"exit {run.Code}\n{run.Stdout}{run.Stderr}");
        var done = Interrupted().Match(run.Stdout);
        Assert.True(done.Success, run.Stdout);
        var seeds = int.Parse(done.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seeds, 1, 499);
        Assert.DoesNotContain("FAIL seed", run.Stdout, StringComparison.Ordinal); // a seed whose harness had the SIGINT too was cut short, not failed
        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal(seeds, suite.Elements("testcase").Count());
        Assert.Equal(seeds.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)suite.Attribute("tests")!);
        Assert.Contains($"junit: {junit} ({seeds} testcases)", run.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"scenarios\s+{seeds}\b|\b{seeds}\s", run.Stdout[done.Index..]);
    }

    [Fact]
    public async Task Regress_WavesAll_PrintsEveryWaveformItWroteAndTheHeader()
    {
        var waves = Path.Combine(_directory, "waves");

        var run = await CliProcess.RunAsync(["regress", "--seeds", "1..2", "--jobs", "1", "--waves", "all", "--out", waves]);

        Assert.True(run.Code == 0, $"exit {run.Code}\n{run.Stdout}{run.Stderr}");
        Assert.StartsWith($"harness  {DmaCosim.Bridge.HarnessProcess.Locate()}, RTL {fixture.Harness.Hello.RtlHash}", run.Stdout, StringComparison.Ordinal);
        var printed = WaveformLine().Matches(run.Stdout).SelectMany(m => new[] { m.Groups[1].Value, m.Groups[2].Value }).ToList();
        Assert.Equal(Directory.GetFiles(waves).Order(StringComparer.Ordinal), printed.Order(StringComparer.Ordinal));
        Assert.Equal(4, printed.Count); // seed-1.fst, seed-1.gtkw, seed-2.fst, seed-2.gtkw
        Assert.All(printed, path => Assert.True(new FileInfo(path).Length > 0, path));
    }

    [Fact]
    public async Task Regress_Chaos_SummaryCountsEqualAQuietRun()
    {
        string[] seeds = ["regress", "--seeds", "1..12", "--jobs", "2"];

        var quiet = await CliProcess.RunAsync(seeds);
        var noisy = await CliProcess.RunAsync([.. seeds, "--chaos", "0.5"]);

        Assert.True(quiet.Code == 0, $"exit {quiet.Code}\n{quiet.Stdout}{quiet.Stderr}");
        Assert.True(noisy.Code == 0, $"exit {noisy.Code}\n{noisy.Stdout}{noisy.Stderr}");
        var kills = ChaosKills().Match(noisy.Stdout);
        Assert.True(kills.Success && kills.Groups[1].Value != "0", $"no kill fired: the test proved nothing\n{noisy.Stdout}");
        // a scenario re-run after a kill is still one scenario: scenarios, with CPU activity, passed, failed and
        // simulated cycles of the summary row are the quiet run's
        Assert.Equal(SummaryCounts(quiet.Stdout), SummaryCounts(noisy.Stdout));
    }

    [Fact]
    public async Task Replay_ScenariosSavedByRegress_PassWithTheCyclesRegressCounted()
    {
        // the first seeds, and the first one behind a host-bridge offset (replayed on a harness started with it)
        var offset = Enumerable.Range(1, 400).Select(s => (ulong)s).First(s => ScenarioGenerator.BusOffsetOf(s, fixture.Rtl) != 0);
        var saved = Path.Combine(_directory, "saved");
        var counted = new Dictionary<string, string>();
        foreach (var seeds in new[] { new[] { "--seeds", "1..6" }, ["--seed", $"{offset}"] })
        {
            var junit = Path.Combine(_directory, $"junit-{counted.Count}.xml");
            var regress = await CliProcess.RunAsync(["regress", .. seeds, "--jobs", "2", "--scenarios", "all", "--out", saved, "--junit", junit]);
            Assert.True(regress.Code == 0, $"exit {regress.Code}\n{regress.Stdout}{regress.Stderr}");
            foreach (var testcase in XDocument.Load(junit).Descendants("testcase"))
            {
                counted[(string)testcase.Attribute("name")!] = (string)testcase.Descendants("property").Single(p => (string)p.Attribute("name")! == "cycles").Attribute("value")!;
            }
        }

        var replay = await CliProcess.RunAsync(["replay", saved, "--jobs", "2"]);

        Assert.True(replay.Code == 0, $"exit {replay.Code}\n{replay.Stdout}{replay.Stderr}");
        var replayed = ReplayPass().Matches(replay.Stdout).ToDictionary(m => $"seed-{m.Groups[1].Value}", m => m.Groups[2].Value);
        Assert.Equal(7, counted.Count);
        Assert.Equal(counted.OrderBy(c => c.Key), replayed.OrderBy(c => c.Key));
        Assert.Contains("replay: 7 passed, 0 failed, 0 skipped", replay.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_BadFiles_UsageErrorNamingThem()
    {
        var rtl = fixture.Rtl;
        var good = Path.Combine(_directory, "good" + ScenarioFile.Extension);
        ScenarioFile.Save(good, ScenarioGenerator.Generate(1, rtl), rtl);
        var broken = Path.Combine(_directory, "broken" + ScenarioFile.Extension);
        File.WriteAllText(broken, File.ReadAllText(good).Replace("\"Seed\":", "\"Sead\":", StringComparison.Ordinal));
        var other = Path.Combine(_directory, "other" + ScenarioFile.Extension);
        ScenarioFile.Save(other, ScenarioGenerator.Generate(1, rtl with { DataWidth = rtl.DataWidth == 32 ? 64 : 32 }), rtl with { DataWidth = rtl.DataWidth == 32 ? 64 : 32 });

        var missing = await CliProcess.RunAsync(["replay", Path.Combine(_directory, "nope.scenario.json")]);
        var unreadable = await CliProcess.RunAsync(["replay", good, broken]);
        var elsewhere = await CliProcess.RunAsync(["replay", other]);

        Assert.Equal(2, missing.Code);
        Assert.Contains("nope.scenario.json: no such file or directory", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, unreadable.Code);
        Assert.Contains(broken, unreadable.Stderr, StringComparison.Ordinal);
        Assert.Contains("Sead", unreadable.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, elsewhere.Code);
        Assert.Contains($"skipped {other}: generated for DATA_WIDTH", elsewhere.Stdout, StringComparison.Ordinal);
        Assert.Contains("no scenario of these is for --build default", elsewhere.Stderr, StringComparison.Ordinal);
    }

    private static string SummaryCounts(string stdout)
    {
        var row = SummaryRow().Match(stdout);
        Assert.True(row.Success, $"no summary row for the default build\n{stdout}");
        return row.Groups[1].Value;
    }

    [GeneratedRegex(@"^default +((?:\d+ +){5})", RegexOptions.Multiline)]
    private static partial Regex SummaryRow();

    [GeneratedRegex(@"^PASS \S+ \(generator v\d+ seed (\d+)[^;]*; (\d+) cycles\)$", RegexOptions.Multiline)]
    private static partial Regex ReplayPass();

    [GeneratedRegex(@"chaos: (\d+) harnesses killed mid-scenario")]
    private static partial Regex ChaosKills();

    [GeneratedRegex(@"^([1-9]\d* passed \d+ failed|\d+ passed [1-9]\d* failed)")]
    private static partial Regex PassedSoFar();

    [GeneratedRegex(@"interrupted \(Ctrl-C\): (\d+) of 500 selected seeds done")]
    private static partial Regex Interrupted();

    [GeneratedRegex(@"^waveform: (\S+) \(open with: gtkwave (\S+)\)$", RegexOptions.Multiline)]
    private static partial Regex WaveformLine();
}
