// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;

namespace DmaCosim.Cosim.Tests;

/// <summary>How the tests check that a bad harness command line is a usage error.</summary>
internal static class HarnessCommandLine
{
    /// <summary>
    /// Starts the harness with <paramref name="arguments"/> (and <c>--parent-pid</c> of this process: should the
    /// arguments be taken, the harness still ends with the tests), expecting a usage error: it exits 2 within 10 s
    /// (else it is killed and the test fails), names <paramref name="expected"/> in its first stderr line and never
    /// prints READY.
    /// </summary>
    public static async Task FailsAsync(string expected, params string?[] arguments)
    {
        var ct = TestContext.Current.CancellationToken;
        var info = new ProcessStartInfo(HarnessProcess.Locate()) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("--parent-pid");
        info.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in arguments.OfType<string>())
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        string stderr, stdout;
        try
        {
            stderr = await process.StandardError.ReadToEndAsync(deadline.Token);
            stdout = await process.StandardOutput.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill();
            Assert.Fail($"the harness accepted {string.Join(' ', arguments)} and was still running after 10 s (killed)");
            return;
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, stderr.Split('\n')[0], StringComparison.Ordinal);
        Assert.DoesNotContain("READY", stdout, StringComparison.Ordinal);
    }
}
