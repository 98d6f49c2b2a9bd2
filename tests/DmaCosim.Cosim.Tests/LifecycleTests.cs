using System.Diagnostics;
using DmaCosim.Bridge;

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
        var run = harness.Client.RunUntilAsync(SimEvent.Irq, 1UL << 40, ct);
        await Task.Delay(100, ct);

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
