// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace DmaCosim.Bridge.Zmq;

/// <summary>
/// An <see cref="IFrameTransport"/> over libzmq: its own context and a DEALER socket connected to
/// the harness's ROUTER. Requests and replies are single-frame messages.
/// </summary>
/// <remarks>Not thread-safe: one transport, one owner thread.</remarks>
public sealed class ZmqDealerTransport : IFrameTransport
{
    /// <summary>The default ZMQ_MAXMSGSIZE, the protocol's frame limit: 64 MiB.</summary>
    public const long DefaultMaxMessageSize = 64L * 1024 * 1024;

    private readonly ZmqContext _context;
    private readonly ZmqSocket _socket;
    private bool _disposed;

    /// <summary>Creates a context and a DEALER socket connected to <paramref name="endpoint"/>, accepting replies up to <see cref="DefaultMaxMessageSize"/>.</summary>
    /// <param name="endpoint">The harness's endpoint, e.g. <c>ipc:///tmp/dmacosim-1234/sock</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is null or empty.</exception>
    /// <exception cref="ZmqException">libzmq rejected the endpoint or could not create the socket.</exception>
    /// <exception cref="DllNotFoundException">libzmq (libzmq.so.5) is not installed.</exception>
    public ZmqDealerTransport(string endpoint)
        : this(endpoint, DefaultMaxMessageSize)
    {
    }

    /// <summary>Creates a context and a DEALER socket connected to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The harness's endpoint.</param>
    /// <param name="maxMessageSize">The largest reply accepted in bytes (ZMQ_MAXMSGSIZE); -1 for no limit.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessageSize"/> is below -1.</exception>
    /// <exception cref="ZmqException">libzmq rejected the endpoint or could not create the socket.</exception>
    /// <exception cref="DllNotFoundException">libzmq (libzmq.so.5) is not installed.</exception>
    public ZmqDealerTransport(string endpoint, long maxMessageSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, -1);
        Endpoint = endpoint;
        _context = new ZmqContext();
        try
        {
            _socket = new ZmqSocket(_context, ZmqSocketType.Dealer);
            _socket.SetMaxMessageSize(maxMessageSize);
            _socket.Connect(endpoint);
        }
        catch
        {
            _context.Dispose(); // closes the socket too
            throw;
        }
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <summary>Sends one single-frame message.</summary>
    /// <param name="frame">The bytes.</param>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not send.</exception>
    public void Send(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _socket.Send(frame);
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _socket.TrySend(frame);
    }

    /// <summary>
    /// Receives one message, waiting up to <paramref name="timeout"/>. Should a multipart message
    /// arrive, its frames are read and the last one is returned.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="frame">The (last) frame, or empty when this returns false.</param>
    /// <returns>False when nothing arrived in time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not receive.</exception>
    public bool TryReceive(TimeSpan timeout, out byte[] frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        if (!_socket.TryReceive(timeout, out frame, out bool more))
        {
            return false;
        }

        while (more)
        {
            // libzmq delivers the parts of a message together, so the rest is already queued
            TimeSpan left = timeout == Timeout.InfiniteTimeSpan
                ? timeout
                : TimeSpan.FromTicks(Math.Max(0, (timeout - Stopwatch.GetElapsedTime(start)).Ticks));
            if (!_socket.TryReceive(left, out frame, out more))
            {
                frame = [];
                return false;
            }
        }

        return true;
    }

    /// <summary>Closes the socket and terminates the context. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _socket.Dispose();
        _context.Dispose();
    }
}
