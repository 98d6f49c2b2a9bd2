// SPDX-License-Identifier: MIT
using System.Diagnostics;

namespace DmaCosim.Cli;

/// <summary>
/// Wall-clock rates for <c>dmacosim bench</c>, each bounded in time: a warm-up (the JIT's tiers, the
/// caches), then <see cref="Rounds"/> rounds that each repeat the action until
/// <see cref="RoundTime"/> has passed; the figure is the median round's rate.
/// </summary>
internal static class BenchClock
{
    /// <summary>Timed rounds per figure; the median is reported.</summary>
    public const int Rounds = 5;

    /// <summary>Least wall time of one round.</summary>
    public static readonly TimeSpan RoundTime = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Wall time spent on the action before the rounds: long enough for .NET's tiered JIT to replace the
    /// quick (tier-0) code of the hot paths, NetMQ's managed CURVE crypto loops above all; with 300 ms the
    /// CURVE round trips were measured at half their steady rate (docs/performance.md).
    /// </summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <summary>Median over <see cref="Rounds"/> rounds of (sum of the units <paramref name="action"/> returns) per second.</summary>
    /// <param name="action">One step; returns how many units (ops, bytes, cycles) it did.</param>
    /// <returns>The median rate, units per second.</returns>
    public static async Task<double> MedianRateAsync(Func<Task<double>> action)
    {
        await RepeatAsync(action, WarmUp).ConfigureAwait(false);
        var rates = new List<double>(Rounds);
        for (var round = 0; round < Rounds; round++)
        {
            var (units, elapsed) = await RepeatAsync(action, RoundTime).ConfigureAwait(false);
            rates.Add(units / elapsed.TotalSeconds);
        }

        return Median(rates);
    }

    /// <summary>The median of <paramref name="values"/> (the upper one of the middle two for an even count).</summary>
    /// <param name="values">At least one value.</param>
    /// <returns>The median.</returns>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count > 0 ? sorted[sorted.Count / 2] : throw new ArgumentException("no values", nameof(values));
    }

    private static async Task<(double Units, TimeSpan Elapsed)> RepeatAsync(Func<Task<double>> action, TimeSpan least)
    {
        var units = 0.0;
        var clock = Stopwatch.StartNew();
        do
        {
            units += await action().ConfigureAwait(false);
        }
        while (clock.Elapsed < least);
        return (units, clock.Elapsed);
    }
}
