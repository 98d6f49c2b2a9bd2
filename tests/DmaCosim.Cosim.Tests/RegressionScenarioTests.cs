using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>Scenarios through the real RTL: reproducible bit for bit, and the reference model catches what it must.</summary>
[Collection(SharedHarness.Name)]
public sealed class RegressionScenarioTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(3UL)]
    [InlineData(17UL)]
    public async Task Run_SameSeedTwice_SameCyclesAndSameMemoryChecksum(ulong seed)
    {
        var scenario = ScenarioGenerator.Generate(seed, fixture.Rtl);

        var first = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);
        var second = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

        Assert.True(first.Passed, first.Failure);
        Assert.Equal(first.Cycles, second.Cycles);
        Assert.Equal(first.Checksum, second.Checksum);
    }

    [Fact]
    public async Task Run_FaultedScenario_PassesBecauseTheExpectedOutcomeIsTheError()
    {
        var seed = Enumerable.Range(1, 200).Select(s => (ulong)s).First(s => ScenarioGenerator.Generate(s, fixture.Rtl).Fault != null);

        var result = await ScenarioRunner.RunAsync(fixture.Harness, ScenarioGenerator.Generate(seed, fixture.Rtl), cancellationToken: Ct);

        Assert.True(result.Passed, result.Failure);
    }

    [Fact]
    public async Task Run_FaultTheModelDoesNotKnowAbout_FailsNamingTheCopy()
    {
        var clean = ScenarioGenerator.Generate(Enumerable.Range(1, 200).Select(s => (ulong)s)
            .First(s => ScenarioGenerator.Generate(s, fixture.Rtl) is { Fault: null, Copies.Count: >= 2 }), fixture.Rtl);
        var copy = clean.Copies[1];
        var lying = clean with { Memory = clean.Memory with { Faults = [new FaultWindow(copy.Source, 1, AxiFault.SlvErr, FaultDirection.Read)] } };

        var result = await ScenarioRunner.RunAsync(fixture.Harness, lying, cancellationToken: Ct);

        Assert.False(result.Passed);
        Assert.Contains("copy 1", result.Failure, StringComparison.Ordinal);
    }
}
