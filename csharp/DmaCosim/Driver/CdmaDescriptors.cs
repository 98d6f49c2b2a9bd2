// SPDX-License-Identifier: MIT
namespace DmaCosim.Driver;

/// <summary>The PG034 scatter-gather descriptor: 64 bytes, 64-byte aligned, as rtl/dma_pkg.sv lays it out.</summary>
public static class CdmaDescriptor
{
    /// <summary>Size and alignment of a descriptor.</summary>
    public const int Size = 64;

    /// <summary>Bytes the engine reads or writes (NXTDESC .. STATUS); the rest of the 64 is the driver's.</summary>
    public const int HardwareSize = 0x20;

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
