// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>What a failure message should tell the reader besides the bytes.</summary>
public sealed record ScoreboardContext
{
    /// <summary>Seed of the scenario, if seeded.</summary>
    public ulong? Seed { get; init; }

    /// <summary>A one-line command that reproduces the failure.</summary>
    public string? Repro { get; init; }

    /// <summary>Path of the waveform of the failing run, if one was recorded.</summary>
    public string? WaveformPath { get; init; }
}

/// <summary>Memory did not hold what a transfer must have produced.</summary>
public sealed class MemoryMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full report.</param>
    /// <param name="address">Bus address of the first wrong byte.</param>
    /// <param name="wrongBytes">Number of wrong bytes over every expected region.</param>
    public MemoryMismatchException(string message, ulong address, long wrongBytes)
        : base(message)
    {
        Address = address;
        WrongBytes = wrongBytes;
    }

    /// <summary>Bus address of the first wrong byte.</summary>
    public ulong Address { get; }

    /// <summary>Number of wrong bytes over every expected region.</summary>
    public long WrongBytes { get; }
}

/// <summary>Checks memory byte-for-byte against an <see cref="ExpectedMemory"/>.</summary>
public static class Scoreboard
{
    /// <summary>
    /// Reads every expected region and compares it byte by byte.
    /// </summary>
    /// <param name="memory">The simulated DRAM.</param>
    /// <param name="expected">What it must hold.</param>
    /// <param name="context">Seed, repro command and waveform for the message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The number of bytes verified.</returns>
    /// <exception cref="MemoryMismatchException">A byte differs: the message gives the first wrong address,
    /// its region, the count of wrong bytes, a hexdump of expected vs actual around it, the seed, the repro
    /// command and the waveform path.</exception>
    public static async Task<long> AssertMemoryAsync(
        ISimMemory memory, ExpectedMemory expected, ScoreboardContext? context = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(expected);
        long wrong = 0;
        string? firstReport = null;
        ulong firstAddress = 0;
        foreach (var region in expected.Regions)
        {
            var actual = await memory.ReadAsync(region.Address, region.Bytes.Length, cancellationToken).ConfigureAwait(false);
            if (Compare(region.Bytes, actual, region.Address, region.Label) is not { } difference)
            {
                continue;
            }

            wrong += difference.Count;
            if (firstReport == null)
            {
                firstAddress = difference.Address;
                firstReport = difference.Report;
            }
        }

        if (firstReport == null)
        {
            return expected.ByteCount;
        }

        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"memory mismatch: {wrong} of {expected.ByteCount} expected bytes wrong; ")
            .Append(firstReport);
        if (context?.Seed is { } seed)
        {
            message.Append(CultureInfo.InvariantCulture, $"seed: {seed}\n");
        }

        if (context?.Repro is { } repro)
        {
            message.Append(CultureInfo.InvariantCulture, $"repro: {repro}\n");
        }

        if (context?.WaveformPath is { } wave)
        {
            message.Append(CultureInfo.InvariantCulture, $"waveform: {wave}\n");
        }

        throw new MemoryMismatchException(message.ToString(), firstAddress, wrong);
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="expected"/>, both at <paramref name="address"/>:
    /// null when equal, else the first wrong address, the count of wrong bytes and a report naming the first
    /// wrong byte with a hexdump of expected vs actual around it.
    /// </summary>
    internal static (ulong Address, long Count, string Report)? Compare(
        ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, ulong address, string label)
    {
        var first = FirstDifference(expected, actual);
        if (first < 0)
        {
            return null;
        }

        var count = CountDifferences(expected, actual);
        var at = address + (ulong)first;
        return (at, count,
            $"first wrong byte at 0x{at:X} ('{label}' + {first}): " +
            $"expected 0x{expected[first]:x2}, found 0x{actual[first]:x2}; {count} wrong in this region\n" +
            HexDump.Diff(expected, actual, address, first));
    }

    private static int FirstDifference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var common = expected.CommonPrefixLength(actual);
        return common == expected.Length ? -1 : common;
    }

    private static long CountDifferences(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        long count = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            count += expected[i] != actual[i] ? 1 : 0;
        }

        return count;
    }
}
