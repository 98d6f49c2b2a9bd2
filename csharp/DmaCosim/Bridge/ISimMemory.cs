// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>
/// Backdoor access to the simulated DRAM: reads and writes take no simulated time. Implemented over
/// the shared-memory file of a local harness (<see cref="SharedDram"/>) or over <c>mem_read</c> /
/// <c>mem_write</c> for a remote one (<see cref="RemoteDram"/>).
/// </summary>
public interface ISimMemory
{
    /// <summary>The DRAM windows.</summary>
    IReadOnlyList<DramWindowInfo> Windows { get; }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="length">Bytes to read.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside one DRAM window.</exception>
    /// <exception cref="InvalidOperationException">A simulation request is running.</exception>
    Task<byte[]> ReadAsync(ulong address, int length, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="data"/> at <paramref name="address"/>.</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="data">Bytes to write.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the bytes are in DRAM.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside one DRAM window.</exception>
    /// <exception cref="InvalidOperationException">A simulation request is running.</exception>
    Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Fills <paramref name="length"/> bytes at <paramref name="address"/> with <paramref name="value"/>.</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="length">Bytes to fill.</param>
    /// <param name="value">Fill byte.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the bytes are in DRAM.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside one DRAM window.</exception>
    /// <exception cref="InvalidOperationException">A simulation request is running.</exception>
    Task FillAsync(ulong address, int length, byte value, CancellationToken cancellationToken = default);
}

/// <summary>Range checks shared by the memory implementations.</summary>
internal static class DramRange
{
    public static DramWindowInfo Find(IReadOnlyList<DramWindowInfo> windows, ulong address, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        foreach (var window in windows)
        {
            if (window.Contains(address, (ulong)length))
            {
                return window;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(address),
            $"[0x{address:X}, +{length}) is not inside one DRAM window ({Describe(windows)})");
    }

    private static string Describe(IReadOnlyList<DramWindowInfo> windows) =>
        string.Join(", ", windows.Select(w => $"0x{w.Base:X}+0x{w.Size:X}"));
}
