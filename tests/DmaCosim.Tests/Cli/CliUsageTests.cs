// SPDX-License-Identifier: MIT
namespace DmaCosim.Tests.Cli;

/// <summary>
/// Every bad value, path and environment variable of every subcommand, run through the real CLI: one line
/// on stderr that names the option or variable and the value, exit 2, nothing run, no stack trace and no
/// .NET type name. None of these needs a harness (a value is checked before any harness is looked for).
/// </summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-cli-usage-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>(subcommand and arguments, VARIABLE=value or "", what the message must name). FILE is a regular file, DIR a directory, EXE an executable that is no harness.</summary>
    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "demo", "DMACOSIM_HARNESS=/nope", "DMACOSIM_HARNESS=/nope" },
        { "demo", "DMACOSIM_HARNESS=DIR", "DMACOSIM_HARNESS=DIR" },
        { "demo", "DMACOSIM_HARNESS=FILE", "DMACOSIM_HARNESS=FILE" },
        { "demo --size abc", "", "--size 'abc'" },
        { "demo --size 0", "", "--size '0'" },
        { "demo --size 17M", "", "--size '17M'" },
        { "demo --seed -1", "", "--seed '-1'" },
        { "demo --seed abc", "", "--seed 'abc'" },
        { "demo --bogus", "", "'--bogus'" },
        { "perf", "DMACOSIM_HARNESS=/nope", "DMACOSIM_HARNESS=/nope" },
        { "perf --out /proc/nope", "", "--out '/proc/nope'" },
        { "perf --out FILE/sub", "", "--out 'FILE/sub'" },
        { "perf --out FILE", "", "--out 'FILE'" },
        { "perf --jobs 0", "", "--jobs 0" },
        { "perf --jobs abc", "", "--jobs 'abc'" },
        { "perf --mode warp", "", "--mode 'warp'" },
        { "perf --burst 8,x", "", "--burst 'x'" },
        { "perf --size 1Q", "", "--size '1Q'" },
        { "perf --latency -4", "", "--latency '-4'" },
        { "perf --steal-idle abc", "", "--steal-idle 'abc'" },
        { "perf iotlb", "DMACOSIM_HARNESS=/nope", "DMACOSIM_HARNESS=/nope" },
        { "perf iotlb --out FILE", "", "--out 'FILE'" },
        { "perf iotlb --jobs 0", "", "--jobs 0" },
        { "perf iotlb --pattern warp", "", "--pattern 'warp'" },
        { "perf iotlb --entries 3", "", "--entries 3" },
        { "perf iotlb --entries 8192", "", "--entries 8192" },
        { "perf iotlb --entries x", "", "--entries 'x'" },
        { "perf iotlb --size 5000", "", "--size 5000" },
        { "perf iotlb --thrash-size 1Q", "", "--thrash-size '1Q'" },
        { "perf iotlb --stride-pages 0", "", "--stride-pages 0" },
        { "perf iotlb --latency 2000", "", "--latency 2000" },
        { "ring", "DMACOSIM_HARNESS=/nope", "DMACOSIM_HARNESS=/nope" },
        { "ring --out FILE", "", "--out 'FILE'" },
        { "ring --jobs 0", "", "--jobs 0" },
        { "ring --mapping warp", "", "warp" },
        { "ring --block abc", "", "abc" },
        { "ring --blocks abc", "", "--blocks 'abc'" },
        { "bench", "DMACOSIM_HARNESS=/nope", "DMACOSIM_HARNESS=/nope" },
        { "bench", "DMACOSIM_HARNESS=EXE DMACOSIM_BENCH_DRIVER=/nope", "DMACOSIM_BENCH_DRIVER" },
        { "bench --json=maybe", "", "'maybe'" },
        { "regress", "DMACOSIM_HARNESS=/nope", "DMACOSIM_HARNESS=/nope" },
        { "regress --count abc", "", "--count 'abc'" },
        { "regress --count 99999999999", "", "--count '99999999999'" },
        { "regress --count 0", "", "--count 0" },
        { "regress --count -3", "", "--count" },
        { "regress --seed x", "", "--seed 'x'" },
        { "regress --seeds 5..1", "", "--seeds '5..1'" },
        { "regress --shard 3/2", "", "--shard '3/2'" },
        { "regress --jobs 0", "", "--jobs 0" },
        { "regress --waves sometimes", "", "--waves 'sometimes'" },
        { "regress --generator abc", "", "--generator 'abc'" },
        { "regress --generator 9999", "", "--generator 9999" },
        { "regress --junit /proc/nope/x.xml", "", "--junit '/proc/nope/x.xml'" },
        { "regress --junit DIR", "", "--junit 'DIR'" },
        { "regress --junit FILE/x.xml", "", "--junit 'FILE/x.xml'" },
        { "regress --waves all --out FILE", "", "--out 'FILE'" },
        { "regress --build nope", "DMACOSIM_HARNESS=EXE", "--build nope" },
        { "regress --coverage DIR", "", "--coverage 'DIR'" },
        { "coverage merge MISSING --out OUT", "", "MISSING" },
        { "coverage merge FILE --out DIR", "", "--out 'DIR'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Subcommand_BadInput_OneLineNamingItExit2(string arguments, string environment, string named)
    {
        var file = Path.Combine(_directory, "file");
        await File.WriteAllTextAsync(file, "not a directory, not a harness", TestContext.Current.CancellationToken);
        var exe = Path.Combine(_directory, "exe");
        await File.WriteAllTextAsync(exe, "#!/bin/sh\nexit 0\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var names = new Dictionary<string, string>
        {
            ["FILE"] = file,
            ["DIR"] = _directory,
            ["EXE"] = exe,
            ["MISSING"] = Path.Combine(_directory, "missing.json"),
            ["OUT"] = Path.Combine(_directory, "out.json"),
        };
        string Expand(string text) => names.Aggregate(text, (t, n) => t.Replace(n.Key, n.Value, StringComparison.Ordinal));
        var variables = new Dictionary<string, string?> { ["DMACOSIM_HARNESS"] = "/nonexistent/dmacosim-harness", ["DMACOSIM_CLI"] = null };
        foreach (var assignment in environment.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (assignment.Split('=')[0], assignment.Split('=', 2)[1]);
            variables[name] = Expand(value);
        }

        var run = await CliProcess.RunAsync(Expand(arguments).Split(' '), variables);

        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.Code == 2, $"{arguments} [{environment}]: exit {run.Code}\n{run.Stderr}{run.Stdout}");
        Assert.True(lines.Length == 1, $"{arguments} [{environment}]: {lines.Length} lines on stderr:\n{run.Stderr}");
        Assert.StartsWith($"dmacosim {arguments.Split(' ')[0]}", lines[0], StringComparison.Ordinal);
        Assert.Contains(Expand(named), lines[0], StringComparison.Ordinal);
        Assert.DoesNotMatch(@"System\.|Exception|   at ", run.Stderr + run.Stdout);
        Assert.DoesNotContain("harness  ", run.Stdout, StringComparison.Ordinal); // nothing started
    }

    [Theory]
    [InlineData("--help", "dmacosim [command] [options]")]
    [InlineData("regress --help", "dmacosim regress [options]")]
    [InlineData("perf --help", "dmacosim perf [command] [options]")]
    [InlineData("perf iotlb --help", "dmacosim perf iotlb [options]")]
    public async Task Help_Usage_NamesDmacosim(string arguments, string usage)
    {
        var run = await CliProcess.RunAsync(arguments.Split(' '));

        Assert.Equal(0, run.Code);
        Assert.Contains(usage, run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("DmaCosim.Cli", run.Stdout, StringComparison.Ordinal);
    }
}
