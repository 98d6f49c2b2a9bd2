namespace DmaCosim.Driver;

/// <summary>The PG034 scatter-gather descriptor: 64 bytes, 64-byte aligned, as rtl/dma_pkg.sv lays it out.</summary>
public static class CdmaDescriptor
{
    /// <summary>Size and alignment of a descriptor.</summary>
    public const int Size = 64;

    /// <summary>NXTDESC: address of the next descriptor.</summary>
    public const int NextOffset = 0x00;

    /// <summary>NXTDESC_MSB.</summary>
    public const int NextMsbOffset = 0x04;

    /// <summary>SA: source address.</summary>
    public const int SourceOffset = 0x08;

    /// <summary>SA_MSB.</summary>
    public const int SourceMsbOffset = 0x0C;

    /// <summary>DA: destination address.</summary>
    public const int DestinationOffset = 0x10;

    /// <summary>DA_MSB.</summary>
    public const int DestinationMsbOffset = 0x14;

    /// <summary>CONTROL: BTT[25:0].</summary>
    public const int ControlOffset = 0x18;

    /// <summary>STATUS: written back by the engine.</summary>
    public const int StatusOffset = 0x1C;

    /// <summary>Bit of STATUS.Cmplt.</summary>
    public const int StatusCompleteBit = 31;

    /// <summary>Bit of STATUS.DMADecErr.</summary>
    public const int StatusDecErrBit = 30;

    /// <summary>Bit of STATUS.DMASlvErr.</summary>
    public const int StatusSlvErrBit = 29;

    /// <summary>Bit of STATUS.DMAIntErr.</summary>
    public const int StatusIntErrBit = 28;

    /// <summary>STATUS.Cmplt.</summary>
    public const uint StatusComplete = 1u << StatusCompleteBit;

    /// <summary>STATUS.DMADecErr.</summary>
    public const uint StatusDecErr = 1u << StatusDecErrBit;

    /// <summary>STATUS.DMASlvErr.</summary>
    public const uint StatusSlvErr = 1u << StatusSlvErrBit;

    /// <summary>STATUS.DMAIntErr.</summary>
    public const uint StatusIntErr = 1u << StatusIntErrBit;

    /// <summary>All STATUS error bits.</summary>
    public const uint StatusErrors = StatusDecErr | StatusSlvErr | StatusIntErr;

    /// <summary>Encodes a descriptor (bytes 0x20–0x3F are left zero: the engine never touches them).</summary>
    /// <param name="next">NXTDESC.</param>
    /// <param name="source">SA.</param>
    /// <param name="destination">DA.</param>
    /// <param name="length">BTT.</param>
    /// <returns>The 64 bytes.</returns>
    public static byte[] Encode(ulong next, ulong source, ulong destination, uint length)
    {
        var bytes = new byte[Size];
        WriteAddress(bytes, NextOffset, next);
        WriteAddress(bytes, SourceOffset, source);
        WriteAddress(bytes, DestinationOffset, destination);
        BitConverter.TryWriteBytes(bytes.AsSpan(ControlOffset), length);
        return bytes;
    }

    /// <summary>Writes a 64-bit address as its LSB and MSB words.</summary>
    /// <param name="bytes">Descriptor bytes.</param>
    /// <param name="offset">Offset of the LSB word.</param>
    /// <param name="address">The address.</param>
    public static void WriteAddress(Span<byte> bytes, int offset, ulong address) =>
        BitConverter.TryWriteBytes(bytes[offset..], address);
}

/// <summary>
/// A fixed pool of 64-byte aligned descriptor slots in DRAM (the role of the driver's dma_pool).
/// </summary>
public sealed class CdmaDescriptorPool
{
    private readonly Stack<ulong> _free = new();
    private readonly HashSet<ulong> _used = [];

    /// <summary>Creates the pool over [<paramref name="baseAddress"/>, + count × 64).</summary>
    /// <param name="baseAddress">First slot; 64-byte aligned.</param>
    /// <param name="count">Number of slots, ≥ 1.</param>
    /// <exception cref="ArgumentException">Misaligned base or a count below 1.</exception>
    public CdmaDescriptorPool(ulong baseAddress, int count)
    {
        if (baseAddress % CdmaDescriptor.Size != 0)
        {
            throw new ArgumentException($"descriptor pool base 0x{baseAddress:X} is not 64-byte aligned", nameof(baseAddress));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        BaseAddress = baseAddress;
        Count = count;
        for (var i = count - 1; i >= 0; i--)
        {
            _free.Push(baseAddress + ((ulong)i * CdmaDescriptor.Size));
        }
    }

    /// <summary>First slot address.</summary>
    public ulong BaseAddress { get; }

    /// <summary>Number of slots.</summary>
    public int Count { get; }

    /// <summary>Slots currently free.</summary>
    public int Available => _free.Count;

    /// <summary>Takes <paramref name="count"/> slots.</summary>
    /// <param name="count">How many.</param>
    /// <returns>Their addresses.</returns>
    /// <exception cref="InvalidOperationException">Fewer slots are free.</exception>
    public IReadOnlyList<ulong> Allocate(int count)
    {
        if (count > _free.Count)
        {
            throw new InvalidOperationException(
                $"descriptor pool at 0x{BaseAddress:X} has {_free.Count} of {Count} slots free, {count} needed");
        }

        var slots = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            slots[i] = _free.Pop();
            _used.Add(slots[i]);
        }

        return slots;
    }

    /// <summary>Returns slots to the pool.</summary>
    /// <param name="slots">Addresses from <see cref="Allocate"/>.</param>
    /// <exception cref="InvalidOperationException">A slot is not allocated (double free).</exception>
    public void Free(IEnumerable<ulong> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        foreach (var slot in slots)
        {
            if (!_used.Remove(slot))
            {
                throw new InvalidOperationException($"descriptor 0x{slot:X} is not allocated from this pool (double free?)");
            }

            _free.Push(slot);
        }
    }
}
