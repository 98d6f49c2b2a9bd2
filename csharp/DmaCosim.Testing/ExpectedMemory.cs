// SPDX-License-Identifier: MIT
namespace DmaCosim.Testing;

/// <summary>One range of memory with the bytes it must hold.</summary>
/// <param name="Address">First bus address.</param>
/// <param name="Bytes">The bytes it must hold.</param>
/// <param name="Label">What the range is, for messages (e.g. "destination", "guard before").</param>
public sealed record ExpectedRegion(ulong Address, byte[] Bytes, string Label);

/// <summary>What memory must hold after a scenario: a set of labelled byte ranges.</summary>
public sealed class ExpectedMemory
{
    private readonly List<ExpectedRegion> _regions = [];

    /// <summary>The ranges, in the order they were added.</summary>
    public IReadOnlyList<ExpectedRegion> Regions => _regions;

    /// <summary>Total expected bytes.</summary>
    public long ByteCount => _regions.Sum(r => (long)r.Bytes.Length);

    /// <summary>Expects <paramref name="bytes"/> at <paramref name="address"/>.</summary>
    /// <param name="address">First bus address.</param>
    /// <param name="bytes">The bytes (copied).</param>
    /// <param name="label">What the range is.</param>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentException">The range overlaps one already expected.</exception>
    public ExpectedMemory Expect(ulong address, ReadOnlySpan<byte> bytes, string label = "data")
    {
        var end = address + (ulong)bytes.Length;
        foreach (var region in _regions)
        {
            if (address < region.Address + (ulong)region.Bytes.Length && region.Address < end)
            {
                throw new ArgumentException(
                    $"'{label}' [0x{address:X}, 0x{end:X}) overlaps '{region.Label}' at 0x{region.Address:X}", nameof(address));
            }
        }

        _regions.Add(new ExpectedRegion(address, bytes.ToArray(), label));
        return this;
    }

    /// <summary>Expects <paramref name="length"/> copies of <paramref name="value"/> at <paramref name="address"/>.</summary>
    /// <param name="address">First bus address.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="value">The byte value.</param>
    /// <param name="label">What the range is.</param>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentException">The range overlaps one already expected.</exception>
    public ExpectedMemory ExpectFill(ulong address, int length, byte value, string label = "fill")
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return Expect(address, bytes, label);
    }
}
