// SPDX-License-Identifier: MIT
using DmaCosim.Testing;
using DmaCosim.Testing.Sharding;
using DmaCosim.Tests.Cli;
using YamlDotNet.RepresentationModel;

namespace DmaCosim.Tests.Testing.Sharding;

/// <summary>
/// The CLI's sharding as a real process: <c>regress --shard auto</c> says which scheduler it found or refuses,
/// <c>regress --emit</c> prints a job or refuses bad options, <c>merge</c> writes nothing for an incomplete set.
/// None of these start a harness.
/// </summary>
public sealed class ShardCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-shard-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Regress_ShardAutoInSlurmArray_SaysWhichShardAndScheduler()
    {
        var slurm = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_MIN"] = "0", ["SLURM_ARRAY_TASK_MAX"] = "3" };

        // the harness does not exist: the run stops at that usage error, after the shard was found
        var (code, stdout, stderr) = await CliProcess.RunAsync(["regress", "--count", "40", "--shard", "auto"], CliProcess.WithoutHarness(slurm));

        Assert.Contains("shard 3/4 from Slurm (SLURM_ARRAY_TASK_ID=2 of SLURM_ARRAY_TASK_MIN=0..SLURM_ARRAY_TASK_MAX=3)", stdout, StringComparison.Ordinal);
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/dmacosim-harness", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "auto", "no job-array index found")]
    [InlineData("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 SGE_TASK_ID=1 SGE_TASK_FIRST=1 SGE_TASK_LAST=4", "auto", "disagree")]
    [InlineData("JOB_COMPLETION_INDEX=1", "auto", "auto/N")]
    public async Task Regress_ShardAutoUnresolvable_UsageErrorAndNothingRun(string variables, string option, string expected)
    {
        var environment = variables.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=')).ToDictionary(v => v[0], string? (v) => v[1]);

        var (code, stdout, stderr) = await CliProcess.RunAsync(["regress", "--count", "8", "--shard", option], CliProcess.WithoutHarness(environment));

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("passed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regress_EmitK8s_PrintsAParsableIndexedJob()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(["regress", "--count", "100", "--emit", "k8s", "--shards", "4", "--jobs", "2"], CliProcess.NoHarness);

        Assert.True(code == 0, stderr);
        var stream = new YamlStream();
        stream.Load(new StringReader(stdout));
        var spec = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children["spec"];
        Assert.Equal("Indexed", ((YamlScalarNode)spec.Children["completionMode"]).Value);
        Assert.Equal("4", ((YamlScalarNode)spec.Children["completions"]).Value);
        Assert.Contains("--count 100", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count 10 --emit pbs --shards 2", "--emit 'pbs'")]
    [InlineData("--count 10 --emit 1 --shards 2", "--emit '1'")]
    [InlineData("--count 10 --emit slurm", "--emit needs --shards")]
    [InlineData("--count 10 --shards 2", "--shards N goes with --emit")]
    [InlineData("--count 10 --emit slurm --shards 2 --shard 1/2", "not --shard")]
    [InlineData("--count 10 --emit gha --shards 11", "more than the 10 seeds")]
    [InlineData("--count 10 --emit k8s --shards 2 --generator 1", "--generator 1")]
    [InlineData("--count 0 --emit k8s --shards 2", "--count 0")]
    public async Task Regress_BadEmit_UsageErrorNamingIt(string arguments, string expected)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(["regress", .. arguments.Split(' ')], CliProcess.NoHarness);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("apiVersion", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_OneShardMissing_ExitTwoNamingItAndNothingWritten()
    {
        for (var k = 1; k <= 3; k++)
        {
            if (k == 2)
            {
                continue;
            }

            var declared = new RunDeclaration("--count 9", k, 3, "default", ScenarioGenerator.Version, false);
            var results = declared.Seeds().Seeds.Select(s => new ScenarioResult(s, true, s * 10, "c", null, null, TimeSpan.Zero)).ToList();
            JUnitReport.Build("dmacosim.regress.default", results, s => "", declared.ToProperties()).Save(Path.Combine(_directory, $"regress-{k}.xml"));
        }

        var output = Path.Combine(_directory, "out", "merged.xml");

        var (code, _, stderr) = await CliProcess.RunAsync(["merge", _directory, "--junit", output], CliProcess.NoHarness);

        Assert.Equal(2, code);
        Assert.Contains("shard 2/3 of --count 9 missing", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("", "give shard JUnit files")]
    [InlineData("DIR", "--junit FILE is required")]
    [InlineData("DIR/none.xml --junit OUT", "none.xml: no such file")]
    [InlineData("DIR --junit OUT", "holds no *.xml")]
    [InlineData("DIR --junit OUT --coverage cov.html", "give the JSON file's name")]
    public async Task Merge_BadArguments_UsageError(string arguments, string expected)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(["merge", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Replace("DIR", _directory, StringComparison.Ordinal).Replace("OUT", Path.Combine(_directory, "o.xml"), StringComparison.Ordinal))], CliProcess.NoHarness);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
