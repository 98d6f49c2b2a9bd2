// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.Zmq;

/// <summary>ZeroMQ socket types; the values are those of zmq.h.</summary>
public enum ZmqSocketType
{
    /// <summary>ZMQ_PAIR: exclusive pair.</summary>
    Pair = 0,

    /// <summary>ZMQ_PUB: publisher.</summary>
    Pub = 1,

    /// <summary>ZMQ_SUB: subscriber.</summary>
    Sub = 2,

    /// <summary>ZMQ_REQ: strict request/reply client.</summary>
    Req = 3,

    /// <summary>ZMQ_REP: strict request/reply server.</summary>
    Rep = 4,

    /// <summary>ZMQ_DEALER: asynchronous client (what the driver side uses).</summary>
    Dealer = 5,

    /// <summary>ZMQ_ROUTER: asynchronous server, prefixes each message with the peer's identity frame (what the harness uses).</summary>
    Router = 6,
}
