// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// <c>regress --chaos</c>: harnesses SIGKILLed at random moments never change a verdict, a cycle count or a checksum,
/// compared with a quiet run of the same seeds.
/// </summary>
public sealed class ChaosTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_HarnessesKilledAtRandom_SameVerdictsCyclesAndChecksumsAsAQuietRun()
    {
        ulong[] seeds = [1, 2, 3, 4, 5, 6, 7, 8];
        var quiet = await RunAsync(new HarnessPool(2, new HarnessOptions()), seeds);
        // every item's first two attempts get a kill at a random moment of their first 150 ms; the third runs quietly
        var chaos = new HarnessPool(2, new HarnessOptions())
        {
            Chaos = new HarnessChaos(1.0, Seed: 7) { MaxAttempts = 3, MaxDelay = TimeSpan.FromMilliseconds(150) },
        };

        var noisy = await RunAsync(chaos, seeds);

        Assert.True(chaos.ChaosKills >= 1, "no kill fired: the test proved nothing");
        Assert.True(chaos.Started > 2, $"{chaos.Started} harnesses started for {chaos.ChaosKills} kills");
        Assert.Equal(quiet, noisy);
        Assert.All(quiet, r => Assert.True(r.Passed, $"seed {r.Seed} failed quietly: {r.Failure}"));
    }

    private static async Task<List<(ulong Seed, bool Passed, ulong Cycles, string Checksum, string? Failure)>> RunAsync(HarnessPool pool, ulong[] seeds)
    {
        var results = await pool.RunAsync(
            seeds,
            (harness, seed) => ScenarioRunner.RunAsync(harness, ScenarioGenerator.Generate(seed, harness.Hello.Rtl), WaveformMode.None, Path.GetTempPath(), Ct),
            (seed, crash) => ScenarioResult.HarnessCrashed(seed, crash),
            cancellationToken: Ct);
        return [.. results.Select(r => (r.Seed, r.Passed, r.Cycles, r.Checksum, r.Failure))];
    }
}
