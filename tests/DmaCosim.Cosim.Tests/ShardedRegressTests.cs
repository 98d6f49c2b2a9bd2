// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Testing.Coverage;
using DmaCosim.Testing.Sharding;
using DmaCosim.Tests.Cli;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// N shards give what one machine gives: <c>dmacosim regress --shard auto</c> run as the tasks of an SGE array (the
/// variables the scheduler sets), merged by <c>dmacosim merge</c>, equal one local <c>regress</c> of the same seeds in
/// every verdict, simulated cycle count, checksum and coverage bin; without one shard the merge refuses. (`make
/// test-slurm` does the same under a real Slurm.)
/// </summary>
public sealed class ShardedRegressTests : IDisposable
{
    private const int Count = 6;
    private const int Shards = 3;
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-sharded-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Merge_ShardsOfAnArray_EqualOneLocalRunAndRefuseOneMissing()
    {
        var harness = new Dictionary<string, string?> { ["DMACOSIM_HARNESS"] = HarnessProcess.Locate() };
        var common = new[] { "regress", "--count", Count.ToString(CultureInfo.InvariantCulture), "--jobs", "1" };
        for (var task = 1; task <= Shards; task++)
        {
            var sge = new Dictionary<string, string?>(harness)
            {
                ["SGE_TASK_ID"] = $"{task}", ["SGE_TASK_FIRST"] = "1", ["SGE_TASK_LAST"] = $"{Shards}",
            };
            var (shardCode, stdout, stderr) = await CliProcess.RunAsync(
                [.. common, "--shard", "auto", "--junit", $"shards/regress-{task}.xml", "--coverage", $"shards/cov-{task}.json"], sge, _directory);
            Assert.True(shardCode is 0 or 1, $"shard {task}: exit {shardCode}: {stderr}");
            Assert.Contains($"shard {task}/{Shards} from SGE", stdout, StringComparison.Ordinal);
        }

        var (mergeCode, _, mergeErr) = await CliProcess.RunAsync(
            ["merge", "shards", "--junit", "merged.xml", "--coverage", "merged-cov.json"], harness, _directory);
        var (localCode, _, localErr) = await CliProcess.RunAsync([.. common, "--junit", "local.xml", "--coverage", "local-cov.json"], harness, _directory);

        Assert.True(localCode is 0 or 1, localErr);
        Assert.True(mergeCode == localCode, $"merge exit {mergeCode}, local {localCode}: {mergeErr}");
        var merged = ShardFile.Load(Path.Combine(_directory, "merged.xml")).Cases.Select(c => (c.Seed, c.Passed, c.Cycles, c.Checksum));
        var local = ShardFile.Load(Path.Combine(_directory, "local.xml")).Cases.Select(c => (c.Seed, c.Passed, c.Cycles, c.Checksum));
        Assert.Equal(local, merged);
        Assert.Equal(CoverageDatabase.Load(Path.Combine(_directory, "local-cov.json")).ToJson(), CoverageDatabase.Load(Path.Combine(_directory, "merged-cov.json")).ToJson());

        File.Delete(Path.Combine(_directory, "shards", "regress-2.xml"));
        var (code, _, stderr2) = await CliProcess.RunAsync(["merge", "shards", "--junit", "again.xml"], harness, _directory);
        Assert.Equal(2, code);
        Assert.Contains($"shard 2/{Shards} of --count {Count} missing", stderr2, StringComparison.Ordinal);
    }
}
