// SPDX-License-Identifier: Apache-2.0
using DmaCosim.Bridge.Zmq;
using Xunit;

namespace DmaCosim.Tests.Zmq;

public sealed class ZmqSocketTests : IDisposable
{
    private const int OneMiB = 1024 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);

    private readonly ZmqContext _context = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dmacosim-zmq-");

    public void Dispose()
    {
        _context.Dispose();
        _directory.Delete(recursive: true);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(OneMiB)]
    public void Send_DealerToRouterOverInproc_RouterReceivesIdentityThenFrame(int size)
    {
        (ZmqSocket router, ZmqSocket dealer) = Pair(InprocEndpoint());
        byte[] frame = Pattern(size);

        dealer.Send(frame);
        (_, byte[] received) = ReceiveAtRouter(router);

        Assert.Equal(frame, received);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(OneMiB)]
    public void Send_RouterReplyOverInproc_DealerReceivesFrame(int size)
    {
        (ZmqSocket router, ZmqSocket dealer) = Pair(InprocEndpoint());
        dealer.Send("ping"u8);
        (byte[] identity, _) = ReceiveAtRouter(router);
        byte[] reply = Pattern(size);

        router.Send(identity, more: true);
        router.Send(reply);

        Assert.True(dealer.TryReceive(Wait, out byte[] received, out bool more));
        Assert.False(more);
        Assert.Equal(reply, received);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(OneMiB)]
    public void SendAndReply_OverIpc_FramesArriveIntact(int size)
    {
        (ZmqSocket router, ZmqSocket dealer) = Pair(IpcEndpoint());
        byte[] frame = Pattern(size);

        dealer.Send(frame);
        (byte[] identity, byte[] request) = ReceiveAtRouter(router);
        router.Send(identity, more: true);
        router.Send(request);

        Assert.True(dealer.TryReceive(Wait, out byte[] reply, out _));
        Assert.Equal(frame, reply);
    }

    [Fact]
    public void Send_MultipartMessage_ReceiverSeesMoreOnAllButTheLastFrame()
    {
        (ZmqSocket router, ZmqSocket dealer) = Pair(InprocEndpoint());

        dealer.Send("a"u8, more: true);
        dealer.Send("b"u8);

        Assert.True(router.TryReceive(Wait, out _, out bool more));
        Assert.True(more);
        Assert.True(router.TryReceive(Wait, out byte[] first, out more));
        Assert.True(more);
        Assert.True(router.TryReceive(Wait, out byte[] second, out more));
        Assert.False(more);
        byte[] joined = [.. first, .. second];
        Assert.Equal("ab"u8.ToArray(), joined);
    }

    [Fact]
    public void TryReceive_NothingSent_ReturnsFalseAfterTimeout()
    {
        (_, ZmqSocket dealer) = Pair(InprocEndpoint());

        Assert.False(dealer.TryReceive(Short, out byte[] frame, out bool more));
        Assert.Empty(frame);
        Assert.False(more);
    }

    [Fact]
    public void TryReceive_ZeroTimeoutAndNothingQueued_ReturnsFalse()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        Assert.False(socket.TryReceive(TimeSpan.Zero, out _, out _));
    }

    [Fact]
    public void TryReceive_NegativeTimeout_ThrowsArgumentOutOfRange()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        Assert.Throws<ArgumentOutOfRangeException>(() => socket.TryReceive(TimeSpan.FromSeconds(-2), out _, out _));
    }

    [Fact]
    public void Poll_FrameQueued_ReturnsTrueWithoutConsumingIt()
    {
        (ZmqSocket router, ZmqSocket dealer) = Pair(InprocEndpoint());
        dealer.Send("x"u8);

        Assert.True(router.Poll(Wait));
        Assert.True(router.TryReceive(TimeSpan.Zero, out _, out bool more));
        Assert.True(more);
    }

    [Fact]
    public void Poll_NothingQueued_ReturnsFalse()
    {
        (ZmqSocket router, _) = Pair(InprocEndpoint());

        Assert.False(router.Poll(Short));
    }

    [Fact]
    public void Connect_MalformedEndpoint_ThrowsZmqExceptionNamingTheEndpoint()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        ZmqException ex = Assert.Throws<ZmqException>(() => socket.Connect("nonsense"));

        Assert.Equal("zmq_connect(nonsense): Invalid argument", ex.Message);
        Assert.Equal(LibZmq.EINVAL, ex.ErrorNumber);
    }

    [Fact]
    public void Connect_EmptyEndpoint_ThrowsArgumentException()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        Assert.Throws<ArgumentException>(() => socket.Connect(""));
    }

    [Fact]
    public void Bind_IpcPathInMissingDirectory_ThrowsZmqExceptionNamingTheEndpoint()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Router);
        string endpoint = $"ipc://{_directory.FullName}/missing/sock";

        ZmqException ex = Assert.Throws<ZmqException>(() => socket.Bind(endpoint));

        Assert.Equal($"zmq_bind({endpoint}): No such file or directory", ex.Message);
    }

    [Fact]
    public void Bind_EndpointAlreadyBound_ThrowsZmqException()
    {
        string endpoint = InprocEndpoint();
        using var first = new ZmqSocket(_context, ZmqSocketType.Router);
        using var second = new ZmqSocket(_context, ZmqSocketType.Router);
        first.Bind(endpoint);

        ZmqException ex = Assert.Throws<ZmqException>(() => second.Bind(endpoint));

        Assert.StartsWith($"zmq_bind({endpoint}): ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LastEndpoint_AfterBindToTcpWildcard_NamesTheChosenPort()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Router);

        socket.Bind("tcp://127.0.0.1:*");

        Assert.Matches(@"^tcp://127\.0\.0\.1:[1-9][0-9]*$", socket.LastEndpoint);
    }

    [Fact]
    public void LastEndpoint_AfterBindToIpc_IsThatEndpoint()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Router);
        string endpoint = IpcEndpoint();

        socket.Bind(endpoint);

        Assert.Equal(endpoint, socket.LastEndpoint);
    }

    [Fact]
    public void SetMaxMessageSize_LargerIncomingFrame_IsDropped()
    {
        string endpoint = IpcEndpoint();
        using var router = new ZmqSocket(_context, ZmqSocketType.Router);
        router.SetMaxMessageSize(1024);
        router.Bind(endpoint);
        using var dealer = new ZmqSocket(_context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);

        dealer.Send(new byte[4096]);

        Assert.False(router.TryReceive(TimeSpan.FromMilliseconds(300), out _, out _));
    }

    [Fact]
    public void SetMaxMessageSize_FrameAtTheLimit_IsDelivered()
    {
        string endpoint = IpcEndpoint();
        using var router = new ZmqSocket(_context, ZmqSocketType.Router);
        router.SetMaxMessageSize(1024);
        router.Bind(endpoint);
        using var dealer = new ZmqSocket(_context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);

        dealer.Send(new byte[1024]);

        Assert.Equal(1024, ReceiveAtRouter(router).Payload.Length);
    }

    [Fact]
    public void SetMaxMessageSize_BelowMinusOne_ThrowsArgumentOutOfRange()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        Assert.Throws<ArgumentOutOfRangeException>(() => socket.SetMaxMessageSize(-2));
    }

    [Fact]
    public void SetLinger_NegativeTime_ThrowsArgumentOutOfRange()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        Assert.Throws<ArgumentOutOfRangeException>(() => socket.SetLinger(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void SetLinger_Infinite_IsAccepted()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        socket.SetLinger(Timeout.InfiniteTimeSpan);
        socket.SetLinger(TimeSpan.Zero); // leave it closable without waiting
    }

    [Fact]
    public void SocketType_AfterConstruction_IsTheRequestedType()
    {
        using var socket = new ZmqSocket(_context, ZmqSocketType.Router);

        Assert.Equal(ZmqSocketType.Router, socket.SocketType);
    }

    [Fact]
    public void Constructor_UndefinedSocketType_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZmqSocket(_context, (ZmqSocketType)42));

    [Fact]
    public void Constructor_NullContext_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new ZmqSocket(null!, ZmqSocketType.Dealer));

    [Fact]
    public void Constructor_DisposedContext_ThrowsObjectDisposedException()
    {
        var context = new ZmqContext();
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(() => new ZmqSocket(context, ZmqSocketType.Dealer));
    }

    [Theory]
    [InlineData("Send")]
    [InlineData("TryReceive")]
    [InlineData("Poll")]
    [InlineData("Connect")]
    [InlineData("Bind")]
    [InlineData("LastEndpoint")]
    [InlineData("SetLinger")]
    [InlineData("SetMaxMessageSize")]
    public void Member_AfterDispose_ThrowsObjectDisposedException(string member)
    {
        var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);
        socket.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Use(socket, member));
    }

    [Fact]
    public void Dispose_Twice_DoesNotThrow()
    {
        var socket = new ZmqSocket(_context, ZmqSocketType.Dealer);

        socket.Dispose();
        socket.Dispose();
    }

    [Fact]
    public async Task ContextDispose_SocketStillOpen_ReturnsAndClosesTheSocket()
    {
        var context = new ZmqContext();
        var socket = new ZmqSocket(context, ZmqSocketType.Dealer);
        socket.Connect(InprocEndpoint());
        socket.Send("queued"u8);

        CancellationToken cancel = TestContext.Current.CancellationToken;
        Task dispose = Task.Run(context.Dispose, cancel);
        Task first = await Task.WhenAny(dispose, Task.Delay(Wait, cancel));

        Assert.True(first == dispose, "ZmqContext.Dispose hung with a socket open");
        Assert.Throws<ObjectDisposedException>(() => socket.Send("x"u8));
    }

    [Fact]
    public void ContextDispose_Twice_DoesNotThrow()
    {
        var context = new ZmqContext();

        context.Dispose();
        context.Dispose();
    }

    private static void Use(ZmqSocket socket, string member)
    {
        switch (member)
        {
            case "Send": socket.Send("x"u8); break;
            case "TryReceive": socket.TryReceive(TimeSpan.Zero, out _, out _); break;
            case "Poll": socket.Poll(TimeSpan.Zero); break;
            case "Connect": socket.Connect("inproc://x"); break;
            case "Bind": socket.Bind("inproc://x"); break;
            case "LastEndpoint": _ = socket.LastEndpoint; break;
            case "SetLinger": socket.SetLinger(TimeSpan.Zero); break;
            case "SetMaxMessageSize": socket.SetMaxMessageSize(1); break;
            default: throw new ArgumentOutOfRangeException(nameof(member), member, "unknown member");
        }
    }

    private static (byte[] Identity, byte[] Payload) ReceiveAtRouter(ZmqSocket router)
    {
        Assert.True(router.TryReceive(Wait, out byte[] identity, out bool more), "no identity frame");
        Assert.True(more);
        Assert.True(router.TryReceive(Wait, out byte[] payload, out more), "no payload frame");
        Assert.False(more);
        return (identity, payload);
    }

    private static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    private static string InprocEndpoint() => $"inproc://zmq-test-{Guid.NewGuid():N}";

    private string IpcEndpoint() => $"ipc://{_directory.FullName}/{Guid.NewGuid():N}";

    /// <summary>A ROUTER bound to and a DEALER connected to <paramref name="endpoint"/>, both closed with the context.</summary>
    private (ZmqSocket Router, ZmqSocket Dealer) Pair(string endpoint)
    {
        var router = new ZmqSocket(_context, ZmqSocketType.Router);
        router.Bind(endpoint);
        var dealer = new ZmqSocket(_context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);
        return (router, dealer);
    }
}
