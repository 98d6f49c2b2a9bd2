// SPDX-License-Identifier: MIT
using System.Collections.Concurrent;
using System.Diagnostics;
using MessagePack;

namespace DmaCosim.Bridge;

/// <summary>
/// The machinery behind <see cref="SimClient"/>: one owner thread for the transport. Callers enqueue
/// encoded requests from any thread; the owner sends them without ever blocking, matches replies by
/// id, and expires requests whose wall-clock timeout (counted from the enqueue) has passed.
/// </summary>
/// <remarks>
/// <para>
/// A reply completes its task on the owner thread, synchronously: the awaiting code resumes right
/// there, and the request it makes next is sent from there without waking anyone. A caller that
/// awaits one request after another therefore costs no thread switch on this side of the socket
/// (docs/performance.md: a round trip went from five context switches in this process to about
/// two and a half).
/// </para>
/// <para>
/// Continuations that do not return (code that blocks on another request with <c>.Result</c>, or
/// computes for long while other requests wait) would stall the socket. The watchdog sees the owner
/// thread inside such a continuation for longer than <see cref="TakeOverAfter"/> while requests are
/// in flight, and starts a new owner thread; the old one leaves as soon as the continuation
/// returns, without touching the transport again. Failures, cancellations and the disposal complete
/// tasks on the thread pool, never inline.
/// </para>
/// </remarks>
internal sealed class RequestPipeline : IDisposable
{
    /// <summary>How long the owner thread may run a continuation while requests wait, before another thread takes over.</summary>
    internal static readonly TimeSpan TakeOverAfter = TimeSpan.FromMilliseconds(100);

    // The longest wait for a reply before the loop looks again (a Wake ends it at once).
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(100);

    // How long replies that a harness sent just before it exited (a shutdown) may still take to arrive
    // once its exit is known: they complete their requests instead of the exit failing them.
    private static readonly TimeSpan ExitGrace = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromMilliseconds(25);

    // _inlineSince once the watchdog gave the owner thread up (timestamps are positive).
    private const long Abandoned = -1;

    private readonly IFrameTransport _transport;
    private readonly string _endpoint;
    private readonly ConcurrentQueue<Pending> _outbox = new();
    private readonly AutoResetEvent _wake = new(false);

    // Set when the pipeline stops: ends the watchdog thread.
    private readonly ManualResetEventSlim _stopWatching = new(false);

    // The owner thread: the only one that touches the transport and the owner-only state below.
    private Thread _owner;

    // Owner thread only.
    private readonly Queue<Pending> _unsent = new();
    private readonly Dictionary<ulong, Pending> _awaiting = [];
    private readonly HashSet<ulong> _unanswered = [];

    // Stopwatch timestamp at which the owner thread began running a completed task's continuations,
    // 0 while it does not, Abandoned once the watchdog started another owner.
    private long _inlineSince;
    private Exception? _failure;
    private int _inFlight;
    private int _busy;
    private int _disposed;
    private int _stopped;
    private int _takeOvers;

    // owner thread only: replies in the transport were drained once after the failure was set
    private bool _drainedAtFailure;

    public RequestPipeline(IFrameTransport transport)
    {
        _transport = transport;
        _endpoint = transport.Endpoint;
        _owner = StartOwner();
        new Thread(WatchLoop) { IsBackground = true, Name = $"SimClient watchdog {_endpoint}" }.Start();
    }

    /// <summary>Requests whose task has not completed yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// True while a request was sent and its reply has not arrived, even if the caller stopped waiting
    /// (timeout, cancellation): the harness may still be simulating and touching DRAM.
    /// </summary>
    public bool HarnessBusy => Volatile.Read(ref _busy) != 0 || InFlight != 0;

    /// <summary>How many times the watchdog replaced an owner thread stuck in a continuation.</summary>
    internal int TakeOvers => Volatile.Read(ref _takeOvers);

    private bool OnOwnerThread => Thread.CurrentThread == Volatile.Read(ref _owner);

    public Task<SimReply> Enqueue(ulong id, string op, byte[] frame, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        var pending = new Pending(this, id, op, frame, timeout);
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(static (state, token) => ((Pending)state!).Cancel(token), pending);
        }

        _outbox.Enqueue(pending);
        if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _stopped) != 0)
        {
            DrainOutbox(Volatile.Read(ref _failure) ?? Closed()); // the owner may be gone already
        }

        if (!OnOwnerThread)
        {
            Wake(); // on the owner thread (a continuation), the loop takes it as soon as it returns
        }

        return pending.Task;
    }

    public void Fail(Exception reason)
    {
        Interlocked.CompareExchange(ref _failure, reason, null);
        Wake();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopWatching.Set();
        Fail(Closed());
        var owner = Volatile.Read(ref _owner);
        if (Thread.CurrentThread != owner)
        {
            owner.Join(TimeSpan.FromSeconds(2)); // from a continuation on the owner thread, it leaves when that returns
        }

        DrainOutbox(Closed());
    }

    private HarnessExitedException Closed() => new($"client of {_endpoint} was closed", _endpoint);

    private Thread StartOwner()
    {
        var thread = new Thread(OwnerLoop) { IsBackground = true, Name = $"SimClient {_endpoint}" };
        Volatile.Write(ref _owner, thread);
        thread.Start();
        return thread;
    }

    private void Wake()
    {
        _transport.Wake(); // the owner may be waiting for a reply
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // Closed: everything has been failed already.
        }
    }

    private void OwnerLoop()
    {
        var abandoned = false;
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _failure) is { } failure)
                {
                    if (!_drainedAtFailure)
                    {
                        _drainedAtFailure = true;
                        if (failure is HarnessExitedException && Volatile.Read(ref _disposed) == 0 && !DrainReplies())
                        {
                            abandoned = true;
                            return;
                        }
                    }

                    FailAll(failure);
                    if (Volatile.Read(ref _disposed) != 0)
                    {
                        return;
                    }

                    _wake.WaitOne(IdleWait);
                    continue;
                }

                while (_outbox.TryDequeue(out var queued))
                {
                    _unsent.Enqueue(queued);
                }

                SendUnsent();
                if (_unsent.Count == 0 && _awaiting.Count == 0 && _unanswered.Count == 0)
                {
                    if (_outbox.IsEmpty)
                    {
                        _wake.WaitOne(IdleWait);
                    }

                    continue;
                }

                if (_transport.TryReceive(NextSlice(), out var frame) && !Dispatch(frame))
                {
                    abandoned = true;
                    return;
                }

                if (!ExpireOverdue())
                {
                    abandoned = true;
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or NetMQ.NetMQException)
        {
            var reason = new HarnessExitedException($"client of {_endpoint} failed: {e.Message}", _endpoint);
            Interlocked.CompareExchange(ref _failure, reason, null); // later requests fail at once too
            FailAll(reason);
        }
        finally
        {
            if (!abandoned)
            {
                Volatile.Write(ref _stopped, 1);
                _stopWatching.Set();
                _transport.Dispose();
                _wake.Dispose();
                DrainOutbox(Volatile.Read(ref _failure) ?? Closed()); // nobody will send what came in meanwhile
            }
        }
    }

    /// <summary>
    /// The harness exited: replies it sent before (the reply to <c>shutdown</c>) may still be in the transport.
    /// Dispatches what arrives within <see cref="ExitGrace"/> while requests await replies; false when another
    /// owner took over meanwhile.
    /// </summary>
    private bool DrainReplies()
    {
        var clock = Stopwatch.StartNew();
        while (_awaiting.Count > 0 && clock.Elapsed < ExitGrace)
        {
            if (_transport.TryReceive(ExitGrace - clock.Elapsed, out var frame) && !Dispatch(frame))
            {
                return false;
            }
        }

        return true;
    }

    private void SendUnsent()
    {
        while (_unsent.TryPeek(out var pending))
        {
            if (pending.Finished)
            {
                _unsent.Dequeue(); // cancelled or expired before it left
                continue;
            }

            if (!_transport.TrySend(pending.Frame))
            {
                return; // the peer is slow or absent: try again next round, never block
            }

            _unsent.Dequeue();
            _awaiting[pending.Id] = pending;
            _unanswered.Add(pending.Id);
            Volatile.Write(ref _busy, _unanswered.Count);
        }
    }

    private TimeSpan NextSlice()
    {
        var slice = PollSlice;
        foreach (var pending in _awaiting.Values)
        {
            slice = Shorter(slice, pending.TimeLeft);
        }

        foreach (var pending in _unsent)
        {
            slice = Shorter(slice, pending.TimeLeft);
        }

        return slice;

        static TimeSpan Shorter(TimeSpan slice, TimeSpan left) =>
            left >= slice ? slice : left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    /// <summary>Fails the requests whose time is up; false when another owner took over meanwhile.</summary>
    private bool ExpireOverdue()
    {
        List<Pending>? overdue = null;
        foreach (var pending in _awaiting.Values)
        {
            if (pending.TimeLeft <= TimeSpan.Zero || pending.Finished)
            {
                (overdue ??= []).Add(pending);
            }
        }

        foreach (var pending in _unsent)
        {
            if (pending.TimeLeft <= TimeSpan.Zero && !pending.Finished)
            {
                (overdue ??= []).Add(pending); // stays in _unsent; SendUnsent drops it once completed
            }
        }

        if (overdue == null)
        {
            return true;
        }

        foreach (var pending in overdue)
        {
            _awaiting.Remove(pending.Id);
            if (!CompleteInline(pending, null, new SimTransportTimeoutException(pending.Op, _endpoint, pending.Timeout)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Matches a reply to its request and completes it; false when another owner took over meanwhile.</summary>
    private bool Dispatch(byte[] frame)
    {
        Dictionary<string, object?>? map;
        try
        {
            map = WireObjects.Decode(frame) as Dictionary<string, object?>;
        }
        catch (MessagePackSerializationException)
        {
            return true; // not a reply: nothing to match it to
        }

        var id = SimReply.AsUInt64(map?.GetValueOrDefault(Wire.Field.Id));
        if (map == null || id == null || !_unanswered.Remove(id.Value))
        {
            return true; // not ours
        }

        Volatile.Write(ref _busy, _unanswered.Count);
        if (!_awaiting.Remove(id.Value, out var pending))
        {
            return true; // its caller stopped waiting
        }

        var error = ToError(pending.Op, map);
        return CompleteInline(pending, error == null ? new SimReply(pending.Op, _endpoint, map) : null, error);
    }

    /// <summary>
    /// Completes <paramref name="pending"/> on this (the owner) thread, running its continuations here.
    /// Returns false when the watchdog gave this thread up meanwhile: it must then leave the loop at once.
    /// </summary>
    private bool CompleteInline(Pending pending, SimReply? reply, Exception? error)
    {
        var mark = Stopwatch.GetTimestamp();
        Volatile.Write(ref _inlineSince, mark);
        if (error != null)
        {
            pending.Fail(error);
        }
        else
        {
            pending.Succeed(reply!);
        }

        return Interlocked.CompareExchange(ref _inlineSince, 0, mark) == mark;
    }

    /// <summary>
    /// The watchdog's own thread: looks every <see cref="WatchPeriod"/> until the pipeline stops. (A
    /// <see cref="Timer"/> would run it on the thread pool, whose workers then spin for more work: on two
    /// cores that spinning slowed every round trip.)
    /// </summary>
    private void WatchLoop()
    {
        while (!_stopWatching.Wait(WatchPeriod))
        {
            Watch();
        }
    }

    /// <summary>
    /// When the owner thread has been running a continuation for longer than <see cref="TakeOverAfter"/>
    /// while requests are in flight, start another owner thread.
    /// </summary>
    private void Watch()
    {
        var since = Volatile.Read(ref _inlineSince);
        if (since <= 0 || InFlight == 0 || Volatile.Read(ref _disposed) != 0 || Stopwatch.GetElapsedTime(since) < TakeOverAfter)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _inlineSince, Abandoned, since) != since)
        {
            return; // the continuation returned just now
        }

        Interlocked.Increment(ref _takeOvers);
        StartOwner();
    }

    private SimException? ToError(string op, Dictionary<string, object?> map)
    {
        if (map.GetValueOrDefault(Wire.Field.Ok) is true)
        {
            return null;
        }

        if (map.GetValueOrDefault(Wire.Field.Ok) is not false
            || map.GetValueOrDefault(Wire.Field.Error) is not Dictionary<string, object?> error
            || error.GetValueOrDefault(Wire.Field.Code) is not string code)
        {
            return new SimProtocolException($"reply to '{op}' has neither ok=true nor an error map", op, _endpoint);
        }

        return new SimRequestException(code, error.GetValueOrDefault(Wire.Field.Message) as string ?? "", op, _endpoint);
    }

    private void FailAll(Exception reason)
    {
        foreach (var pending in _awaiting.Values)
        {
            pending.FailLater(Rebind(reason, pending.Op));
        }

        foreach (var pending in _unsent)
        {
            pending.FailLater(Rebind(reason, pending.Op));
        }

        _awaiting.Clear();
        _unsent.Clear();
        _unanswered.Clear(); // the harness is gone or we stopped listening: nobody is simulating for us
        Volatile.Write(ref _busy, 0);
        DrainOutbox(reason);
    }

    private void DrainOutbox(Exception reason)
    {
        while (_outbox.TryDequeue(out var pending))
        {
            pending.FailLater(Rebind(reason, pending.Op));
        }
    }

    private Exception Rebind(Exception reason, string op) =>
        reason is HarnessExitedException exited ? new HarnessExitedException(exited.Message, _endpoint, op) : reason;

    /// <summary>
    /// A request from enqueue to completion; counted in <see cref="InFlight"/> until it finishes, and
    /// the count drops before any awaiter resumes. <see cref="Succeed"/> and <see cref="Fail"/> run the
    /// continuations on the calling thread; <see cref="FailLater"/> and <see cref="Cancel"/> on the thread pool.
    /// </summary>
    private sealed class Pending(RequestPipeline pipeline, ulong id, string op, byte[] frame, TimeSpan timeout)
    {
        private readonly TaskCompletionSource<SimReply> _completion = new();
        private readonly long _start = Stopwatch.GetTimestamp();
        private int _finished;

        public ulong Id { get; } = id;

        public string Op { get; } = op;

        public byte[] Frame { get; } = frame;

        public TimeSpan Timeout { get; } = timeout;

        public TimeSpan TimeLeft => Timeout - Stopwatch.GetElapsedTime(_start);

        public CancellationTokenRegistration Registration { get; set; }

        public Task<SimReply> Task => _completion.Task;

        /// <summary>True once completed, cancelled or failed (its task may still be about to complete on the thread pool).</summary>
        public bool Finished => Volatile.Read(ref _finished) != 0;

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

        public void FailLater(Exception error)
        {
            if (Finish())
            {
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Completion.SetException(s.Error), (Completion: _completion, Error: error), preferLocal: false);
            }
        }

        public void Cancel(CancellationToken token)
        {
            if (Finish())
            {
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Completion.SetCanceled(s.Token), (Completion: _completion, Token: token), preferLocal: false);
            }
        }

        private bool Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0)
            {
                return false;
            }

            Interlocked.Decrement(ref pipeline._inFlight);
            Registration.Dispose();
            return true;
        }
    }
}
