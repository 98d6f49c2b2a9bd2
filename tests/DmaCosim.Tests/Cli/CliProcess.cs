// SPDX-License-Identifier: MIT
using System.Diagnostics;

namespace DmaCosim.Tests.Cli;

/// <summary>The result of one run of the real CLI.</summary>
/// <param name="Code">Its exit code.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
public sealed record CliRun(int Code, string Stdout, string Stderr);

/// <summary>
/// Runs the real <c>dmacosim</c> CLI (<c>dotnet DmaCosim.Cli.dll</c> of this build) as a process, with
/// environment overrides (a null value removes the variable), a time limit, and optionally a SIGINT once
/// its output shows a line. Also runs a printed command line in <c>/bin/sh</c>. Shared by DmaCosim.Tests and
/// DmaCosim.Cosim.Tests (linked).
/// </summary>
public static class CliProcess
{
    private static readonly string[] SchedulerPrefixes = ["SLURM_", "LSB_", "SGE_", "JOB_COMPLETION_INDEX"];

    /// <summary>A harness path that does not exist: a usage error must come before any harness is needed.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoHarness = new Dictionary<string, string?> { ["DMACOSIM_HARNESS"] = "/nonexistent/dmacosim-harness" };

    /// <summary><see cref="NoHarness"/> with <paramref name="more"/> set too.</summary>
    /// <param name="more">Further variables.</param>
    /// <returns>The variables.</returns>
    public static IReadOnlyDictionary<string, string?> WithoutHarness(IReadOnlyDictionary<string, string?>? more) =>
        new Dictionary<string, string?>(NoHarness.Concat(more ?? new Dictionary<string, string?>()));

    /// <summary>How long a run may take before it is killed and the test fails.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>The CLI's dll in this build (the test's output directory's sibling).</summary>
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Name;
            var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "DmaCosim.Cli", configuration, "DmaCosim.Cli.dll"));
            Assert.True(File.Exists(dll), $"{dll} not found: build the solution (make csharp)");
            return dll;
        }
    }

    /// <summary>Runs the CLI with <paramref name="arguments"/>.</summary>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables to set (null: remove).</param>
    /// <param name="workingDirectory">The CLI's working directory, or null for this process's.</param>
    /// <param name="interruptWhen">
    /// Send SIGINT once stdout has a line for which this is true: to the CLI's whole process group (it runs
    /// under <c>setsid</c>, with SIGINT at its default disposition whatever the test run inherited), harnesses
    /// included, as Ctrl-C in a terminal does.
    /// </param>
    /// <returns>The run.</returns>
    public static Task<CliRun> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null,
        Func<string, bool>? interruptWhen = null)
    {
        // SIGINT / SIGQUIT back to their defaults: a test run started in the background of a non-interactive shell
        // (`make test &`, a CI agent) inherits them ignored, and .NET then never sees the Ctrl-C the test sends
        var info = new ProcessStartInfo("setsid") { WorkingDirectory = workingDirectory ?? "" };
        info.ArgumentList.Add("env");
        info.ArgumentList.Add("--default-signal=INT,QUIT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return StartAsync(info, environment, interruptWhen);
    }

    /// <summary>Runs <paramref name="commandLine"/> in <c>/bin/sh -c</c>, as a user pasting it would.</summary>
    /// <param name="commandLine">The command line.</param>
    /// <param name="environment">Variables to set (null: remove).</param>
    /// <returns>The run.</returns>
    public static Task<CliRun> ShellAsync(string commandLine, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(commandLine);
        return StartAsync(info, environment, null);
    }

    /// <summary>An executable shell script in <paramref name="directory"/> that says it is broken and exits 3: a harness that never gets ready.</summary>
    /// <param name="directory">Where to write it.</param>
    /// <returns>Its path.</returns>
    public static string BrokenHarness(string directory)
    {
        var path = Path.Combine(directory, "broken-harness");
        File.WriteAllText(path, "#!/bin/sh\necho 'broken on purpose: this harness never gets ready' >&2\nexit 3\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task<CliRun> StartAsync(ProcessStartInfo info, IReadOnlyDictionary<string, string?>? environment, Func<string, bool>? interruptWhen)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        // never the job-array variables of a scheduler the tests themselves may run under
        foreach (var name in info.Environment.Keys.Where(k => SchedulerPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value == null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = info };
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var interrupted = 0;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.Append(e.Data).Append('\n');
            }

            if (interruptWhen != null && interruptWhen(e.Data) && Interlocked.Exchange(ref interrupted, 1) == 0)
            {
                using var kill = Process.Start("kill", ["-INT", "--", "-" + process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null)
            {
                lock (stderr)
                {
                    stderr.Append(e.Data).Append('\n');
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{info.FileName} {string.Join(' ', info.ArgumentList)} still ran after {Limit.TotalMinutes} min (killed)");
        }

        process.WaitForExit(); // the output handlers have seen everything
        lock (stdout)
        {
            lock (stderr)
            {
                return new CliRun(process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }
}
