// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;
using MessagePack;
using NetMQ;
using NetMQ.Sockets;

namespace DmaCosim.Tests.Bridge;

/// <summary>
/// The client's own logic (id matching, error mapping, timeouts, failure) against a scripted ROUTER
/// socket in this process. The harness itself is exercised in DmaCosim.Cosim.Tests.
/// </summary>
public sealed class SimClientTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Far above any wait here: only a transport that never ends its wait reaches it.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly RouterSocket _router = new();
    private readonly string _endpoint;

    public SimClientTests()
    {
        _router.Options.Linger = TimeSpan.Zero;
        _endpoint = $"tcp://127.0.0.1:{_router.BindRandomPort("tcp://127.0.0.1")}";
    }

    [Fact]
    public async Task RequestAsync_OkReply_ReturnsItsFields()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var reply = client.RequestAsync("run", new Dictionary<string, object?> { ["cycles"] = 5 }, cancellationToken: Ct);

        var (envelope, request) = Receive();
        Reply(envelope, ("id", request["id"]), ("ok", true), ("cycle", 42L));

        Assert.Equal("run", request["op"]);
        Assert.Equal(5L, request["cycles"]);
        Assert.Equal(42UL, (await reply).GetUInt64("cycle"));
    }

    [Fact]
    public async Task RequestAsync_ErrorReply_ThrowsWithCodeAndMessage()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var reply = client.RequestAsync("mem_read", cancellationToken: Ct);

        var (envelope, request) = Receive();
        Reply(envelope, ("id", request["id"]), ("ok", false),
            ("error", new Dictionary<string, object?> { ["code"] = "BAD_ADDRESS", ["message"] = "outside DRAM" }));

        var error = await Assert.ThrowsAsync<SimRequestException>(() => reply);
        Assert.Equal(SimErrorCode.BadAddress, error.ErrorCode);
        Assert.Equal("outside DRAM", error.HarnessMessage);
        Assert.Equal("mem_read", error.Op);
    }

    [Fact]
    public async Task RequestAsync_RepliesInReverseOrder_EachMatchedByItsId()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var first = client.RequestAsync("run", cancellationToken: Ct);
        var second = client.RequestAsync("run", cancellationToken: Ct);

        var (envelope1, request1) = Receive();
        var (envelope2, request2) = Receive();
        Reply(envelope2, ("id", request2["id"]), ("ok", true), ("cycle", 2L));
        Reply(envelope1, ("id", request1["id"]), ("ok", true), ("cycle", 1L));

        Assert.Equal(1UL, (await first).GetUInt64("cycle"));
        Assert.Equal(2UL, (await second).GetUInt64("cycle"));
    }

    [Fact]
    public async Task RequestAsync_NoReply_TimesOutNamingOpAndEndpoint()
    {
        using var client = SimClient.Connect(_endpoint, null, new SimClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });

        var error = await Assert.ThrowsAsync<SimTransportTimeoutException>(() => client.RequestAsync("hello", cancellationToken: Ct));

        Assert.Contains("'hello'", error.Message, StringComparison.Ordinal);
        Assert.Contains(_endpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunUntilAsync_NoReply_TimeoutGrowsWithTheCycleBudget()
    {
        var options = new SimClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(100), MinCyclesPerSecond = 1_000 };
        using var client = SimClient.Connect(_endpoint, null, options);

        var error = await Assert.ThrowsAsync<SimTransportTimeoutException>(() => client.RunUntilAsync(SimEvent.Irq, 150, Ct));

        Assert.Contains("'run_until'", error.Message, StringComparison.Ordinal);
        Assert.Contains("within 0.25 s", error.Message, StringComparison.Ordinal); // 0.1 s + 150 cycles at 1000 cycles/s
    }

    [Fact]
    public void TimeoutFor_CyclesAtTheSlowestRate_AddedToTheRequestTimeoutAndCapped()
    {
        var options = new SimClientOptions();

        Assert.Equal(TimeSpan.FromSeconds(60), options.TimeoutFor(0));
        Assert.Equal(TimeSpan.FromSeconds(60 + 160), options.TimeoutFor(16_000_000));
        Assert.Equal(TimeSpan.FromSeconds(60) + TimeSpan.FromDays(1), options.TimeoutFor(ulong.MaxValue));
    }

    [Fact]
    public async Task RequestAsync_ReplyWithoutOkOrError_ThrowsProtocolException()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var reply = client.RequestAsync("hello", cancellationToken: Ct);

        var (envelope, request) = Receive();
        Reply(envelope, ("id", request["id"]), ("surprise", 1L));

        await Assert.ThrowsAsync<SimProtocolException>(() => reply);
    }

    [Fact]
    public async Task Fail_WhileRequestPending_RequestFailsWithTheReason()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var pending = client.RequestAsync("run_until", cancellationToken: Ct);
        Receive();

        client.Fail(new HarnessExitedException("harness died", _endpoint));

        var error = await Assert.ThrowsAsync<HarnessExitedException>(() => pending);
        Assert.Equal("run_until", error.Op);
        await Assert.ThrowsAsync<HarnessExitedException>(() => client.RequestAsync("hello", cancellationToken: Ct));
    }

    [Fact]
    public async Task Dispose_WhileRequestPending_FailsItQuickly()
    {
        var client = SimClient.Connect(_endpoint, null);
        var pending = client.RequestAsync("run_until", cancellationToken: Ct);
        Receive();
        var clock = Stopwatch.StartNew();

        client.Dispose();

        await Assert.ThrowsAsync<HarnessExitedException>(() => pending);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {clock.Elapsed}");
        Assert.Throws<ObjectDisposedException>(() => { _ = client.RequestAsync("hello", cancellationToken: Ct); });
    }

    [Fact]
    public async Task Reply_WithNegativeOrMissingId_IsIgnoredAndTheClientKeepsWorking()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var reply = client.RequestAsync("hello", cancellationToken: Ct);

        var (envelope, request) = Receive();
        Reply(envelope, ("id", -1L), ("ok", true));
        Reply(envelope, ("ok", true));
        Reply(envelope, ("id", "seven"), ("ok", true));
        Reply(envelope, ("id", request["id"]), ("ok", true), ("cycle", 5L));

        Assert.Equal(5UL, (await reply).GetUInt64("cycle"));
    }

    [Fact]
    public async Task RequestAsync_NobodyListening_ThousandsOfRequestsAllTimeOutWithoutBlocking()
    {
        const string nobody = "tcp://127.0.0.1:1"; // a port nobody listens on
        using var client = SimClient.Connect(nobody, null, new SimClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var requests = Enumerable.Range(0, 2500).Select(_ => client.RequestAsync("hello", cancellationToken: Ct)).ToList();
        var all = Task.WhenAll(requests);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10), Ct));

        Assert.True(requests.TrueForAll(r => r.IsFaulted && r.Exception!.InnerException is SimTransportTimeoutException),
            $"{requests.Count(r => !r.IsCompleted)} requests still pending");
    }

    [Fact]
    public async Task CpuLoadAsync_PropertyOutOfRange_ThrowsAndSendsNothing()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var valid = new CpuLoad(CpuLoadPattern.Random, 10, 0x1000, 64, 1);
        CpuLoad[] invalid =
        [
            valid with { Rate = 0 }, valid with { Rate = 101 }, valid with { Length = 0 }, valid with { Length = 6 },
            valid with { Address = 0x1002 }, valid with { Address = ulong.MaxValue - 3, Length = 8 },
            valid with { StorePercent = -1 }, valid with { StorePercent = 101 }, valid with { Pattern = (CpuLoadPattern)7 },
        ];

        foreach (var load in invalid)
        {
            var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CpuLoadAsync(load, Ct));
            Assert.Equal("load", error.ParamName);
        }

        var stop = client.StopCpuLoadAsync(Ct); // the first request that reaches the harness
        var (envelope, request) = Receive();
        Reply(envelope, ("id", request["id"]), ("ok", true), ("cycle", 9L));
        Assert.Equal(9UL, await stop);
        Assert.Equal("cpu_load", request["op"]);
        Assert.Equal("none", request["pattern"]);
        Assert.Equal(3, request.Count); // id, op, pattern
    }

    [Fact]
    public async Task CpuLoadAsync_Random_SendsEveryField()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var sent = client.CpuLoadAsync(new CpuLoad(CpuLoadPattern.Random, 25, 0x2000_0000, 4096, 77, StorePercent: 30, Cached: false), Ct);

        var (envelope, request) = Receive();
        Reply(envelope, ("id", request["id"]), ("ok", true), ("cycle", 16L));

        Assert.Equal(16UL, await sent);
        Assert.Equal("random", request["pattern"]);
        Assert.Equal(25UL, Convert.ToUInt64(request["rate"], CultureInfo.InvariantCulture));
        Assert.Equal(0x2000_0000UL, Convert.ToUInt64(request["addr"], CultureInfo.InvariantCulture));
        Assert.Equal(4096UL, Convert.ToUInt64(request["len"], CultureInfo.InvariantCulture));
        Assert.Equal(77UL, Convert.ToUInt64(request["seed"], CultureInfo.InvariantCulture));
        Assert.Equal(30UL, Convert.ToUInt64(request["store_percent"], CultureInfo.InvariantCulture));
        Assert.Equal(false, request["cached"]);
    }

    [Fact]
    public async Task CpuStatsAsync_StatsReply_TheCpuGroup()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var stats = client.CpuStatsAsync(reset: true, Ct);

        var (envelope, request) = Receive();
        var cpu = new Dictionary<string, object?>
        {
            ["accesses"] = 10L, ["loads"] = 7L, ["stores"] = 3L, ["latency_mean"] = 4.5, ["latency_p50"] = 2L,
            ["latency_p99"] = 12L, ["latency_max"] = 14L, ["stall_cycles"] = 35L,
        };
        Reply(envelope, ("id", request["id"]), ("ok", true), ("cycle", 5L), ("cpu", cpu), ("dram", new Dictionary<string, object?>()));

        Assert.Equal("stats", request["op"]);
        Assert.Equal(true, request["reset"]);
        Assert.Equal(new CpuStats(10, 7, 3, 4.5, 2, 12, 14, 35), await stats);
    }

    [Fact]
    public async Task RequestAsync_SequentialAwaits_EachContinuationSendsTheNextFromTheOwnerThread()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var responder = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var (envelope, request) = Receive();
                Reply(envelope, ("id", request["id"]), ("ok", true), ("cycle", request["cycles"]));
            }
        }, Ct);

        for (var i = 0; i < 200; i++)
        {
            var reply = await client.RequestAsync("run", new Dictionary<string, object?> { ["cycles"] = i }, cancellationToken: Ct);
            Assert.Equal((ulong)i, reply.GetUInt64("cycle"));
        }

        await responder;
    }

    [Fact]
    public async Task Continuation_BlockingOnAnotherRequest_AnotherThreadTakesOverAndBothComplete()
    {
        using var client = SimClient.Connect(_endpoint, null);
        var first = client.RequestAsync("run", cancellationToken: Ct);
        // Runs on the thread that completes `first`, the client's own, and blocks it on a second request.
        var blocked = first.ContinueWith(
            _ => client.RequestAsync("hello", cancellationToken: Ct).GetAwaiter().GetResult().GetUInt64("cycle"),
            Ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var (envelope1, request1) = Receive();
        Reply(envelope1, ("id", request1["id"]), ("ok", true), ("cycle", 1L));
        var (envelope2, request2) = Receive(); // sent only once another thread owns the socket
        Reply(envelope2, ("id", request2["id"]), ("ok", true), ("cycle", 2L));

        Assert.Equal(2UL, await blocked.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("hello", request2["op"]);
    }

    [Fact]
    public async Task Continuation_DisposingTheClient_FailsThePendingAndClosesIt()
    {
        var client = SimClient.Connect(_endpoint, null);
        var first = client.RequestAsync("run", cancellationToken: Ct);
        var second = client.RequestAsync("run", cancellationToken: Ct);
        var disposed = first.ContinueWith(_ => client.Dispose(), Ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var (envelope, request) = Receive();
        Receive();
        Reply(envelope, ("id", request["id"]), ("ok", true));

        await disposed.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Assert.ThrowsAsync<HarnessExitedException>(() => second.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Throws<ObjectDisposedException>(() => { _ = client.RequestAsync("hello", cancellationToken: Ct); });
    }

    [Fact]
    public async Task HarnessExit_ReplySentBeforeTheExitArrivesAfterIt_CompletesTheRequest()
    {
        // the harness answers shutdown and exits; its exit can be seen before its reply has come through the transport
        using var transport = new LateReplyTransport();
        using var client = new SimClient(transport);
        var shutdown = client.RequestAsync("shutdown", cancellationToken: Ct);
        var id = transport.SentId.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        transport.ReleaseReplyAtNextWake(await id);

        client.Fail(new HarnessExitedException("harness (pid 1) is gone: exit code 0", transport.Endpoint));

        await shutdown.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Assert.ThrowsAsync<HarnessExitedException>(() => client.RequestAsync("hello", cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task TransportFailure_LaterRequests_FailAtOnceInsteadOfWaitingForever()
    {
        using var client = new SimClient(new BrokenTransport());

        await Assert.ThrowsAsync<HarnessExitedException>(() => client.RequestAsync("hello", cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        var later = await Assert.ThrowsAsync<HarnessExitedException>(
            () => client.RequestAsync("stats", cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Contains("link down", later.Message, StringComparison.Ordinal);
        Assert.Equal("stats", later.Op);
    }

    /// <summary>
    /// The real transport's wait ends on a reply or on a wake from another thread, and a wake is consumed by
    /// the wait it ended (the next wait still sees the reply that comes later). Only that the waits end is
    /// asserted (within <see cref="Hang"/>), no wall-clock bound.
    /// </summary>
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

    public void Dispose()
    {
        _router.Dispose();
    }

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

    private (byte[] Envelope, Dictionary<string, object?> Request) Receive()
    {
        Assert.True(_router.TryReceiveFrameBytes(TimeSpan.FromSeconds(5), out var identity, out var more), "no request arrived");
        Assert.True(more);
        Assert.True(_router.TryReceiveFrameBytes(TimeSpan.FromSeconds(5), out var payload, out _));
        return (identity!, Assert.IsType<Dictionary<string, object?>>(WireObjects.Decode(payload)));
    }

    [Theory]
    [InlineData(new int[0], 3, 100L, "")]
    [InlineData(new[] { 4, 4, 4 }, 3, 100L, "0+3")]
    [InlineData(new[] { 4, 4, 4, 4, 4, 4, 4 }, 3, 100L, "0+3 3+3 6+1")]
    [InlineData(new[] { 40, 40, 40, 10, 10 }, 100, 100L, "0+2 2+3")]
    [InlineData(new[] { 60, 40, 1 }, 100, 100L, "0+2 2+1")]
    [InlineData(new[] { 500, 1, 500 }, 100, 100L, "0+1 1+1 2+1")]
    public void BatchChunks_EntriesAndBytesBoundEachChunkInOrder(int[] bytes, int maxEntries, long maxBytes, string expected)
    {
        var chunks = SimClient.BatchChunks(bytes, maxEntries, maxBytes);

        Assert.Equal(expected, string.Join(" ", chunks.Select(c => $"{c.Start}+{c.Count}")));
    }

    private void Reply(byte[] envelope, params (string Name, object? Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        WireObjects.WriteObject(ref writer, fields.ToDictionary(f => f.Name, f => f.Value));
        writer.Flush();
        _router.SendFrame(envelope, more: true);
        _router.SendFrame(buffer.WrittenSpan.ToArray());
    }

    /// <summary>A transport whose receive side fails at once, as a broken connection would.</summary>
    private sealed class BrokenTransport : IFrameTransport
    {
        public string Endpoint => "broken://test";

        public bool TrySend(byte[] frame) => true;

        public void Wake()
        {
        }

        public bool TryReceive(TimeSpan timeout, out byte[] frame) => throw new IOException("link down");

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// A transport whose one reply becomes receivable only at the first <see cref="Wake"/> after it is released:
    /// <see cref="SimClient.Fail"/> wakes the owner after recording the failure, so the reply is "in the transport"
    /// only once the failure is known.
    /// </summary>
    private sealed class LateReplyTransport : IFrameTransport
    {
        private byte[]? _reply;
        private byte[]? _armed;

        public string Endpoint => "late://test";

        public TaskCompletionSource<ulong> SentId { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseReplyAtNextWake(ulong id)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            WireObjects.WriteObject(ref writer, new Dictionary<string, object?> { ["id"] = id, ["ok"] = true });
            writer.Flush();
            Volatile.Write(ref _armed, buffer.WrittenSpan.ToArray());
        }

        public bool TrySend(byte[] frame)
        {
            var request = Assert.IsType<Dictionary<string, object?>>(WireObjects.Decode(frame));
            SentId.TrySetResult(Convert.ToUInt64(request["id"], CultureInfo.InvariantCulture));
            return true;
        }

        public void Wake()
        {
            if (Interlocked.Exchange(ref _armed, null) is { } reply)
            {
                Volatile.Write(ref _reply, reply);
            }
        }

        public bool TryReceive(TimeSpan timeout, out byte[] frame)
        {
            if (Interlocked.Exchange(ref _reply, null) is { } reply)
            {
                frame = reply;
                return true;
            }

            Thread.Sleep(1);
            frame = [];
            return false;
        }

        public void Dispose()
        {
        }
    }
}
