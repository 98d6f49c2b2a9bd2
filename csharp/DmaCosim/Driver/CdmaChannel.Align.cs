// SPDX-License-Identifier: MIT
using DmaCosim.Dma;

namespace DmaCosim.Driver;

/// <summary>
/// <c>copy_align</c>, as Linux's dmaengine has it (<c>is_dma_copy_aligned</c>): on a build without the
/// realigner (<c>nodre</c>, <see cref="Bridge.RtlInfo.HasDre"/> false) <c>xilinx_dma</c> sets copy_align
/// to the data width, and a copy whose source, destination or length is not a multiple of it is refused.
/// </summary>
public sealed partial class CdmaChannel
{
    /// <summary>log2 of the alignment copies need: 0 with the realigner, log2(bytes per beat) without it.</summary>
    public int CopyAlign => _rtl.HasDre ? 0 : System.Numerics.BitOperations.Log2((uint)_rtl.BytesPerBeat);

    /// <summary>True when a copy of these addresses and length needs no remedy on this build.</summary>
    /// <param name="destination">Destination bus address.</param>
    /// <param name="source">Source bus address.</param>
    /// <param name="length">Bytes.</param>
    /// <returns>Whether source, destination and length are multiples of 2^<see cref="CopyAlign"/>.</returns>
    public bool IsCopyAligned(ulong destination, ulong source, ulong length) =>
        ((destination | source | length) & ((1UL << CopyAlign) - 1)) == 0;

    private void CheckCopyAlign(ulong destination, ulong source, ulong length)
    {
        if (!IsCopyAligned(destination, source, length))
        {
            throw new CdmaAlignmentException(destination, source, length, 1 << CopyAlign);
        }
    }
}

/// <summary>
/// A copy the engine cannot do exactly: the build has no realigner and the source, destination or
/// length is not a multiple of the data width (Linux: <c>copy_align</c>); nothing was programmed.
/// </summary>
public sealed class CdmaAlignmentException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="destination">Destination bus address.</param>
    /// <param name="source">Source bus address.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="alignment">Bytes the three must be a multiple of.</param>
    public CdmaAlignmentException(ulong destination, ulong source, ulong length, int alignment)
        : base($"copy of {length} bytes 0x{source:X} -> 0x{destination:X} is not {alignment}-byte aligned " +
               $"(copy_align {System.Numerics.BitOperations.Log2((uint)alignment)}: this build has no realigner, DRE); " +
               $"source, destination and length must each be a multiple of {alignment} — use AlignedCopy's bounce or PIO head/tail remedy")
    {
        Alignment = alignment;
    }

    /// <summary>The alignment in bytes (2^copy_align).</summary>
    public int Alignment { get; }
}
