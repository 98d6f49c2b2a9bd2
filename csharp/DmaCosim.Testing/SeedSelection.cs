// SPDX-License-Identifier: MIT
using System.Globalization;

namespace DmaCosim.Testing;

/// <summary>
/// Which seeds a regression runs: <c>--count N</c> (1..N), <c>--seeds A..B</c> or <c>--seed S</c>, then
/// <c>--shard K/N</c>: the seeds at positions K−1, K−1+N, … so that N shards are disjoint, cover every
/// seed, and differ in size by at most one — what a Slurm array or a CI matrix needs.
/// </summary>
public static class SeedSelection
{
    /// <summary>Parses the options into the ordered seed list of this shard.</summary>
    /// <param name="count">--count.</param>
    /// <param name="range">--seeds A..B.</param>
    /// <param name="seed">--seed.</param>
    /// <param name="shard">--shard K/N.</param>
    /// <returns>The seeds, or an empty list and a message saying what was wrong.</returns>
    public static (IReadOnlyList<ulong> Seeds, string? Error) Select(int? count, string? range, ulong? seed, string? shard)
    {
        var given = (count.HasValue ? 1 : 0) + (range != null ? 1 : 0) + (seed.HasValue ? 1 : 0);
        if (given > 1)
        {
            return ([], "give one of --count, --seeds and --seed");
        }

        List<ulong> seeds;
        if (seed is { } single)
        {
            seeds = [single];
        }
        else if (range != null)
        {
            var parts = range.Split("..");
            if (parts.Length != 2 || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last < first || last - first >= 10_000_000)
            {
                return ([], $"--seeds '{range}' is not A..B with A ≤ B (at most 10,000,000 seeds)");
            }

            seeds = [];
            for (var s = first; s <= last && s >= first; s++)
            {
                seeds.Add(s);
                if (s == ulong.MaxValue)
                {
                    break;
                }
            }
        }
        else
        {
            var n = count ?? 100;
            if (n is < 1 or > 10_000_000)
            {
                return ([], $"--count {n} is not 1..10,000,000");
            }

            seeds = [.. Enumerable.Range(1, n).Select(i => (ulong)i)];
        }

        if (shard == null)
        {
            return (seeds, null);
        }

        var kn = shard.Split('/');
        if (kn.Length != 2 || !int.TryParse(kn[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(kn[1], NumberStyles.None, CultureInfo.InvariantCulture, out var total) || total < 1 || k < 1 || k > total)
        {
            return ([], $"--shard '{shard}' is not K/N with 1 ≤ K ≤ N");
        }

        // Round-robin by position: shards are disjoint, cover every seed, and differ in size by at most one.
        return ([.. seeds.Where((_, i) => i % total == k - 1)], null);
    }
}
