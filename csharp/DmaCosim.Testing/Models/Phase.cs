// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing.Models;

/// <summary>What one reference-model phase did: enough to report its cost.</summary>
/// <param name="Phase">The phase's name.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="RoundTrips">Requests sent to the harness (a batch counts once).</param>
/// <param name="Cycles">Simulated cycles the phase ran.</param>
/// <param name="Checks">Values and responses compared with the model.</param>
public sealed record PhaseResult(string Phase, ulong Seed, int RoundTrips, ulong Cycles, int Checks)
{
    /// <summary>The AXI-Lite offsets the phase read or wrote and got the answer of (OKAY or DECERR), for functional coverage.</summary>
    public IReadOnlySet<uint> RegisterOffsets { get; init; } = new HashSet<uint>();
}

/// <summary>
/// A reference-model phase found the RTL disagreeing with its model: the message names the phase, the
/// seed, what was compared (register and field, address, counter), expected and actual, the cycle,
/// and the ops that led there.
/// </summary>
public sealed class PhaseFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="phase">The phase's name.</param>
    /// <param name="seed">Its seed.</param>
    /// <param name="detail">What disagreed.</param>
    public PhaseFailureException(string phase, ulong seed, string detail)
        : base($"{phase} phase, seed {seed}: {detail}")
    {
        Phase = phase;
        Seed = seed;
        Detail = detail;
    }

    /// <summary>The phase's name.</summary>
    public string Phase { get; }

    /// <summary>Its seed.</summary>
    public ulong Seed { get; }

    /// <summary>What disagreed.</summary>
    public string Detail { get; }
}

/// <summary>
/// Collects a phase's ops with the check of each reply, predicted while the model advanced, and sends
/// them as few <c>batch</c> requests as possible: a batch ends only where an entry is expected to fail
/// (the harness stops a batch at the first error) or at <see cref="FlushAsync"/>.
/// </summary>
internal sealed class PhaseBatch(SimClient sim, string phase, ulong seed)
{
    private const int HistoryLength = 8;

    private readonly List<Entry> _entries = [];
    private readonly Queue<string> _history = new();
    private readonly HashSet<uint> _offsets = [];

    /// <summary>Requests sent (one per batch).</summary>
    public int RoundTrips { get; private set; }

    /// <summary>Replies checked.</summary>
    public int Checks { get; private set; }

    /// <summary>The AXI-Lite offsets of the <c>reg_read</c> / <c>reg_write</c> ops answered so far (OKAY, or the DECERR expected).</summary>
    public IReadOnlySet<uint> RegisterOffsets => _offsets;

    /// <summary>The cycle after the last op that reported one.</summary>
    public ulong Cycle { get; private set; }

    /// <summary>Adds an op expected to succeed; <paramref name="check"/> (may be null) judges its reply.</summary>
    public void Add(string what, SimRequest request, Action<SimReply>? check = null) =>
        _entries.Add(new Entry(what, request, check, null));

    /// <summary>Adds an op expected to fail with <paramref name="code"/> and a message containing <paramref name="text"/>, then sends the batch.</summary>
    public Task AddFailingAsync(string what, SimRequest request, SimErrorCode code, string text, CancellationToken ct)
    {
        _entries.Add(new Entry(what, request, null, (code, text)));
        return FlushAsync(ct);
    }

    /// <summary>A failure naming the phase, the seed, the cycle and the ops before it.</summary>
    public PhaseFailureException Fail(string detail) =>
        new(phase, seed, $"{detail}\n  after: {string.Join(" | ", _history)}");

    /// <summary>Sends what was added and checks every reply.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_entries.Count == 0)
        {
            return;
        }

        var entries = _entries.ToList();
        _entries.Clear();
        IReadOnlyList<SimReply> replies;
        SimBatchException? failed = null;
        RoundTrips++;
        try
        {
            replies = await sim.BatchAsync(entries.Select(e => e.Request).ToList(), ct).ConfigureAwait(false);
        }
        catch (SimBatchException e)
        {
            failed = e;
            replies = e.Completed;
        }

        for (var i = 0; i < replies.Count; i++)
        {
            Check(entries[i], replies[i]);
        }

        var last = entries[^1];
        if (failed is null)
        {
            if (last.Failure is { } expected)
            {
                throw Fail($"{last.What}: expected {expected.Code} ({expected.Text}), got OKAY {Describe(replies[^1])}");
            }

            return;
        }

        var culprit = entries[failed.Index];
        Remember(culprit.What);
        if (culprit.Failure is not { } want || failed.Index != entries.Count - 1)
        {
            throw Fail($"{culprit.What}: expected OKAY, got {failed.Code}: {failed.EntryMessage}");
        }

        if (failed.ErrorCode != want.Code || !failed.EntryMessage.Contains(want.Text, StringComparison.Ordinal))
        {
            throw Fail($"{culprit.What}: expected {want.Code} ({want.Text}), got {failed.Code}: {failed.EntryMessage}");
        }

        Checks++;
        Accessed(culprit.Request);
        Cycle = Math.Max(Cycle, ParseCycle(failed.EntryMessage));
    }

    private void Check(Entry entry, SimReply reply)
    {
        if (reply.Has(Wire.Field.Cycle))
        {
            Cycle = reply.GetUInt64(Wire.Field.Cycle);
        }

        Remember(entry.What);
        Accessed(entry.Request);
        if (entry.Check is { } check)
        {
            check(reply);
            Checks++;
        }
    }

    private void Accessed(SimRequest request)
    {
        if (request.Op is Wire.Op.RegRead or Wire.Op.RegWrite && request.Args?[Wire.Field.Addr] is uint offset)
        {
            _offsets.Add(offset);
        }
    }

    private void Remember(string what)
    {
        _history.Enqueue($"{what} @{Cycle}");
        while (_history.Count > HistoryLength)
        {
            _history.Dequeue();
        }
    }

    private static string Describe(SimReply reply) =>
        reply.Has(Wire.Field.Value) ? $"value 0x{reply.GetUInt64(Wire.Field.Value):X8}" : "reply";

    // "… (cycle 197)" at the end of a BUS_ERROR message; 0 when absent
    private static ulong ParseCycle(string message)
    {
        var at = message.LastIndexOf("(cycle ", StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var digits = new string(message[(at + 7)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return ulong.TryParse(digits, out var cycle) ? cycle : 0;
    }

    private sealed record Entry(string What, SimRequest Request, Action<SimReply>? Check, (SimErrorCode Code, string Text)? Failure);
}

/// <summary>Small builders of the requests the phases send.</summary>
internal static class PhaseOps
{
    public static SimRequest RegRead(uint offset) => new(Wire.Op.RegRead, new Dictionary<string, object?> { [Wire.Field.Addr] = offset });

    public static SimRequest RegWrite(uint offset, uint value) =>
        new(Wire.Op.RegWrite, new Dictionary<string, object?> { [Wire.Field.Addr] = offset, [Wire.Field.Value] = value });

    public static SimRequest Run(ulong cycles) => new(Wire.Op.Run, new Dictionary<string, object?> { [Wire.Field.Cycles] = cycles });

    public static SimRequest Reset() => new(Wire.Op.Reset, new Dictionary<string, object?>());

    public static SimRequest Stats() => new(Wire.Op.Stats, new Dictionary<string, object?>());

    public static SimRequest MemRead(ulong address, int length) =>
        new(Wire.Op.MemRead, new Dictionary<string, object?> { [Wire.Field.Addr] = address, [Wire.Field.Len] = (ulong)length });

    public static SimRequest MemWrite(ulong address, byte[] data) =>
        new(Wire.Op.MemWrite, new Dictionary<string, object?> { [Wire.Field.Addr] = address, [Wire.Field.Data] = data });

    public static SimRequest CpuRead(ulong address, int length, bool cached) =>
        new(Wire.Op.CpuRead, new Dictionary<string, object?> { [Wire.Field.Addr] = address, [Wire.Field.Len] = (ulong)length, [Wire.Field.Cached] = cached });

    public static SimRequest CpuWrite(ulong address, byte[] data, bool cached) =>
        new(Wire.Op.CpuWrite, new Dictionary<string, object?> { [Wire.Field.Addr] = address, [Wire.Field.Data] = data, [Wire.Field.Cached] = cached });

    public static SimRequest Cache(CacheOp operation, ulong address, ulong length) =>
        new(Wire.Op.Cache, new Dictionary<string, object?>
        {
            [Wire.Field.Action] = Wire.CacheAction.Of(operation),
            [Wire.Field.Addr] = address,
            [Wire.Field.Len] = length,
        });
}
