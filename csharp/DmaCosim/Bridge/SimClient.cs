using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using DmaCosim.Bridge.MessagePack;
using DmaCosim.Bridge.Zmq;

namespace DmaCosim.Bridge;

/// <summary>Settings of a <see cref="SimClient"/>.</summary>
public sealed record SimClientOptions
{
    /// <summary>
    /// Wall-clock time a request may take before it fails with <see cref="SimTransportTimeoutException"/>.
    /// This is the only wall-clock timeout of the bridge; simulated waits are bounded in cycles.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Client of one harness: typed async ops over wire protocol v1 (docs/protocol.md).
/// </summary>
/// <remarks>
/// The socket has exactly one owner: a dedicated thread that sends queued requests, matches replies
/// to requests by id and expires requests whose wall-clock timeout passed. Every public member is
/// thread-safe. Requests are answered in order by the harness; several may be in flight.
/// </remarks>
public sealed class SimClient : IDisposable
{
    /// <summary>Largest memory op the harness accepts (DESIGN §5).</summary>
    public const int MaxMemoryOp = 16 * 1024 * 1024;

    /// <summary>Size of the AXI-Lite register space (offsets 0x0000..0xFFFC).</summary>
    public const uint RegisterSpace = 0x1_0000;

    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(5);

    private readonly IFrameTransport _transport;
    private readonly SimClientOptions _options;
    private readonly ConcurrentQueue<Pending> _outbox = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Dictionary<ulong, Pending> _inflight = [];
    private readonly Thread _owner;
    private Exception? _failure;
    private long _nextId;
    private int _inFlightCount;
    private int _disposed;

    /// <summary>Creates a client over an already connected transport and takes ownership of it.</summary>
    /// <param name="transport">The frame transport (e.g. <see cref="ZmqDealerTransport"/>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    public SimClient(IFrameTransport transport, SimClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? new SimClientOptions();
        Endpoint = transport.Endpoint;
        _owner = new Thread(OwnerLoop) { IsBackground = true, Name = $"SimClient {Endpoint}" };
        _owner.Start();
    }

    /// <summary>Connects a client to the harness at <paramref name="endpoint"/> over ZeroMQ.</summary>
    /// <param name="endpoint">A ZeroMQ endpoint, e.g. <c>ipc:///run/user/1000/dmacosim-x/harness.sock</c>.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ZmqException">The endpoint is malformed.</exception>
    public static SimClient Connect(string endpoint, SimClientOptions? options = null) =>
        new(new ZmqDealerTransport(endpoint), options);

    /// <summary>The endpoint of the harness.</summary>
    public string Endpoint { get; }

    /// <summary>Number of requests sent or queued and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlightCount);

    /// <summary>
    /// Sends one request and returns its successful reply.
    /// </summary>
    /// <param name="op">The op name.</param>
    /// <param name="args">The op's parameters (values: integers, strings, bool, byte arrays, maps, lists).</param>
    /// <param name="timeout">Wall-clock timeout; the client's <see cref="SimClientOptions.RequestTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (the harness still runs the request).</param>
    /// <returns>The reply.</returns>
    /// <exception cref="SimRequestException">The harness answered with an error.</exception>
    /// <exception cref="SimTransportTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="HarnessExitedException">The harness is gone or the client was closed.</exception>
    /// <exception cref="SimProtocolException">The reply is malformed.</exception>
    public Task<SimReply> RequestAsync(
        string op,
        IReadOnlyDictionary<string, object?>? args = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(op);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var id = (ulong)Interlocked.Increment(ref _nextId);
        Interlocked.Increment(ref _inFlightCount);
        var pending = new Pending(id, op, Encode(id, op, args), timeout ?? _options.RequestTimeout,
            () => Interlocked.Decrement(ref _inFlightCount));
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => pending.Cancel(cancellationToken));
        }

        _outbox.Enqueue(pending);
        Wake();
        return pending.Task;
    }

    /// <summary>
    /// Makes every pending and future request fail with <paramref name="reason"/> (used when the
    /// harness process is seen to exit, so that no caller waits for a reply that cannot come).
    /// </summary>
    /// <param name="reason">The exception the requests fail with.</param>
    public void Fail(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Interlocked.CompareExchange(ref _failure, reason, null);
        Wake();
    }

    /// <summary>Queries the harness: protocol version, RTL build parameters, DRAM windows, cycle.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What the harness announced.</returns>
    /// <exception cref="SimException">The request failed (see <see cref="RequestAsync"/>).</exception>
    public async Task<HelloInfo> HelloAsync(CancellationToken cancellationToken = default) =>
        HelloInfo.FromReply(await RequestAsync("hello", null, null, cancellationToken).ConfigureAwait(false));

    /// <summary>Holds reset for <paramref name="cycles"/> cycles.</summary>
    /// <param name="cycles">Reset cycles, 1..1,000,000.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle after reset.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cycles"/> outside 1..1,000,000.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> ResetAsync(uint cycles = 16, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(cycles);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycles, 1_000_000u);
        var reply = await RequestAsync("reset", Args(("cycles", cycles)), null, cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64("cycle");
    }

    /// <summary>Runs the clock for <paramref name="cycles"/> cycles.</summary>
    /// <param name="cycles">Cycles to run.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle afterwards.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> RunAsync(ulong cycles, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("run", Args(("cycles", cycles)), null, cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64("cycle");
    }

    /// <summary>Runs until <paramref name="simEvent"/> happens, at most <paramref name="maxCycles"/> cycles.</summary>
    /// <param name="simEvent">The event to wait for.</param>
    /// <param name="maxCycles">The cycle budget (≥ 1).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event that fired and the cycle it fired at.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCycles"/> is 0.</exception>
    /// <exception cref="SimRequestException">With <see cref="SimErrorCode.Timeout"/> when the budget ran out;
    /// the message says what the engine was waiting for.</exception>
    /// <exception cref="SimException">The request failed otherwise.</exception>
    public async Task<RunUntilResult> RunUntilAsync(
        SimEvent simEvent, ulong maxCycles, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxCycles);
        var name = simEvent switch
        {
            SimEvent.Irq => "irq",
            SimEvent.Idle => "idle",
            _ => throw new ArgumentOutOfRangeException(nameof(simEvent), simEvent, "irq or idle"),
        };
        var reply = await RequestAsync("run_until", Args(("event", name), ("max_cycles", maxCycles)), null,
            cancellationToken).ConfigureAwait(false);
        return new RunUntilResult(reply.GetString("event"), reply.GetUInt64("cycle"));
    }

    /// <summary>Reads a 32-bit register through the simulated AXI-Lite bus.</summary>
    /// <param name="offset">Byte offset, 4-aligned, below 0x10000.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The register value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Misaligned or outside the register space.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<uint> RegReadAsync(uint offset, CancellationToken cancellationToken = default)
    {
        CheckRegister(offset);
        var reply = await RequestAsync("reg_read", Args(("addr", offset)), null, cancellationToken).ConfigureAwait(false);
        var value = reply.GetUInt64("value");
        return value <= uint.MaxValue
            ? (uint)value
            : throw new SimProtocolException($"reg_read returned {value}, wider than 32 bits", "reg_read", Endpoint);
    }

    /// <summary>Writes a 32-bit register through the simulated AXI-Lite bus.</summary>
    /// <param name="offset">Byte offset, 4-aligned, below 0x10000.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle at which the write response was taken.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Misaligned or outside the register space.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> RegWriteAsync(uint offset, uint value, CancellationToken cancellationToken = default)
    {
        CheckRegister(offset);
        var reply = await RequestAsync("reg_write", Args(("addr", offset), ("value", value)), null,
            cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64("cycle");
    }

    /// <summary>Reads DRAM through the backdoor (no simulated time).</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="length">Bytes, at most <see cref="MaxMemoryOp"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or too large.</exception>
    /// <exception cref="SimException">The request failed (e.g. <see cref="SimErrorCode.BadAddress"/>).</exception>
    public async Task<byte[]> MemReadAsync(ulong address, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxMemoryOp);
        var reply = await RequestAsync("mem_read", Args(("addr", address), ("len", length)), null,
            cancellationToken).ConfigureAwait(false);
        var data = reply.GetBytes("data");
        return data.Length == length
            ? data
            : throw new SimProtocolException($"mem_read returned {data.Length} bytes, asked for {length}",
                "mem_read", Endpoint);
    }

    /// <summary>Writes DRAM through the backdoor (no simulated time).</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="data">The bytes, at most <see cref="MaxMemoryOp"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the harness has written the bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="data"/> is too large.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task MemWriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxMemoryOp, nameof(data));
        await RequestAsync("mem_write", Args(("addr", address), ("data", data)), null, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Asks the harness to exit (it replies first).</summary>
    /// <param name="timeout">Wall-clock wait for the reply.</param>
    /// <returns>A task that completes when the harness acknowledged.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public Task ShutdownAsync(TimeSpan? timeout = null) => RequestAsync("shutdown", null, timeout);

    /// <summary>Fails everything pending and closes the socket. Never blocks for long.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Fail(new HarnessExitedException($"client of {Endpoint} was closed", Endpoint));
        _owner.Join(TimeSpan.FromSeconds(2));
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // Closed: the owner thread has already failed everything.
        }
    }

    internal static Dictionary<string, object?> Args(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    private static void CheckRegister(uint offset)
    {
        if (offset % 4 != 0 || offset >= RegisterSpace)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"0x{offset:X}",
                "register offsets are 4-aligned and below 0x10000");
        }
    }

    private static byte[] Encode(ulong id, string op, IReadOnlyDictionary<string, object?>? args)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(2 + (args?.Count ?? 0));
        writer.Write("id");
        writer.Write(id);
        writer.Write("op");
        writer.Write(op);
        if (args != null)
        {
            foreach (var (name, value) in args)
            {
                writer.Write(name);
                MessagePackObjectWriter.WriteObject(ref writer, value);
            }
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private void OwnerLoop()
    {
        try
        {
            while (true)
            {
                var failure = Volatile.Read(ref _failure);
                if (failure != null)
                {
                    FailAll(failure);
                    if (Volatile.Read(ref _disposed) != 0)
                    {
                        return;
                    }

                    _wake.WaitOne(TimeSpan.FromMilliseconds(100));
                    continue;
                }

                SendQueued();
                if (_inflight.Count == 0)
                {
                    _wake.WaitOne(TimeSpan.FromMilliseconds(100));
                    continue;
                }

                if (_transport.TryReceive(NextSlice(), out var frame))
                {
                    Dispatch(frame);
                }

                ExpireOverdue();
            }
        }
        finally
        {
            _transport.Dispose();
        }
    }

    private void SendQueued()
    {
        while (_outbox.TryDequeue(out var pending))
        {
            if (pending.Task.IsCompleted)
            {
                continue;
            }

            try
            {
                _transport.Send(pending.Frame);
                pending.Sent.Start();
                _inflight[pending.Id] = pending;
            }
            catch (ZmqException e)
            {
                pending.Fail(
                    new HarnessExitedException($"cannot send '{pending.Op}' to {Endpoint}: {e.Message}", Endpoint, pending.Op));
            }
        }
    }

    private TimeSpan NextSlice()
    {
        var slice = PollSlice;
        foreach (var pending in _inflight.Values)
        {
            var left = pending.Timeout - pending.Sent.Elapsed;
            if (left < slice)
            {
                slice = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            }
        }

        return slice;
    }

    private void ExpireOverdue()
    {
        List<Pending>? overdue = null;
        foreach (var pending in _inflight.Values)
        {
            if (pending.Task.IsCompleted || pending.Sent.Elapsed >= pending.Timeout)
            {
                (overdue ??= []).Add(pending);
            }
        }

        foreach (var pending in overdue ?? [])
        {
            _inflight.Remove(pending.Id);
            pending.Fail(new SimTransportTimeoutException(pending.Op, Endpoint, pending.Timeout));
        }
    }

    private void Dispatch(byte[] frame)
    {
        Dictionary<string, object?> map;
        try
        {
            var reader = new MessagePackReader(frame);
            map = reader.ReadObject() as Dictionary<string, object?>
                ?? throw new MessagePackSerializationException("reply is not a map");
        }
        catch (MessagePackSerializationException)
        {
            return; // not a reply of ours: nothing to match it to
        }

        if (!map.TryGetValue("id", out var rawId) || rawId is not (long or ulong)
            || !_inflight.Remove(SimReply.ToUInt64(rawId, "id"), out var pending))
        {
            return; // late reply to an expired or cancelled request
        }

        var error = ToErrorOrNull(pending.Op, map);
        if (error != null)
        {
            pending.Fail(error);
        }
        else
        {
            pending.Succeed(new SimReply(pending.Op, Endpoint, map));
        }
    }

    private SimException? ToErrorOrNull(string op, Dictionary<string, object?> map)
    {
        if (map.GetValueOrDefault("ok") is true)
        {
            return null;
        }

        if (map.GetValueOrDefault("ok") is not false
            || map.GetValueOrDefault("error") is not Dictionary<string, object?> error
            || error.GetValueOrDefault("code") is not string code)
        {
            return new SimProtocolException($"reply to '{op}' has neither ok=true nor an error map", op, Endpoint);
        }

        return new SimRequestException(code, error.GetValueOrDefault("message") as string ?? "", op, Endpoint);
    }

    private void FailAll(Exception reason)
    {
        foreach (var pending in _inflight.Values)
        {
            pending.Fail(Rebind(reason, pending.Op));
        }

        _inflight.Clear();
        while (_outbox.TryDequeue(out var pending))
        {
            pending.Fail(Rebind(reason, pending.Op));
        }
    }

    private Exception Rebind(Exception reason, string op) =>
        reason is HarnessExitedException exited
            ? new HarnessExitedException(exited.Message, Endpoint, op)
            : reason;

    /// <summary>A request in flight. It is counted in <see cref="InFlight"/> until it finishes, and
    /// the count drops before any awaiter resumes.</summary>
    private sealed class Pending(ulong id, string op, byte[] frame, TimeSpan timeout, Action onFinished)
    {
        private readonly TaskCompletionSource<SimReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _finished;

        public ulong Id { get; } = id;

        public string Op { get; } = op;

        public byte[] Frame { get; } = frame;

        public TimeSpan Timeout { get; } = timeout;

        public Stopwatch Sent { get; } = new();

        public Task<SimReply> Task => _completion.Task;

        public void Succeed(SimReply reply)
        {
            if (Finish())
            {
                _completion.SetResult(reply);
            }
        }

        public void Fail(Exception error)
        {
            if (Finish())
            {
                _completion.SetException(error);
            }
        }

        public void Cancel(CancellationToken token)
        {
            if (Finish())
            {
                _completion.SetCanceled(token);
            }
        }

        private bool Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0)
            {
                return false;
            }

            onFinished();
            return true;
        }
    }
}
