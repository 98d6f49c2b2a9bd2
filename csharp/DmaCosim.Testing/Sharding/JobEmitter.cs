// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;
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

    private static string Slurm(string what, string options, int shards, int jobs)
    {
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        text.AppendLine(CultureInfo.InvariantCulture, $"# {what}: a Slurm job array, written by dmacosim regress --emit slurm.");
        text.AppendLine("# Submit from the directory the results go to:  sbatch --wait THIS_FILE   (DMACOSIM=path/to/build/dmacosim if not on PATH)");
        text.AppendLine("# Each task finds its shard in SLURM_ARRAY_TASK_ID (counted from SLURM_ARRAY_TASK_MIN) and writes results/regress-ID.xml");
        text.AppendLine("# and results/cov-ID.json; a task whose seeds fail exits 1. Then:");
        text.AppendLine("#   dmacosim merge results --junit regress.xml --coverage coverage.json");
        text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --job-name={JobName}");
        text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{shards - 1}");
        text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={jobs}");
        text.AppendLine("#SBATCH --ntasks=1");
        text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --output={JobName}-%A_%a.out");
        text.AppendLine("set -euo pipefail");
        text.AppendLine("mkdir -p results");
        text.AppendLine(CultureInfo.InvariantCulture, $"exec \"${{DMACOSIM:-dmacosim}}\" regress {options} --jobs \"${{SLURM_CPUS_PER_TASK:-{jobs}}}\" --shard auto/{shards} \\");
        text.AppendLine("  --junit \"results/regress-${SLURM_ARRAY_TASK_ID}.xml\" --coverage \"results/cov-${SLURM_ARRAY_TASK_ID}.json\"");
        return text.ToString();
    }

    private static string Kubernetes(string what, string options, int shards, int jobs)
    {
        // exit 1 = seeds failed, files written: a finished shard (the merge reports the failures); a failed pod would end the Job
        var command = string.Create(CultureInfo.InvariantCulture, $"dmacosim regress {options} --jobs {jobs} --shard auto/{shards}")
            + " --junit /results/regress-$JOB_COMPLETION_INDEX.xml --coverage /results/cov-$JOB_COMPLETION_INDEX.json || [ $? -eq 1 ]";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {what}: a Kubernetes Indexed Job, written by dmacosim regress --emit k8s.");
        text.AppendLine("# image: one with dmacosim on PATH (build/ of `make harness csharp`) and the .NET runtime; claim dmacosim-results:");
        text.AppendLine("# a ReadWriteMany volume every pod writes its shard to. Each pod finds its shard in JOB_COMPLETION_INDEX. Then:");
        text.AppendLine("#   dmacosim merge /results --junit regress.xml --coverage coverage.json");
        text.AppendLine("apiVersion: batch/v1");
        text.AppendLine("kind: Job");
        text.AppendLine("metadata:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  name: {JobName}");
        text.AppendLine("  labels:");
        text.AppendLine(CultureInfo.InvariantCulture, $"    app.kubernetes.io/name: {JobName}");
        text.AppendLine("spec:");
        text.AppendLine("  completionMode: Indexed");
        text.AppendLine(CultureInfo.InvariantCulture, $"  completions: {shards}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  parallelism: {shards}");
        text.AppendLine("  backoffLimit: 3");
        text.AppendLine("  template:");
        text.AppendLine("    metadata:");
        text.AppendLine("      labels:");
        text.AppendLine(CultureInfo.InvariantCulture, $"        app.kubernetes.io/name: {JobName}");
        text.AppendLine("    spec:");
        text.AppendLine("      restartPolicy: Never");
        text.AppendLine("      containers:");
        text.AppendLine("        - name: regress");
        text.AppendLine("          image: dmacosim:latest");
        text.AppendLine("          command: [\"/bin/sh\", \"-c\"]");
        text.AppendLine(CultureInfo.InvariantCulture, $"          args: [{Quote(command)}]");
        text.AppendLine("          resources:");
        text.AppendLine("            requests:");
        text.AppendLine(CultureInfo.InvariantCulture, $"              cpu: \"{jobs}\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"              memory: {jobs}Gi");
        text.AppendLine("          volumeMounts:");
        text.AppendLine("            - name: results");
        text.AppendLine("              mountPath: /results");
        text.AppendLine("      volumes:");
        text.AppendLine("        - name: results");
        text.AppendLine("          persistentVolumeClaim:");
        text.AppendLine("            claimName: dmacosim-results");
        return text.ToString();
    }

    private static string Workflow(string what, string options, int shards, int jobs)
    {
        var matrix = string.Join(", ", Enumerable.Range(1, shards).Select(k => k.ToString(CultureInfo.InvariantCulture)));
        var command = string.Create(CultureInfo.InvariantCulture, $"build/dmacosim regress {options} --jobs {jobs} --shard ${{{{ matrix.shard }}}}/{shards}")
            + " --junit results/regress-${{ matrix.shard }}.xml --coverage results/cov-${{ matrix.shard }}.json || [ $? -eq 1 ]";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {what}: a GitHub Actions workflow matrix, written by dmacosim regress --emit gha.");
        text.AppendLine("# Each matrix job builds and runs one shard (Debian 12, as the project's machines) and uploads it; the merge job");
        text.AppendLine("# merges them (dmacosim merge fails when a shard is missing or a seed failed). Put it in .github/workflows/.");
        text.AppendLine(CultureInfo.InvariantCulture, $"name: {JobName}");
        text.AppendLine("on:");
        text.AppendLine("  workflow_dispatch:");
        text.AppendLine("jobs:");
        text.AppendLine("  regress:");
        text.AppendLine("    runs-on: ubuntu-latest");
        text.AppendLine("    container: debian:12");
        text.AppendLine("    strategy:");
        text.AppendLine("      fail-fast: false");
        text.AppendLine("      matrix:");
        text.AppendLine(CultureInfo.InvariantCulture, $"        shard: [{matrix}]");
        text.AppendLine("    steps:");
        AppendBuildSteps(text, "make deps harness csharp");
        text.AppendLine(CultureInfo.InvariantCulture, $"      - run: {Quote(command)}");
        text.AppendLine("      - uses: actions/upload-artifact@v4");
        text.AppendLine("        with:");
        text.AppendLine("          name: regress-${{ matrix.shard }}");
        text.AppendLine("          path: results/");
        text.AppendLine("  merge:");
        text.AppendLine("    needs: regress");
        text.AppendLine("    if: always()");
        text.AppendLine("    runs-on: ubuntu-latest");
        text.AppendLine("    container: debian:12");
        text.AppendLine("    steps:");
        AppendBuildSteps(text, "make deps csharp");
        text.AppendLine("      - uses: actions/download-artifact@v4");
        text.AppendLine("        with:");
        text.AppendLine("          pattern: regress-*");
        text.AppendLine("          path: results");
        text.AppendLine("          merge-multiple: true");
        text.AppendLine("      - run: build/dmacosim merge results --junit regress.xml --coverage coverage.json");
        text.AppendLine("      - uses: actions/upload-artifact@v4");
        text.AppendLine("        if: always()");
        text.AppendLine("        with:");
        text.AppendLine(CultureInfo.InvariantCulture, $"          name: {JobName}");
        text.AppendLine("          path: |");
        text.AppendLine("            regress.xml");
        text.AppendLine("            coverage.json");
        text.AppendLine("            coverage.html");
        return text.ToString();
    }

    private static void AppendBuildSteps(StringBuilder text, string make)
    {
        text.AppendLine("      - run: apt-get update && apt-get install -y --no-install-recommends make git ca-certificates");
        text.AppendLine("      - uses: actions/checkout@v4");
        text.AppendLine("      - uses: actions/setup-dotnet@v4");
        text.AppendLine("        with:");
        text.AppendLine("          global-json-file: global.json");
        text.AppendLine(CultureInfo.InvariantCulture, $"      - run: {make}");
    }

    // a YAML single-quoted scalar: nothing is special inside but the quote, which doubles
    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex BuildName();
}
