// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>Scenarios through the real RTL: reproducible bit for bit, and the reference model catches what it must.</summary>
[Collection(SharedHarness.Name)]
public sealed class RegressionScenarioTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(3UL)] // register level
    [InlineData(17UL)]
    [InlineData(1UL)] // the dmaengine driver's path
    public async Task Run_SameSeedTwice_SameCyclesAndSameMemoryChecksum(ulong seed)
    {
        var scenario = ScenarioGenerator.Generate(seed, fixture.Rtl);

        var first = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);
        var second = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

        Assert.True(first.Passed, first.Failure);
        Assert.Equal(first.Cycles, second.Cycles);
        Assert.Equal(first.Checksum, second.Checksum);
    }

    /// <summary>
    /// The first seed of each variant of the coherency share through the RTL: one mistake, two on one copy, a CPU-side
    /// mistake (loads, then a clean) while the copy's DMA reads a dirty source, and a snoop-mode copy with the CPU's
    /// lines in its bursts; each passes its prediction (every report, its kind and address, the monitor's registers,
    /// MON_SNOOPS) and the hazard scenarios report exactly the predicted number of hazards.
    /// </summary>
    [Fact]
    public async Task Run_EveryCoherencyVariant_PassesWithExactlyThePredictedReports()
    {
        var rtl = fixture.Rtl;
        var generated = Enumerable.Range(1, 4000).Select(s => ScenarioGenerator.Generate((ulong)s, rtl)).ToList();
        Func<Scenario, bool>[] variants =
        [
            s => s.Hazard is { Mistakes: 1 },
            s => s.Hazard is { DirtySource: not null },
            s => s.Hazard?.During is { Kind: Testing.Coverage.HazardKind.StaleCpuRead },
            s => s.Hazard?.During is { Kind: Testing.Coverage.HazardKind.LostDmaWrite },
            s => s.Snoop != null,
        ];
        var picked = variants.Select(v => generated.FirstOrDefault(v)).OfType<Scenario>().ToList();
        Assert.SkipWhen(picked.Count == 0, "this build draws no coherency scenario (no CPU cache, or every seed is an address scenario)");
        Assert.Equal(variants.Length, picked.Count);

        foreach (var scenario in picked)
        {
            var result = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

            Assert.True(result.Passed, result.Failure);
            var predicted = scenario.Hazard?.Predicted(scenario.Copies[0], rtl.CacheLine).Count ?? 0;
            Assert.Equal(predicted, result.Hazards.Count);
        }
    }

    /// <summary>Every banked scenario of this build's parameters (tests/regress/banked) passes: a scenario that once
    /// caught a bug keeps guarding its fix on every variant it applies to, whatever the generator's version now.
    /// Those behind a host-bridge offset run on a harness started with it.</summary>
    [Fact]
    public async Task Run_BankedScenarios_PassOnThisBuild()
    {
        var rtl = fixture.Rtl;
        var directory = Path.GetDirectoryName(SourceTree.Find("tests/regress/banked/README.md"))!;
        var bank = Directory.GetFiles(directory, "*" + ScenarioFile.Extension).Order(StringComparer.Ordinal).Select(ScenarioFile.Load).ToList();
        Assert.NotEmpty(bank);
        var here = bank.Where(b => b.RunsOn(rtl)).ToList();
        Assert.SkipWhen(here.Count == 0, $"no banked scenario for {rtl}");

        var results = await new HarnessPool(1, new HarnessOptions()).RunAsync(
            here,
            (b, _) => b.BusOffset,
            (harness, b) => ScenarioRunner.RunAsync(harness, b.Scenario, WaveformMode.None, Path.GetTempPath(), Ct),
            (b, crash) => ScenarioResult.HarnessCrashed(b.Scenario.Seed, crash),
            cancellationToken: Ct);

        foreach (var (banked, result) in here.Zip(results))
        {
            Assert.True(result.Passed, $"banked scenario of generator {banked.Generator} ({banked.Found}): {result.Failure}");
        }
    }

    [Fact]
    public async Task Run_FaultedScenario_PassesBecauseTheExpectedOutcomeIsTheError()
    {
        var seed = Enumerable.Range(1, 200).Select(s => (ulong)s).First(s => ScenarioGenerator.GenerateDriverPath(s, fixture.Rtl).Fault != null);

        var result = await ScenarioRunner.RunAsync(fixture.Harness, ScenarioGenerator.GenerateDriverPath(seed, fixture.Rtl), cancellationToken: Ct);

        Assert.True(result.Passed, result.Failure);
    }

    [Fact]
    public async Task Run_FaultTheModelDoesNotKnowAbout_FailsNamingTheCopy()
    {
        var clean = ScenarioGenerator.GenerateDriverPath(Enumerable.Range(1, 200).Select(s => (ulong)s)
            .First(s => ScenarioGenerator.GenerateDriverPath(s, fixture.Rtl) is { Fault: null, Copies.Count: >= 2 }), fixture.Rtl);
        var copy = clean.Copies[1];
        var lying = clean with { Memory = clean.Memory with { Faults = [new FaultWindow(copy.Source, 1, AxiFault.SlvErr, FaultDirection.Read)] } };

        var result = await ScenarioRunner.RunAsync(fixture.Harness, lying, cancellationToken: Ct);

        Assert.False(result.Passed);
        Assert.Contains("copy 1", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RegisterLevelWithCoalescingFaultsAndCpuLoad_PassesWithTheSameCyclesAndChecksumTwice()
    {
        var scenario = SmallestRegisterLevel(e => e is { IrqThreshold: > 1, Faults.Count: > 0, CpuLoadOn: true });

        var first = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);
        var second = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

        Assert.True(first.Passed, first.Failure);
        Assert.Equal(first.Cycles, second.Cycles);
        Assert.Equal(first.Checksum, second.Checksum);
        Assert.Equal(first.Observed!.CompletionsPerIoc, second.Observed!.CompletionsPerIoc);
    }

    [Fact]
    public async Task Run_RegisterLevelFaultTheModelPutsOnAnotherDescriptor_FailsNamingRegisterFieldAndCycle()
    {
        var clean = SmallestRegisterLevel(e => e is { Simple: false, CyclicWraps: 0, Faults.Count: 0, SoftResetAfter: < 0, FirstTail: < 0, IrqDelay: 0 } &&
                                               e.Descriptors.Count >= 3);
        var e = clean.Engine!;
        // the DRAM model fails descriptor 2's fetch; the model is told it is descriptor 1's
        var window = new FaultWindow(e.Descriptors[2], CdmaDescriptor.HardwareSize, AxiFault.DecErr, FaultDirection.Read);
        var lying = clean with { Engine = e with { Faults = [new InjectedFault(1, FaultSite.DescriptorFetch, AxiFault.DecErr, window)] } };

        var result = await ScenarioRunner.RunAsync(fixture.Harness, lying, cancellationToken: Ct);

        Assert.False(result.Passed);
        Assert.Matches(@"(CDMASR expected 0x[0-9A-F]{8} read 0x[0-9A-F]{8}.*(Idle|SGDecErr|Err_Irq) expected|descriptor 1 .*STATUS expected|Err_Irq at cycle \d+ on descriptor 2).*cycle \d+", result.Failure);
    }

    [Fact]
    public async Task Run_CpuActivityOfEveryKind_PassesWithTheSameCyclesAndChecksumTwice()
    {
        // 32 KiB or more: the DMA is still running while the CPU loads and stores the unrelated region
        var scenario = Smallest(s => s is { Fault: null, Cpu: not null, Bytes: >= 32768 } &&
            Enum.GetValues<CpuActionKind>().All(k => s.Cpu.Actions.Any(a => a.Kind == k)));

        var first = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);
        var second = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

        Assert.True(first.Passed, first.Failure);
        Assert.Equal(first.Cycles, second.Cycles);
        Assert.Equal(first.Checksum, second.Checksum);
        Assert.Contains("CPU: ", first.Scenario, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CpuActivityAroundAFault_PassesBecauseTheCpuSeesWhatTheModelSays()
    {
        var scenario = Smallest(s => s is { Fault: not null, Cpu: not null } && s.Cpu.Actions.Any(a => a.Kind == CpuActionKind.LoadDestination));

        var result = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

        Assert.True(result.Passed, result.Failure);
    }

    [Fact]
    public async Task Run_DriverSkipsTheCleanBeforeToDevice_FailsWithStaleDmaReadAndTheDeviceCopiedOldBytes()
    {
        var (store, result) = await RunMistakenAsync(CpuActionKind.StoreSource, DriverMistake.SkipClean);

        Assert.StartsWith($"seed {result.Seed}: coherency monitor reports", result.Failure, StringComparison.Ordinal);
        Assert.Contains("STALE_DMA_READ", result.Failure, StringComparison.Ordinal);
        Assert.Contains("memory mismatch", result.Failure, StringComparison.Ordinal);
        Assert.Contains($"'destination {store.Copy}'", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DriverSkipsTheInvalidateOfFromDevice_FailsWithStaleCpuReadAndTheCpuLoadedOldBytes()
    {
        var (load, result) = await RunMistakenAsync(CpuActionKind.LoadDestination, DriverMistake.SkipInvalidate);

        Assert.Contains("STALE_CPU_READ", result.Failure, StringComparison.Ordinal);
        Assert.Contains($"the CPU loaded wrong bytes: first wrong byte at 0x{load.Address:X}", result.Failure, StringComparison.Ordinal);
        Assert.Contains($"destination {load.Copy} (CPU load after unmap)", result.Failure, StringComparison.Ordinal);
    }

    /// <summary>The smallest fault-free scenario with a <paramref name="kind"/> action, run by a driver making
    /// <paramref name="mistake"/>: it must fail.</summary>
    private async Task<(CpuAction First, ScenarioResult Result)> RunMistakenAsync(CpuActionKind kind, DriverMistake mistake)
    {
        var scenario = Smallest(s => s is { Fault: null, Cpu: not null } && s.Cpu.Actions.Any(a => a.Kind == kind));

        var result = await ScenarioRunner.RunAsync(fixture.Harness, scenario, mistake, cancellationToken: Ct);

        Assert.False(result.Passed);
        return (scenario.Cpu!.Actions.First(a => a.Kind == kind), result);
    }

    /// <summary>The register-level scenario of seeds 1..500 with the fewest bytes whose knobs satisfy <paramref name="wanted"/>.</summary>
    private Scenario SmallestRegisterLevel(Func<EngineScenario, bool> wanted) =>
        Enumerable.Range(1, 500).Select(s => ScenarioGenerator.Generate((ulong)s, fixture.Rtl)).Where(s => s.Engine != null && wanted(s.Engine))
            .MinBy(s => s.Bytes)!;

    /// <summary>The scenario of seeds 1..500 with the fewest bytes that satisfies <paramref name="wanted"/> (a quick test).</summary>
    private Scenario Smallest(Func<Scenario, bool> wanted) =>
        Enumerable.Range(1, 500).Select(s => ScenarioGenerator.GenerateDriverPath((ulong)s, fixture.Rtl)).Where(wanted).MinBy(s => s.Bytes)!;
}
