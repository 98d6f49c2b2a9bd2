// SPDX-License-Identifier: MIT
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DmaCosim.Tests.Cli;

/// <summary>
/// <c>dmacosim regress</c> against a harness that is broken on purpose (a script that never gets ready, so
/// every seed fails at once): the failures come before the summary, the summary fits the terminal without
/// breaking a value, the JUnit names the harness, and a printed repro line, pasted into a shell, fails the
/// same way — also when the shell's own DMACOSIM_HARNESS names a good harness.
/// </summary>
public sealed partial class CliRegressTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-cli-regress-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Regress_BrokenHarness_ReproLineFailsTheSameWayInAShell()
    {
        var broken = CliProcess.BrokenHarness(_directory);

        var run = await CliProcess.RunAsync(["regress", "--count", "3", "--jobs", "1"], Environment(broken, 200));

        Assert.True(run.Code == 1, $"exit {run.Code}\n{run.Stdout}{run.Stderr}");
        var repro = Repro().Matches(run.Stdout).Select(m => m.Groups[2].Value).ToList();
        Assert.Equal(3, repro.Count);
        var failure = FirstFailure(run.Stdout, 2);
        Assert.Contains("broken on purpose", failure, StringComparison.Ordinal);

        // pasted into a shell whose own DMACOSIM_HARNESS is another harness (or none): the line alone decides
        foreach (var shellHarness in new[] { null, "/nonexistent/dmacosim-harness" })
        {
            var again = await CliProcess.ShellAsync(repro[1], new Dictionary<string, string?> { ["DMACOSIM_HARNESS"] = shellHarness, ["DMACOSIM_CLI"] = null });

            Assert.True(again.Code == 1, $"`{repro[1]}` (shell DMACOSIM_HARNESS={shellHarness}): exit {again.Code}\n{again.Stdout}{again.Stderr}");
            Assert.Equal(failure, FirstFailure(again.Stdout, 2));
            Assert.Equal(repro[1], Repro().Match(again.Stdout).Groups[2].Value);
        }
    }

    [Fact]
    public async Task Regress_Repro_NamesTheCliUsedAndTheGeneratorVersion()
    {
        var run = await CliProcess.RunAsync(["regress", "--seed", "7"], Environment(CliProcess.BrokenHarness(_directory), 200));

        var repro = Repro().Match(run.Stdout);
        Assert.True(repro.Success, run.Stdout);
        Assert.Equal($"DMACOSIM_HARNESS={Path.Combine(_directory, "broken-harness")} dotnet-path {CliProcess.Dll} regress --seed 7",
            Regex.Replace(repro.Groups[2].Value, @"^(\S+) \S+dotnet ", "$1 dotnet-path ").Split(" --build")[0]);
        Assert.Matches(@" --generator \d+ ", repro.Groups[2].Value);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(80)]
    [InlineData(200)]
    public async Task Regress_Summary_AfterTheFailuresFittedToTheWidthNoValueBroken(int width)
    {
        var run = await CliProcess.RunAsync(["regress", "--count", "2", "--jobs", "1"], Environment(CliProcess.BrokenHarness(_directory), width));

        var lines = run.Stdout.Split('\n');
        var lastFailure = Array.FindLastIndex(lines, l => l.StartsWith("  repro: ", StringComparison.Ordinal));
        var summary = lines.Skip(lastFailure + 1).TakeWhile(l => !l.StartsWith("junit:", StringComparison.Ordinal)).Where(l => l.Length > 0).ToList();
        Assert.True(lastFailure > 0, run.Stdout);
        Assert.NotEmpty(summary);
        Assert.All(summary, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: '{line}'"));
        var text = string.Join('\n', summary.TakeWhile(l => !l.StartsWith("kinds:", StringComparison.Ordinal))); // the table; the kinds lines after it
        foreach (var value in new[] { "default", "2", "0" })
        {
            Assert.Matches($@"(^|\s){value}(\s|$)", text);
        }

        foreach (var header in new[] { "scenarios", "passed", "failed", "harnesses" })
        {
            Assert.Contains(header, text, StringComparison.Ordinal);
        }

        // every number whole: the eight values (scenarios, with CPU activity, passed, failed, simulated cycles,
        // wall, scenarios/min, harnesses started) are eight numbers, none split in two
        Assert.Equal(8, text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Count(t => char.IsAsciiDigit(t[0])));
    }

    [Fact]
    public async Task Regress_JUnit_PropertiesNameTheHarnessAndItsRtlHash()
    {
        var broken = CliProcess.BrokenHarness(_directory);
        var junit = Path.Combine(_directory, "out", "junit.xml");

        var run = await CliProcess.RunAsync(["regress", "--count", "1", "--junit", junit], Environment(broken, 200));

        Assert.Contains($"junit: {junit} (1 testcases)", run.Stdout, StringComparison.Ordinal);
        Assert.StartsWith($"harness  {broken}, RTL unknown (the harness did not start", run.Stdout, StringComparison.Ordinal);
        var properties = XDocument.Load(junit).Root!.Element("testsuite")!.Element("properties")!.Elements("property")
            .ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);
        Assert.Equal(broken, properties["harness"]);
        Assert.StartsWith("unknown", properties["rtl_hash"], StringComparison.Ordinal);
        Assert.Matches(@"^\d+$", properties["generator"]);
    }

    private static Dictionary<string, string?> Environment(string harness, int columns) =>
        new() { ["DMACOSIM_HARNESS"] = harness, ["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture), ["DMACOSIM_CLI"] = null };

    /// <summary>The first line of a seed's failure, without the process ids (they differ between runs).</summary>
    private static string FirstFailure(string stdout, ulong seed)
    {
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith($"FAIL seed {seed}: ", StringComparison.Ordinal));
        Assert.True(line != null, $"no FAIL line for seed {seed}:\n{stdout}");
        return Regex.Replace(line, @"pid \d+", "pid N");
    }

    [GeneratedRegex(@"^  (repro): (.*)$", RegexOptions.Multiline)]
    private static partial Regex Repro();
}
