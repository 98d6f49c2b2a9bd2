// SPDX-License-Identifier: MIT
using Spectre.Console;

namespace DmaCosim.Cli;

/// <summary>What the long-running commands (regress, perf) share about the console.</summary>
internal static class CliConsole
{
    /// <summary>Reports a usage error on stderr; returns the usage-error exit code (2).</summary>
    /// <param name="command">The command's name.</param>
    /// <param name="error">What is wrong.</param>
    /// <returns>2.</returns>
    public static async Task<int> UsageErrorAsync(string command, string error)
    {
        await Console.Error.WriteLineAsync($"{Cli.Name} {command}: {error}").ConfigureAwait(false);
        return 2;
    }

    /// <summary>A log, not a terminal: no colour codes, and room for the summary table.</summary>
    public static void PlainWhenRedirected()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Capabilities.Ansi = false;
            AnsiConsole.Profile.Width = 160;
        }
    }
}
