// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DmaCosim.Testing;
using DmaCosim.Testing.Sharding;
using YamlDotNet.RepresentationModel;

namespace DmaCosim.Tests.Testing.Sharding;

/// <summary>
/// <c>regress --emit</c>: the Kubernetes manifest is a valid batch/v1 Indexed Job (parsed as YAML, every key checked
/// against the API's fields), the workflow a valid matrix, the Slurm script valid bash; and for each, the N tasks it
/// starts, given what their scheduler gives them, run shards 1..N of the seed list once each.
/// </summary>
public sealed partial class JobEmitterTests
{
    // the fields of batch/v1 Job this manifest may use, per object path (a subset of the API; a typo is not in it)
    private static readonly Dictionary<string, string[]> JobFields = new(StringComparer.Ordinal)
    {
        [""] = ["apiVersion", "kind", "metadata", "spec"],
        ["metadata"] = ["name", "namespace", "labels", "annotations"],
        ["spec"] = ["completionMode", "completions", "parallelism", "backoffLimit", "backoffLimitPerIndex", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "template"],
        ["spec.template"] = ["metadata", "spec"],
        ["spec.template.metadata"] = ["labels", "annotations"],
        ["spec.template.spec"] = ["restartPolicy", "containers", "volumes", "nodeSelector"],
        ["spec.template.spec.containers[]"] = ["name", "image", "command", "args", "env", "resources", "volumeMounts", "workingDir"],
        ["spec.template.spec.containers[].resources"] = ["requests", "limits"],
        ["spec.template.spec.containers[].resources.requests"] = ["cpu", "memory"],
        ["spec.template.spec.containers[].volumeMounts[]"] = ["name", "mountPath", "readOnly"],
        ["spec.template.spec.volumes[]"] = ["name", "persistentVolumeClaim", "emptyDir"],
        ["spec.template.spec.volumes[].persistentVolumeClaim"] = ["claimName", "readOnly"],
    };

    // what a Job's pods may have (Always is not allowed for a Job)
    private static readonly string[] RestartPolicies = ["Never", "OnFailure"];

    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 40, 4 }, { 100_000, 16 }, { 7, 7 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Emit_K8s_IndexedJobWhosePodsRunEveryShardOnce(int count, int shards)
    {
        var yaml = JobEmitter.Emit(JobKind.K8s, $"--count {count}", shards, "dw32", ScenarioGenerator.Version, 2);

        var job = Parse(yaml);
        CheckFields(job, "");
        Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
        Assert.Equal("Job", Scalar(job, "kind"));
        Assert.Matches("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", Scalar(job, "metadata.name"));
        Assert.Equal("Indexed", Scalar(job, "spec.completionMode"));
        Assert.Equal(shards, int.Parse(Scalar(job, "spec.completions"), CultureInfo.InvariantCulture));
        Assert.InRange(int.Parse(Scalar(job, "spec.parallelism"), CultureInfo.InvariantCulture), 1, shards);
        Assert.InRange(int.Parse(Scalar(job, "spec.backoffLimit"), CultureInfo.InvariantCulture), 0, 100);
        Assert.Contains(Scalar(job, "spec.template.spec.restartPolicy"), RestartPolicies);
        var containers = (YamlSequenceNode)Node(job, "spec.template.spec.containers");
        var container = (YamlMappingNode)Assert.Single(containers.Children);
        Assert.NotEmpty(Scalar(container, "name"));
        Assert.NotEmpty(Scalar(container, "image"));
        Assert.Equal("2", Scalar(container, "resources.requests.cpu"));
        var mounts = ((YamlSequenceNode)Node(container, "volumeMounts")).Children.Select(m => Scalar(m, "name"));
        var volumes = ((YamlSequenceNode)Node(job, "spec.template.spec.volumes")).Children.Select(v => Scalar(v, "name"));
        Assert.Subset(volumes.ToHashSet(), mounts.ToHashSet());

        // the pod's command: sh -c SCRIPT, the shard from JOB_COMPLETION_INDEX 0..completions-1
        var command = ((YamlSequenceNode)Node(container, "command")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal(["/bin/sh", "-c"], command);
        var script = ((YamlScalarNode)Assert.Single(((YamlSequenceNode)Node(container, "args")).Children)).Value!;
        Assert.Contains("--build dw32", script, StringComparison.Ordinal);
        Assert.Contains($"--generator {ScenarioGenerator.Version}", script, StringComparison.Ordinal);
        Assert.Contains("/results/regress-$JOB_COMPLETION_INDEX.xml", script, StringComparison.Ordinal);
        CheckPartition(count, shards, Enumerable.Range(0, shards).Select(i =>
            Detect(Option(script, "--shard"), new() { ["JOB_COMPLETION_INDEX"] = N(i) })));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Emit_Slurm_ArrayScriptWhoseTasksRunEveryShardOnce(int count, int shards)
    {
        var script = JobEmitter.Emit(JobKind.Slurm, $"--count {count}", shards, "default", ScenarioGenerator.Version, 3);

        Assert.StartsWith("#!/bin/bash\n", script, StringComparison.Ordinal);
        AssertBashSyntax(script);
        var directives = Regex.Matches(script, "^#SBATCH --([a-z-]+)=(.*)$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal("3", directives["cpus-per-task"]);
        var array = Regex.Match(directives["array"], "^([0-9]+)-([0-9]+)$");
        Assert.True(array.Success, directives["array"]);
        var (first, last) = (int.Parse(array.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(array.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(shards, last - first + 1);
        var command = script[script.IndexOf("exec ", StringComparison.Ordinal)..];
        Assert.Contains("\"results/regress-${SLURM_ARRAY_TASK_ID}.xml\"", command, StringComparison.Ordinal);

        // what Slurm exports to each task of --array=first-last
        CheckPartition(count, shards, Enumerable.Range(first, shards).Select(id => Detect(Option(command, "--shard"), new()
        {
            ["SLURM_ARRAY_TASK_ID"] = N(id), ["SLURM_ARRAY_TASK_MIN"] = N(first), ["SLURM_ARRAY_TASK_MAX"] = N(last), ["SLURM_ARRAY_TASK_COUNT"] = N(shards),
        })));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Emit_Gha_MatrixWhoseJobsRunEveryShardOnceThenMerge(int count, int shards)
    {
        var yaml = JobEmitter.Emit(JobKind.Gha, $"--count {count}", shards, "default", ScenarioGenerator.Version, 2);

        var workflow = Parse(yaml);
        var jobs = (YamlMappingNode)Node(workflow, "jobs");
        var matrix = ((YamlSequenceNode)Node(jobs, "regress.strategy.matrix.shard")).Children.Select(c => int.Parse(((YamlScalarNode)c).Value!, CultureInfo.InvariantCulture));
        Assert.Equal("false", Scalar(jobs, "regress.strategy.fail-fast"));
        var run = ((YamlSequenceNode)Node(jobs, "regress.steps")).Children.Select(s => ((YamlMappingNode)s).Children.TryGetValue("run", out var r) ? ((YamlScalarNode)r).Value! : "")
            .Single(r => r.Contains("dmacosim regress", StringComparison.Ordinal));
        Assert.Equal("regress", Scalar(jobs, "merge.needs"));
        Assert.Contains(((YamlSequenceNode)Node(jobs, "merge.steps")).Children, s => ((YamlMappingNode)s).Children.TryGetValue("run", out var r)
            && ((YamlScalarNode)r).Value!.StartsWith("build/dmacosim merge results", StringComparison.Ordinal));

        CheckPartition(count, shards, matrix.Select(k => Option(run.Replace("${{ matrix.shard }}", N(k), StringComparison.Ordinal), "--shard")));
    }

    [Theory]
    [InlineData(0, 10, "default", 1, "--shards 0")]
    [InlineData(11, 10, "default", 1, "more than the 10 seeds")]
    [InlineData(2, 10, "x; rm -rf /", 1, "--build 'x; rm -rf /'")]
    [InlineData(2, 10, "default", 0, "--jobs 0")]
    public void Check_BadInput_ErrorNamingOption(int shards, int seeds, string build, int jobs, string expected) =>
        Assert.Contains(expected, JobEmitter.Check(shards, seeds, build, jobs), StringComparison.Ordinal);

    [Fact]
    public void Check_GoodInput_Null() => Assert.Null(JobEmitter.Check(16, 100_000, "dw128", 2));

    private static void CheckPartition(int count, int shards, IEnumerable<string> shardOptions)
    {
        var seeds = shardOptions.SelectMany(shard =>
        {
            var (list, error) = SeedSelection.Select(count, null, null, shard);
            Assert.True(error == null, error);
            return list;
        }).ToList();
        Assert.Equal(Enumerable.Range(1, count).Select(i => (ulong)i), seeds.Order());
        Assert.Equal(shards, shardOptions.Distinct().Count());
    }

    private static string Detect(string option, Dictionary<string, string> environment)
    {
        var (shard, error) = ShardDetection.Resolve(option, environment);
        Assert.True(error == null, error);
        return shard!.Spec;
    }

    // the value after OPTION in a command line
    private static string Option(string command, string option)
    {
        var match = Regex.Match(command, $@"{option} (\S+)");
        Assert.True(match.Success, $"no {option} in {command}");
        return match.Groups[1].Value;
    }

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlNode Node(YamlNode root, string path)
    {
        var node = root;
        foreach (var key in path.Split('.'))
        {
            Assert.True(node is YamlMappingNode map && map.Children.ContainsKey(key), $"no '{key}' in '{path}'");
            node = ((YamlMappingNode)node).Children[key];
        }

        return node;
    }

    private static string Scalar(YamlNode root, string path) => Assert.IsType<YamlScalarNode>(Node(root, path)).Value!;

    private static void CheckFields(YamlNode node, string path)
    {
        if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children)
            {
                CheckFields(item, path + "[]");
            }
        }
        else if (node is YamlMappingNode map && JobFields.TryGetValue(path, out var fields))
        {
            foreach (var (key, value) in map.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                Assert.True(fields.Contains(name), $"'{name}' is not a field of batch/v1 Job at '{path}'");
                CheckFields(value, path.Length == 0 ? name : $"{path}.{name}");
            }
        }
    }

    private static void AssertBashSyntax(string script)
    {
        var info = new ProcessStartInfo("bash", ["-n"]) { RedirectStandardInput = true, RedirectStandardError = true };
        using var bash = Process.Start(info)!;
        bash.StandardInput.Write(script);
        bash.StandardInput.Close();
        var stderr = bash.StandardError.ReadToEnd();
        Assert.True(bash.WaitForExit(TimeSpan.FromSeconds(30)), "bash -n did not end in 30 s");
        Assert.True(bash.ExitCode == 0, $"bash -n: {stderr}");
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
