// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Dma;

/// <summary>Direction of a streaming mapping, as Linux's <c>enum dma_data_direction</c>.</summary>
public enum DmaDirection
{
    /// <summary>DMA_BIDIRECTIONAL: the device reads and writes the buffer.</summary>
    Bidirectional,

    /// <summary>DMA_TO_DEVICE: the device reads the buffer (the CPU wrote it).</summary>
    ToDevice,

    /// <summary>DMA_FROM_DEVICE: the device writes the buffer (the CPU reads it afterwards).</summary>
    FromDevice,
}

/// <summary>Who may touch a mapped buffer now.</summary>
public enum DmaOwner
{
    /// <summary>The CPU (not mapped, or after SyncForCpu).</summary>
    Cpu,

    /// <summary>The device (after MapSingle or SyncForDevice).</summary>
    Device,
}

/// <summary>Cache maintenance by address range (the architecture's clean / invalidate / flush by VA).</summary>
public interface ICacheMaintenance
{
    /// <summary>Writes back dirty lines covering the range; they stay cached.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is done.</returns>
    Task CleanAsync(ulong address, ulong length, CancellationToken cancellationToken = default);

    /// <summary>Discards the lines covering the range without writing them back.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is done.</returns>
    Task InvalidateAsync(ulong address, ulong length, CancellationToken cancellationToken = default);

    /// <summary>Clean, then invalidate.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is done.</returns>
    Task FlushAsync(ulong address, ulong length, CancellationToken cancellationToken = default);
}

/// <summary>The CPU's loads and stores, through its data cache (or around it when uncached).</summary>
public interface ICpuPort
{
    /// <summary>Loads <paramref name="length"/> bytes.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="cached">False for an uncached access (straight to the bus).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes.</returns>
    Task<byte[]> ReadAsync(ulong address, int length, bool cached, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="data"/>.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cached">False for an uncached access (straight to the bus).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the stores are done.</returns>
    Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, bool cached, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several loads, in order, back to back: the same accesses as one <see cref="ReadAsync"/> after
    /// another, which is what this default does. A port that can sends them together (the simulated
    /// CPU: one request).
    /// </summary>
    /// <param name="loads">The loads.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes of each load, in order.</returns>
    async Task<IReadOnlyList<byte[]>> ReadManyAsync(IReadOnlyList<CpuReadAccess> loads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loads);
        var results = new List<byte[]>(loads.Count);
        foreach (var load in loads)
        {
            results.Add(await ReadAsync(load.Address, load.Length, load.Cached, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Several stores, in order, back to back: the same accesses as one <see cref="WriteAsync"/> after
    /// another, which is what this default does. A port that can sends them together (the simulated
    /// CPU: one request).
    /// </summary>
    /// <param name="stores">The stores.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the stores are done.</returns>
    async Task WriteManyAsync(IReadOnlyList<CpuWriteAccess> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        foreach (var store in stores)
        {
            await WriteAsync(store.Address, store.Data, store.Cached, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A misuse of the DMA API that CONFIG_DMA_API_DEBUG would report: names the buffer, who owned it
/// and the call that was wrong.
/// </summary>
public sealed class DmaApiException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="call">The API call, e.g. "Unmap".</param>
    /// <param name="buffer">The buffer involved, e.g. "streaming 0x100000+4096".</param>
    /// <param name="owner">Who owned it at the time (or a state such as "unmapped").</param>
    /// <param name="problem">What was wrong.</param>
    public DmaApiException(string call, string buffer, string owner, string problem)
        : base($"DMA-API: {call} of {buffer} (owner: {owner}): {problem}")
    {
        Call = call;
        Buffer = buffer;
        Owner = owner;
    }

    /// <summary>The API call.</summary>
    public string Call { get; }

    /// <summary>The buffer.</summary>
    public string Buffer { get; }

    /// <summary>Who owned it.</summary>
    public string Owner { get; }
}

/// <summary>A DMA memory region (heap, coherent region or pool) has no room for the allocation.</summary>
public sealed class DmaAllocationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be allocated and where.</param>
    public DmaAllocationException(string message)
        : base(message)
    {
    }
}
