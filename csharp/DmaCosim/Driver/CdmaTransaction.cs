// SPDX-License-Identifier: MIT
using DmaCosim.Dma;

namespace DmaCosim.Driver;

/// <summary>Where a transaction is, as dmaengine's <c>dma_status</c> says it.</summary>
public enum CdmaTransactionState
{
    /// <summary>Prepared, not submitted.</summary>
    Prepared,

    /// <summary>Submitted, waiting for <see cref="CdmaChannel.IssuePendingAsync"/>.</summary>
    Pending,

    /// <summary>Handed to the hardware.</summary>
    Active,

    /// <summary>Every descriptor completed (DMA_COMPLETE).</summary>
    Complete,

    /// <summary>An error stopped it, or the channel was terminated (DMA_ERROR).</summary>
    Error,
}

/// <summary>
/// One memcpy prepared on a <see cref="CdmaChannel"/> (dmaengine's <c>dma_async_tx_descriptor</c>): one
/// or more hardware descriptors in coherent memory, and an awaitable completion.
/// </summary>
public sealed class CdmaTransaction
{
    private readonly TaskCompletionSource<CdmaTransaction> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CdmaTransaction(ulong destination, ulong source, ulong length, IReadOnlyList<CoherentBuffer> blocks)
    {
        Destination = destination;
        Source = source;
        Length = length;
        Blocks = blocks;
        Descriptors = [.. blocks.Select(b => b.DmaAddress)];
    }

    /// <summary>Destination bus address.</summary>
    public ulong Destination { get; }

    /// <summary>Source bus address.</summary>
    public ulong Source { get; }

    /// <summary>Bytes.</summary>
    public ulong Length { get; }

    /// <summary>Bus addresses of its hardware descriptors, in chain order.</summary>
    public IReadOnlyList<ulong> Descriptors { get; }

    /// <summary>Its descriptors' blocks of the channel's descriptor pool, in chain order.</summary>
    internal IReadOnlyList<CoherentBuffer> Blocks { get; }

    /// <summary>Cookie assigned by <see cref="CdmaChannel.SubmitAsync"/> (0 before).</summary>
    public int Cookie { get; internal set; }

    /// <summary>Current state.</summary>
    public CdmaTransactionState State { get; internal set; } = CdmaTransactionState.Prepared;

    /// <summary>Cycle at which its completion was handled (the interrupt), when complete.</summary>
    public ulong CompletedAtCycle { get; internal set; }

    /// <summary>
    /// Completes when the transaction has: with the transaction itself, or with a
    /// <see cref="CdmaTransferException"/> (error) or <see cref="OperationCanceledException"/> (terminated).
    /// Only simulation makes progress: drive it with <see cref="CdmaChannel.WaitAsync"/> or
    /// <see cref="CdmaChannel.RunUntilInterruptAsync"/>.
    /// </summary>
    public Task<CdmaTransaction> Completion => _completion.Task;

    internal void Complete(ulong cycle)
    {
        State = CdmaTransactionState.Complete;
        CompletedAtCycle = cycle;
        _completion.TrySetResult(this);
    }

    internal void Fail(Exception error)
    {
        State = CdmaTransactionState.Error;
        _completion.TrySetException(error);
    }
}
