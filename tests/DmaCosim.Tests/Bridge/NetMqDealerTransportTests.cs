// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using NetMQ;
using NetMQ.Sockets;

namespace DmaCosim.Tests.Bridge;

/// <summary>
/// The transport's wait: it ends on a reply or on <see cref="NetMqDealerTransport.Wake"/> from another thread,
/// and a wake is consumed by the wait it ended (the next wait still sees the reply that comes later).
/// Against a ROUTER socket in this process; no wall-clock bound is asserted, only that the waits end.
/// </summary>
public sealed class NetMqDealerTransportTests : IDisposable
{
    // Far above any wait here: only a transport that never ends its wait reaches it.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly RouterSocket _router = new();
    private readonly string _endpoint;

    public NetMqDealerTransportTests()
    {
        _router.Options.Linger = TimeSpan.Zero;
        _endpoint = $"tcp://127.0.0.1:{_router.BindRandomPort("tcp://127.0.0.1")}";
    }

    [Fact]
    public void TryReceive_WokenThenAnswered_EndsTheFirstWaitEmptyAndTheSecondWithTheReply()
    {
        using var transport = new NetMqDealerTransport(_endpoint, null);

        var woken = Wait(transport, () => transport.Wake());
        Assert.False(woken.Received, "a wake ended the wait with a frame");

        // The wake was consumed: this wait ends on the reply, not on a leftover wake.
        Assert.True(transport.TrySend([0xA1]));
        var request = _router.ReceiveMultipartMessage();
        var answered = Wait(transport, () => _router.SendMoreFrame(request[0].Buffer).SendFrame([0xA2]));
        Assert.True(answered.Received, "the reply did not end the wait");
        Assert.Equal(new byte[] { 0xA2 }, answered.Frame);
    }

    public void Dispose() => _router.Dispose();

    /// <summary>Runs an infinite <see cref="NetMqDealerTransport.TryReceive"/> on another thread, then <paramref name="end"/> here.</summary>
    private static (bool Received, byte[] Frame) Wait(NetMqDealerTransport transport, Action end)
    {
        var started = new ManualResetEventSlim();
        (bool Received, byte[] Frame) result = default;
        var thread = new Thread(() =>
        {
            started.Set();
            var received = transport.TryReceive(Timeout.InfiniteTimeSpan, out var frame);
            result = (received, frame);
        }) { IsBackground = true };
        thread.Start();
        Assert.True(started.Wait(Hang));
        Thread.Sleep(50); // most likely inside the wait by now; a wake or reply before it is not lost either
        end();
        Assert.True(thread.Join(Hang), "the wait did not end");
        return result;
    }
}
