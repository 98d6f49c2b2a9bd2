// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text.RegularExpressions;

namespace DmaCosim.Testing.Sharding;

/// <summary>The job descriptions <c>regress --emit</c> writes.</summary>
public enum JobKind
{
    /// <summary>A Slurm batch script with a job array (<c>sbatch --wait</c> it).</summary>
    Slurm,

    /// <summary>A Kubernetes batch/v1 Job with completionMode Indexed.</summary>
    K8s,

    /// <summary>A GitHub Actions workflow with a shard matrix and a merge job.</summary>
    Gha,
}

/// <summary>
/// Writes a ready job description that runs a regression as N shards on a scheduler, each shard writing
/// <c>results/regress-I.xml</c> and <c>results/cov-I.json</c>, and says how to merge them. Slurm and Kubernetes
/// tasks find their shard with <c>--shard auto/N</c> (array index counted from its first); the workflow matrix
/// passes <c>--shard K/N</c>. A shard whose seeds fail exits 1 after writing its files; Kubernetes and the
/// workflow treat that exit as a finished shard (the merge reports the failures), anything else as a failed one.
/// </summary>
public static partial class JobEmitter
{
    /// <summary>Most shards a job may have (a Kubernetes Indexed Job allows 100,000 completions).</summary>
    public const int MaxShards = 100_000;

    /// <summary>The job's name (Slurm job name, Kubernetes Job name, workflow name).</summary>
    public const string JobName = "dmacosim-regress";

    /// <summary>Checks what a job description is made of; null when it can be written.</summary>
    /// <param name="shards">N.</param>
    /// <param name="seeds">How many seeds the selection has.</param>
    /// <param name="build">Build variant (goes into a shell command line).</param>
    /// <param name="jobs">Harnesses per shard.</param>
    /// <returns>The error, or null.</returns>
    public static string? Check(int shards, int seeds, string build, int jobs)
    {
        ArgumentNullException.ThrowIfNull(build);
        return shards is < 1 or > MaxShards ? $"--shards {shards} is not 1..{MaxShards:N0}"
            : shards > seeds ? $"--shards {shards} is more than the {seeds} seeds selected (a shard would have none)"
            : !BuildName().IsMatch(build) ? $"--build '{build}' is not a build name (letters, digits, - and _)"
            : jobs is < 1 or > 1024 ? $"--jobs {jobs} is not 1..1024"
            : null;
    }

    /// <summary>Writes the job description.</summary>
    /// <param name="kind">Which.</param>
    /// <param name="selection">The seed list as options, e.g. "--count 100000" (see <see cref="RunDeclaration.SelectionOf"/>).</param>
    /// <param name="shards">N.</param>
    /// <param name="build">Build variant.</param>
    /// <param name="generator">Scenario-generator version the seeds belong to (pinned in the command).</param>
    /// <param name="jobs">Harnesses per shard (CPUs each task asks for).</param>
    /// <returns>The text.</returns>
    public static string Emit(JobKind kind, string selection, int shards, string build, int generator, int jobs)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var what = string.Create(CultureInfo.InvariantCulture, $"dmacosim regress {selection} in {shards} shards");
        var options = string.Create(CultureInfo.InvariantCulture, $"{selection} --build {build} --generator {generator}");
        return kind switch
        {
            JobKind.Slurm => Slurm(what, options, shards, jobs),
            JobKind.K8s => Kubernetes(what, options, shards, jobs),
            _ => Workflow(what, options, shards, jobs),
        };
    }

    private static string Slurm(string what, string options, int shards, int jobs) => Invariant($$"""
        #!/bin/bash
        # {{what}}: a Slurm job array, written by dmacosim regress --emit slurm.
        # Submit from the directory the results go to:  sbatch --wait THIS_FILE   (DMACOSIM=path/to/build/dmacosim if not on PATH)
        # Each task finds its shard in SLURM_ARRAY_TASK_ID (counted from SLURM_ARRAY_TASK_MIN) and writes results/regress-ID.xml
        # and results/cov-ID.json; a task whose seeds fail exits 1. Then:
        #   dmacosim merge results --junit regress.xml --coverage coverage.json
        #SBATCH --job-name={{JobName}}
        #SBATCH --array=0-{{shards - 1}}
        #SBATCH --cpus-per-task={{jobs}}
        #SBATCH --ntasks=1
        #SBATCH --output={{JobName}}-%A_%a.out
        set -euo pipefail
        mkdir -p results
        exec "${DMACOSIM:-dmacosim}" regress {{options}} --jobs "${SLURM_CPUS_PER_TASK:-{{jobs}}}" --shard auto/{{shards}} \
          --junit "results/regress-${SLURM_ARRAY_TASK_ID}.xml" --coverage "results/cov-${SLURM_ARRAY_TASK_ID}.json"

        """);

    // exit 1 = seeds failed, files written: a finished shard (the merge reports the failures); a failed pod would end the Job
    private static string Kubernetes(string what, string options, int shards, int jobs) => Invariant($$"""
        # {{what}}: a Kubernetes Indexed Job, written by dmacosim regress --emit k8s.
        # image: one with dmacosim on PATH (build/ of `make harness csharp`) and the .NET runtime; claim dmacosim-results:
        # a ReadWriteMany volume every pod writes its shard to. Each pod finds its shard in JOB_COMPLETION_INDEX. Then:
        #   dmacosim merge /results --junit regress.xml --coverage coverage.json
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{JobName}}
          labels:
            app.kubernetes.io/name: {{JobName}}
        spec:
          completionMode: Indexed
          completions: {{shards}}
          parallelism: {{shards}}
          backoffLimit: 3
          template:
            metadata:
              labels:
                app.kubernetes.io/name: {{JobName}}
            spec:
              restartPolicy: Never
              containers:
                - name: regress
                  image: dmacosim:latest
                  command: ["/bin/sh", "-c"]
                  args: [{{Quote(Invariant($"dmacosim regress {options} --jobs {jobs} --shard auto/{shards}")
                      + " --junit /results/regress-$JOB_COMPLETION_INDEX.xml --coverage /results/cov-$JOB_COMPLETION_INDEX.json || [ $? -eq 1 ]")}}]
                  resources:
                    requests:
                      cpu: "{{jobs}}"
                      memory: {{jobs}}Gi
                  volumeMounts:
                    - name: results
                      mountPath: /results
              volumes:
                - name: results
                  persistentVolumeClaim:
                    claimName: dmacosim-results

        """);

    private static string Workflow(string what, string options, int shards, int jobs) => Invariant($$$"""
        # {{{what}}}: a GitHub Actions workflow matrix, written by dmacosim regress --emit gha.
        # Each matrix job builds and runs one shard (Debian 12, as the project's machines) and uploads it; the merge job
        # merges them (dmacosim merge fails when a shard is missing or a seed failed). Put it in .github/workflows/.
        name: {{{JobName}}}
        on:
          workflow_dispatch:
        jobs:
          regress:
            runs-on: ubuntu-latest
            container: debian:12
            strategy:
              fail-fast: false
              matrix:
                shard: [{{{string.Join(", ", Enumerable.Range(1, shards))}}}]
            steps:
        {{{BuildSteps("make deps harness csharp")}}}
              - run: {{{Quote(Invariant($"build/dmacosim regress {options} --jobs {jobs} --shard ${{{{ matrix.shard }}}}/{shards}")
                  + " --junit results/regress-${{ matrix.shard }}.xml --coverage results/cov-${{ matrix.shard }}.json || [ $? -eq 1 ]")}}}
              - uses: actions/upload-artifact@v4
                with:
                  name: regress-${{ matrix.shard }}
                  path: results/
          merge:
            needs: regress
            if: always()
            runs-on: ubuntu-latest
            container: debian:12
            steps:
        {{{BuildSteps("make deps csharp")}}}
              - uses: actions/download-artifact@v4
                with:
                  pattern: regress-*
                  path: results
                  merge-multiple: true
              - run: build/dmacosim merge results --junit regress.xml --coverage coverage.json
              - uses: actions/upload-artifact@v4
                if: always()
                with:
                  name: {{{JobName}}}
                  path: |
                    regress.xml
                    coverage.json
                    coverage.html

        """);

    private static string BuildSteps(string make) => $"""
              - run: apt-get update && apt-get install -y --no-install-recommends make git ca-certificates
              - uses: actions/checkout@v4
              - uses: actions/setup-dotnet@v4
                with:
                  global-json-file: global.json
              - run: {make}
        """;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // a YAML single-quoted scalar: nothing is special inside but the quote, which doubles
    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex BuildName();
}
