// SPDX-License-Identifier: MIT
using System.Diagnostics;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>Harness process lifecycle: start, shutdown, crash detection, no orphans.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Dispose_RunningHarness_ProcessIsGoneAndShmRemoved()
    {
        var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var pid = harness.ProcessId;
        var shm = harness.Hello.Dram[0].Shm;

        await harness.DisposeAsync();

        Assert.True(harness.HasExited);
        Assert.False(IsRunning(pid), $"harness pid {pid} still running");
        Assert.False(File.Exists(shm), $"shm file {shm} left behind");
    }

    [Fact]
    public async Task Kill_DuringRun_PendingRequestFailsWithHarnessExitedWithinOneSecond()
    {
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        // Nothing raises irq after reset: this request runs until its cycle budget or the kill.
        await harness.Client.ResetAsync(cancellationToken: TestContext.Current.CancellationToken);
        var pending = harness.Client.RunUntilAsync(SimEvent.Irq, 1UL << 40, TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();

        harness.Kill();
        var error = await Assert.ThrowsAsync<HarnessExitedException>(() => pending);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Contains("signal 9", error.Message, StringComparison.Ordinal);
        Assert.Equal("run_until", error.Op);
    }

    [Fact]
    public async Task Shutdown_Requested_HarnessExitsWithCodeZero()
    {
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        await harness.Client.ShutdownAsync();

        Assert.Equal(0, await harness.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task SharedDram_AfterCancellingALongRun_RefusedUntilTheHarnessAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: ct);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var run = harness.Client.RunUntilAsync(SimEvent.Irq, 1UL << 40, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.Equal(0, harness.Client.InFlight);
        Assert.True(harness.Client.HarnessBusy);
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Memory.WriteAsync(0x1000, new byte[4], ct));
    }

    [Fact]
    public async Task Sigterm_DuringRun_RunAnswersSimErrorAndHarnessRemovesItsFiles()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: ct);
        var shm = harness.Hello.Dram[0].Shm;
        var cpuBefore = ScatterGatherBench.CpuTime(harness.ProcessId);
        var run = harness.Client.RunUntilAsync(SimEvent.Irq, 1UL << 40, ct);

        // SIGTERM only once the harness is inside the run: idle, it blocks; simulating, it uses CPU.
        var waited = Stopwatch.StartNew();
        while (ScatterGatherBench.CpuTime(harness.ProcessId) - cpuBefore < TimeSpan.FromMilliseconds(100))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the harness used no CPU for 30 s after the run request: it never started the run");
            Assert.False(run.IsCompleted, "the run ended before SIGTERM");
            await Task.Delay(10, ct);
        }

        Process.Start("kill", ["-TERM", harness.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
        var error = await Assert.ThrowsAsync<SimRequestException>(() => run);

        Assert.Equal(SimErrorCode.SimError, error.ErrorCode);
        Assert.Equal(0, await harness.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(File.Exists(shm), $"shm file {shm} left behind");
    }

    [Fact]
    public async Task Dispose_AfterClientDisposedByCaller_StillStopsTheHarness()
    {
        var harness = await HarnessProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var pid = harness.ProcessId;

        harness.Client.Dispose();
        await harness.DisposeAsync();

        Assert.False(IsRunning(pid), $"harness pid {pid} still running");
    }

    [Fact]
    public async Task Start_MissingBinary_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => HarnessProcess.StartAsync(
            new HarnessOptions { HarnessPath = "/nonexistent/dmacosim-harness" }, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(HarnessProcess.MaxReplySpinMicroseconds + 1)]
    public async Task Start_ReplySpinOutOfRange_ThrowsBeforeStartingAnything(long microseconds)
    {
        var options = new HarnessOptions { HarnessPath = "/nonexistent/dmacosim-harness", ReplySpin = TimeSpan.FromMicroseconds(microseconds) };

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => HarnessProcess.StartAsync(options, TestContext.Current.CancellationToken));

        Assert.Contains("ReplySpin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(HarnessProcess.MaxReplySpinMicroseconds)]
    public async Task Start_ReplySpinAtEitherEnd_HarnessAnswersRequestAfterRequest(long microseconds)
    {
        await using var harness = await HarnessProcess.StartAsync(
            new HarnessOptions { ReplySpin = TimeSpan.FromMicroseconds(microseconds) }, TestContext.Current.CancellationToken);

        var commandLine = (await File.ReadAllTextAsync($"/proc/{harness.ProcessId}/cmdline", TestContext.Current.CancellationToken)).Split('\0');
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(harness.Hello.Cycle + (ulong)i, await harness.Client.RunAsync(1, TestContext.Current.CancellationToken) - 1);
        }

        Assert.Equal(microseconds.ToString(System.Globalization.CultureInfo.InvariantCulture), commandLine[Array.IndexOf(commandLine, "--spin-us") + 1]);
    }

    [Theory]
    [InlineData("--spin-us", "-5")]
    [InlineData("--spin-us", "100001")]
    [InlineData("--spin-us=1e3", null)]
    [InlineData("--spin-us", null)]
    public Task HarnessCommandLine_BadSpinUs_ExitsTwoNamingTheOption(string option, string? value) =>
        HarnessCommandLine.FailsAsync("--spin-us", option, value);

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
