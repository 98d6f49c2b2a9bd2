// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Dma;

/// <summary>
/// The simulated CPU: loads, stores and cache maintenance run through the cache RTL in the harness
/// (<c>cpu_read</c>, <c>cpu_write</c>, <c>cache</c>). This is what a <see cref="DmaDevice"/> uses in
/// co-simulation.
/// </summary>
/// <param name="sim">The client of the harness.</param>
public sealed class SimCpu(SimClient sim) : ICpuPort, ICacheMaintenance, IDmaBusAnalyser
{
    private readonly SimClient _sim = sim ?? throw new ArgumentNullException(nameof(sim));

    /// <inheritdoc />
    public Task<byte[]> ReadAsync(ulong address, int length, bool cached, CancellationToken cancellationToken = default) =>
        _sim.CpuReadAsync(address, length, cached, cancellationToken);

    /// <inheritdoc />
    public Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, bool cached, CancellationToken cancellationToken = default) =>
        _sim.CpuWriteAsync(address, data, cached, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One <c>batch</c> request of <c>cpu_read</c>s.</remarks>
    public Task<IReadOnlyList<byte[]>> ReadManyAsync(IReadOnlyList<CpuReadAccess> loads, CancellationToken cancellationToken = default) =>
        _sim.CpuReadManyAsync(loads, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One <c>batch</c> request of <c>cpu_write</c>s.</remarks>
    public Task WriteManyAsync(IReadOnlyList<CpuWriteAccess> stores, CancellationToken cancellationToken = default) =>
        _sim.CpuWriteManyAsync(stores, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One <c>dma_windows</c> request.</remarks>
    public Task SetWindowsAsync(IReadOnlyCollection<DmaWindow> windows, bool enable, CancellationToken cancellationToken = default) =>
        _sim.DmaWindowsAsync(windows, enable, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One <c>coherency</c> request (nothing cleared).</remarks>
    public async Task<IReadOnlyList<CoherencyViolation>> WildAccessesAsync(CancellationToken cancellationToken = default)
    {
        var report = await _sim.CoherencyAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return report.Violations.Where(v => v.Kind == Wire.Violation.WildDma).ToList();
    }

    /// <inheritdoc />
    public Task CleanAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
        _sim.CacheAsync(CacheOp.Clean, address, length, cancellationToken);

    /// <inheritdoc />
    public Task InvalidateAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
        _sim.CacheAsync(CacheOp.Invalidate, address, length, cancellationToken);

    /// <inheritdoc />
    public Task FlushAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
        _sim.CacheAsync(CacheOp.Flush, address, length, cancellationToken);
}
