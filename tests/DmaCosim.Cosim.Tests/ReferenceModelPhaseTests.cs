using DmaCosim.Testing.Models;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The reference-model phases (csharp/DmaCosim.Testing/Models) over many seeds against the real
/// harness of this variant: every read value, response, cache result, counter and DRAM byte they
/// predict must match the RTL.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class ReferenceModelPhaseTests(HarnessFixture fixture)
{
    private const int Seeds = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterMapPhase_FiftySeeds_EveryValueAndResponseAsTheModelPredicts()
    {
        var checks = 0;
        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            var result = await RegisterMapPhase.RunAsync(fixture.Harness, seed, Ct);
            checks += result.Checks;
            Assert.True(result.Checks >= RegisterMapPhase.Accesses / 2, $"seed {seed}: only {result.Checks} checks");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Seeds} seeds, {checks} checks");
    }

    [Fact]
    public async Task CachePhase_FiftySeeds_EveryByteCounterAndDramLineAsTheModelPredicts()
    {
        var checks = 0;
        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            var result = await CachePhase.RunAsync(fixture.Harness, seed, Ct);
            checks += result.Checks;
            Assert.True(result.Checks >= CachePhase.Ops / 4, $"seed {seed}: only {result.Checks} checks");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Seeds} seeds, {checks} checks");
    }
}
