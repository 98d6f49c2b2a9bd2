// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using System.Runtime.InteropServices;

namespace DmaCosim.Bridge.Zmq;

/// <summary>
/// The libzmq C API, imported with <see cref="LibraryImportAttribute"/> (blittable signatures only).
/// The library name "zmq" is resolved to <c>libzmq.so.5</c> (Debian's libzmq5 ships no unversioned
/// .so without the -dev package), then <c>libzmq.so</c>, then <c>zmq</c>.
/// </summary>
internal static unsafe partial class LibZmq
{
    internal const string LibraryName = "zmq";

    // zmq.h
    internal const int ZMQ_RCVMORE = 13;
    internal const int ZMQ_LINGER = 17;
    internal const int ZMQ_MAXMSGSIZE = 22;
    internal const int ZMQ_LAST_ENDPOINT = 32;
    internal const int ZMQ_DONTWAIT = 1;
    internal const int ZMQ_SNDMORE = 2;
    internal const short ZMQ_POLLIN = 1;
    internal const short ZMQ_POLLOUT = 2;

    // errno values libzmq reports on Linux (asm-generic/errno-base.h) and its own (zmq.h)
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int EINVAL = 22;
    internal const int ZMQ_HAUSNUMERO = 156384712;
    internal const int ETERM = ZMQ_HAUSNUMERO + 53;

    private static readonly string[] Candidates = ["libzmq.so.5", "libzmq.so", "libzmq.5.dylib", "libzmq", "zmq"];

    static LibZmq() => NativeLibrary.SetDllImportResolver(typeof(LibZmq).Assembly, Resolve);

    [LibraryImport(LibraryName)]
    internal static partial nint zmq_ctx_new();

    [LibraryImport(LibraryName)]
    internal static partial int zmq_ctx_term(nint context);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_ctx_shutdown(nint context);

    [LibraryImport(LibraryName)]
    internal static partial nint zmq_socket(nint context, int type);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_close(nint socket);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_setsockopt(nint socket, int option, void* value, nuint length);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_getsockopt(nint socket, int option, void* value, nuint* length);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_bind(nint socket, string endpoint);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_connect(nint socket, string endpoint);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_send(nint socket, void* buffer, nuint length, int flags);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_msg_init(ZmqMsg* message);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_msg_recv(ZmqMsg* message, nint socket, int flags);

    [LibraryImport(LibraryName)]
    internal static partial void* zmq_msg_data(ZmqMsg* message);

    [LibraryImport(LibraryName)]
    internal static partial nuint zmq_msg_size(ZmqMsg* message);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_msg_close(ZmqMsg* message);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_msg_more(ZmqMsg* message);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_poll(ZmqPollItem* items, int count, CLong timeoutMilliseconds);

    [LibraryImport(LibraryName)]
    internal static partial int zmq_errno();

    [LibraryImport(LibraryName)]
    internal static partial byte* zmq_strerror(int errorNumber);

    [LibraryImport(LibraryName)]
    internal static partial void zmq_version(int* major, int* minor, int* patch);

    /// <summary>libzmq's message for an error number ("No such file or directory").</summary>
    internal static string StrError(int errorNumber) =>
        Marshal.PtrToStringUTF8((nint)zmq_strerror(errorNumber)) ?? $"error {errorNumber}";

    /// <summary>The version of the loaded libzmq.</summary>
    internal static Version Version()
    {
        int major, minor, patch;
        zmq_version(&major, &minor, &patch);
        return new Version(major, minor, patch);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return 0;
        }

        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out nint handle))
            {
                return handle;
            }
        }

        return 0;
    }
}

/// <summary>zmq_msg_t: 64 opaque bytes, 8-byte aligned. Lives on the stack while in use.</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal unsafe struct ZmqMsg
{
    private fixed ulong _opaque[8];
}

/// <summary>zmq_pollitem_t on POSIX (the fd member is an int).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZmqPollItem
{
    internal nint Socket;
    internal int Fd;
    internal short Events;
    internal short Revents;
}
