// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing.Models;

namespace DmaCosim.Testing;

/// <summary>The outcome of one scenario.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Passed">Whether memory and status were exactly as the reference model says.</param>
/// <param name="Cycles">Simulated cycles from issue to the last completion.</param>
/// <param name="Checksum">SHA-256 (first 16 hex digits) of every destination and guard region afterwards.</param>
/// <param name="Failure">The failure message, or null.</param>
/// <param name="WaveformPath">The kept waveform, or null.</param>
/// <param name="Wall">Wall time.</param>
/// <param name="Scenario">The scenario's one-line description (<see cref="Scenario.Describe"/>), or null when unknown.</param>
/// <param name="Observed">What a register-level scenario observed (completions per IOC, Dly_Irq, cyclic wraps), or null.</param>
public sealed record ScenarioResult(
    ulong Seed, bool Passed, ulong Cycles, string Checksum, string? Failure, string? WaveformPath, TimeSpan Wall, string? Scenario = null,
    EngineObservations? Observed = null)
{
    /// <summary>What the scenario exercised, for functional coverage (null when unknown, e.g. the harness crashed).</summary>
    public Coverage.ScenarioFacts? Facts { get; init; }

    /// <summary>The AXI-Lite offsets the scenario's register-map phase accessed (empty when it did not run to the end).</summary>
    public IReadOnlySet<uint> RegisterOffsets { get; init; } = new HashSet<uint>();

    /// <summary>The harness's DMA-port and arbiter counters over the scenario's DMA part, or null when it did not end.</summary>
    public DmaBusStats? Bus { get; init; }

    /// <summary>The coherency hazards a hazard scenario's monitor reported as predicted (kind, beat bytes).</summary>
    public IReadOnlyList<Coverage.HazardFacts> Hazards { get; init; } = [];

    /// <summary>Whether a hazard scenario's monitor handed out a CPU report and then a DMA report in consecutive cycles
    /// (<see cref="HazardScenario.CpuThenDmaBackToBack"/>).</summary>
    public bool HazardsBackToBack { get; init; }

    /// <summary>The scenario's kind for the regress summary (<see cref="ScenarioRunner.KindOf"/>), or null when unknown.</summary>
    public string? Kind { get; init; }

    /// <summary>The host-bridge offset the scenario ran behind (0: none, or unknown).</summary>
    public ulong BusOffset { get; init; }

    /// <summary>The file the scenario was saved to (<see cref="ScenarioFile"/>), or null.</summary>
    public string? SavedScenario { get; init; }
    /// <summary>The result of a seed whose harness died, hung or stopped at a SIM_ERROR (a harness pool's <c>onCrash</c>).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="crash">What the pool caught.</param>
    /// <returns>A failed result naming the crash.</returns>
    public static ScenarioResult HarnessCrashed(ulong seed, Exception crash)
    {
        ArgumentNullException.ThrowIfNull(crash);
        return new ScenarioResult(seed, false, 0, "", $"harness crashed: {crash.Message}", null, TimeSpan.Zero);
    }
}

/// <summary>
/// A deliberately wrong driver, for tests that prove the checks can fail: the DMA API's cache
/// maintenance of one kind is skipped.
/// </summary>
internal enum DriverMistake
{
    /// <summary>A correct driver.</summary>
    None,

    /// <summary>Map ToDevice does not clean: the device reads memory without the CPU's stores.</summary>
    SkipClean,

    /// <summary>Map FromDevice and unmap do not invalidate: the CPU reads its stale lines.</summary>
    SkipInvalidate,
}

/// <summary>
/// Runs a <see cref="Scenario"/> on a harness through the dmaengine driver — and, when it has CPU activity,
/// through the DMA API as a correct Linux driver does — and checks it against the reference model.
/// </summary>
public static partial class ScenarioRunner
{
    private const int Guard = 64;

    /// <summary>
    /// Runs the scenario and checks every byte it must leave, every status bit it must raise, every byte the
    /// CPU loads, and that the coherency monitor saw no violation; then runs the register-map and CPU-cache
    /// reference-model phases (<see cref="RegisterMapPhase"/>, <see cref="CachePhase"/>) seeded by the scenario.
    /// </summary>
    /// <param name="harness">The harness (reset first, so any previous scenario is gone).</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="waves">Which waveforms to keep.</param>
    /// <param name="waveDirectory">Where waveforms go (required unless <paramref name="waves"/> is None).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The result; a mismatch, a hang or a DMA-API misuse is a failed result, not an exception.</returns>
    /// <exception cref="SimException">The harness failed (crash, transport timeout): the caller reports it.</exception>
    public static Task<ScenarioResult> RunAsync(
        HarnessProcess harness, Scenario scenario, WaveformMode waves = WaveformMode.None, string? waveDirectory = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(harness, scenario, DriverMistake.None, waves, waveDirectory, cancellationToken);

    /// <summary>As the public overload, with a driver that makes <paramref name="mistake"/> (tests only).</summary>
    internal static async Task<ScenarioResult> RunAsync(
        HarnessProcess harness, Scenario scenario, DriverMistake mistake, WaveformMode waves = WaveformMode.None, string? waveDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(scenario);
        var clock = Stopwatch.StartNew();
        var sim = harness.Client;
        await sim.ResetAsync(cancellationToken: cancellationToken).ConfigureAwait(false); // also: empty cache, monitor cleared
        await sim.MemConfigAsync(scenario.Memory, cancellationToken).ConfigureAwait(false);
        ulong cycles = 0;
        string? failure = null;
        string? wave = null;
        var expected = new ExpectedMemory();
        var register = scenario.Engine == null ? null : new RegisterRun(harness, scenario);
        DmaBusStats? bus = null;
        PhaseResult? map = null;
        IReadOnlyList<Coverage.HazardFacts> hazards = [];
        var backToBack = false;
        try
        {
            wave = await Waveforms.RecordAsync(sim, waveDirectory ?? ".", $"seed-{scenario.Seed}", waves, async () =>
            {
                var cpuFindings = new List<string>();
                if (scenario.Hazard != null)
                {
                    (cycles, bus, hazards, backToBack) = await ExecuteHazardAsync(harness, scenario, expected, cancellationToken).ConfigureAwait(false);
                }
                else if (scenario.Snoop != null)
                {
                    (cycles, bus) = await ExecuteSnoopAsync(harness, scenario, expected, cancellationToken).ConfigureAwait(false);
                }
                else if (scenario.Address != null)
                {
                    (cycles, bus) = await ExecuteAddressAsync(harness, scenario, expected, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (cycles, bus) = register != null
                        ? await register.ExecuteAsync(expected, cancellationToken).ConfigureAwait(false)
                        : await ExecuteAsync(harness, scenario, expected, mistake, cpuFindings, cancellationToken).ConfigureAwait(false);
                }
                await CheckAsync(harness, scenario, expected, cpuFindings, cancellationToken).ConfigureAwait(false);

                // then the reference-model phases, seeded by the scenario: the whole AXI-Lite map and the CPU cache
                // (each resets the harness first and works in its own address region, so the checksum below is unchanged)
                map = await RegisterMapPhase.RunAsync(harness, scenario.Seed, cancellationToken).ConfigureAwait(false);
                await CachePhase.RunAsync(harness, scenario.Seed, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WaveformAttachedException or MemoryMismatchException or ScenarioException or PhaseFailureException
                                       or SimRequestException { ErrorCode: SimErrorCode.Timeout } or DmaApiException)
        {
            // a hang (the engine's interrupt or a CPU access never came) or a DMA-API misuse fails the scenario too
            failure = e is SimRequestException or DmaApiException ? $"seed {scenario.Seed}: {e.Message}\nscenario: {scenario.Describe()}" : e.Message;
            wave = (e as WaveformAttachedException)?.WaveformPath;
        }
        finally
        {
            await sim.MemConfigAsync(new MemConfig { Faults = [], Backpressure = Backpressure.None, ReadLatency = 0, WriteLatency = 0 }, cancellationToken)
                .ConfigureAwait(false);
            if (scenario.Engine?.CpuLoad != null)
            {
                await sim.StopCpuLoadAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var checksum = await ChecksumAsync(harness.Memory, expected, cancellationToken).ConfigureAwait(false);
        return new ScenarioResult(scenario.Seed, failure == null, cycles, checksum, failure, wave, clock.Elapsed, scenario.Describe(), register?.Observed)
        {
            RegisterOffsets = map?.RegisterOffsets ?? new HashSet<uint>(),
            Bus = bus,
            Hazards = hazards,
            HazardsBackToBack = backToBack,
            Kind = KindOf(scenario),
            BusOffset = scenario.Address?.BusOffset ?? 0,
        };
    }

    private static async Task<(ulong Cycles, DmaBusStats Bus)> ExecuteAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, DriverMistake mistake, List<string> cpuFindings, CancellationToken ct)
    {
        var sim = harness.Client;
        var memory = harness.Memory;
        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        await sim.DmaBusStatsAsync(reset: true, ct).ConfigureAwait(false); // the arbiter's counters cover this scenario only
        var cpu = scenario.Cpu == null ? null : await CpuDriver.StartAsync(harness, scenario, mistake, cpuFindings, ct).ConfigureAwait(false);
        var transactions = new List<CdmaTransaction>();
        for (var i = 0; i < scenario.Copies.Count; i++)
        {
            var copy = scenario.Copies[i];
            await memory.WriteAsync(copy.Source, scenario.InitialSource(i), ct).ConfigureAwait(false);
            await Guards.PlaceAsync(memory, expected, copy.Destination, (int)copy.Length, Guard, ct).ConfigureAwait(false);
            if (scenario.ExpectedDestination(i) is { } destination)
            {
                expected.Expect(copy.Destination, destination, DestinationLabel(scenario, i));
            }

            var (sourceAddress, destinationAddress) = cpu == null
                ? (copy.Source, copy.Destination)
                : await cpu.MapCopyAsync(i, ct).ConfigureAwait(false);
            var transaction = await channel.PrepMemcpyAsync(destinationAddress, sourceAddress, copy.Length, ct).ConfigureAwait(false);
            await channel.SubmitAsync(transaction, ct).ConfigureAwait(false);
            transactions.Add(transaction);
        }

        var start = await sim.RunAsync(0, ct).ConfigureAwait(false);
        await channel.IssuePendingAsync(ct).ConfigureAwait(false);
        if (cpu != null)
        {
            await cpu.DuringTransferAsync(ct).ConfigureAwait(false); // the DMA runs while these loads and stores do
        }

        var budget = 100_000 + (ulong)scenario.Bytes * 16;
        foreach (var transaction in transactions)
        {
            if (!transaction.Completion.IsCompleted)
            {
                try
                {
                    await channel.WaitAsync(transaction, budget, ct).ConfigureAwait(false);
                }
                catch (CdmaTransferException)
                {
                    // checked below against the reference model
                }
            }
        }

        var end = await sim.RunAsync(0, ct).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
        CheckOutcome(scenario, transactions);
        if (cpu != null)
        {
            await cpu.FinishAsync(expected, ct).ConfigureAwait(false);
        }

        return (end - start, bus);
    }

    private static string DestinationLabel(Scenario scenario, int copy) =>
        scenario.FaultedCopy >= 0 && copy > scenario.FaultedCopy ? $"destination {copy} (after the fault: untouched)" : $"destination {copy}";

    /// <summary>
    /// The end of a scenario: memory against the reference model, the CPU's loads, and the coherency monitor.
    /// A memory mismatch alone fails with the scoreboard's report; a violation or a wrong CPU load fails with
    /// a report that starts with it and carries the memory mismatch, if any, after it.
    /// </summary>
    private static async Task CheckAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, List<string> cpuFindings, CancellationToken ct)
    {
        var coherency = await harness.Client.CoherencyAsync(cancellationToken: ct).ConfigureAwait(false);
        MemoryMismatchException? mismatch = null;
        try
        {
            await Scoreboard.AssertMemoryAsync(harness.Memory, expected, new ScoreboardContext { Seed = scenario.Seed }, ct).ConfigureAwait(false);
        }
        catch (MemoryMismatchException e)
        {
            mismatch = e;
        }

        if (coherency.Total == 0 && cpuFindings.Count == 0)
        {
            if (mismatch != null)
            {
                throw mismatch;
            }

            return;
        }

        var report = new StringBuilder();
        if (coherency.Total > 0)
        {
            var first = coherency.Violations[0];
            report.Append(CultureInfo.InvariantCulture,
                $"seed {scenario.Seed}: coherency monitor reports {coherency.Total} violation(s), first {Describe(first)}\n");
            foreach (var violation in coherency.Violations.Take(8))
            {
                report.Append(CultureInfo.InvariantCulture, $"  {Describe(violation)}\n");
            }
        }

        foreach (var finding in cpuFindings)
        {
            report.Append(CultureInfo.InvariantCulture, $"seed {scenario.Seed}: {finding}");
        }

        report.Append(CultureInfo.InvariantCulture, $"scenario: {scenario.Describe()}\n");
        if (mismatch != null)
        {
            report.Append(mismatch.Message);
        }

        throw new ScenarioException(report.ToString());
    }

    private static string Describe(CoherencyViolation violation) =>
        $"{violation.Kind} at 0x{violation.Address:X} by {violation.Master} (cycle {violation.Cycle})";

    private static void CheckOutcome(Scenario scenario, List<CdmaTransaction> transactions)
    {
        for (var i = 0; i < transactions.Count; i++)
        {
            var transaction = transactions[i];
            var mustFail = scenario.FaultedCopy >= 0 && i >= scenario.FaultedCopy;
            if (!mustFail && transaction.State != CdmaTransactionState.Complete)
            {
                throw new ScenarioException($"seed {scenario.Seed}: copy {i} ended {transaction.State}, expected Complete: {Reason(transaction)}");
            }

            if (mustFail && transaction.State != CdmaTransactionState.Error)
            {
                throw new ScenarioException($"seed {scenario.Seed}: copy {i} ended {transaction.State}, expected an error from the fault at copy {scenario.FaultedCopy}");
            }

            if (i == scenario.FaultedCopy && transaction.Completion.Exception?.InnerException is CdmaTransferException error)
            {
                var bit = scenario.Fault!.Response == AxiFault.SlvErr ? "DMASlvErr" : "DMADecErr";
                if (error.Status.Errors != bit)
                {
                    throw new ScenarioException($"seed {scenario.Seed}: the fault at copy {i} raised {error.Status.Errors}, expected {bit}");
                }
            }
        }
    }

    private static string Reason(CdmaTransaction transaction) =>
        transaction.Completion.Exception?.InnerException?.Message ?? "no error";

    private static async Task<string> ChecksumAsync(ISimMemory memory, ExpectedMemory expected, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var region in expected.Regions)
        {
            hash.AppendData(await memory.ReadAsync(region.Address, region.Bytes.Length, ct).ConfigureAwait(false));
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}

/// <summary>A scenario ended with a different status than the reference model expects.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differed.</param>
    public ScenarioException(string message)
        : base(message)
    {
    }
}
