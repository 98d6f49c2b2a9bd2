// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing.Ring;

/// <summary>Runs a ring study's grid on a pool of harnesses.</summary>
public static class RingSweep
{
    /// <summary>Runs every point, results in the points' order.</summary>
    /// <param name="pool">The harnesses.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="onResult">Called as each point finishes (from worker threads).</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>One result per point.</returns>
    public static Task<IReadOnlyList<RingResult>> RunAsync(
        HarnessPool pool, RingGrid grid, Action<RingResult>? onResult = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(grid);
        return pool.RunAsync(
            grid.Points(),
            (harness, point) => DmaRing.RunAsync(harness, point, grid.Blocks, grid.Seed, cancellationToken),
            (point, crash) => new RingResult(point) { Error = $"harness crashed: {crash.Message}" },
            onResult,
            cancellationToken);
    }

    /// <summary>
    /// Whether a result is what its mapping should give: every mapping but the broken one exact (ran
    /// to the end, no violation of any kind); the broken one ran to the end.
    /// </summary>
    /// <param name="result">The result.</param>
    /// <returns>True when it is as expected.</returns>
    public static bool AsExpected(RingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Passed && (result.Point.Mapping == RingMapping.Broken || result.Violations == 0);
    }
}
