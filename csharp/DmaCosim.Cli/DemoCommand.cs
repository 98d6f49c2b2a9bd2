// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary><c>dmacosim demo</c>: one DMA copy in RTL, verified byte-for-byte.</summary>
internal static class DemoCommand
{
    private const ulong SourceAddress = 0x0010_0000;
    private const ulong DestinationAddress = 0x0100_0000;

    public static Command Create()
    {
        var size = new Option<string>("--size")
        {
            Description = "bytes to copy (e.g. 4096, 64K, 1M; at most 16M)",
            DefaultValueFactory = _ => "1M",
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "seed of the source pattern",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("demo", "copy a seeded buffer with the CDMA in RTL and verify every byte")
        {
            size,
            seed,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(size)!, result.GetValue(seed), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string sizeText, ulong seed, CancellationToken cancellationToken)
    {
        if (!SizeParser.TryParse(sizeText, out var size) || size is < 1 or > 16 << 20)
        {
            return await CliConsole.UsageErrorAsync("demo", $"--size '{sizeText}' is not a size between 1 and 16M").ConfigureAwait(false);
        }

        var length = (int)size;
        var harnessPath = CliEnvironment.Harness();
        await using var harness = await HarnessProcess.StartAsync(new HarnessOptions { HarnessPath = harnessPath }, cancellationToken).ConfigureAwait(false);
        var rtl = harness.Hello.Rtl;
        Console.WriteLine(HarnessHeader.Of(harnessPath, harness).Line);
        Console.WriteLine(
            $"endpoint {harness.Endpoint} (pid {harness.ProcessId}), protocol {harness.Hello.Protocol}, " +
            $"RTL {rtl.DataWidth}-bit data, {rtl.AddrWidth}-bit address, bursts up to {rtl.MaxBurst} beats");
        foreach (var window in harness.Hello.Dram)
        {
            Console.WriteLine($"dram     0x{window.Base:X8} + {window.Size >> 20} MiB, shared memory {window.Shm}");
        }

        var channel = new CdmaChannel(harness.Client, rtl);
        await harness.Client.ResetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ResetAsync(cancellationToken).ConfigureAwait(false);

        var source = SeededPattern.Create(length, seed);
        var expected = new ExpectedMemory();
        await harness.Memory.WriteAsync(SourceAddress, source, cancellationToken).ConfigureAwait(false);
        await Guards.PlaceAsync(harness.Memory, expected, DestinationAddress, length, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        expected.Expect(DestinationAddress, source, "destination");
        expected.Expect(SourceAddress, source, "source (must be unchanged)");

        Console.WriteLine($"copy     {length} bytes 0x{SourceAddress:X8} -> 0x{DestinationAddress:X8} (seed {seed}), simple mode");
        var wall = Stopwatch.StartNew();
        var transfer = await channel.MemcpyAsync(DestinationAddress, SourceAddress, (uint)length, cancellationToken)
            .ConfigureAwait(false);
        wall.Stop();
        var efficiency = transfer.BytesPerCycle / rtl.BytesPerBeat;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done     {transfer.Bytes} bytes in {transfer.Cycles} cycles: {transfer.BytesPerCycle:0.000} bytes/cycle " +
            $"({efficiency:P1} of the {rtl.DataWidth}-bit bus), {wall.Elapsed.TotalMilliseconds:0} ms wall"));

        try
        {
            await Scoreboard.AssertMemoryAsync(harness.Memory, expected,
                new ScoreboardContext { Seed = seed, Repro = $"{CliEnvironment.Invocation} demo --size {CliEnvironment.Quote(sizeText)} --seed {seed}" },
                cancellationToken).ConfigureAwait(false);
        }
        catch (MemoryMismatchException mismatch)
        {
            Console.WriteLine(mismatch.Message);
            return 1;
        }

        Console.WriteLine($"verified: {length} bytes byte-for-byte (source intact, {2 * Guards.DefaultSize} guard bytes untouched)");
        var coherent = await CoherencyDemo.RunAsync(harness, cancellationToken).ConfigureAwait(false);
        return coherent && await IommuDemo.RunAsync(harness, cancellationToken).ConfigureAwait(false) ? 0 : 1;
    }
}
