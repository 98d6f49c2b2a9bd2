// SPDX-License-Identifier: MIT
using System.Net;
using System.Net.Sockets;
using NetMQ;
using NetMQ.Sockets;

namespace DmaCosim.Bridge;

/// <summary>
/// The narrow seam between the bridge and its message transport: whole frames out, whole frames in.
/// </summary>
/// <remarks>Implementations are not thread-safe: one transport, one owner thread.</remarks>
public interface IFrameTransport : IDisposable
{
    /// <summary>The endpoint the transport talks to, as given when it was created.</summary>
    string Endpoint { get; }

    /// <summary>Sends one frame if that can be done without blocking.</summary>
    /// <param name="frame">The bytes.</param>
    /// <returns>False when the frame cannot be queued now (the peer is slow or absent); nothing was sent.</returns>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    bool TrySend(byte[] frame);

    /// <summary>Receives one frame, waiting up to <paramref name="timeout"/> or until <see cref="Wake"/>.</summary>
    /// <param name="timeout">How long to wait (wall clock); <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="frame">The frame, or empty when this returns false.</param>
    /// <returns>False when nothing arrived in time, or the wait was woken.</returns>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    bool TryReceive(TimeSpan timeout, out byte[] frame);

    /// <summary>Ends a <see cref="TryReceive"/> wait early (or the next one, if none is under way). Thread-safe; a no-op once disposed.</summary>
    void Wake();
}

/// <summary>
/// An <see cref="IFrameTransport"/> over NetMQ: a DEALER socket connected to the harness's ROUTER,
/// authenticated with CURVE when keys are given. Requests and replies are single-frame messages.
/// </summary>
/// <remarks>Not thread-safe: one transport, one owner thread.</remarks>
public sealed class NetMqDealerTransport : IFrameTransport
{
    /// <summary>The largest reply accepted, the protocol's frame limit: 64 MiB.</summary>
    public const long MaxMessageSize = Wire.Limit.MaxFrameBytes;

    private static readonly byte[] WakeByte = [1];

    private readonly DealerSocket _socket;

    // A loopback datagram to itself ends the owner's wait: any thread may send it.
    private readonly Socket _wakeReceiver = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _wakeSender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly NetMQSelector _selector = new();
    private readonly NetMQSelector.Item[] _items;
    private readonly byte[] _drain = new byte[64];
    private int _disposed;

    /// <summary>Creates a DEALER socket connected to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The harness's endpoint, e.g. <c>tcp://127.0.0.1:40123</c>.</param>
    /// <param name="keys">The CURVE keys of this client and the harness; null connects without authentication (a harness with CURVE on ignores such a client).</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is null or empty, or a key is malformed.</exception>
    /// <exception cref="NetMQException">NetMQ rejected the endpoint.</exception>
    public NetMqDealerTransport(string endpoint, CurveKeys? keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        Endpoint = endpoint;
        _socket = new DealerSocket();
        _items = [new NetMQSelector.Item(_socket, PollEvents.PollIn), new NetMQSelector.Item(_wakeReceiver, PollEvents.PollIn)];
        try
        {
            _wakeReceiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _wakeReceiver.Blocking = false;
            _wakeSender.Connect(_wakeReceiver.LocalEndPoint!);
            _wakeSender.Blocking = false;
            _socket.Options.Linger = TimeSpan.Zero;
            _socket.Options.MaxMsgSize = MaxMessageSize;
            if (keys != null)
            {
                _socket.Options.CurveServerCertificate = NetMQCertificate.FromPublicKey(keys.ServerPublicKey);
                _socket.Options.CurveCertificate = new NetMQCertificate(keys.ClientSecretKey, keys.ClientPublicKey);
            }

            _socket.Connect(endpoint);
        }
        catch
        {
            _socket.Dispose();
            _wakeReceiver.Dispose();
            _wakeSender.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <summary>Sends one frame, blocking while the socket's queue is full.</summary>
    /// <param name="frame">The bytes.</param>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    public void Send(byte[] frame)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _socket.SendFrame(frame);
    }

    /// <inheritdoc/>
    public bool TrySend(byte[] frame)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _socket.TrySendFrame(TimeSpan.Zero, frame, more: false);
    }

    /// <summary>
    /// Receives one message, waiting up to <paramref name="timeout"/>. Should a multipart message
    /// arrive, its frames are read and the last one is returned.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="frame">The (last) frame, or empty when this returns false.</param>
    /// <returns>False when nothing arrived in time.</returns>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    public bool TryReceive(TimeSpan timeout, out byte[] frame)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_socket.TryReceiveFrameBytes(out var received, out var more))
        {
            var milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (long)Math.Ceiling(timeout.TotalMilliseconds);
            _selector.Select(_items, _items.Length, milliseconds);
            if (_items[1].ResultEvent.HasFlag(PollEvents.PollIn))
            {
                DrainWakes(); // only when woken: saves a system call per reply
            }
            if (!_socket.TryReceiveFrameBytes(out received, out more))
            {
                frame = [];
                return false;
            }
        }

        while (more)
        {
            received = _socket.ReceiveFrameBytes(out more); // the parts of a message arrive together
        }

        frame = received!;
        return true;
    }

    /// <inheritdoc/>
    public void Wake()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _wakeSender.Send(WakeByte);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Its buffer is full (a wake is pending anyway) or it was closed meanwhile.
        }
    }

    /// <summary>Closes the socket at once (linger 0). Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _socket.Dispose();
        _wakeSender.Dispose();
        _wakeReceiver.Dispose();
    }

    private void DrainWakes()
    {
        try
        {
            while (_wakeReceiver.Available > 0)
            {
                _wakeReceiver.Receive(_drain);
            }
        }
        catch (SocketException)
        {
            // Nothing (more) to read.
        }
    }
}
