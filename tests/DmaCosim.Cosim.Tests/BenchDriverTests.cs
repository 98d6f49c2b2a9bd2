// SPDX-License-Identifier: MIT
using System.Diagnostics;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// bridge_overhead compares wall times of two drivers doing the same work: the C# CdmaChannel through the
/// bridge and the C++ dmacosim-bench-driver on the same model without it. Same work means the same cycles.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class BenchDriverTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(64 * 1024, 4)]
    [InlineData(12_345 * 8, 7)]
    public async Task ScatterGatherCopy_CSharpAndCppDrivers_CountTheSameCycles(int bytes, int segments)
    {
        var plan = new ScatterGatherPlan((ulong)bytes, segments, 0x0130_0000, 0x0150_0000);
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        await using var defaults = await fixture.MemConfigScopeAsync(HarnessFixture.DefaultMemConfig);
        var channel = new CdmaChannel(fixture.Sim, fixture.Rtl);

        var (round, descriptors) = await ScatterGatherBench.RunAsync(fixture.Harness, channel, plan, 7, Ct);
        var native = await ScatterGatherBench.RunNativeAsync(
            ScatterGatherBench.LocateDriver(HarnessProcess.Locate()), plan, descriptors, 2, fixture.Rtl, Ct);

        Assert.True(round.Cycles > (ulong)bytes / (ulong)fixture.Rtl.BytesPerBeat, $"{round.Cycles} cycles for {bytes} bytes");
        Assert.All(native.Rounds, r => Assert.Equal(round.Cycles, r.Cycles));
    }

    /// <summary>
    /// The driver keeps no copy of the plan, the pool's address or the channel's budgets: without any one of
    /// the options the C# side passes, it refuses to run (exit 2, naming the option) instead of falling back.
    /// </summary>
    [Fact]
    public async Task NativeDriver_AnyPlanOptionMissing_ExitsTwoNamingIt()
    {
        var driver = ScatterGatherBench.LocateDriver(HarnessProcess.Locate());
        var full = ScatterGatherBench.NativeArguments(new ScatterGatherPlan(4096, 2), 0x1800_0000, 1);
        var options = Enumerable.Range(0, full.Count / 2).Select(i => full[2 * i]).Where(o => o != "--rounds").ToList();
        Assert.Equal(8, options.Count);
        foreach (var missing in options)
        {
            var at = IndexOf(full, missing);
            var arguments = full.Where((_, i) => i != at && i != at + 1).ToList();
            var (code, stderr) = await RunAsync(driver, arguments);
            Assert.True(code == 2, $"without {missing}: exit {code}, {stderr}");
            Assert.Contains($"{missing} is required", stderr, StringComparison.Ordinal);
        }
    }

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task<(int Code, string Stderr)> RunAsync(string driver, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(driver) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{driver} did not exit within 30 s on a bad command line");
        }

        return (process.ExitCode, await stderr);
    }
}
