// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// A short regression on the build under test, through the harness pool as <c>dmacosim regress</c> runs it
/// (scenarios behind a host-bridge offset on a second harness started with <c>--bus-offset</c>). Named
/// Nodre* so that `make test` runs it on the nodre build too, where every seed is an address-space scenario
/// (bounce, misaligned, unmap-early, IOMMU copies and IOMMU faults, in simple and SG mode); on the other
/// builds it is the first seeds of the usual mix.
/// </summary>
public sealed class NodreRegressTests
{
    /// <summary>Seeds per build: on nodre about 20 IOMMU copies and 15 IOMMU-fault scenarios, every kind several times.</summary>
    private const int Seeds = 120;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Regress_FirstSeeds_EveryOnePasses()
    {
        var pool = new HarnessPool(2, new HarnessOptions());
        var seeds = Enumerable.Range(1, Seeds).Select(s => (ulong)s).ToList();

        var results = await pool.RunAsync(
            seeds,
            ScenarioGenerator.BusOffsetOf,
            (harness, seed) => ScenarioRunner.RunAsync(harness, ScenarioGenerator.Generate(seed, harness.Hello.Rtl), WaveformMode.None, Path.GetTempPath(), Ct),
            (seed, crash) => ScenarioResult.HarnessCrashed(seed, crash),
            cancellationToken: Ct);

        Assert.Equal(Seeds, results.Count);
        var failed = results.Where(r => !r.Passed).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {Seeds} seeds failed:\n" + string.Join("\n", failed.Take(5).Select(r => r.Failure)));
    }
}
