// SPDX-License-Identifier: MIT
using System.Globalization;

namespace DmaCosim.Testing.Sharding;

/// <summary>A shard found in a scheduler's environment: <see cref="Index"/> of <see cref="Count"/>, counted from 1.</summary>
/// <param name="Index">K of K/N, 1..N.</param>
/// <param name="Count">N of K/N.</param>
/// <param name="Scheduler">Slurm, LSF, SGE or Kubernetes.</param>
/// <param name="Evidence">The variables it was read from, e.g. "SLURM_ARRAY_TASK_ID=2 of MIN=0..MAX=3".</param>
public sealed record DetectedShard(int Index, int Count, string Scheduler, string Evidence)
{
    /// <summary>The shard as <c>--shard K/N</c> takes it.</summary>
    public string Spec => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}

/// <summary>
/// <c>--shard auto</c>: reads which shard this process is from the job-array variables of Slurm
/// (<c>SLURM_ARRAY_TASK_ID</c>, <c>_MIN</c>, <c>_MAX</c>, <c>_STEP</c>, <c>_COUNT</c>), LSF (<c>LSB_JOBINDEX</c>,
/// <c>LSB_JOBINDEX_END</c>, <c>LSB_JOBINDEX_STEP</c>; arrays start at 1), SGE (<c>SGE_TASK_ID</c>, <c>SGE_TASK_FIRST</c>,
/// <c>SGE_TASK_LAST</c>, <c>SGE_TASK_STEPSIZE</c>) and Kubernetes Indexed Jobs (<c>JOB_COMPLETION_INDEX</c>, with the
/// count given as <c>--shard auto/N</c>). The index is counted from the array's first index (MIN / FIRST / 1 / 0), so
/// an array of N tasks is shards 1..N whatever its numbering. None found, two that disagree, an array with gaps or a
/// count that differs from <c>auto/N</c> is an error: a wrong shard would silently run the wrong seeds.
/// </summary>
public static class ShardDetection
{
    /// <summary>What <c>--shard</c> takes to detect the shard.</summary>
    public const string Auto = "auto";

    /// <summary>True when <paramref name="shard"/> is <c>auto</c> or <c>auto/N</c>.</summary>
    /// <param name="shard">The --shard value.</param>
    /// <returns>Whether detection applies.</returns>
    public static bool IsAuto(string? shard) =>
        shard != null && (shard == Auto || shard.StartsWith(Auto + "/", StringComparison.Ordinal));

    /// <summary>Resolves <c>--shard auto</c> or <c>auto/N</c> against an environment.</summary>
    /// <param name="shard">The --shard value (auto or auto/N).</param>
    /// <param name="environment">The process environment.</param>
    /// <returns>The shard, or an error saying what was found and why it cannot be used.</returns>
    public static (DetectedShard? Shard, string? Error) Resolve(string shard, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(environment);
        int? count = null;
        if (shard != Auto)
        {
            if (!IsAuto(shard) || !int.TryParse(shard.AsSpan(Auto.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return (null, $"--shard '{shard}' is not K/N, auto or auto/N with N ≥ 1");
            }

            count = n;
        }

        var found = new List<DetectedShard>();
        foreach (var (detected, error) in (IEnumerable<(DetectedShard?, string?)>)[Slurm(environment), Lsf(environment), Sge(environment), Kubernetes(environment, count)])
        {
            if (error != null)
            {
                return (null, $"--shard {shard}: {error}");
            }

            if (detected != null)
            {
                found.Add(detected);
            }
        }

        if (found.Count == 0)
        {
            return (null, $"--shard {shard}: no job-array index found (looked for Slurm SLURM_ARRAY_TASK_ID, LSF LSB_JOBINDEX, "
                + "SGE SGE_TASK_ID, Kubernetes JOB_COMPLETION_INDEX); give --shard K/N");
        }

        if (found.Select(f => f.Spec).Distinct().Count() > 1)
        {
            return (null, $"--shard {shard}: schedulers disagree: " + string.Join("; ", found.Select(f => $"{f.Scheduler} says {f.Spec} ({f.Evidence})")));
        }

        if (count is { } given && found[0].Count != given)
        {
            return (null, $"--shard {shard}: {found[0].Scheduler} has {found[0].Count} tasks ({found[0].Evidence}), not {given}");
        }

        return (found.Count == 1 ? found[0] : found[0] with
        {
            Scheduler = string.Join(" and ", found.Select(f => f.Scheduler)),
            Evidence = string.Join("; ", found.Select(f => f.Evidence)),
        }, null);
    }

    /// <summary>The process's environment as a dictionary.</summary>
    /// <returns>Name → value.</returns>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    // Slurm: ID in MIN..MAX by STEP; COUNT, when set, must be the number of indices (no gaps).
    private static (DetectedShard?, string?) Slurm(IReadOnlyDictionary<string, string> env)
    {
        if (!Has(env, "SLURM_ARRAY_TASK_ID"))
        {
            return (null, null);
        }

        return Range(env, "Slurm", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", null, "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT");
    }

    // LSF: LSB_JOBINDEX is 0 outside an array; an array job[1-N:S] exports no start, so it must start at 1.
    private static (DetectedShard?, string?) Lsf(IReadOnlyDictionary<string, string> env)
    {
        if (!Has(env, "LSB_JOBINDEX") || env["LSB_JOBINDEX"] == "0")
        {
            return (null, null);
        }

        return Range(env, "LSF", "LSB_JOBINDEX", null, 1, "LSB_JOBINDEX_END", "LSB_JOBINDEX_STEP", null);
    }

    // SGE: SGE_TASK_ID is "undefined" outside an array job.
    private static (DetectedShard?, string?) Sge(IReadOnlyDictionary<string, string> env)
    {
        if (!Has(env, "SGE_TASK_ID") || env["SGE_TASK_ID"] == "undefined")
        {
            return (null, null);
        }

        return Range(env, "SGE", "SGE_TASK_ID", "SGE_TASK_FIRST", null, "SGE_TASK_LAST", "SGE_TASK_STEPSIZE", null);
    }

    // Kubernetes Indexed Job: JOB_COMPLETION_INDEX 0..completions-1; the pod is not told completions.
    private static (DetectedShard?, string?) Kubernetes(IReadOnlyDictionary<string, string> env, int? count)
    {
        if (!Has(env, "JOB_COMPLETION_INDEX"))
        {
            return (null, null);
        }

        if (!TryNumber(env, "JOB_COMPLETION_INDEX", out var index, out var error))
        {
            return (null, error);
        }

        if (count is not { } n)
        {
            return (null, $"Kubernetes JOB_COMPLETION_INDEX={index} found, but a pod is not told the Job's completions: give --shard auto/N");
        }

        return index >= n
            ? (null, $"Kubernetes JOB_COMPLETION_INDEX={index} is not below the {n} completions of --shard auto/{n}")
            : (new DetectedShard((int)index + 1, n, "Kubernetes", $"JOB_COMPLETION_INDEX={index} of 0..{n - 1}"), null);
    }

    private static (DetectedShard?, string?) Range(
        IReadOnlyDictionary<string, string> env, string scheduler, string idName, string? firstName, long? fixedFirst, string lastName, string stepName, string? countName)
    {
        long first = fixedFirst ?? 0;
        long step = 1;
        long declared = 0;
        long last = 0;
        string? error = null;
        var ok = TryNumber(env, idName, out var id, out error)
            && (firstName == null || TryNumber(env, firstName, out first, out error))
            && TryNumber(env, lastName, out last, out error)
            && (!Has(env, stepName) || TryNumber(env, stepName, out step, out error))
            && (countName == null || !Has(env, countName) || TryNumber(env, countName, out declared, out error));
        if (!ok)
        {
            return (null, $"{scheduler}: {error}");
        }

        var where = $"{idName}={id} of {firstName ?? "first index"}={first}..{lastName}={last}" + (step != 1 ? $" step {step}" : "");
        if (step < 1 || last < first || (last - first) % step != 0)
        {
            return (null, $"{scheduler}: {where} is not an index range (last ≥ first, step ≥ 1 dividing last − first)");
        }

        if (id < first || id > last || (id - first) % step != 0)
        {
            return (null, $"{scheduler}: {idName}={id} is not one of the indices {first}..{last} step {step}");
        }

        var total = ((last - first) / step) + 1;
        if (total > 10_000_000)
        {
            return (null, $"{scheduler}: {where} has {total} tasks (at most 10,000,000)");
        }

        if (countName != null && Has(env, countName) && declared != total)
        {
            return (null, $"{scheduler}: {countName}={declared} but {where} spans {total} indices: "
                + "an array with gaps (e.g. 1,3,7) has no shard numbering; submit a range MIN-MAX");
        }

        return (new DetectedShard((int)((id - first) / step) + 1, (int)total, scheduler, where), null);
    }

    private static bool Has(IReadOnlyDictionary<string, string> env, string name) => env.TryGetValue(name, out var v) && v.Length > 0;

    private static bool TryNumber(IReadOnlyDictionary<string, string> env, string name, out long value, out string? error)
    {
        error = null;
        if (!env.TryGetValue(name, out var text) || text.Length == 0)
        {
            value = 0;
            error = $"{name} is not set";
            return false;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value > int.MaxValue)
        {
            error = $"{name}='{text}' is not a whole number";
            return false;
        }

        return true;
    }
}
