// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing.Models;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The reference-model phases (csharp/DmaCosim.Testing/Models) over many seeds against the real
/// harness of this variant: every read value, response, cache result, counter and DRAM byte they
/// predict must match the RTL. A failure lists every failing seed and the first one's disagreement.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class ReferenceModelPhaseTests(HarnessFixture fixture)
{
    private const int Seeds = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task RegisterMapPhase_FiftySeeds_EveryValueAndResponseAsTheModelPredicts() =>
        RunSeedsAsync(RegisterMapPhase.RunAsync, minimumChecks: RegisterMapPhase.Accesses / 2);

    [Fact]
    public Task CachePhase_FiftySeeds_EveryByteCounterAndDramLineAsTheModelPredicts() =>
        RunSeedsAsync(CachePhase.RunAsync, minimumChecks: CachePhase.Ops / 4);

    private async Task RunSeedsAsync(Func<HarnessProcess, ulong, CancellationToken, Task<PhaseResult>> phase, int minimumChecks)
    {
        var failures = new List<PhaseFailureException>();
        var (checks, trips, cycles) = (0, 0, 0UL);
        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            try
            {
                var result = await phase(fixture.Harness, seed, Ct);
                Assert.True(result.Checks >= minimumChecks, $"seed {seed}: only {result.Checks} checks");
                (checks, trips, cycles) = (checks + result.Checks, trips + result.RoundTrips, cycles + result.Cycles);
            }
            catch (PhaseFailureException e)
            {
                failures.Add(e);
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {Seeds} seeds failed (seeds {string.Join(", ", failures.Select(f => f.Seed))}); the first:\n{failures.FirstOrDefault()?.Message}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{Seeds} seeds: {checks} checks, {trips} round trips, {cycles} cycles");
    }
}
