// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>The chaos draws of <c>regress --chaos</c>: seeded, at the rate asked, never on an item's last attempt.</summary>
public sealed class HarnessChaosTests
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    public void KillAfter_ManyItems_KillsAtTheRateWithinMaxDelay(double rate)
    {
        var chaos = new HarnessChaos(rate, Seed: 3);
        const int items = 20_000;

        var kills = Enumerable.Range(0, items).Select(i => chaos.KillAfter(i, 0)).Where(k => k != null).ToList();

        // a binomial count: 5 standard deviations either side
        var sigma = Math.Sqrt(items * rate * (1 - rate));
        Assert.InRange(kills.Count, (items * rate) - (5 * sigma), (items * rate) + (5 * sigma));
        Assert.All(kills, k => Assert.InRange(k!.Value, TimeSpan.Zero, chaos.MaxDelay));
        Assert.True(kills.Select(k => k!.Value).Distinct().Count() > kills.Count / 2, "the kill moments are not spread out");
    }

    [Fact]
    public void KillAfter_SameSeed_SameDrawsAnotherSeedOthers()
    {
        var a = Draws(new HarnessChaos(0.3, Seed: 11));
        var b = Draws(new HarnessChaos(0.3, Seed: 11));
        var c = Draws(new HarnessChaos(0.3, Seed: 12));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void KillAfter_RateOne_EveryAttemptButTheLast()
    {
        var chaos = new HarnessChaos(1.0) { MaxAttempts = 3 };

        Assert.All(Enumerable.Range(0, 100), i =>
        {
            Assert.NotNull(chaos.KillAfter(i, 0));
            Assert.NotNull(chaos.KillAfter(i, 1));
            Assert.Null(chaos.KillAfter(i, 2));
        });
        Assert.All(Enumerable.Range(0, 100), i => Assert.Null(new HarnessChaos(0.0).KillAfter(i, 0)));
    }

    [Theory]
    [InlineData(-0.1, false)]
    [InlineData(1.5, false)]
    [InlineData(double.NaN, false)]
    [InlineData(0.0, true)]
    [InlineData(0.05, true)]
    [InlineData(1.0, true)]
    public void Validate_Rate_ErrorUnlessAProbability(double rate, bool valid)
    {
        var error = HarnessChaos.Validate(rate);

        Assert.Equal(valid, error == null);
        if (!valid)
        {
            Assert.Contains("--chaos", error, StringComparison.Ordinal);
        }
    }

    private static List<TimeSpan?> Draws(HarnessChaos chaos) =>
        [.. Enumerable.Range(0, 200).SelectMany(i => new[] { chaos.KillAfter(i, 0), chaos.KillAfter(i, 1) })];
}
