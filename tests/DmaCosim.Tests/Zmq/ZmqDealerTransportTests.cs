// SPDX-License-Identifier: Apache-2.0
using DmaCosim.Bridge.Zmq;
using Xunit;

namespace DmaCosim.Tests.Zmq;

public sealed class ZmqDealerTransportTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dmacosim-zmq-");
    private readonly ZmqContext _harnessContext = new();
    private readonly ZmqSocket _router;
    private readonly string _endpoint;

    public ZmqDealerTransportTests()
    {
        _endpoint = $"ipc://{_directory.FullName}/harness";
        _router = new ZmqSocket(_harnessContext, ZmqSocketType.Router);
        _router.Bind(_endpoint);
    }

    public void Dispose()
    {
        _router.Dispose();
        _harnessContext.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void SendThenTryReceive_RouterReplies_ReturnsTheReply()
    {
        using var transport = new ZmqDealerTransport(_endpoint);

        transport.Send("request"u8);
        byte[] identity = ReceiveRequest(out byte[] request);
        Reply(identity, "reply"u8.ToArray());

        Assert.Equal("request"u8.ToArray(), request);
        Assert.True(transport.TryReceive(Wait, out byte[] reply));
        Assert.Equal("reply"u8.ToArray(), reply);
    }

    [Fact]
    public void TryReceive_MultipartReply_ReturnsTheLastFrame()
    {
        using var transport = new ZmqDealerTransport(_endpoint);
        transport.Send("request"u8);
        byte[] identity = ReceiveRequest(out _);

        Reply(identity, [], "last"u8.ToArray());

        Assert.True(transport.TryReceive(Wait, out byte[] reply));
        Assert.Equal("last"u8.ToArray(), reply);
    }

    [Fact]
    public void TryReceive_NoReply_ReturnsFalse()
    {
        using var transport = new ZmqDealerTransport(_endpoint);

        Assert.False(transport.TryReceive(TimeSpan.FromMilliseconds(50), out byte[] frame));
        Assert.Empty(frame);
    }

    [Fact]
    public void SendThenTryReceive_OneMiBFramesOverTcp_RoundTrip()
    {
        using var router = new ZmqSocket(_harnessContext, ZmqSocketType.Router);
        router.Bind("tcp://127.0.0.1:*");
        using var transport = new ZmqDealerTransport(router.LastEndpoint);
        byte[] frame = new byte[1024 * 1024];
        new Random(7).NextBytes(frame);

        transport.Send(frame);
        Assert.True(router.TryReceive(Wait, out byte[] identity, out _));
        Assert.True(router.TryReceive(Wait, out byte[] request, out _));
        router.Send(identity, more: true);
        router.Send(request);

        Assert.True(transport.TryReceive(Wait, out byte[] reply));
        Assert.Equal(frame, reply);
    }

    [Fact]
    public void TryReceive_ReplyLargerThanMaxMessageSize_IsDropped()
    {
        using var transport = new ZmqDealerTransport(_endpoint, maxMessageSize: 1024);
        transport.Send("request"u8);
        byte[] identity = ReceiveRequest(out _);

        Reply(identity, new byte[4096]);

        Assert.False(transport.TryReceive(TimeSpan.FromMilliseconds(300), out _));
    }

    [Fact]
    public void Endpoint_AfterConstruction_IsTheGivenEndpoint()
    {
        using var transport = new ZmqDealerTransport(_endpoint);

        Assert.Equal(_endpoint, transport.Endpoint);
    }

    [Fact]
    public void Constructor_MalformedEndpoint_ThrowsZmqExceptionNamingTheEndpoint()
    {
        ZmqException ex = Assert.Throws<ZmqException>(() => new ZmqDealerTransport("nonsense"));

        Assert.Contains("nonsense", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyEndpoint_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new ZmqDealerTransport(""));

    [Fact]
    public void Send_AfterDispose_ThrowsObjectDisposedException()
    {
        var transport = new ZmqDealerTransport(_endpoint);
        transport.Dispose();

        Assert.Throws<ObjectDisposedException>(() => transport.Send("x"u8));
    }

    [Fact]
    public void TryReceive_AfterDispose_ThrowsObjectDisposedException()
    {
        var transport = new ZmqDealerTransport(_endpoint);
        transport.Dispose();

        Assert.Throws<ObjectDisposedException>(() => transport.TryReceive(TimeSpan.Zero, out _));
    }

    [Fact]
    public void Dispose_Twice_DoesNotThrow()
    {
        var transport = new ZmqDealerTransport(_endpoint);

        transport.Dispose();
        transport.Dispose();
    }

    private byte[] ReceiveRequest(out byte[] request)
    {
        Assert.True(_router.TryReceive(Wait, out byte[] identity, out bool more), "no request");
        Assert.True(more);
        Assert.True(_router.TryReceive(Wait, out request, out more));
        Assert.False(more);
        return identity;
    }

    private void Reply(byte[] identity, params byte[][] frames)
    {
        _router.Send(identity, more: true);
        for (int i = 0; i < frames.Length; i++)
        {
            _router.Send(frames[i], more: i < frames.Length - 1);
        }
    }
}
