// SPDX-License-Identifier: MIT
using DmaCosim.Dma;

namespace DmaCosim.Driver;

/// <summary>The two remedies for hardware that needs aligned buffers (the DMA API's "buffer alignment" section).</summary>
public enum AlignmentRemedy
{
    /// <summary>Copy through aligned bounce buffers: the CPU copies the source into one, the engine copies it to another, the CPU copies that to the destination.</summary>
    Bounce,

    /// <summary>The CPU moves the misaligned head and tail (programmed I/O); the engine copies the aligned middle. Needs source and destination at the same offset within a beat.</summary>
    PioHeadTail,
}

/// <summary>
/// A byte-exact copy between two CPU buffers on any build: a copy the engine can do as it is
/// (<see cref="CdmaChannel.IsCopyAligned"/>) goes straight to it; otherwise the chosen
/// <see cref="AlignmentRemedy"/> makes it one the engine can do.
/// </summary>
public static class AlignedCopy
{
    /// <summary>Copies <paramref name="length"/> bytes.</summary>
    /// <param name="channel">The channel (its <see cref="CdmaChannel.Device"/> maps the buffers).</param>
    /// <param name="destination">Destination buffer.</param>
    /// <param name="destinationOffset">Offset in it.</param>
    /// <param name="source">Source buffer.</param>
    /// <param name="sourceOffset">Offset in it.</param>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <param name="remedy">What to do when the engine cannot copy it as it is.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Bytes the CPU moved (0 when the engine did it all).</returns>
    /// <exception cref="CdmaAlignmentException">PIO head/tail was chosen but source and destination are not at the same offset within a beat.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A range is outside its buffer.</exception>
    public static async Task<int> CopyAsync(
        CdmaChannel channel, DmaBuffer destination, int destinationOffset, DmaBuffer source, int sourceOffset, int length,
        AlignmentRemedy remedy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var device = channel.Device;
        var align = 1 << channel.CopyAlign;
        var dst = destination.Address + (ulong)destinationOffset;
        var src = source.Address + (ulong)sourceOffset;
        if (channel.IsCopyAligned(dst, src, (ulong)length))
        {
            await DmaAsync(channel, destination, destinationOffset, source, sourceOffset, length, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (remedy == AlignmentRemedy.Bounce)
        {
            var padded = (length + align - 1) / align * align;
            var inBuffer = device.Allocate(padded, 64);
            var outBuffer = device.Allocate(padded, 64);
            try
            {
                var bytes = await device.CpuReadAsync(source, sourceOffset, length, cancellationToken).ConfigureAwait(false);
                await device.CpuWriteAsync(inBuffer, 0, bytes, cancellationToken).ConfigureAwait(false);
                await DmaAsync(channel, outBuffer, 0, inBuffer, 0, padded, cancellationToken).ConfigureAwait(false);
                var copied = await device.CpuReadAsync(outBuffer, 0, length, cancellationToken).ConfigureAwait(false);
                await device.CpuWriteAsync(destination, destinationOffset, copied, cancellationToken).ConfigureAwait(false);
                return 2 * length;
            }
            finally
            {
                device.Free(outBuffer);
                device.Free(inBuffer);
            }
        }

        if ((dst - src) % (ulong)align != 0)
        {
            throw new CdmaAlignmentException(dst, src, (ulong)length, align);
        }

        var head = (int)Math.Min((ulong)length, ((ulong)align - (dst % (ulong)align)) % (ulong)align);
        var middle = (length - head) / align * align;
        var tail = length - head - middle;
        if (middle > 0)
        {
            // write back what the CPU holds of the destination first, so that the invalidate of the
            // middle's partial lines loses nothing the head and tail need
            var whole = await device.MapSingleAsync(destination, DmaDirection.ToDevice, destinationOffset, length, cancellationToken).ConfigureAwait(false);
            await device.UnmapAsync(whole, length, DmaDirection.ToDevice, cancellationToken).ConfigureAwait(false);
            await DmaAsync(channel, destination, destinationOffset + head, source, sourceOffset + head, middle, cancellationToken).ConfigureAwait(false);
        }

        await PioAsync(device, destination, destinationOffset, source, sourceOffset, head, cancellationToken).ConfigureAwait(false);
        await PioAsync(device, destination, destinationOffset + head + middle, source, sourceOffset + head + middle, tail, cancellationToken)
            .ConfigureAwait(false);
        return head + tail;
    }

    private static async Task PioAsync(
        DmaDevice device, DmaBuffer destination, int destinationOffset, DmaBuffer source, int sourceOffset, int length, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            return;
        }

        var bytes = await device.CpuReadAsync(source, sourceOffset, length, cancellationToken).ConfigureAwait(false);
        await device.CpuWriteAsync(destination, destinationOffset, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Map both ranges, copy with the engine, unmap both (also when the copy fails).</summary>
    private static async Task DmaAsync(
        CdmaChannel channel, DmaBuffer destination, int destinationOffset, DmaBuffer source, int sourceOffset, int length, CancellationToken cancellationToken)
    {
        var device = channel.Device;
        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, sourceOffset, length, cancellationToken).ConfigureAwait(false);
        try
        {
            var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, destinationOffset, length, cancellationToken).ConfigureAwait(false);
            try
            {
                var transaction = await channel.PrepMemcpyAsync(to, from, length, cancellationToken).ConfigureAwait(false);
                await channel.SubmitAsync(transaction, cancellationToken).ConfigureAwait(false);
                await channel.IssuePendingAsync(cancellationToken).ConfigureAwait(false);
                await channel.WaitAsync(transaction, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await device.UnmapAsync(to, length, DmaDirection.FromDevice, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await device.UnmapAsync(from, length, DmaDirection.ToDevice, cancellationToken).ConfigureAwait(false);
        }
    }
}
