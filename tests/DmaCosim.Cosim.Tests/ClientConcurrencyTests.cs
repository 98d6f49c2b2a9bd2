// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// One <see cref="SimClient"/> used from many tasks at once: mixed ops, cancellations and transport timeouts, bounded by
/// op count. Every reply must be the one its request asked for (each task reads back only its own memory, cycles only
/// grow), no request may be lost (every task finishes), and the client still works afterwards.
/// </summary>
public sealed class ClientConcurrencyTests
{
    private const int Tasks = 16;
    private const int OpsPerTask = 40;
    private const int Block = 64 * 1024;
    private const ulong Region = 0x0400_0000; // each task owns [Region + task * 1 MiB, + 1 MiB)

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SimClient_ManyTasksMixedOpsCancellationsTimeouts_NoLostOrCrossedReplies()
    {
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: Ct);
        var sim = harness.Client;
        var outcomes = new int[5]; // completed, cancelled, timed out, ... per kind of ending (for the asserts below)

        var tasks = Enumerable.Range(0, Tasks).Select(t => Task.Run(() => WorkerAsync(sim, t, outcomes), Ct)).ToArray();
        var finals = await Task.WhenAll(tasks);

        // nothing lost: each task's last written block reads back as written, through a quiet client
        for (var t = 0; t < Tasks; t++)
        {
            if (finals[t] is { } last)
            {
                Assert.Equal(last.Data, await sim.MemReadAsync(last.Address, Block, Ct));
            }
        }

        Assert.Equal(HelloInfo.SupportedProtocol, (await sim.HelloAsync(Ct)).Protocol);
        Assert.True(outcomes[0] > Tasks * OpsPerTask / 2, $"only {outcomes[0]} ops completed");
        Assert.True(outcomes[1] + outcomes[2] > 0, "no request was cancelled or timed out: the test exercised neither");
    }

    private static async Task<(ulong Address, byte[] Data)?> WorkerAsync(SimClient sim, int task, int[] outcomes)
    {
        var random = new Random(task + 1);
        var own = Region + ((ulong)task << 20);
        (ulong Address, byte[] Data)? last = null;
        ulong lastCycle = 0;
        for (var op = 0; op < OpsPerTask; op++)
        {
            var seed = ((ulong)task << 32) | (uint)op;
            switch (random.Next(6))
            {
                case 0:
                case 1:
                {
                    // write then read back this task's block: a crossed reply returns another task's bytes
                    var address = own + ((ulong)random.Next(16) * Block);
                    var data = SeededPattern.Create(Block, seed);
                    await sim.MemWriteAsync(address, data, Ct);
                    Assert.Equal(data, await sim.MemReadAsync(address, Block, Ct));
                    last = (address, data);
                    Interlocked.Increment(ref outcomes[0]);
                    break;
                }

                case 2:
                {
                    var cycles = (ulong)random.Next(1, 2000);
                    var cycle = await sim.RunAsync(cycles, Ct);
                    Assert.True(cycle >= lastCycle + cycles, $"task {task}: run {cycles} answered cycle {cycle} after {lastCycle}");
                    lastCycle = cycle;
                    Interlocked.Increment(ref outcomes[0]);
                    break;
                }

                case 3:
                {
                    var hello = await sim.HelloAsync(Ct);
                    Assert.Equal(HelloInfo.SupportedProtocol, hello.Protocol);
                    Assert.True(hello.Cycle >= lastCycle, $"task {task}: hello at cycle {hello.Cycle} after {lastCycle}");
                    lastCycle = hello.Cycle;
                    Interlocked.Increment(ref outcomes[0]);
                    break;
                }

                case 4:
                {
                    // cancelled at once or a little later: either the right reply or a cancellation, nothing else
                    using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                    var read = last is { } l ? sim.MemReadAsync(l.Address, Block, cancel.Token) : sim.MemReadAsync(own, Block, cancel.Token);
                    await cancel.CancelAsync();
                    try
                    {
                        var bytes = await read;
                        if (last is { } written)
                        {
                            Assert.Equal(written.Data, bytes);
                        }

                        Interlocked.Increment(ref outcomes[0]);
                    }
                    catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref outcomes[1]);
                    }

                    break;
                }

                default:
                {
                    // a transport timeout far below what the run takes: a timeout, or (rarely) the right reply
                    var cycles = 20_000UL;
                    try
                    {
                        var reply = await sim.RequestAsync(Wire.Op.Run, new Dictionary<string, object?> { [Wire.Field.Cycles] = cycles }, TimeSpan.FromTicks(1), Ct);
                        Assert.True(reply.GetUInt64(Wire.Field.Cycle) >= lastCycle + cycles);
                        Interlocked.Increment(ref outcomes[0]);
                    }
                    catch (SimTransportTimeoutException)
                    {
                        Interlocked.Increment(ref outcomes[2]);
                    }

                    break;
                }
            }
        }

        return last;
    }
}
