// SPDX-License-Identifier: MIT
namespace DmaCosim.Testing.Coverage;

/// <summary>
/// <c>regress --coverage-goal</c>: after the selected seeds, further seeds are drawn until every bin is hit or
/// the seed cap is reached. Further seeds continue after the largest seed run, with the shard's stride (so
/// shards stay disjoint).
/// </summary>
public static class CoverageGoal
{
    /// <summary>The default cap on seeds run (--max-seeds).</summary>
    public const int DefaultMaxSeeds = 10_000;

    /// <summary>The next batch of seeds, or none when the goal is met or the cap is reached.</summary>
    /// <param name="database">The coverage so far.</param>
    /// <param name="ran">Every seed run so far (non-empty).</param>
    /// <param name="stride">Distance between seeds (N of --shard K/N; 1 without shards).</param>
    /// <param name="maxSeeds">Cap on the number of seeds run in all.</param>
    /// <param name="batch">Most seeds per batch.</param>
    /// <returns>The seeds, ascending; empty when no more are to run.</returns>
    public static IReadOnlyList<ulong> NextSeeds(CoverageDatabase database, IReadOnlyCollection<ulong> ran, int stride, int maxSeeds, int batch)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(ran);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (database.GoalMet || ran.Count == 0 || ran.Count >= maxSeeds)
        {
            return [];
        }

        var seeds = new List<ulong>();
        var seed = ran.Max();
        for (var n = Math.Min(batch, maxSeeds - ran.Count); n > 0 && seed <= ulong.MaxValue - (ulong)stride; n--)
        {
            seed += (ulong)stride;
            seeds.Add(seed);
        }

        return seeds;
    }
}
