// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DmaCosim.Cli;

/// <summary>
/// The <c>dmacosim</c> command: its subcommands, and the rules every one of them follows. A parse error or
/// a bad value, path or environment variable is one line on stderr naming the option and the value, exit 2;
/// any other error is one line, exit 1; never a stack trace. Ctrl-C cancels the command's token (a
/// command finishes what it can — regress prints a partial summary and writes its JUnit); the exit code
/// is then 130. A second Ctrl-C ends the process at once.
/// </summary>
internal static partial class Cli
{
    /// <summary>Exit code of a usage error.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>The program's name, in help and messages.</summary>
    public const string Name = "dmacosim";

    /// <summary>The root command with every subcommand.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var root = new Command(Name, "dmacosim: DMA co-simulation bridge (Verilated AXI CDMA + C# driver)")
        {
            new HelpOption(),
            new VersionOption(),
            DemoCommand.Create(),
            BenchCommand.Create(),
            RegressCommand.Create(),
            ReplayCommand.Create(),
            PerfCommand.Create(),
            RingCommand.Create(),
            CoverageCommand.Create(),
            MergeCommand.Create(),
            SoakCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var result = Create().Parse(args);
        if (result.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{CommandPath(result.CommandResult)}: {Describe(result.Errors[0])}").ConfigureAwait(false);
            return UsageError;
        }

        using var interrupt = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            // the first Ctrl-C asks the command to stop and report; a second one ends the process
            context.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        });
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        try
        {
            var code = await result.InvokeAsync(configuration, interrupt.Token).ConfigureAwait(false);
            return interrupt.IsCancellationRequested ? Interrupted : code;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{CommandPath(result.CommandResult)}: interrupted").ConfigureAwait(false);
            return Interrupted;
        }
        catch (CliUsageException e)
        {
            await Console.Error.WriteLineAsync($"{CommandPath(result.CommandResult)}: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
        catch (Exception e)
        {
            // a failure of the run itself (a harness that died, a full disk): its message, never a stack trace
            await Console.Error.WriteLineAsync($"{CommandPath(result.CommandResult)}: {OneLine(e)}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>A parse error as one line naming the option and the value, without .NET type names.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The line.</returns>
    internal static string Describe(ParseError error)
    {
        if (CannotParse().Match(error.Message) is { Success: true } match)
        {
            var value = match.Groups[1].Value;
            var type = error.SymbolResult switch
            {
                OptionResult o => o.Option.ValueType,
                ArgumentResult a => a.Argument.ValueType,
                _ => null,
            };
            var name = error.SymbolResult switch
            {
                OptionResult o => o.IdentifierToken?.Value ?? o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.IdentifierToken?.Value ?? o.Option.Name,
                ArgumentResult a => a.Argument.Name,
                _ => match.Groups[2].Value,
            };
            return $"{name} '{value}' is not {(type == null ? "a valid value" : Kind(type))}";
        }

        return TypeName().Replace(error.Message.Split('\n')[0], "").TrimEnd();
    }

    /// <summary>What a value of <paramref name="type"/> is, in words.</summary>
    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) ? "an integer"
            : type == typeof(uint) || type == typeof(ulong) ? "a non-negative integer"
            : type == typeof(double) ? "a number"
            : type == typeof(bool) ? "true or false"
            : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}"
            : "a valid value";
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        return string.Join(' ', names);
    }

    private static string OneLine(Exception e)
    {
        var message = e is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0].Message : e.Message;
        return message.Split('\n')[0].Trim();
    }

    /// <summary>System.CommandLine's conversion error: the value, and the option or argument.</summary>
    [GeneratedRegex("^Cannot parse argument '(.*)' for (?:option|command|argument) '([^']*)'")]
    private static partial Regex CannotParse();

    /// <summary>"as expected type 'System.Int32'" and the like.</summary>
    [GeneratedRegex(@"\s*as expected type '[^']*'")]
    private static partial Regex TypeName();
}
