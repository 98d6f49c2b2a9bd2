// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The register interface under a skewed AXI-Lite master (<c>--axil-skew</c>): AW and W 0..3 cycles apart with either
/// first, RREADY / BREADY held low 0..3 cycles, drawn from the harness's seed. The default master presents AW and W
/// together and takes every response at once, so the slave's ordering and backpressure paths are otherwise never taken.
/// The same checks as elsewhere, on a harness whose register accesses take those paths: the register-map phase's reference
/// model, and the regression's first seeds (PG034 model, memory, DMA-port checks).
/// </summary>
public sealed class AxilSkewTests
{
    private const int PhaseSeeds = 30;
    private const int RegressSeeds = 12;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HarnessProcess> StartSkewedAsync(ulong seed) =>
        HarnessProcess.StartAsync(new HarnessOptions { ExtraArguments = ["--axil-skew", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)] }, Ct);

    [Fact]
    public async Task Skew_RegisterAccesses_TakeVaryingCyclesAndTheSameOnASecondRun()
    {
        var first = await AccessCyclesAsync(skew: true);
        var again = await AccessCyclesAsync(skew: true);
        var plain = await AccessCyclesAsync(skew: false);

        // the skew is real (reads and writes take at least 3 latencies each), seeded (the same again), and off by default
        Assert.True(first.Reads.Distinct().Count() >= 3, $"skewed read latencies {string.Join(",", first.Reads)}");
        Assert.True(first.Writes.Distinct().Count() >= 3, $"skewed write latencies {string.Join(",", first.Writes)}");
        Assert.Equal(first.Reads, again.Reads);
        Assert.Equal(first.Writes, again.Writes);
        Assert.Single(plain.Reads.Distinct());
        Assert.Single(plain.Writes.Distinct());
    }

    [Fact]
    public async Task RegisterMapPhase_SkewedMaster_EveryValueAndResponseAsTheModelPredicts()
    {
        await using var harness = await StartSkewedAsync(7);
        await RegisterInterfaceRuns.RegisterMapPhaseAsync(harness, PhaseSeeds, Ct);
    }

    [Fact]
    public async Task Regress_SkewedMaster_FirstSeedsPass()
    {
        await using var harness = await StartSkewedAsync(11);
        await RegisterInterfaceRuns.RegressAsync(harness, RegressSeeds, "a skewed AXI-Lite master", Ct);
    }

    [Fact]
    public Task HarnessCommandLine_AxilSkewWithAValue_ExitsTwoNamingTheOption() =>
        HarnessCommandLine.FailsAsync("--axil-skew takes no value", "--axil-skew=1");

    // 24 reads and 24 writes of CDMASR (writing 0 clears nothing): the cycles each took
    private static async Task<(List<ulong> Reads, List<ulong> Writes)> AccessCyclesAsync(bool skew)
    {
        await using var harness = skew ? await StartSkewedAsync(3) : await HarnessProcess.StartAsync(cancellationToken: Ct);
        var sim = harness.Client;
        var (reads, writes) = (new List<ulong>(), new List<ulong>());
        for (var i = 0; i < 24; i++)
        {
            var before = await sim.RunAsync(0, Ct);
            await sim.RegReadAsync(0x04, Ct);
            var after = await sim.RunAsync(0, Ct);
            reads.Add(after - before);
            writes.Add(await sim.RegWriteAsync(0x04, 0, Ct) - after);
        }

        return (reads, writes);
    }
}
