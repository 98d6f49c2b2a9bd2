// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>The regression's harness pool with real harness processes.</summary>
public sealed class HarnessPoolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_ItemStopsAtSimError_ReportedThroughOnCrashAndTheNextItemGetsAFreshHarness()
    {
        var pool = new HarnessPool(1, new HarnessOptions());
        var pids = new List<int>();

        var results = await pool.RunAsync(
            [1, 2],
            (harness, item) =>
            {
                pids.Add(harness.ProcessId);
                return item == 1
                    ? throw new SimRequestException("SIM_ERROR", "RTL error ($error, $stop, $fatal or a failed assertion) in cycle 7: boom", "run_until", harness.Endpoint)
                    : Task.FromResult("ran");
            },
            (item, crash) => $"item {item}: {((SimRequestException)crash).ErrorCode}",
            cancellationToken: Ct);

        Assert.Equal(["item 1: SimError", "ran"], results);
        Assert.Equal(2, pool.Started);
        Assert.NotEqual(pids[0], pids[1]);
    }
}
