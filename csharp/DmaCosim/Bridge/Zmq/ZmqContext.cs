// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.Zmq;

/// <summary>
/// A libzmq context (zmq_ctx_new): the I/O threads behind a set of sockets, and the scope of
/// <c>inproc://</c> endpoints.
/// </summary>
/// <remarks>
/// <see cref="Dispose"/> is safe with sockets still open: it shuts the context down
/// (zmq_ctx_shutdown), closes the sockets created in it that are still open, then terminates it
/// (zmq_ctx_term), which would otherwise wait for them forever. Dispose the context on the thread
/// that owns its sockets, or after their owner threads have stopped using them.
/// </remarks>
public sealed class ZmqContext : IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<ZmqSocket> _sockets = [];
    private nint _handle;

    /// <summary>Creates a context (zmq_ctx_new).</summary>
    /// <exception cref="ZmqException">libzmq could not create the context.</exception>
    /// <exception cref="DllNotFoundException">libzmq (libzmq.so.5) is not installed.</exception>
    public ZmqContext()
    {
        _handle = LibZmq.zmq_ctx_new();
        if (_handle == 0)
        {
            throw ZmqException.FromErrno("zmq_ctx_new");
        }
    }

    /// <summary>The version of the loaded libzmq (zmq_version), e.g. 4.3.4.</summary>
    /// <exception cref="DllNotFoundException">libzmq (libzmq.so.5) is not installed.</exception>
    public static Version LibraryVersion => LibZmq.Version();

    /// <summary>Creates a socket in this context and remembers it, so <see cref="Dispose"/> can close it.</summary>
    internal nint CreateSocket(ZmqSocket owner, ZmqSocketType type)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            nint socket = LibZmq.zmq_socket(_handle, (int)type);
            if (socket == 0)
            {
                throw ZmqException.FromErrno($"zmq_socket({type})");
            }

            _sockets.Add(owner);
            return socket;
        }
    }

    /// <summary>Forgets a socket that has been closed.</summary>
    internal void Forget(ZmqSocket socket)
    {
        lock (_gate)
        {
            _sockets.Remove(socket);
        }
    }

    /// <summary>
    /// Shuts the context down, closes the sockets still open in it and terminates it. Idempotent.
    /// </summary>
    public void Dispose()
    {
        nint handle;
        ZmqSocket[] open;
        lock (_gate)
        {
            handle = _handle;
            if (handle == 0)
            {
                return;
            }

            _handle = 0;
            open = [.. _sockets];
            _sockets.Clear();
        }

        _ = LibZmq.zmq_ctx_shutdown(handle);
        foreach (ZmqSocket socket in open)
        {
            socket.Dispose();
        }

        while (LibZmq.zmq_ctx_term(handle) != 0 && LibZmq.zmq_errno() == LibZmq.EINTR)
        {
            // interrupted by a signal: zmq_ctx_term must be called again
        }
    }
}
