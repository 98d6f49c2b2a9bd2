// SPDX-License-Identifier: MIT
using DmaCosim.Testing.Coverage;
using DmaCosim.Tests.Cli;

namespace DmaCosim.Tests.Testing;

/// <summary>
/// The CLI's coverage options and <c>dmacosim coverage merge</c>, run as the real process: bad options are usage
/// errors (exit 2) that name the option and write nothing. None of these start a harness.
/// </summary>
public sealed class CoverageCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-coverage-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("--max-seeds", "--count 5 --max-seeds 50")]
    [InlineData("--max-seeds", "--count 5 --coverage-goal --max-seeds 0")]
    [InlineData("--max-seeds", "--count 50 --coverage-goal --max-seeds 10")]
    [InlineData("--coverage", "--count 5 --coverage cov.html")]
    [InlineData("--coverage", "--count 5 --coverage DIR")]
    public async Task Regress_BadCoverageOption_UsageErrorNamingItAndNothingRun(string option, string arguments)
    {
        var (code, stdout, stderr) = await RunAsync(["regress", .. arguments.Replace("DIR", _directory, StringComparison.Ordinal).Split(' ')]);

        Assert.Equal(2, code);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("passed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_TwoShards_SumsThemIntoJsonAndHtml()
    {
        var model = RegressionCoverage.Model;
        var a = model.CreateDatabase();
        var b = model.CreateDatabase();
        model.Sample(a, new ScenarioFacts { Copies = [new CopyFacts(1, 0, 0, false)] }, 3);
        model.Sample(b, new ScenarioFacts { Copies = [new CopyFacts(1, 0, 0, false)], Snoop = true }, 2);
        a.Save(Path.Combine(_directory, "a.json"));
        b.Save(Path.Combine(_directory, "b.json"));
        var output = Path.Combine(_directory, "out", "merged.json");
        var html = Path.Combine(_directory, "merged.html");

        var (code, stdout, stderr) = await RunAsync(["coverage", "merge", Path.Combine(_directory, "a.json"), Path.Combine(_directory, "b.json"), "--out", output, "--html", html]);

        Assert.True(code == 0, stderr);
        var merged = CoverageDatabase.Load(output);
        Assert.Equal(2, merged.Scenarios);
        Assert.Equal(2, merged.Hits("transfer", "length", "1 B"));
        Assert.Equal(1, merged.Hits("scenario", "snoop", "on"));
        Assert.Equal(2UL, merged.FirstSeed(model.Bins.ToList().IndexOf(new("transfer", "length", "1 B"))));
        Assert.Contains("<table>", await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains($"{merged.BinsHit}/{merged.Bins.Count} bins", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no files", "--out OUT", "one or more")]
    [InlineData("no --out", "A", "--out")]
    [InlineData("missing file", "A MISSING --out OUT", "MISSING")]
    [InlineData("not JSON", "A GARBAGE --out OUT", "GARBAGE")]
    [InlineData("other bin set", "A OTHER --out OUT", "bin sets")]
    public async Task Merge_BadInput_UsageErrorNamingTheProblemAndNoOutput(string because, string arguments, string expected)
    {
        RegressionCoverage.Model.CreateDatabase().Save(Path.Combine(_directory, "a.json"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "garbage.json"), "{ not json", TestContext.Current.CancellationToken);
        var other = new CoverGroupBuilder<ScenarioFacts, ScenarioFacts>("transfer", "d", f => [f]).Point("mode", ["Burst"], _ => "Burst").Build();
        new CoverageModel<ScenarioFacts>(RegressionCoverage.Model.Name, [other]).CreateDatabase().Save(Path.Combine(_directory, "other.json"));
        var names = new Dictionary<string, string>
        {
            ["A"] = Path.Combine(_directory, "a.json"),
            ["MISSING"] = Path.Combine(_directory, "missing.json"),
            ["GARBAGE"] = Path.Combine(_directory, "garbage.json"),
            ["OTHER"] = Path.Combine(_directory, "other.json"),
            ["OUT"] = Path.Combine(_directory, "out.json"),
        };

        var (code, _, stderr) = await RunAsync(["coverage", "merge", .. arguments.Split(' ').Select(a => names.GetValueOrDefault(a, a))]);

        Assert.True(code == 2, $"{because}: exit {code}, {stderr}");
        Assert.Contains(names.GetValueOrDefault(expected, expected), stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(names["OUT"]), $"{because}: the output was written");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments)
    {
        var run = await CliProcess.RunAsync(arguments, CliProcess.NoHarness);
        return (run.Code, run.Stdout, run.Stderr);
    }
}
