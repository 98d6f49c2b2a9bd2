// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>The soak's pass criteria: every seed a verdict, no growth beyond the stated bounds.</summary>
public sealed class SoakCriteriaTests
{
    [Fact]
    public void Check_FlatSamplesEverySeedAVerdict_Passes()
    {
        Assert.Empty(SoakCriteria.Check(Samples(_ => Flat), seeds: 100, verdicts: 100));
    }

    [Theory]
    [InlineData("harness heap")]
    [InlineData("harness descriptors")]
    [InlineData("client descriptors")]
    [InlineData("client managed heap")]
    public void Check_OneFigureGrowsSteadily_FailsNamingIt(string what)
    {
        var samples = Samples(i => what switch
        {
            "harness heap" => Flat with { HarnessRssAnonKibMax = Flat.HarnessRssAnonKibMax + (i * 4096) },
            "harness descriptors" => Flat with { HarnessFdsMax = Flat.HarnessFdsMax + i },
            "client descriptors" => Flat with { ClientFds = Flat.ClientFds + i },
            _ => Flat with { ClientManagedHeapBytes = Flat.ClientManagedHeapBytes + (i * (8L << 20)) },
        });

        var problems = SoakCriteria.Check(samples, seeds: 100, verdicts: 100);

        Assert.Single(problems);
        Assert.StartsWith(what, problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SeedsWithoutVerdictOrTooFewSamples_Fails()
    {
        Assert.Contains(SoakCriteria.Check(Samples(_ => Flat), seeds: 100, verdicts: 99), p => p.Contains("1 of 100 seeds have no verdict", StringComparison.Ordinal));
        Assert.Contains(SoakCriteria.Check(Samples(_ => Flat)[..2], seeds: 1, verdicts: 1), p => p.Contains("too few", StringComparison.Ordinal));
    }

    private static SoakSample Flat { get; } = new(0, 0, 2, 20_000, 100_000, 17, 120_000, 110, 10L << 20);

    private static SoakSample[] Samples(Func<int, SoakSample> at) => [.. Enumerable.Range(0, 20).Select(i => at(i) with { ElapsedSeconds = i * 60 })];
}
