// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;

namespace DmaCosim.Testing.Ring;

/// <summary>Who the simulated cycles of a CPU op are charged to.</summary>
public enum CpuAccount
{
    /// <summary>The kernel: setup, the interrupt handler, refilling descriptors.</summary>
    Kernel,

    /// <summary>The consumer's loads and stores of the producer and consumer indices.</summary>
    ConsumerIndex,

    /// <summary>The consumer's loads of block data.</summary>
    ConsumerRead,

    /// <summary>The consumer's cache maintenance (SyncForCpu / SyncForDevice).</summary>
    ConsumerSync,

    /// <summary>The consumer's own computation on the data it read.</summary>
    ConsumerWork,

    /// <summary>The CPU idle, waiting for the DMA's interrupt.</summary>
    Wait,
}

/// <summary>
/// The simulated CPU of the ring study: loads, stores and cache maintenance through the cache RTL (as
/// <see cref="SimCpu"/>), plus the register accesses and runs of the one core, each op's simulated
/// cycles charged to <see cref="Account"/>. Every op that advances the simulation during a ring run
/// goes through here, so <see cref="Now"/> is the current cycle and the accounts add up to the run.
/// </summary>
/// <param name="sim">The client of the harness.</param>
public sealed class MeteredCpu(SimClient sim) : ICpuPort, ICacheMaintenance
{
    private readonly SimClient _sim = sim ?? throw new ArgumentNullException(nameof(sim));
    private readonly ulong[] _cycles = new ulong[Enum.GetValues<CpuAccount>().Length];

    /// <summary>The current cycle (after the last op).</summary>
    public ulong Now { get; private set; }

    /// <summary>Who the next ops' cycles are charged to.</summary>
    public CpuAccount Account { get; set; }

    /// <summary>Cycles charged to <paramref name="account"/> so far.</summary>
    /// <param name="account">The account.</param>
    /// <returns>Cycles.</returns>
    public ulong this[CpuAccount account] => _cycles[(int)account];

    /// <summary>Reads the current cycle (no cycle runs) and zeroes every account.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The current cycle.</returns>
    public async Task<ulong> StartAsync(CancellationToken cancellationToken = default)
    {
        Now = await _sim.RunAsync(0, cancellationToken).ConfigureAwait(false);
        Array.Clear(_cycles);
        return Now;
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(ulong address, int length, bool cached, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, SimClient.MaxCpuOp);
        var reply = await _sim.RequestAsync(Wire.Op.CpuRead,
            SimClient.Args((Wire.Field.Addr, address), (Wire.Field.Len, length), (Wire.Field.Cached, cached)), null, cancellationToken).ConfigureAwait(false);
        Advance(reply.GetUInt64(Wire.Field.Cycle));
        var data = reply.GetBytes(Wire.Field.Data);
        return data.Length == length
            ? data
            : throw new SimProtocolException($"cpu_read of {length} bytes at 0x{address:X} returned {data.Length}", Wire.Op.CpuRead, _sim.Endpoint);
    }

    /// <inheritdoc />
    public async Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, bool cached, CancellationToken cancellationToken = default) =>
        Advance(await _sim.CpuWriteAsync(address, data, cached, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    /// <remarks>One <c>batch</c> request; the cycles of all the loads are charged together.</remarks>
    public async Task<IReadOnlyList<byte[]>> ReadManyAsync(IReadOnlyList<CpuReadAccess> loads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loads);
        if (loads.Count == 0)
        {
            return [];
        }

        var data = await _sim.CpuReadManyAsync(loads, cancellationToken).ConfigureAwait(false);
        Advance(await _sim.RunAsync(0, cancellationToken).ConfigureAwait(false));
        return data;
    }

    /// <inheritdoc />
    /// <remarks>One <c>batch</c> request.</remarks>
    public async Task WriteManyAsync(IReadOnlyList<CpuWriteAccess> stores, CancellationToken cancellationToken = default) =>
        Advance(await _sim.CpuWriteManyAsync(stores, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task CleanAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
        Advance(await _sim.CacheAsync(CacheOp.Clean, address, length, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task InvalidateAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
        Advance(await _sim.CacheAsync(CacheOp.Invalidate, address, length, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task FlushAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
        Advance(await _sim.CacheAsync(CacheOp.Flush, address, length, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads a register (an MMIO load of the core).</summary>
    /// <param name="offset">Register offset.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Its value.</returns>
    public async Task<uint> RegReadAsync(uint offset, CancellationToken cancellationToken = default)
    {
        var reply = await _sim.RequestAsync(Wire.Op.RegRead, SimClient.Args((Wire.Field.Addr, offset)), null, cancellationToken).ConfigureAwait(false);
        Advance(reply.GetUInt64(Wire.Field.Cycle));
        return (uint)reply.GetUInt64(Wire.Field.Value);
    }

    /// <summary>Writes a register (an MMIO store of the core).</summary>
    /// <param name="offset">Register offset.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the write is done.</returns>
    public async Task RegWriteAsync(uint offset, uint value, CancellationToken cancellationToken = default) =>
        Advance(await _sim.RegWriteAsync(offset, value, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Runs up to <paramref name="cycles"/> cycles (the core computing), stopping early at the DMA
    /// interrupt (which preempts the computation).
    /// </summary>
    /// <param name="cycles">Cycles to run, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when the interrupt line is high (the run stopped there; 0 cycles if it already was).</returns>
    public async Task<bool> RunUnlessInterruptedAsync(ulong cycles, CancellationToken cancellationToken = default)
    {
        var before = Now;
        try
        {
            Advance((await _sim.RunUntilAsync(SimEvent.Irq, cycles, cancellationToken).ConfigureAwait(false)).Cycle);
            return true;
        }
        catch (SimRequestException e) when (e.ErrorCode == SimErrorCode.Timeout)
        {
            Advance(before + cycles); // exactly the budget ran, no interrupt
            return false;
        }
    }

    /// <summary>Whether the DMA interrupt line is high (a 1-cycle look when it is not).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when an interrupt is pending.</returns>
    public Task<bool> InterruptPendingAsync(CancellationToken cancellationToken = default) =>
        RunUnlessInterruptedAsync(1, cancellationToken);

    /// <summary>Sleeps until the DMA interrupt (the core idle), at most <paramref name="maxCycles"/>.</summary>
    /// <param name="maxCycles">Cycle budget.</param>
    /// <param name="what">What the caller waits for, for the error message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the interrupt line is high.</returns>
    /// <exception cref="RingException">No interrupt within the budget.</exception>
    public async Task WaitForInterruptAsync(ulong maxCycles, string what, CancellationToken cancellationToken = default)
    {
        if (!await RunUnlessInterruptedAsync(maxCycles, cancellationToken).ConfigureAwait(false))
        {
            throw new RingException($"no DMA interrupt within {maxCycles} cycles (until cycle {Now}) while waiting for {what}");
        }
    }

    private void Advance(ulong cycle)
    {
        if (cycle < Now)
        {
            throw new SimProtocolException($"the cycle went back from {Now} to {cycle}", null, _sim.Endpoint);
        }

        _cycles[(int)Account] += cycle - Now;
        Now = cycle;
    }
}

/// <summary>The ring run could not go on: a DMA error, a wait that ran out of cycles, a broken invariant of the driver.</summary>
/// <param name="message">What happened.</param>
public sealed class RingException(string message) : InvalidOperationException(message);
