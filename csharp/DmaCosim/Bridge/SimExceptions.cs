// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>Error codes of wire protocol v1 (docs/protocol.md), as the harness sends them.</summary>
public enum SimErrorCode
{
    /// <summary>A code this client does not know (a newer harness).</summary>
    Unknown,

    /// <summary>BAD_REQUEST: the frame is not a valid request (MessagePack, fields, types, ranges).</summary>
    BadRequest,

    /// <summary>UNKNOWN_OP: the op name is not served by this harness.</summary>
    UnknownOp,

    /// <summary>BAD_ADDRESS: the address range is outside DRAM, or the register offset is invalid.</summary>
    BadAddress,

    /// <summary>TOO_LARGE: a memory op above the 16 MiB limit.</summary>
    TooLarge,

    /// <summary>BUS_ERROR: the AXI-Lite slave answered SLVERR or DECERR.</summary>
    BusError,

    /// <summary>SIM_ERROR: the simulation itself failed (protocol checker finding, RTL assertion).</summary>
    SimError,

    /// <summary>TIMEOUT: the cycle limit of the request was reached before its event.</summary>
    Timeout,

    /// <summary>DRAM_CAP: a write would have passed the harness's resident DRAM cap (<c>--dram-cap</c>); nothing was written.</summary>
    DramCap,
}

/// <summary>Base of every error the bridge raises; names the op and the endpoint involved.</summary>
public abstract class SimException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="op">The op of the request, or null when no request was involved.</param>
    /// <param name="endpoint">The harness endpoint.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    protected SimException(string message, string? op, string? endpoint, Exception? inner = null)
        : base(message, inner)
    {
        Op = op;
        Endpoint = endpoint;
    }

    /// <summary>The op of the failed request, or null.</summary>
    public string? Op { get; }

    /// <summary>The endpoint of the harness, or null.</summary>
    public string? Endpoint { get; }
}

/// <summary>The harness answered a request with <c>"ok": false</c>.</summary>
public class SimRequestException : SimException
{
    /// <summary>Creates the exception from an error reply.</summary>
    /// <param name="code">The wire code, e.g. <c>BAD_ADDRESS</c>.</param>
    /// <param name="harnessMessage">The harness's message.</param>
    /// <param name="op">The op of the request.</param>
    /// <param name="endpoint">The harness endpoint.</param>
    public SimRequestException(string code, string harnessMessage, string? op, string? endpoint)
        : base($"{op ?? "request"} failed with {code}: {harnessMessage} (harness {endpoint})", op, endpoint)
    {
        Code = code;
        ErrorCode = Parse(code);
        HarnessMessage = harnessMessage;
    }

    /// <summary>The wire code as sent, e.g. <c>BAD_ADDRESS</c>.</summary>
    public string Code { get; }

    /// <summary>The code as an enum (<see cref="SimErrorCode.Unknown"/> for codes this client does not know).</summary>
    public SimErrorCode ErrorCode { get; }

    /// <summary>The harness's own message.</summary>
    public string HarnessMessage { get; }

    /// <summary>Maps a wire code to <see cref="SimErrorCode"/>.</summary>
    /// <param name="code">The wire code.</param>
    /// <returns>The enum value, or <see cref="SimErrorCode.Unknown"/>.</returns>
    public static SimErrorCode Parse(string code) => code switch
    {
        Wire.ErrorCode.BadRequest => SimErrorCode.BadRequest,
        Wire.ErrorCode.UnknownOp => SimErrorCode.UnknownOp,
        Wire.ErrorCode.BadAddress => SimErrorCode.BadAddress,
        Wire.ErrorCode.TooLarge => SimErrorCode.TooLarge,
        Wire.ErrorCode.BusError => SimErrorCode.BusError,
        Wire.ErrorCode.SimError => SimErrorCode.SimError,
        Wire.ErrorCode.Timeout => SimErrorCode.Timeout,
        Wire.ErrorCode.DramCap => SimErrorCode.DramCap,
        _ => SimErrorCode.Unknown,
    };
}

/// <summary>No reply arrived within the wall-clock timeout at the transport edge.</summary>
public sealed class SimTransportTimeoutException : SimException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="op">The op that got no reply.</param>
    /// <param name="endpoint">The harness endpoint.</param>
    /// <param name="timeout">How long the client waited.</param>
    public SimTransportTimeoutException(string op, string endpoint, TimeSpan timeout)
        : base($"no reply to '{op}' from harness {endpoint} within {timeout.TotalSeconds:0.###} s", op, endpoint)
    {
        Timeout = timeout;
    }

    /// <summary>How long the client waited.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>A reply arrived but does not have the shape protocol v1 promises.</summary>
public sealed class SimProtocolException : SimException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the reply.</param>
    /// <param name="op">The op of the request.</param>
    /// <param name="endpoint">The harness endpoint.</param>
    /// <param name="inner">The decoding error, if any.</param>
    public SimProtocolException(string message, string? op, string? endpoint, Exception? inner = null)
        : base(message, op, endpoint, inner)
    {
    }
}

/// <summary>The harness process is gone (exited, crashed or was killed) or the client was closed.</summary>
public sealed class HarnessExitedException : SimException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">How the harness ended: exit code or signal, and its last stderr lines.</param>
    /// <param name="endpoint">The harness endpoint.</param>
    /// <param name="op">The op that was in flight, if any.</param>
    public HarnessExitedException(string message, string? endpoint, string? op = null)
        : base(message, op, endpoint)
    {
    }
}
