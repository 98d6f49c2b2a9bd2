// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Testing.Sharding;

namespace DmaCosim.Tests.Testing.Sharding;

/// <summary>
/// <c>--shard auto</c>: every scheduler's array numbering (first index, step) maps its N tasks onto shards 1..N one to
/// one; what cannot be read as one shard is an error that says what was found.
/// </summary>
public sealed class ShardDetectionTests
{
    /// <summary>The environment of task <c>index</c> (0-based position in the array) of an array of <c>count</c> tasks.</summary>
    public static TheoryData<string, int, int> Arrays => new()
    {
        // scheduler, first index, step
        { "Slurm", 0, 1 }, { "Slurm", 1, 1 }, { "Slurm", 5, 3 }, { "SlurmCount", 0, 1 }, { "SlurmCount", 2, 2 },
        { "LSF", 1, 1 }, { "LSF", 1, 4 }, { "SGE", 1, 1 }, { "SGE", 3, 2 }, { "Kubernetes", 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Arrays))]
    public void Resolve_EveryTaskOfAnArray_ShardsOneToNOnce(string scheduler, int first, int step)
    {
        for (var count = 1; count <= 7; count++)
        {
            var shards = Enumerable.Range(0, count).Select(i =>
            {
                var (shard, error) = ShardDetection.Resolve(scheduler == "Kubernetes" ? $"auto/{count}" : "auto", Task(scheduler, first, step, count, i));
                Assert.True(error == null, $"{scheduler} task {i} of {count}: {error}");
                Assert.Equal(count, shard!.Count);
                Assert.StartsWith(scheduler.Replace("Count", "", StringComparison.Ordinal), shard.Scheduler, StringComparison.Ordinal);
                return shard.Index;
            }).ToList();

            Assert.Equal(Enumerable.Range(1, count), shards.Order());
            Assert.Equal(Enumerable.Range(1, count), shards); // in array order: index counted from the first
        }
    }

    [Theory]
    [InlineData("SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto", "3/4", "Slurm")]
    [InlineData("SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=13 SLURM_ARRAY_TASK_STEP=3", "auto", "3/5", "Slurm")]
    [InlineData("LSB_JOBINDEX=3 LSB_JOBINDEX_END=4", "auto/4", "3/4", "LSF")]
    [InlineData("SGE_TASK_ID=4 SGE_TASK_FIRST=2 SGE_TASK_LAST=5", "auto", "3/4", "SGE")]
    [InlineData("JOB_COMPLETION_INDEX=0", "auto/4", "1/4", "Kubernetes")]
    [InlineData("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 JOB_COMPLETION_INDEX=1", "auto/4", "2/4", "Slurm and Kubernetes")]
    [InlineData("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=2 LSB_JOBINDEX=0 SGE_TASK_ID=undefined", "auto", "1/2", "Slurm")]
    public void Resolve_Environment_ShardAndWhichSchedulerSaidSo(string variables, string option, string expected, string scheduler)
    {
        var (shard, error) = ShardDetection.Resolve(option, Env(variables));

        Assert.True(error == null, error);
        Assert.Equal(expected, shard!.Spec);
        Assert.Equal(scheduler, shard.Scheduler);
        Assert.Contains(variables.Split('=')[0], shard.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "auto", "no job-array index found")]
    [InlineData("LSB_JOBINDEX=0 SGE_TASK_ID=undefined", "auto", "no job-array index found")]
    [InlineData("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 LSB_JOBINDEX=1 LSB_JOBINDEX_END=4", "auto", "disagree: Slurm says 2/4")]
    [InlineData("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 SGE_TASK_ID=2 SGE_TASK_FIRST=1 SGE_TASK_LAST=5", "auto", "SGE says 2/5")]
    [InlineData("SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=7 SLURM_ARRAY_TASK_COUNT=3", "auto", "gaps")]
    [InlineData("SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MAX=7", "auto", "SLURM_ARRAY_TASK_MIN is not set")]
    [InlineData("SLURM_ARRAY_TASK_ID=9 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto", "SLURM_ARRAY_TASK_ID=9 is not one of the indices 0..3")]
    [InlineData("SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=6 SLURM_ARRAY_TASK_STEP=3", "auto", "not one of the indices")]
    [InlineData("SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=5 SLURM_ARRAY_TASK_STEP=2", "auto", "not an index range")]
    [InlineData("SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto", "SLURM_ARRAY_TASK_ID='x' is not a whole number")]
    [InlineData("LSB_JOBINDEX=3", "auto", "LSB_JOBINDEX_END is not set")]
    [InlineData("JOB_COMPLETION_INDEX=2", "auto", "give --shard auto/N")]
    [InlineData("JOB_COMPLETION_INDEX=4", "auto/4", "not below the 4 completions")]
    [InlineData("SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto/8", "Slurm has 4 tasks")]
    [InlineData("SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto/0", "is not K/N, auto or auto/N")]
    [InlineData("SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto/x", "is not K/N, auto or auto/N")]
    public void Resolve_NoneOrAmbiguous_ErrorSayingWhat(string variables, string option, string expected)
    {
        var (shard, error) = ShardDetection.Resolve(option, Env(variables));

        Assert.Null(shard);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("2/4", false)]
    [InlineData("auto", true)]
    [InlineData("auto/4", true)]
    [InlineData("automatic", false)]
    public void IsAuto_Option_OnlyAutoForms(string? option, bool expected) => Assert.Equal(expected, ShardDetection.IsAuto(option));

    private static Dictionary<string, string> Env(string variables) =>
        variables.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal);

    // what each scheduler exports to task i (0-based position) of an array of count tasks numbered first, first+step, ...
    private static Dictionary<string, string> Task(string scheduler, int first, int step, int count, int i)
    {
        string N(int v) => v.ToString(CultureInfo.InvariantCulture);
        var id = first + (i * step);
        var last = first + ((count - 1) * step);
        return scheduler switch
        {
            "Slurm" => new() { ["SLURM_ARRAY_TASK_ID"] = N(id), ["SLURM_ARRAY_TASK_MIN"] = N(first), ["SLURM_ARRAY_TASK_MAX"] = N(last), ["SLURM_ARRAY_TASK_STEP"] = N(step) },
            "SlurmCount" => new() { ["SLURM_ARRAY_TASK_ID"] = N(id), ["SLURM_ARRAY_TASK_MIN"] = N(first), ["SLURM_ARRAY_TASK_MAX"] = N(last), ["SLURM_ARRAY_TASK_STEP"] = N(step), ["SLURM_ARRAY_TASK_COUNT"] = N(count) },
            "LSF" => new() { ["LSB_JOBINDEX"] = N(id), ["LSB_JOBINDEX_END"] = N(last), ["LSB_JOBINDEX_STEP"] = N(step) },
            "SGE" => new() { ["SGE_TASK_ID"] = N(id), ["SGE_TASK_FIRST"] = N(first), ["SGE_TASK_LAST"] = N(last), ["SGE_TASK_STEPSIZE"] = N(step) },
            _ => new() { ["JOB_COMPLETION_INDEX"] = N(i) },
        };
    }
}
