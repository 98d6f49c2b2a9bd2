// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;

namespace DmaCosim.Driver;

/// <summary>
/// The dmaengine side of <see cref="CdmaChannel"/>, following Linux <c>xilinx_dma</c>:
/// <c>xilinx_cdma_prep_memcpy</c>, <c>xilinx_dma_tx_submit</c>, <c>xilinx_dma_issue_pending</c> /
/// <c>xilinx_cdma_start_transfer</c>, <c>xilinx_dma_irq_handler</c> and <c>xilinx_dma_terminate_all</c>.
/// Interrupts come from <c>run_until irq</c>; the handler runs on the caller of
/// <see cref="RunUntilInterruptAsync"/> or <see cref="WaitAsync"/>.
/// </summary>
public sealed partial class CdmaChannel
{
    private const int CoalesceMax = 255;

    private readonly DmaPool _pool;
    private readonly List<CdmaTransaction> _pending = [];
    private readonly List<CdmaTransaction> _active = [];
    private int _nextCookie;
    private bool _idle = true;
    private CdmaStatus? _failure;

    /// <summary>True when the hardware has scatter-gather (CDMASR.SGIncld, read by <see cref="ProbeAsync"/>).</summary>
    public bool HasScatterGather { get; private set; }

    /// <summary>CDMASR of the error that stopped the channel, or null while it is healthy.</summary>
    public CdmaStatus? Failure => _failure;

    /// <summary>The descriptor pool (<c>xilinx_cdma_desc_pool</c>): 64-byte blocks of the device's coherent memory.</summary>
    public DmaPool DescriptorPool => _pool;

    /// <summary>Probes the channel as <c>xilinx_dma_chan_probe</c> does: read CDMASR.SGIncld, reset, enable interrupts.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the channel is ready.</returns>
    /// <exception cref="TimeoutException">The reset did not finish.</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        var status = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        HasScatterGather = (status.Raw & (1u << CdmaRegisters.Sr.SgIncldBit)) != 0;
        await ResetAsync(cancellationToken).ConfigureAwait(false);
        _idle = true;
        _failure = null;
    }

    /// <summary>
    /// Prepares a copy: takes its descriptors from the pool and writes them (CPU stores into coherent
    /// memory), one per BTT maximum of length.
    /// </summary>
    /// <param name="destination">Destination bus address.</param>
    /// <param name="source">Source bus address.</param>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The prepared transaction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length is 0 or a range does not fit the address space.</exception>
    /// <exception cref="DmaAllocationException">The device's coherent memory has no room for the descriptors.</exception>
    /// <exception cref="CdmaAlignmentException">The build has no realigner and the copy is not aligned to the data width (copy_align).</exception>
    /// <exception cref="InvalidOperationException">The harness is simulating.</exception>
    public async Task<CdmaTransaction> PrepMemcpyAsync(
        ulong destination, ulong source, ulong length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        CheckRange(nameof(source), source, length);
        CheckRange(nameof(destination), destination, length);
        CheckCopyAlign(destination, source, length);
        var count = (int)((length + CdmaRegisters.BttMax - 1) / CdmaRegisters.BttMax);
        var blocks = new List<CoherentBuffer>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                blocks.Add(_pool.Alloc());
            }

            var writes = new List<(CoherentBuffer, int, ReadOnlyMemory<byte>)>(count);
            for (var i = 0; i < count; i++)
            {
                var offset = (ulong)i * CdmaRegisters.BttMax;
                var size = (uint)Math.Min(CdmaRegisters.BttMax, length - offset);
                var next = blocks[i + 1 < count ? i + 1 : i].DmaAddress;
                var bytes = CdmaDescriptor.Encode(next, source + offset, destination + offset, size);
                writes.Add((blocks[i], 0, bytes.AsMemory(0, CdmaDescriptor.HardwareSize)));
            }

            await Device.CoherentWriteManyAsync(writes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            FreeDescriptors(blocks);
            throw;
        }

        return new CdmaTransaction(destination, source, length, blocks);
    }

    /// <summary>
    /// Prepares a copy between two streaming mappings of <see cref="Device"/>, checked the way
    /// CONFIG_DMA_API_DEBUG would: the device must own both, the source must be mapped ToDevice or
    /// Bidirectional, the destination FromDevice or Bidirectional, and the copy must fit both.
    /// </summary>
    /// <param name="destination">The destination mapping.</param>
    /// <param name="source">The source mapping.</param>
    /// <param name="length">Bytes; the shorter mapping's length when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The prepared transaction.</returns>
    /// <exception cref="DmaApiException">A mapping is not live on this device, the CPU owns it, its direction is wrong, or it is too short.</exception>
    public Task<CdmaTransaction> PrepMemcpyAsync(
        DmaMapping destination, DmaMapping source, int? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        var size = length ?? Math.Min(destination.Length, source.Length);
        CheckMapping(source, size, DmaDirection.ToDevice);
        CheckMapping(destination, size, DmaDirection.FromDevice);
        return PrepMemcpyAsync(destination.DmaAddress, source.DmaAddress, (ulong)size, cancellationToken);
    }

    /// <summary>
    /// Copies between two streaming mappings of <see cref="Device"/> and waits for it: prepared (checked as
    /// <see cref="PrepMemcpyAsync(DmaMapping, DmaMapping, int?, CancellationToken)"/>), submitted, issued, waited for.
    /// </summary>
    /// <param name="destination">The destination mapping.</param>
    /// <param name="source">The source mapping.</param>
    /// <param name="length">Bytes; the shorter mapping's length when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The completed transaction.</returns>
    /// <exception cref="DmaApiException">A mapping is not live on this device, the CPU owns it, its direction is wrong, or it is too short.</exception>
    /// <exception cref="CdmaTransferException">The copy failed.</exception>
    /// <exception cref="SimException">A request failed, including TIMEOUT.</exception>
    public async Task<CdmaTransaction> CopyMappedAsync(
        DmaMapping destination, DmaMapping source, int? length = null, CancellationToken cancellationToken = default)
    {
        var transaction = await PrepMemcpyAsync(destination, source, length, cancellationToken).ConfigureAwait(false);
        await SubmitAsync(transaction, cancellationToken).ConfigureAwait(false);
        await IssuePendingAsync(cancellationToken).ConfigureAwait(false);
        return await WaitAsync(transaction, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies between two CPU buffers the way a dmaengine client does it: maps the source ToDevice and
    /// the destination FromDevice (the cache maintenance), prepares, submits and issues the copy, waits
    /// for its completion, and unmaps both — also when the copy fails.
    /// </summary>
    /// <param name="destination">Destination buffer (from <see cref="DmaDevice.Allocate"/> of <see cref="Device"/>).</param>
    /// <param name="source">Source buffer.</param>
    /// <param name="length">Bytes from the start of each buffer; the shorter buffer's length when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The completed transaction.</returns>
    /// <exception cref="DmaApiException">A buffer cannot be mapped (freed, overlapping a live mapping, above the DMA mask).</exception>
    /// <exception cref="CdmaTransferException">The copy failed.</exception>
    /// <exception cref="SimException">A request failed, including TIMEOUT.</exception>
    public async Task<CdmaTransaction> CopyAsync(
        DmaBuffer destination, DmaBuffer source, int? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        var size = length ?? Math.Min(destination.Length, source.Length);
        var from = await Device.MapSingleAsync(source, DmaDirection.ToDevice, 0, size, cancellationToken).ConfigureAwait(false);
        try
        {
            var to = await Device.MapSingleAsync(destination, DmaDirection.FromDevice, 0, size, cancellationToken).ConfigureAwait(false);
            try
            {
                return await CopyMappedAsync(to, from, size, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await Device.UnmapAsync(to, size, DmaDirection.FromDevice, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await Device.UnmapAsync(from, size, DmaDirection.ToDevice, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Submits a prepared transaction to the pending list (<c>tx_submit</c>): links the last pending
    /// descriptor to its first one and assigns a cookie. After an error the channel is reset first.
    /// </summary>
    /// <param name="transaction">From <see cref="PrepMemcpyAsync(ulong, ulong, ulong, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cookie.</returns>
    /// <exception cref="InvalidOperationException">It was submitted already.</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task<int> SubmitAsync(CdmaTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.State != CdmaTransactionState.Prepared)
        {
            throw new InvalidOperationException($"transaction {transaction.Cookie} is {transaction.State}, not Prepared");
        }

        if (_failure != null)
        {
            await TerminateAllAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_pending.Count > 0)
        {
            var link = new byte[8];
            CdmaDescriptor.WriteAddress(link, 0, transaction.Descriptors[0]);
            await Device.CoherentWriteAsync(_pending[^1].Blocks[^1], CdmaDescriptor.NextOffset, link, cancellationToken)
                .ConfigureAwait(false);
        }

        transaction.Cookie = ++_nextCookie;
        transaction.State = CdmaTransactionState.Pending;
        _pending.Add(transaction);
        return transaction.Cookie;
    }

    /// <summary>
    /// Starts the pending transactions if the channel is idle and healthy (<c>issue_pending</c>): SG
    /// mode writes IRQThreshold = pending descriptors (≤ 255), SGMode off then on, CURDESC, then
    /// TAILDESC, which starts the engine; without SG, SA, DA and BTT of the first pending transaction.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the registers are written.</returns>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task IssuePendingAsync(CancellationToken cancellationToken = default)
    {
        if (_failure != null || !_idle || _pending.Count == 0)
        {
            return;
        }

        var batch = HasScatterGather ? _pending.ToList() : [_pending[0]];
        var descriptors = batch.Sum(t => t.Descriptors.Count);
        var control = await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, cancellationToken).ConfigureAwait(false);
        if (descriptors <= CoalesceMax)
        {
            control &= ~(0xFFu << CdmaRegisters.Cr.IrqThresholdLsb);
            control |= (uint)descriptors << CdmaRegisters.Cr.IrqThresholdLsb;
            await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, control, cancellationToken).ConfigureAwait(false);
        }

        if (HasScatterGather)
        {
            const uint sgMode = 1u << CdmaRegisters.Cr.SgModeBit;
            await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, control & ~sgMode, cancellationToken).ConfigureAwait(false);
            await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, control | sgMode, cancellationToken).ConfigureAwait(false);
            await WriteAddressAsync(CdmaRegisters.CurdescOffset, CdmaRegisters.CurdescMsbOffset, batch[0].Descriptors[0], cancellationToken)
                .ConfigureAwait(false);
            await WriteAddressAsync(CdmaRegisters.TaildescOffset, CdmaRegisters.TaildescMsbOffset, batch[^1].Descriptors[^1], cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            var only = batch[0];
            if (only.Length > CdmaRegisters.BttMax)
            {
                only.Fail(new InvalidOperationException($"{only.Length} bytes need scatter-gather (BTT max {CdmaRegisters.BttMax})"));
                _pending.Remove(only);
                return;
            }

            await WriteAddressAsync(CdmaRegisters.SaOffset, CdmaRegisters.SaMsbOffset, only.Source, cancellationToken).ConfigureAwait(false);
            await WriteAddressAsync(CdmaRegisters.DaOffset, CdmaRegisters.DaMsbOffset, only.Destination, cancellationToken).ConfigureAwait(false);
            await _sim.RegWriteAsync(CdmaRegisters.BttOffset, (uint)only.Length, cancellationToken).ConfigureAwait(false);
        }

        foreach (var transaction in batch)
        {
            _pending.Remove(transaction);
            transaction.State = CdmaTransactionState.Active;
            _active.Add(transaction);
        }

        _idle = false;
    }

    /// <summary>
    /// Runs the simulation until the interrupt line rises (at most <paramref name="maxCycles"/>) and
    /// handles it.
    /// </summary>
    /// <param name="maxCycles">Cycle budget.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The number of transactions that finished (completed or failed).</returns>
    /// <exception cref="SimRequestException">TIMEOUT when no interrupt came within the budget.</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task<int> RunUntilInterruptAsync(ulong maxCycles, CancellationToken cancellationToken = default)
    {
        await _sim.RunUntilAsync(SimEvent.Irq, maxCycles, cancellationToken).ConfigureAwait(false);
        return await HandleInterruptAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The interrupt handler: reads CDMASR, writes back exactly the IRQ bits it saw; on Err_Irq records
    /// the error and fails the active transactions that did not complete; on IOC or Dly_Irq completes
    /// every active transaction whose descriptors all carry STATUS.Cmplt, and starts the next batch.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The number of transactions that finished.</returns>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task<int> HandleInterruptAsync(CancellationToken cancellationToken = default)
    {
        var status = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        var irq = status.Raw & CdmaRegisters.Sr.IrqMask;
        if (irq == 0)
        {
            return 0;
        }

        var cycle = await _sim.RegWriteAsync(CdmaRegisters.CdmasrOffset, irq, cancellationToken).ConfigureAwait(false);
        var finished = await CompleteFinishedAsync(status, cycle, cancellationToken).ConfigureAwait(false);
        if (status.ErrIrq)
        {
            _failure = status;
            var current = await ReadAddressAsync(CdmaRegisters.CurdescOffset, CdmaRegisters.CurdescMsbOffset, cancellationToken)
                .ConfigureAwait(false);
            foreach (var transaction in _active)
            {
                transaction.Fail(new CdmaTransferException(
                    $"transaction {transaction.Cookie} ({transaction.Length} bytes 0x{transaction.Source:X} -> " +
                    $"0x{transaction.Destination:X}) stopped by an error at cycle {cycle}, CURDESC 0x{current:X}", status));
                FreeDescriptors(transaction.Blocks);
                finished++;
            }

            _active.Clear();
            _idle = true;
            return finished;
        }

        _idle = (await ReadStatusAsync(cancellationToken).ConfigureAwait(false)).Idle;
        if (_idle && _active.Count == 0)
        {
            await IssuePendingAsync(cancellationToken).ConfigureAwait(false);
        }

        return finished;
    }

    /// <summary>
    /// Drives the simulation, interrupt by interrupt, until <paramref name="transaction"/> has finished.
    /// </summary>
    /// <param name="transaction">A submitted and issued transaction.</param>
    /// <param name="maxCycles">Cycle budget per interrupt; from the length when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The transaction, complete.</returns>
    /// <exception cref="InvalidOperationException">It was never issued, so it cannot finish.</exception>
    /// <exception cref="CdmaTransferException">It failed.</exception>
    /// <exception cref="SimException">A request failed, including TIMEOUT.</exception>
    public async Task<CdmaTransaction> WaitAsync(
        CdmaTransaction transaction, ulong? maxCycles = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var budget = maxCycles ?? (_options.BaseTimeoutCycles + (_options.TimeoutCyclesPerByte * transaction.Length));
        while (!transaction.Completion.IsCompleted)
        {
            if (transaction.State is CdmaTransactionState.Prepared or CdmaTransactionState.Pending && _idle)
            {
                throw new InvalidOperationException(
                    $"transaction {transaction.Cookie} is {transaction.State} and the channel is idle: call IssuePendingAsync");
            }

            await RunUntilInterruptAsync(budget, cancellationToken).ConfigureAwait(false);
        }

        return await transaction.Completion.ConfigureAwait(false);
    }

    /// <summary>
    /// Stops everything (<c>terminate_all</c>): resets the engine, fails every pending and active
    /// transaction with <see cref="OperationCanceledException"/>, frees their descriptors, and clears
    /// the error state.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the channel is idle and healthy.</returns>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task TerminateAllAsync(CancellationToken cancellationToken = default)
    {
        await ResetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var transaction in _active.Concat(_pending))
        {
            transaction.Fail(new OperationCanceledException($"transaction {transaction.Cookie} terminated"));
            FreeDescriptors(transaction.Blocks);
        }

        _active.Clear();
        _pending.Clear();
        _idle = true;
        _failure = null;
    }

    private async Task<int> CompleteFinishedAsync(CdmaStatus status, ulong cycle, CancellationToken cancellationToken)
    {
        var active = _active.ToList();
        var complete = HasScatterGather
            ? await DescriptorsCompleteAsync(active, cancellationToken).ConfigureAwait(false)
            : active.ConvertAll(_ => status is { IocIrq: true, Idle: true, HasError: false }); // simple mode: one transfer at a time
        var finished = 0;
        for (var i = 0; i < active.Count; i++)
        {
            if (complete[i])
            {
                _active.Remove(active[i]);
                FreeDescriptors(active[i].Blocks);
                active[i].Complete(cycle);
                finished++;
            }
        }

        return finished;
    }

    /// <summary>
    /// Whether every descriptor of each transaction carries STATUS.Cmplt and no error bit: the STATUS
    /// words of all their descriptors, read as <c>xilinx_dma_get_residue</c> does (CPU loads from the
    /// coherent pool), in one request.
    /// </summary>
    private async Task<List<bool>> DescriptorsCompleteAsync(List<CdmaTransaction> transactions, CancellationToken cancellationToken)
    {
        var reads = transactions.SelectMany(t => t.Blocks).Select(block => (block, CdmaDescriptor.StatusOffset, 4)).ToList();
        var words = await Device.CoherentReadManyAsync(reads, cancellationToken).ConfigureAwait(false);
        var complete = new List<bool>(transactions.Count);
        var next = 0;
        foreach (var transaction in transactions)
        {
            var all = true;
            foreach (var _ in transaction.Blocks)
            {
                var word = BitConverter.ToUInt32(words[next++]);
                all &= (word & CdmaDescriptor.StatusComplete) != 0 && (word & CdmaDescriptor.StatusErrors) == 0;
            }

            complete.Add(all);
        }

        return complete;
    }

    private void FreeDescriptors(IEnumerable<CoherentBuffer> blocks)
    {
        foreach (var block in blocks)
        {
            _pool.Free(block);
        }
    }

    private void CheckMapping(DmaMapping mapping, int length, DmaDirection needed)
    {
        var call = needed == DmaDirection.ToDevice ? "PrepMemcpy (source)" : "PrepMemcpy (destination)";
        if (mapping.Unmapped || !Device.Mappings.Contains(mapping))
        {
            throw new DmaApiException(call, mapping.ToString(), "unmapped", "device access to a buffer that is not mapped on this device");
        }

        if (mapping.Owner != DmaOwner.Device)
        {
            throw new DmaApiException(call, mapping.ToString(), "CPU", "device access to a buffer the CPU owns; call SyncForDevice first");
        }

        if (mapping.Direction != needed && mapping.Direction != DmaDirection.Bidirectional)
        {
            throw new DmaApiException(call, mapping.ToString(), "device", $"mapped {mapping.Direction}, the copy needs {needed} or Bidirectional");
        }

        if (length < 1 || length > mapping.Length)
        {
            throw new DmaApiException(call, mapping.ToString(), "device", $"a copy of {length} bytes does not fit the {mapping.Length}-byte mapping");
        }
    }

    private async Task<ulong> ReadAddressAsync(uint lowOffset, uint highOffset, CancellationToken cancellationToken)
    {
        ulong address = await _sim.RegReadAsync(lowOffset, cancellationToken).ConfigureAwait(false);
        if (_rtl.AddrWidth > 32)
        {
            address |= (ulong)await _sim.RegReadAsync(highOffset, cancellationToken).ConfigureAwait(false) << 32;
        }

        return address;
    }
}
