// SPDX-License-Identifier: MIT
using System.Diagnostics;
using DmaCosim.Bridge;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// CURVE on every endpoint (docs/protocol.md §1, Authentication): a harness started by hand makes
/// its own keys and names the client's key file in READY; a peer without the right keys gets no
/// reply, changes nothing and is counted in <c>stats</c>; keys never travel on the command line.
/// </summary>
public sealed class AuthenticationTests
{
    private static readonly TimeSpan NoReplyWait = TimeSpan.FromSeconds(1.5);

    private static byte[] Hello(ulong id) => WireObjects.Encode(new Dictionary<string, object?> { ["id"] = id, ["op"] = "hello" });

    [Fact]
    public async Task HandStarted_Defaults_AnswersOnlyTheKeysItPrintedAndCountsTheRefused()
    {
        using var harness = HandStarted.Start();
        var (endpoint, printed) = await harness.ReadyAsync();
        var keyFile = Assert.IsType<string>(printed);
        var dir = Path.GetDirectoryName(keyFile)!;
        Assert.StartsWith("tcp://127.0.0.1:", endpoint, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        var keys = CurveKeys.Load(keyFile);
        var (stranger, _) = CurveKeys.Generate();

        using (var plain = new NetMqDealerTransport(endpoint, null))
        {
            plain.Send(Hello(1));
            Assert.False(plain.TryReceive(NoReplyWait, out _), "a reply to a client without keys");
        }

        using (var wrongClient = new NetMqDealerTransport(endpoint, stranger with { ServerPublicKey = keys.ServerPublicKey }))
        {
            wrongClient.Send(Hello(2));
            Assert.False(wrongClient.TryReceive(NoReplyWait, out _), "a reply to a client key the harness was not given");
        }

        using var client = SimClient.Connect(endpoint, keys);
        Assert.Equal(1, (await client.HelloAsync(TestContext.Current.CancellationToken)).Protocol);
        var stats = await client.RequestAsync("stats", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(stats.GetMap("transport").GetUInt64("refused_handshakes") >= 2, "refused handshakes not counted");
        await client.ShutdownAsync(TimeSpan.FromSeconds(5));
        Assert.True(harness.Process.WaitForExit(5000), "still running after shutdown");
        Assert.False(Directory.Exists(dir), $"{dir} left behind");
    }

    [Theory]
    [InlineData("--endpoint=tcp://0.0.0.0:0", "requires --keys")]
    [InlineData("--endpoint=tcp://0.0.0.0:0 --no-curve", "--no-curve")]
    public async Task HandStarted_NonLoopbackWithoutNamedKeys_RefusesToStart(string arguments, string expected)
    {
        using var harness = HandStarted.Start(arguments.Split(' '));

        var error = await Assert.ThrowsAsync<HarnessExitedException>(() => harness.ReadyAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Process.ExitCode);
    }

    [Fact]
    public async Task HandStarted_KeyFileReadableByOthers_RefusesToStart()
    {
        var (client, harnessKeys) = CurveKeys.Generate();
        var file = Path.Combine(Directory.CreateTempSubdirectory("dmacosim-keys-").FullName, "harness.keys");
        await File.WriteAllTextAsync(file, harnessKeys, TestContext.Current.CancellationToken);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        try
        {
            using (var loose = HandStarted.Start("--keys", file))
            {
                var error = await Assert.ThrowsAsync<HarnessExitedException>(() => loose.ReadyAsync());
                Assert.Contains("mode 0600", error.Message, StringComparison.Ordinal);
            }

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var strict = HandStarted.Start("--keys", file, "--endpoint", "tcp://0.0.0.0:0");
            var (endpoint, keyFile) = await strict.ReadyAsync();
            Assert.Null(keyFile);
            using var sim = SimClient.Connect(endpoint.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal), client);
            Assert.Equal(1, (await sim.HelloAsync(TestContext.Current.CancellationToken)).Protocol);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task Start_KeysHandedOver_NeverOnTheCommandLine()
    {
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var argv = (await File.ReadAllTextAsync($"/proc/{harness.ProcessId}/cmdline", TestContext.Current.CancellationToken)).Replace('\0', ' ');

        Assert.NotNull(harness.Keys);
        Assert.DoesNotContain(harness.Keys.ClientPublicKey, argv, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Keys.ServerPublicKey, argv, StringComparison.Ordinal);
        Assert.Contains("--keys=-", argv, StringComparison.Ordinal);
    }

    /// <summary>A harness started as a user would, without HarnessProcess.</summary>
    private sealed class HandStarted : IDisposable
    {
        private HandStarted(Process process) => Process = process;

        public Process Process { get; }

        public static HandStarted Start(params string[] arguments)
        {
            var info = new ProcessStartInfo(HarnessProcess.Locate())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("--parent-pid");
            info.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)!;
            process.StandardInput.Close();
            return new HandStarted(process);
        }

        /// <summary>The endpoint and key file of the READY line; a harness that exits first is a <see cref="HarnessExitedException"/> quoting its stderr.</summary>
        public async Task<(string Endpoint, string? KeyFile)> ReadyAsync()
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));
            var line = await Process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line == null)
            {
                var stderr = await Process.StandardError.ReadToEndAsync(deadline.Token);
                await Process.WaitForExitAsync(deadline.Token);
                throw new HarnessExitedException($"exited {Process.ExitCode} before READY: {stderr}", null);
            }

            var words = line.Split(' ');
            Assert.Equal("READY", words[0]);
            return (words[1], words.Length > 2 ? words[2] : null);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(2000);
            }

            Process.Dispose();
        }
    }
}
