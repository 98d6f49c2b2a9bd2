// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using MessagePack;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Security defaults (DESIGN §8): what a harness listens on, the modes of its private files, and the
/// frame size limit. Each test starts its own harness.
/// </summary>
public sealed class SecurityTests
{
    private const int TcpListen = 0x0A;
    private const string LoopbackV4 = "0100007F"; // 127.0.0.1 as /proc/net/tcp prints it
    private const string LoopbackV6 = "00000000000000000000000001000000"; // ::1

    [Fact]
    public async Task Start_TcpLoopbackEndpoint_ListensOnLoopbackOnly()
    {
        await using var harness = await HarnessProcess.StartAsync(
            new HarnessOptions { Endpoint = "tcp://127.0.0.1:0" }, TestContext.Current.CancellationToken);

        var listening = TcpListeners(harness.ProcessId);

        var port = int.Parse(harness.Endpoint[(harness.Endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        Assert.Contains((LoopbackV4, port), listening);
        Assert.All(listening, l => Assert.True(l.Address is LoopbackV4 or LoopbackV6, $"listening on {l.Address}:{l.Port}"));
    }

    [Fact]
    public async Task Start_Defaults_ListensOnLoopbackTcpWithCurveAndKeepsItsFilesPrivate()
    {
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.StartsWith("tcp://127.0.0.1:", harness.Endpoint, StringComparison.Ordinal);
        Assert.All(TcpListeners(harness.ProcessId), l => Assert.True(l.Address is LoopbackV4 or LoopbackV6, $"listening on {l.Address}:{l.Port}"));
        Assert.NotNull(harness.Keys);
        var shm = Assert.Single(harness.Hello.Dram).Shm;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(shm));
    }

    [Fact]
    public async Task Shutdown_Defaults_RemovesTheShmFile()
    {
        var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var shm = harness.Hello.Dram[0].Shm;

        await harness.Client.ShutdownAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await harness.WaitForExitAsync(TimeSpan.FromSeconds(5)));

        Assert.False(File.Exists(shm), $"{shm} left behind");
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task Start_WildcardEndpointNamedExplicitly_IsHonoured()
    {
        // Only an explicit --endpoint reaches beyond loopback: the user named the address.
        await using var harness = await HarnessProcess.StartAsync(
            new HarnessOptions { Endpoint = "tcp://0.0.0.0:0" }, TestContext.Current.CancellationToken);

        Assert.Contains(TcpListeners(harness.ProcessId), l => l.Address == "00000000");
    }

    [Fact]
    public async Task Frame_LargerThan64MiB_DropsThatPeerAndKeepsServingOthers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: ct);
        var hello = RawFrames.Encode(2, (ref MessagePackWriter w) =>
        {
            w.Write("id");
            w.Write(1UL);
            w.Write("op");
            w.Write("hello");
        });

        using (var big = new NetMqDealerTransport(harness.Endpoint, harness.Keys))
        {
            big.Send(new byte[(64 << 20) + 1]);
            Assert.False(big.TryReceive(TimeSpan.FromSeconds(1), out _), "a reply to a frame above ZMQ_MAXMSGSIZE");
        }

        using var fresh = new NetMqDealerTransport(harness.Endpoint, harness.Keys);
        var reply = RawFrames.Exchange(fresh, hello);
        Assert.Equal(true, reply["ok"]);
        Assert.Equal(1, (await harness.Client.HelloAsync(ct)).Protocol);
        Assert.False(harness.HasExited);
    }

    /// <summary>
    /// The TCP sockets in LISTEN state that process <paramref name="pid"/> holds: its socket inodes
    /// (from /proc/PID/fd) looked up in /proc/PID/net/tcp and tcp6 (its network namespace).
    /// </summary>
    private static List<(string Address, int Port)> TcpListeners(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target != null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        Assert.NotEmpty(inodes); // the harness always has its ZeroMQ socket
        var listeners = new List<(string, int)>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            var path = $"/proc/{pid}/net/{table}";
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var line in File.ReadLines(path).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != TcpListen || !inodes.Contains(fields[9]))
                {
                    continue;
                }

                var local = fields[1].Split(':');
                listeners.Add((local[0], int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
        }

        return listeners;
    }
}
