// SPDX-License-Identifier: MIT
using System.Diagnostics;

namespace DmaCosim.Tests.Testing;

/// <summary>
/// Runs the built CLI (DmaCosim.Cli.dll next to this test assembly's build) as a real process, with a harness path that
/// does not exist (a usage error must come before any harness is needed) and no job-array variables of a scheduler
/// the tests themselves may run under. Killed after 60 s.
/// </summary>
internal static class CliProcess
{
    private static readonly string[] SchedulerPrefixes = ["SLURM_", "LSB_", "SGE_", "JOB_COMPLETION_INDEX"];

    /// <summary>Runs <c>dmacosim ARGUMENTS</c>.</summary>
    /// <param name="arguments">The arguments.</param>
    /// <param name="environment">Variables to set in the child (after the scheduler variables are removed).</param>
    /// <param name="workingDirectory">The child's working directory, or null for this process's.</param>
    /// <returns>Exit code, standard output and standard error.</returns>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var cli = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "DmaCosim.Cli", new DirectoryInfo(AppContext.BaseDirectory).Name, "DmaCosim.Cli.dll"));
        Assert.True(File.Exists(cli), $"{cli} not found: build the solution (make csharp)");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (workingDirectory != null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var name in info.Environment.Keys.Where(k => SchedulerPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DMACOSIM_HARNESS"] = "/nonexistent/dmacosim-harness";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dmacosim {string.Join(' ', arguments)} still ran after 60 s (killed)");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
