// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>
/// N harness processes reused across many work items (each item resets what it needs). A harness that
/// dies, stops answering or stops at a simulation error (SIM_ERROR: an RTL assertion or an AXI protocol
/// violation, after which its RTL state is unknown) is replaced, and the item it was running is reported
/// through <c>onCrash</c> instead of stopping the run. Items that need a host-bridge offset (the
/// <c>busOffsetOf</c> overload of RunAsync) run on a second harness per worker, started with that
/// <c>--bus-offset</c> when the worker first needs it.
/// </summary>
/// <param name="jobs">How many harnesses run at once (≥ 1).</param>
/// <param name="options">How each harness is started.</param>
public sealed class HarnessPool(int jobs, HarnessOptions options)
{
    private readonly int _jobs = jobs >= 1 ? jobs : throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "at least 1");
    private readonly HarnessOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private int _started;
    private int _chaosKills;

    /// <summary>Harness processes started so far (more than the job count means some were replaced).</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Random harness kills (<c>regress --chaos</c>), or null for none.</summary>
    public HarnessChaos? Chaos { get; init; }

    /// <summary>Attempts whose harness chaos killed (each was thrown away and its item re-run on a fresh harness).</summary>
    public int ChaosKills => Volatile.Read(ref _chaosKills);

    /// <summary>
    /// Runs <paramref name="work"/> on every item, <see cref="HarnessPool"/>'s job count at a time, and
    /// returns the results in the items' order.
    /// </summary>
    /// <typeparam name="TItem">Work item.</typeparam>
    /// <typeparam name="TResult">Result.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="work">Runs one item on a harness.</param>
    /// <param name="onCrash">Turns an item whose harness died, hung or stopped at a SIM_ERROR into a result.</param>
    /// <param name="onResult">Called as each result arrives (from worker threads).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One result per item.</returns>
    public Task<IReadOnlyList<TResult>> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<HarnessProcess, TItem, Task<TResult>> work,
        Func<TItem, Exception, TResult> onCrash,
        Action<TResult>? onResult = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(items, null, work, onCrash, onResult, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{TItem, TResult}(IReadOnlyList{TItem}, Func{HarnessProcess, TItem, Task{TResult}}, Func{TItem, Exception, TResult}, Action{TResult}, CancellationToken)"/>,
    /// but an item whose <paramref name="busOffsetOf"/> is not 0 runs on a harness started with that
    /// <c>--bus-offset</c> (each worker starts one per offset when it first needs it and keeps it).
    /// </summary>
    /// <typeparam name="TItem">Work item.</typeparam>
    /// <typeparam name="TResult">Result.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="busOffsetOf">The host-bridge offset an item needs, given the build's parameters; null: 0 for every item.</param>
    /// <param name="work">Runs one item on a harness.</param>
    /// <param name="onCrash">Turns an item whose harness died, hung or stopped at a SIM_ERROR into a result.</param>
    /// <param name="onResult">Called as each result arrives (from worker threads).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One result per item.</returns>
    public async Task<IReadOnlyList<TResult>> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<TItem, RtlInfo, ulong>? busOffsetOf,
        Func<HarnessProcess, TItem, Task<TResult>> work,
        Func<TItem, Exception, TResult> onCrash,
        Action<TResult>? onResult = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(onCrash);
        var results = new TResult[items.Count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(_jobs, Math.Max(items.Count, 1))).Select(_ => Task.Run(async () =>
        {
            var harnesses = new Dictionary<ulong, HarnessProcess>(); // by bus offset; 0 = the plain one, always started first
            try
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < items.Count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var offset = 0UL;
                    try
                    {
                        for (var attempt = 0; ; attempt++)
                        {
                            var plain = await HarnessAsync(harnesses, 0, cancellationToken).ConfigureAwait(false);
                            offset = busOffsetOf?.Invoke(items[index], plain.Hello.Rtl) ?? 0;
                            var harness = await HarnessAsync(harnesses, offset, cancellationToken).ConfigureAwait(false);
                            var (done, result) = await AttemptAsync(harness, index, attempt, h => work(h, items[index])).ConfigureAwait(false);
                            if (done)
                            {
                                results[index] = result!;
                                break;
                            }

                            await DropAsync(harnesses, offset).ConfigureAwait(false); // chaos killed it: a fresh one re-runs the item
                        }
                    }
                    catch (SimException crash) when (crash is HarnessExitedException or SimTransportTimeoutException or SimProtocolException
                                                         or SimRequestException { ErrorCode: SimErrorCode.SimError })
                    {
                        results[index] = onCrash(items[index], crash);
                        await DropAsync(harnesses, offset).ConfigureAwait(false); // replaced on the next item
                    }

                    onResult?.Invoke(results[index]);
                }
            }
            finally
            {
                foreach (var harness in harnesses.Values)
                {
                    await harness.DisposeAsync().ConfigureAwait(false);
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// One attempt at item <paramref name="index"/>, with its chaos kill armed if it draws one: (true, result) when it
    /// ran undisturbed (its exceptions propagate), (false, default) when the kill fired, whatever the attempt did.
    /// </summary>
    private async Task<(bool Done, TResult? Result)> AttemptAsync<TResult>(
        HarnessProcess harness, int index, int attempt, Func<HarnessProcess, Task<TResult>> work)
    {
        if (Chaos?.KillAfter(index, attempt) is not { } after)
        {
            return (true, await work(harness).ConfigureAwait(false));
        }

        var kill = HarnessChaos.Arm(harness, after);
        TResult result;
        try
        {
            result = await work(harness).ConfigureAwait(false);
        }
        catch (Exception) when (DisarmedAfterFiring(kill))
        {
            return Killed(); // whatever the attempt threw is the kill's consequence
        }
        finally
        {
            kill.Dispose();
        }

        return DisarmedAfterFiring(kill) ? Killed() : (true, result);

        (bool, TResult?) Killed()
        {
            Interlocked.Increment(ref _chaosKills);
            return (false, default);
        }

        // disarms the kill (one that has not fired never will), then says whether it fired
        static bool DisarmedAfterFiring(ArmedKill kill)
        {
            kill.Dispose();
            return kill.Fired;
        }
    }

    private static async Task DropAsync(Dictionary<ulong, HarnessProcess> harnesses, ulong offset)
    {
        if (harnesses.Remove(offset, out var harness))
        {
            await harness.DisposeAsync().ConfigureAwait(false);
        }
    }

    // the worker's harness for `offset`, started (with --bus-offset unless 0) when it has none
    private async Task<HarnessProcess> HarnessAsync(Dictionary<ulong, HarnessProcess> harnesses, ulong offset, CancellationToken cancellationToken)
    {
        if (!harnesses.TryGetValue(offset, out var harness))
        {
            Interlocked.Increment(ref _started);
            harness = await HarnessProcess.StartAsync(offset == 0 ? _options : _options with { BusOffset = offset }, cancellationToken).ConfigureAwait(false);
            harnesses[offset] = harness;
        }

        return harness;
    }
}
