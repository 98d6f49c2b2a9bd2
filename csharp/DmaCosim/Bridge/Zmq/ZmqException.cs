// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.Zmq;

/// <summary>
/// A libzmq call failed. The message names the call and its argument and carries libzmq's text,
/// for example <c>zmq_connect(ipc:///x): No such file or directory</c>.
/// </summary>
public sealed class ZmqException : IOException
{
    /// <summary>Creates an exception with a default message and no error number.</summary>
    public ZmqException()
        : base("libzmq call failed")
    {
    }

    /// <summary>Creates an exception with the given message and no error number.</summary>
    /// <param name="message">What failed.</param>
    public ZmqException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause, and no error number.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ZmqException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a libzmq error number.</summary>
    /// <param name="message">What failed, including libzmq's text for the error.</param>
    /// <param name="errorNumber">The errno libzmq reported (zmq_errno).</param>
    public ZmqException(string message, int errorNumber)
        : base(message)
    {
        ErrorNumber = errorNumber;
    }

    /// <summary>The errno libzmq reported (zmq_errno), e.g. 22 (EINVAL); 0 when none.</summary>
    public int ErrorNumber { get; }

    /// <summary>Builds the exception for the last libzmq error of this thread.</summary>
    /// <param name="operation">The call and its argument, e.g. "zmq_connect(ipc:///x)".</param>
    internal static ZmqException FromErrno(string operation) => FromErrorNumber(operation, LibZmq.zmq_errno());

    /// <summary>Builds the exception for a libzmq error number.</summary>
    internal static ZmqException FromErrorNumber(string operation, int errorNumber) =>
        new($"{operation}: {LibZmq.StrError(errorNumber)}", errorNumber);
}
