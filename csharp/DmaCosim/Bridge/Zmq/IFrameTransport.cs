// SPDX-License-Identifier: Apache-2.0
namespace DmaCosim.Bridge.Zmq;

/// <summary>
/// The narrow seam between the bridge and its message transport: whole frames out, whole frames in.
/// <see cref="ZmqDealerTransport"/> implements it over libzmq; a NetMQ implementation could replace it.
/// </summary>
/// <remarks>Implementations are not thread-safe: one transport, one owner thread.</remarks>
public interface IFrameTransport : IDisposable
{
    /// <summary>The endpoint the transport talks to, as given when it was created.</summary>
    string Endpoint { get; }

    /// <summary>Sends one frame.</summary>
    /// <param name="frame">The bytes.</param>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    /// <exception cref="IOException">The transport could not send.</exception>
    void Send(ReadOnlySpan<byte> frame);

    /// <summary>Sends one frame if that can be done without blocking.</summary>
    /// <param name="frame">The bytes.</param>
    /// <returns>False when the frame cannot be queued now (the peer is slow or absent); nothing was sent.</returns>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    /// <exception cref="IOException">The transport could not send for another reason.</exception>
    bool TrySend(ReadOnlySpan<byte> frame);

    /// <summary>Receives one frame, waiting up to <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait (wall clock); <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="frame">The frame, or empty when this returns false.</param>
    /// <returns>False when nothing arrived in time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    /// <exception cref="IOException">The transport could not receive.</exception>
    bool TryReceive(TimeSpan timeout, out byte[] frame);
}
