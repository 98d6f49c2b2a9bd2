// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// bridge_overhead compares wall times of two drivers doing the same work: the C# CdmaChannel through the
/// bridge and the C++ dmacosim-bench-driver on the same model without it. Same work means the same cycles.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class BenchDriverTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(64 * 1024, 4)]
    [InlineData(12_345 * 8, 7)]
    public async Task ScatterGatherCopy_CSharpAndCppDrivers_CountTheSameCycles(int bytes, int segments)
    {
        var plan = new ScatterGatherPlan((ulong)bytes, segments, 0x0130_0000, 0x0150_0000);
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        await using var defaults = await fixture.MemConfigScopeAsync(HarnessFixture.DefaultMemConfig);
        var channel = new CdmaChannel(fixture.Sim, fixture.Rtl);

        var (round, descriptors) = await ScatterGatherBench.RunAsync(fixture.Harness, channel, plan, 7, Ct);
        var native = await ScatterGatherBench.RunNativeAsync(
            ScatterGatherBench.LocateDriver(HarnessProcess.Locate()), plan, descriptors, 2, fixture.Rtl, Ct);

        Assert.True(round.Cycles > (ulong)bytes / (ulong)fixture.Rtl.BytesPerBeat, $"{round.Cycles} cycles for {bytes} bytes");
        Assert.All(native.Rounds, r => Assert.Equal(round.Cycles, r.Cycles));
    }
}
