// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DmaCosim.Bridge.Zmq;

/// <summary>
/// A libzmq socket (zmq_socket) with the few operations the bridge needs, shaped after NetMQ.
/// Created with ZMQ_LINGER 0, so closing never waits for unsent messages.
/// </summary>
/// <remarks>
/// Not thread-safe: one socket, one owner thread. Every call except <see cref="Dispose"/> must come
/// from the thread that owns the socket. Wall-clock timeouts exist only here, at the transport edge.
/// </remarks>
public sealed unsafe class ZmqSocket : IDisposable
{
    private readonly ZmqContext _context;
    private nint _handle;

    /// <summary>Creates a socket of the given type in <paramref name="context"/>, with ZMQ_LINGER 0.</summary>
    /// <param name="context">The context the socket lives in.</param>
    /// <param name="type">The socket type.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined <see cref="ZmqSocketType"/>.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not create or configure the socket.</exception>
    public ZmqSocket(ZmqContext context, ZmqSocketType type)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a ZeroMQ socket type; allowed are Pair, Pub, Sub, Req, Rep, Dealer and Router.");
        }

        _context = context;
        SocketType = type;
        _handle = context.CreateSocket(this, type);
        try
        {
            SetLinger(TimeSpan.Zero);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The socket type.</summary>
    public ZmqSocketType SocketType { get; }

    /// <summary>The endpoint last bound or connected (ZMQ_LAST_ENDPOINT), with wildcards resolved (tcp://127.0.0.1:* → the port chosen).</summary>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq refused the query.</exception>
    public string LastEndpoint
    {
        get
        {
            nint socket = Handle;
            const int Capacity = 4096;
            byte* buffer = stackalloc byte[Capacity];
            nuint length = Capacity;
            if (LibZmq.zmq_getsockopt(socket, LibZmq.ZMQ_LAST_ENDPOINT, buffer, &length) != 0)
            {
                throw ZmqException.FromErrno("zmq_getsockopt(ZMQ_LAST_ENDPOINT)");
            }

            // length counts the terminating NUL
            int count = (int)length;
            while (count > 0 && buffer[count - 1] == 0)
            {
                count--;
            }

            return Encoding.UTF8.GetString(buffer, count);
        }
    }

    private nint Handle
    {
        get
        {
            nint handle = _handle;
            ObjectDisposedException.ThrowIf(handle == 0, this);
            return handle;
        }
    }

    /// <summary>Connects to an endpoint (zmq_connect), e.g. <c>ipc:///run/x/sock</c>, <c>tcp://127.0.0.1:5555</c>, <c>inproc://name</c>.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq rejected the endpoint; the message names it, e.g. <c>zmq_connect(nonsense): Invalid argument</c>.</exception>
    public void Connect(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (LibZmq.zmq_connect(Handle, endpoint) != 0)
        {
            throw ZmqException.FromErrno($"zmq_connect({endpoint})");
        }
    }

    /// <summary>Binds to an endpoint (zmq_bind); <c>tcp://127.0.0.1:*</c> picks a free port (see <see cref="LastEndpoint"/>).</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not bind; the message names the endpoint, e.g. <c>zmq_bind(ipc:///no/dir/s): No such file or directory</c>.</exception>
    public void Bind(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (LibZmq.zmq_bind(Handle, endpoint) != 0)
        {
            throw ZmqException.FromErrno($"zmq_bind({endpoint})");
        }
    }

    /// <summary>
    /// Sets ZMQ_MAXMSGSIZE: a peer that sends a larger message is disconnected and the message dropped.
    /// </summary>
    /// <param name="bytes">The largest message accepted, in bytes; -1 for no limit.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is below -1.</exception>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq refused the option.</exception>
    public void SetMaxMessageSize(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, -1);
        nint socket = Handle;
        if (LibZmq.zmq_setsockopt(socket, LibZmq.ZMQ_MAXMSGSIZE, &bytes, sizeof(long)) != 0)
        {
            throw ZmqException.FromErrno($"zmq_setsockopt(ZMQ_MAXMSGSIZE, {bytes})");
        }
    }

    /// <summary>Sets ZMQ_LINGER: how long closing waits to deliver unsent messages (0 at creation).</summary>
    /// <param name="linger">The time, rounded up to whole milliseconds; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="linger"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq refused the option.</exception>
    public void SetLinger(TimeSpan linger)
    {
        long milliseconds = ToMilliseconds(linger, nameof(linger));
        if (milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(linger), linger, $"At most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan.");
        }

        int value = (int)milliseconds;
        nint socket = Handle;
        if (LibZmq.zmq_setsockopt(socket, LibZmq.ZMQ_LINGER, &value, sizeof(int)) != 0)
        {
            throw ZmqException.FromErrno($"zmq_setsockopt(ZMQ_LINGER, {value})");
        }
    }

    /// <summary>Sends one frame (zmq_send), blocking until libzmq has queued it; retried when a signal interrupts it.</summary>
    /// <param name="frame">The bytes; may be empty.</param>
    /// <param name="more">True when more frames of the same message follow (ZMQ_SNDMORE).</param>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not send (e.g. the context was shut down: ETERM).</exception>
    public void Send(ReadOnlySpan<byte> frame, bool more = false) => SendCore(frame, more, block: true);

    /// <summary>
    /// Sends one frame if libzmq can queue it now (ZMQ_DONTWAIT): never blocks, e.g. when the high-water
    /// mark is reached or no peer is connected yet.
    /// </summary>
    /// <param name="frame">The bytes; may be empty.</param>
    /// <param name="more">True when more frames of the same message follow (ZMQ_SNDMORE).</param>
    /// <returns>False when the frame could not be queued now (EAGAIN); nothing was sent.</returns>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not send for another reason.</exception>
    public bool TrySend(ReadOnlySpan<byte> frame, bool more = false) => SendCore(frame, more, block: false);

    private bool SendCore(ReadOnlySpan<byte> frame, bool more, bool block)
    {
        nint socket = Handle;
        int flags = (more ? LibZmq.ZMQ_SNDMORE : 0) | (block ? 0 : LibZmq.ZMQ_DONTWAIT);
        byte empty = 0;
        fixed (byte* data = frame)
        {
            // zmq_send copies len bytes from buf; hand it a valid pointer even for an empty frame
            void* buffer = data != null ? data : &empty;
            while (LibZmq.zmq_send(socket, buffer, (nuint)frame.Length, flags) < 0)
            {
                int error = LibZmq.zmq_errno();
                if (!block && error == LibZmq.EAGAIN)
                {
                    return false;
                }

                if (error != LibZmq.EINTR)
                {
                    throw ZmqException.FromErrorNumber($"zmq_send({frame.Length} bytes)", error);
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Receives one frame, waiting up to <paramref name="timeout"/> for it (zmq_poll, resumed with the
    /// time left when a signal interrupts it).
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> only takes what is queued; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="frame">The frame's bytes (a new array), or empty when this returns false.</param>
    /// <param name="more">True when more frames of the same message follow (ZMQ_RCVMORE).</param>
    /// <returns>False when nothing arrived within <paramref name="timeout"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not receive (e.g. the context was shut down: ETERM).</exception>
    public bool TryReceive(TimeSpan timeout, out byte[] frame, out bool more)
    {
        long milliseconds = ToMilliseconds(timeout, nameof(timeout));
        nint socket = Handle;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            if (TryReceiveNow(socket, out frame, out more))
            {
                return true;
            }

            if (!PollIn(socket, Remaining(milliseconds, start)))
            {
                return false;
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a frame to be readable (zmq_poll with ZMQ_POLLIN), without receiving it.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>True when a frame can be received now.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="ObjectDisposedException">The socket has been disposed.</exception>
    /// <exception cref="ZmqException">libzmq could not poll.</exception>
    public bool Poll(TimeSpan timeout) => PollIn(Handle, ToMilliseconds(timeout, nameof(timeout)));

    /// <summary>Closes the socket (zmq_close). Idempotent.</summary>
    public void Dispose()
    {
        nint handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            _ = LibZmq.zmq_close(handle);
            _context.Forget(this);
        }
    }

    /// <summary>Converts a timeout to whole milliseconds, rounded up; -1 for <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    private static long ToMilliseconds(TimeSpan timeout, string parameterName)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(parameterName, timeout, "Must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        return (long)Math.Ceiling(timeout.TotalMilliseconds);
    }

    /// <summary>The milliseconds left of <paramref name="total"/> since <paramref name="start"/>; -1 stays infinite.</summary>
    private static long Remaining(long total, long start)
    {
        if (total < 0)
        {
            return -1;
        }

        long elapsed = (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return Math.Max(0, total - elapsed);
    }

    /// <summary>zmq_poll for ZMQ_POLLIN, resumed with the time left after EINTR.</summary>
    private static bool PollIn(nint socket, long milliseconds)
    {
        long start = Stopwatch.GetTimestamp();
        long wait = milliseconds;
        while (true)
        {
            var item = new ZmqPollItem { Socket = socket, Events = LibZmq.ZMQ_POLLIN };
            int ready = LibZmq.zmq_poll(&item, 1, new CLong((nint)wait));
            if (ready >= 0)
            {
                return ready > 0 && (item.Revents & LibZmq.ZMQ_POLLIN) != 0;
            }

            int error = LibZmq.zmq_errno();
            if (error != LibZmq.EINTR)
            {
                throw ZmqException.FromErrorNumber("zmq_poll", error);
            }

            wait = Remaining(milliseconds, start);
        }
    }

    /// <summary>One non-blocking zmq_msg_recv into a stack-allocated zmq_msg_t; false when nothing is queued.</summary>
    private static bool TryReceiveNow(nint socket, out byte[] frame, out bool more)
    {
        ZmqMsg message = default;
        _ = LibZmq.zmq_msg_init(&message);
        try
        {
            while (LibZmq.zmq_msg_recv(&message, socket, LibZmq.ZMQ_DONTWAIT) < 0)
            {
                int error = LibZmq.zmq_errno();
                if (error == LibZmq.EAGAIN)
                {
                    frame = [];
                    more = false;
                    return false;
                }

                if (error != LibZmq.EINTR)
                {
                    throw ZmqException.FromErrorNumber("zmq_msg_recv", error);
                }
            }

            int size = checked((int)LibZmq.zmq_msg_size(&message));
            frame = size == 0 ? [] : new ReadOnlySpan<byte>(LibZmq.zmq_msg_data(&message), size).ToArray();
            more = LibZmq.zmq_msg_more(&message) != 0;
            return true;
        }
        finally
        {
            _ = LibZmq.zmq_msg_close(&message);
        }
    }
}
