// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>Guard bytes around a destination: a transfer that writes one byte too many is caught.</summary>
public static class Guards
{
    /// <summary>The guard byte value (as in verilog-axi's tests).</summary>
    public const byte Value = 0xAA;

    /// <summary>Default guard size on each side.</summary>
    public const int DefaultSize = 64;

    /// <summary>
    /// Fills <paramref name="size"/> bytes before and after [address, address + length) with 0xAA in
    /// memory, fills the destination itself with 0xAA too, and expects the guards to survive.
    /// </summary>
    /// <param name="memory">The simulated DRAM.</param>
    /// <param name="expected">Where the guard expectations are added.</param>
    /// <param name="address">Destination address.</param>
    /// <param name="length">Destination length.</param>
    /// <param name="size">Guard bytes on each side.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the guards are in memory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The guarded range is outside DRAM or below address 0.</exception>
    public static async Task PlaceAsync(
        ISimMemory memory, ExpectedMemory expected, ulong address, int length, int size = DefaultSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(expected);
        if (address < (ulong)size)
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}", $"needs {size} guard bytes below it");
        }

        await memory.FillAsync(address - (ulong)size, length + (2 * size), Value, cancellationToken).ConfigureAwait(false);
        expected.ExpectFill(address - (ulong)size, size, Value, "guard before");
        expected.ExpectFill(address + (ulong)length, size, Value, "guard after");
    }
}
