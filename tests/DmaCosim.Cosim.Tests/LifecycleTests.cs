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
