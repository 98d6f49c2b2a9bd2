using System.Diagnostics;
using System.Security.Cryptography;
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>The outcome of one scenario.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Passed">Whether memory and status were exactly as the reference model says.</param>
/// <param name="Cycles">Simulated cycles from issue to the last completion.</param>
/// <param name="Checksum">SHA-256 (first 16 hex digits) of every destination and guard region afterwards.</param>
/// <param name="Failure">The failure message, or null.</param>
/// <param name="WaveformPath">The kept waveform, or null.</param>
/// <param name="Wall">Wall time.</param>
public sealed record ScenarioResult(ulong Seed, bool Passed, ulong Cycles, string Checksum, string? Failure, string? WaveformPath, TimeSpan Wall);

/// <summary>Runs a <see cref="Scenario"/> on a harness through the dmaengine driver and checks it against the reference model.</summary>
public static class ScenarioRunner
{
    private const int Guard = 64;

    /// <summary>Runs the scenario and checks every byte it must leave and every status bit it must raise.</summary>
    /// <param name="harness">The harness (reset first, so any previous scenario is gone).</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="waves">Which waveforms to keep.</param>
    /// <param name="waveDirectory">Where waveforms go (required unless <paramref name="waves"/> is None).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The result; a mismatch is a failed result, not an exception.</returns>
    /// <exception cref="SimException">The harness failed (crash, transport timeout): the caller reports it.</exception>
    public static async Task<ScenarioResult> RunAsync(
        HarnessProcess harness, Scenario scenario, WaveformMode waves = WaveformMode.None, string? waveDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(scenario);
        var clock = Stopwatch.StartNew();
        var sim = harness.Client;
        await sim.ResetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await sim.MemConfigAsync(scenario.Memory, cancellationToken).ConfigureAwait(false);
        ulong cycles = 0;
        string? failure = null;
        string? wave = null;
        var expected = new ExpectedMemory();
        try
        {
            wave = await Waveforms.RecordAsync(sim, waveDirectory ?? ".", $"seed-{scenario.Seed}", waves, async () =>
            {
                cycles = await ExecuteAsync(harness, scenario, expected, cancellationToken).ConfigureAwait(false);
                await Scoreboard.AssertMemoryAsync(harness.Memory, expected, new ScoreboardContext { Seed = scenario.Seed }, cancellationToken)
                    .ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WaveformAttachedException or MemoryMismatchException or ScenarioException)
        {
            failure = e.Message;
            wave = (e as WaveformAttachedException)?.WaveformPath;
        }
        finally
        {
            await sim.MemConfigAsync(new MemConfig { Faults = [], Backpressure = Backpressure.None, ReadLatency = 0, WriteLatency = 0 }, cancellationToken)
                .ConfigureAwait(false);
        }

        var checksum = await ChecksumAsync(harness.Memory, expected, cancellationToken).ConfigureAwait(false);
        return new ScenarioResult(scenario.Seed, failure == null, cycles, checksum, failure, wave, clock.Elapsed);
    }

    private static async Task<ulong> ExecuteAsync(HarnessProcess harness, Scenario scenario, ExpectedMemory expected, CancellationToken ct)
    {
        var sim = harness.Client;
        var memory = harness.Memory;
        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        var transactions = new List<CdmaTransaction>();
        for (var i = 0; i < scenario.Copies.Count; i++)
        {
            var copy = scenario.Copies[i];
            var data = SeededPattern.Create((int)copy.Length, (scenario.Seed * 1000) + (ulong)i);
            await memory.WriteAsync(copy.Source, data, ct).ConfigureAwait(false);
            await Guards.PlaceAsync(memory, expected, copy.Destination, (int)copy.Length, Guard, ct).ConfigureAwait(false);
            if (scenario.FaultedCopy < 0 || i < scenario.FaultedCopy)
            {
                expected.Expect(copy.Destination, data, $"destination {i}");
            }
            else if (i > scenario.FaultedCopy)
            {
                expected.ExpectFill(copy.Destination, (int)copy.Length, Guards.Value, $"destination {i} (after the fault: untouched)");
            }

            var transaction = await channel.PrepMemcpyAsync(copy.Destination, copy.Source, copy.Length, ct).ConfigureAwait(false);
            await channel.SubmitAsync(transaction, ct).ConfigureAwait(false);
            transactions.Add(transaction);
        }

        var start = await sim.RunAsync(0, ct).ConfigureAwait(false);
        await channel.IssuePendingAsync(ct).ConfigureAwait(false);
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
        CheckOutcome(scenario, transactions);
        return end - start;
    }

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
