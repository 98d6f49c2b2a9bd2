using System.Collections.Concurrent;
using System.Diagnostics;
using DmaCosim.Bridge.MessagePack;
using DmaCosim.Bridge.Zmq;

namespace DmaCosim.Bridge;

/// <summary>
/// The machinery behind <see cref="SimClient"/>: one owner thread for the transport. Callers enqueue
/// encoded requests from any thread; the owner sends them without ever blocking, matches replies by
/// id, and expires requests whose wall-clock timeout (counted from the enqueue) has passed.
/// </summary>
internal sealed class RequestPipeline : IDisposable
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(100);

    private readonly IFrameTransport _transport;
    private readonly string _endpoint;
    private readonly ConcurrentQueue<Pending> _outbox = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _owner;

    // Owner thread only.
    private readonly Queue<Pending> _unsent = new();
    private readonly Dictionary<ulong, Pending> _awaiting = [];
    private readonly HashSet<ulong> _unanswered = [];

    private Exception? _failure;
    private int _inFlight;
    private int _busy;
    private int _disposed;

    public RequestPipeline(IFrameTransport transport)
    {
        _transport = transport;
        _endpoint = transport.Endpoint;
        _owner = new Thread(OwnerLoop) { IsBackground = true, Name = $"SimClient {_endpoint}" };
        _owner.Start();
    }

    /// <summary>Requests whose task has not completed yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// True while a request was sent and its reply has not arrived, even if the caller stopped waiting
    /// (timeout, cancellation): the harness may still be simulating and touching DRAM.
    /// </summary>
    public bool HarnessBusy => Volatile.Read(ref _busy) != 0 || InFlight != 0;

    public Task<SimReply> Enqueue(ulong id, string op, byte[] frame, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        var pending = new Pending(id, op, frame, timeout, () => Interlocked.Decrement(ref _inFlight));
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(() => pending.Cancel(cancellationToken));
        }

        _outbox.Enqueue(pending);
        if (Volatile.Read(ref _disposed) != 0)
        {
            DrainOutbox(Closed()); // raced with Dispose: the owner may be gone already
        }

        Wake();
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

        Fail(Closed());
        _owner.Join(TimeSpan.FromSeconds(2));
        DrainOutbox(Closed());
        _wake.Dispose();
    }

    private HarnessExitedException Closed() => new($"client of {_endpoint} was closed", _endpoint);

    private void Wake()
    {
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
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _failure) is { } failure)
                {
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
                    _wake.WaitOne(IdleWait);
                    continue;
                }

                if (_transport.TryReceive(NextSlice(), out var frame))
                {
                    Dispatch(frame);
                }

                ExpireOverdue();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            FailAll(new HarnessExitedException($"client of {_endpoint} failed: {e.Message}", _endpoint));
        }
        finally
        {
            _transport.Dispose();
        }
    }

    private void SendUnsent()
    {
        while (_unsent.TryPeek(out var pending))
        {
            if (pending.Task.IsCompleted)
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
        foreach (var pending in _awaiting.Values.Concat(_unsent))
        {
            var left = pending.TimeLeft;
            if (left < slice)
            {
                slice = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            }
        }

        return slice;
    }

    private void ExpireOverdue()
    {
        foreach (var pending in _awaiting.Values.Concat(_unsent).Where(p => p.TimeLeft <= TimeSpan.Zero || p.Task.IsCompleted).ToList())
        {
            _awaiting.Remove(pending.Id);
            pending.Fail(new SimTransportTimeoutException(pending.Op, _endpoint, pending.Timeout));
        }
    }

    private void Dispatch(byte[] frame)
    {
        Dictionary<string, object?>? map;
        try
        {
            var reader = new MessagePackReader(frame);
            map = reader.ReadObject() as Dictionary<string, object?>;
        }
        catch (MessagePackSerializationException)
        {
            return; // not a reply: nothing to match it to
        }

        var id = SimReply.AsUInt64(map?.GetValueOrDefault("id"));
        if (map == null || id == null || !_unanswered.Remove(id.Value))
        {
            return; // not ours
        }

        Volatile.Write(ref _busy, _unanswered.Count);
        if (_awaiting.Remove(id.Value, out var pending))
        {
            var error = ToError(pending.Op, map);
            if (error != null)
            {
                pending.Fail(error);
            }
            else
            {
                pending.Succeed(new SimReply(pending.Op, _endpoint, map));
            }
        }
    }

    private SimException? ToError(string op, Dictionary<string, object?> map)
    {
        if (map.GetValueOrDefault("ok") is true)
        {
            return null;
        }

        if (map.GetValueOrDefault("ok") is not false
            || map.GetValueOrDefault("error") is not Dictionary<string, object?> error
            || error.GetValueOrDefault("code") is not string code)
        {
            return new SimProtocolException($"reply to '{op}' has neither ok=true nor an error map", op, _endpoint);
        }

        return new SimRequestException(code, error.GetValueOrDefault("message") as string ?? "", op, _endpoint);
    }

    private void FailAll(Exception reason)
    {
        foreach (var pending in _awaiting.Values.Concat(_unsent))
        {
            pending.Fail(Rebind(reason, pending.Op));
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
            pending.Fail(Rebind(reason, pending.Op));
        }
    }

    private Exception Rebind(Exception reason, string op) =>
        reason is HarnessExitedException exited ? new HarnessExitedException(exited.Message, _endpoint, op) : reason;

    /// <summary>A request from enqueue to completion; counted in <see cref="InFlight"/> until it finishes,
    /// and the count drops before any awaiter resumes.</summary>
    private sealed class Pending(ulong id, string op, byte[] frame, TimeSpan timeout, Action onFinished)
    {
        private readonly TaskCompletionSource<SimReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _age = Stopwatch.StartNew();
        private int _finished;

        public ulong Id { get; } = id;

        public string Op { get; } = op;

        public byte[] Frame { get; } = frame;

        public TimeSpan Timeout { get; } = timeout;

        public TimeSpan TimeLeft => Timeout - _age.Elapsed;

        public CancellationTokenRegistration Registration { get; set; }

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
            Registration.Dispose();
            return true;
        }
    }
}
