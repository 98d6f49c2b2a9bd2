// SPDX-License-Identifier: MIT
using System.Diagnostics;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>
/// tests/coverage/rtl_coverage.py (the summary of <c>make coverage</c>) on a checked-in Verilator coverage file:
/// two modules (one with a parameterisation suffix), line and branch points (one of them instantiated twice), toggle points and a user point.
/// </summary>
public sealed class RtlCoverageScriptTests
{
    [Fact]
    public async Task Summary_Fixture_LineAndTogglePerModuleAndTheLinesNeverExecuted()
    {
        var (code, stdout, stderr) = await RunAsync(SourceTree.Find("tests/coverage/fixture.dat"));

        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        // cdma_rd: 5 line points (the one in two instances counts once, covered by either), 2 hit; 3 of 4 toggles
        Assert.Contains("| cdma_rd | 40.0 % | 2/5 | 75.0 % | 3/4 |", rows);
        Assert.Contains("| arbiter | 100.0 % | 1/1 | 0.0 % | 0/2 |", rows);
        Assert.Contains("| **total** | 50.0 % | 3/6 | 50.0 % | 3/6 |", rows);
        Assert.DoesNotContain(rows, r => r.Contains("user", StringComparison.Ordinal)); // not line or toggle coverage
        // line 11 has a point never hit, but another point covering it was executed
        Assert.Contains("- cdma_rd (`rtl/cdma_rd.sv`): 40-41, 50\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("- arbiter", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_NotACoverageFile_Exit2NamingIt()
    {
        var path = SourceTree.Find("tests/coverage/rtl_coverage.py"); // a file, but no coverage points

        var (code, _, stderr) = await RunAsync(path);

        Assert.Equal(2, code);
        Assert.Contains("rtl_coverage.py:", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string dat)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(SourceTree.Find("tests/coverage/rtl_coverage.py"));
        info.ArgumentList.Add(dat);
        using var process = Process.Start(info)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
