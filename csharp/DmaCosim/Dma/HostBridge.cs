// SPDX-License-Identifier: MIT
namespace DmaCosim.Dma;

/// <summary>
/// The host bridge between CPU physical and bus addresses, Linux <c>dma-ranges</c> with one range: the
/// bus address of a byte is its CPU physical address plus <see cref="Offset"/> (the harness's
/// <c>--bus-offset</c>, hello's <c>bus_offset</c>). It is the one place the DMA API adds or subtracts the
/// offset. It applies while the IOMMU is off; with the IOMMU on the device issues IOVAs and the page
/// table holds physical addresses (docs/architecture.md "Address spaces").
/// </summary>
public sealed record HostBridge
{
    /// <summary>Creates the bridge.</summary>
    /// <param name="offset">Bus address − CPU physical address, a multiple of 4 KiB.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not a multiple of 4 KiB.</exception>
    public HostBridge(ulong offset)
    {
        if (offset % 4096 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"0x{offset:X}", "the bus offset must be a multiple of 4 KiB (page-aligned)");
        }

        Offset = offset;
    }

    /// <summary>No offset: bus address = CPU physical address.</summary>
    public static HostBridge Identity { get; } = new(0);

    /// <summary>Bus address − CPU physical address.</summary>
    public ulong Offset { get; }

    /// <summary>The bus address of a CPU physical address (what the device is given).</summary>
    /// <param name="physical">CPU physical address.</param>
    /// <returns>The bus address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">It would lie beyond 2^64.</exception>
    public ulong ToBus(ulong physical) =>
        physical <= ulong.MaxValue - Offset
            ? physical + Offset
            : throw new ArgumentOutOfRangeException(nameof(physical), $"0x{physical:X}", $"physical + bus offset 0x{Offset:X} lies beyond 2^64");

    /// <summary>The CPU physical address of a bus address.</summary>
    /// <param name="bus">Bus address.</param>
    /// <returns>The physical address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">It lies below the offset (no memory behind it).</exception>
    public ulong ToPhysical(ulong bus) =>
        bus >= Offset
            ? bus - Offset
            : throw new ArgumentOutOfRangeException(nameof(bus), $"0x{bus:X}", $"a bus address below the bus offset 0x{Offset:X} has no physical address");

    /// <summary>True when the bus range of the physical bytes [physical, physical + length) lies at or below <paramref name="mask"/>.</summary>
    /// <param name="physical">First CPU physical address.</param>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <param name="mask">A DMA mask (the highest bus address the device can drive).</param>
    /// <returns>Whether the device reaches every byte.</returns>
    public bool BelowMask(ulong physical, ulong length, ulong mask)
    {
        var last = physical + (length - 1);
        return last >= physical && last <= ulong.MaxValue - Offset && last + Offset <= mask;
    }

    /// <inheritdoc />
    public override string ToString() => $"bus = physical + 0x{Offset:X}";
}
