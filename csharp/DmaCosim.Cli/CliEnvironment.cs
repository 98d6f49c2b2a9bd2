// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text.RegularExpressions;
using DmaCosim.Bridge;

namespace DmaCosim.Cli;

/// <summary>A bad option value, path or environment variable: one line on stderr, exit 2 (<see cref="Cli"/>).</summary>
/// <param name="message">What is wrong, naming the option or variable and the value.</param>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>
/// What every command shares about where it runs: the harness binary (checked before anything starts),
/// the command line that runs this CLI again (for repro lines), and output paths checked before a run.
/// </summary>
internal static partial class CliEnvironment
{
    /// <summary>
    /// Set by the <c>build/dmacosim</c> launcher to its own absolute path: the command that runs this CLI
    /// again, and the directory whose <c>dmacosim-harness</c> is the default harness.
    /// </summary>
    public const string CliVariable = "DMACOSIM_CLI";

    /// <summary>
    /// The harness binary: <c>$DMACOSIM_HARNESS</c> (it must be an executable file), else the
    /// <c>dmacosim-harness</c> next to the launcher, else <see cref="HarnessProcess.Locate"/>.
    /// </summary>
    /// <returns>The absolute path.</returns>
    /// <exception cref="CliUsageException">The variable names no executable file, or no harness was found.</exception>
    public static string Harness()
    {
        var fromEnv = Environment.GetEnvironmentVariable(HarnessOptions.HarnessVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Executable(fromEnv) ?? throw new CliUsageException(
                $"{HarnessOptions.HarnessVariable}={fromEnv}: {Why(fromEnv)}");
        }

        if (Environment.GetEnvironmentVariable(CliVariable) is { Length: > 0 } launcher
            && Executable(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(launcher)) ?? ".", "dmacosim-harness")) is { } sibling)
        {
            return sibling;
        }

        try
        {
            return HarnessProcess.Locate();
        }
        catch (FileNotFoundException e)
        {
            throw new CliUsageException(e.Message);
        }
    }

    /// <summary>
    /// The command that runs this CLI again, as a shell would take it: the launcher when it ran us, else
    /// <c>dotnet DmaCosim.Cli.dll</c> (absolute paths), preceded by <c>DMACOSIM_HARNESS=…</c> when that was set.
    /// </summary>
    public static string Invocation
    {
        get
        {
            var harness = Environment.GetEnvironmentVariable(HarnessOptions.HarnessVariable);
            var prefix = string.IsNullOrEmpty(harness) ? "" : $"{HarnessOptions.HarnessVariable}={Quote(Path.GetFullPath(harness))} ";
            return prefix + Self;
        }
    }

    /// <summary>The CLI itself, absolute: the launcher, the app host, or <c>dotnet</c> and the dll.</summary>
    public static string Self
    {
        get
        {
            if (Environment.GetEnvironmentVariable(CliVariable) is { Length: > 0 } launcher)
            {
                return Quote(Path.GetFullPath(launcher));
            }

            var process = Environment.ProcessPath ?? "dotnet";
            var dll = typeof(CliEnvironment).Assembly.Location;
            return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.Ordinal) && dll.Length > 0
                ? $"{Quote(process)} {Quote(dll)}"
                : Quote(process);
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> can be an output directory (it is one, or can be created, and
    /// a file can be written there) without leaving anything behind.
    /// </summary>
    /// <param name="option">The option, for the message.</param>
    /// <param name="path">Its value.</param>
    /// <exception cref="CliUsageException">It cannot.</exception>
    public static void CheckOutputDirectory(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || File.Exists(path))
        {
            throw new CliUsageException($"{option} '{path}' is not a directory");
        }

        CheckWritable(option, path, Path.GetFullPath(path));
    }

    /// <summary>Checks that <paramref name="path"/> can be written as a file (its directory exists or can be created) without leaving anything behind.</summary>
    /// <param name="option">The option, for the message.</param>
    /// <param name="path">Its value.</param>
    /// <exception cref="CliUsageException">It cannot.</exception>
    public static void CheckOutputFile(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || Directory.Exists(path) || path.EndsWith('/'))
        {
            throw new CliUsageException($"{option} '{path}' is not a file name");
        }

        var full = Path.GetFullPath(path);
        CheckWritable(option, path, Path.GetDirectoryName(full) ?? full);
    }

    /// <summary>Single-quotes a word for a POSIX shell when it has anything but safe characters.</summary>
    /// <param name="word">The word.</param>
    /// <returns>The word, quoted when needed.</returns>
    public static string Quote(string word) =>
        word.Length > 0 && SafeWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The terminal's width: the console's when it is one, else <c>$COLUMNS</c>, else 80.</summary>
    public static int Width
    {
        get
        {
            if (!Console.IsOutputRedirected)
            {
                try
                {
                    if (Console.WindowWidth > 0)
                    {
                        return Console.WindowWidth;
                    }
                }
                catch (IOException)
                {
                    // no terminal after all: fall through
                }
            }

            return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0
                ? columns
                : 80;
        }
    }

    /// <summary>The directory a new file or directory at <paramref name="target"/> would be made in must be writable.</summary>
    private static void CheckWritable(string option, string value, string target)
    {
        // the nearest part of the path that exists must be a directory we can write in
        var existing = target;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new CliUsageException($"{option} '{value}': {existing} is a file, not a directory");
            }

            existing = Path.GetDirectoryName(existing) ?? throw new CliUsageException($"{option} '{value}': no part of it exists");
        }

        var probe = Path.Combine(existing, $".dmacosim-write-check-{Environment.ProcessId}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{option} '{value}': cannot create a file in {existing}");
        }
    }

    private static string? Executable(string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full) && (File.GetUnixFileMode(full) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0
            ? full
            : null;
    }

    private static string Why(string path) =>
        Directory.Exists(path) ? "is a directory, not the harness binary"
        : File.Exists(path) ? "is not executable"
        : "does not exist (make harness builds build/dmacosim-harness)";

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeWord();
}
