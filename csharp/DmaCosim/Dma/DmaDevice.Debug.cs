// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Dma;

/// <summary>
/// DMA-API debug beyond the ownership checks: every mapping keeps its history (map, syncs, unmap, each
/// with the device's call sequence number); the live mappings are announced to the harness's wild-DMA
/// analyser (when <see cref="DmaDeviceOptions.CheckDeviceAccesses"/> is on); a device access outside
/// them is explained with the history of the unmapped mapping that covered the address.
/// </summary>
public sealed partial class DmaDevice
{
    /// <summary>Unmapped mappings remembered for explanations (the oldest is forgotten first).</summary>
    private const int RecentUnmapped = 1024;

    private readonly LinkedList<DmaMapping> _unmapped = new();
    private long _sequence;

    /// <summary>The number of the last DMA API call recorded in a mapping's history.</summary>
    public long Sequence => _sequence;

    /// <summary>
    /// The live windows the analyser checks against, in CPU physical addresses: the analyser watches
    /// the DMA port behind the host bridge and the IOMMU (cosim_top dbg_dma_*), where every address is
    /// physical. Every live streaming mapping (the physical bytes its bus address reaches, with the
    /// direction's access) and the coherent region as one read-write window (descriptors and other
    /// coherent memory).
    /// </summary>
    public IReadOnlyList<DmaWindow> LiveWindows()
    {
        var windows = new List<DmaWindow>(_mappings.Count + 1)
        {
            new(Options.CoherentBase, Options.CoherentSize, Wire.DmaAccess.ReadWrite),
        };
        windows.AddRange(_mappings.Select(m => new DmaWindow(m.PhysicalAddress, (ulong)m.Length, m.Direction switch
        {
            DmaDirection.ToDevice => Wire.DmaAccess.Read,
            DmaDirection.FromDevice => Wire.DmaAccess.Write,
            _ => Wire.DmaAccess.ReadWrite,
        })));
        return windows;
    }

    /// <summary>
    /// Switches the harness's wild-DMA analyser on and tells it the live windows now (it is also told
    /// after every map and unmap while <see cref="DmaDeviceOptions.CheckDeviceAccesses"/> is on).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the harness has the windows.</returns>
    /// <exception cref="InvalidOperationException">The CPU port has no bus analyser (not a <see cref="SimCpu"/>).</exception>
    public Task EnableDeviceAccessCheckAsync(CancellationToken cancellationToken = default)
    {
        _checkAccesses = true;
        return _cpu is IDmaBusAnalyser analyser
            ? analyser.SetWindowsAsync(LiveWindows(), true, cancellationToken)
            : throw new InvalidOperationException("this device's CPU port has no bus analyser (a SimCpu has one)");
    }

    /// <summary>
    /// Reads the analyser's WILD_DMA reports and explains each: the unmapped mapping that covered the
    /// address, with its history (null when no recent mapping did).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The accesses outside every live mapping, oldest first.</returns>
    /// <exception cref="InvalidOperationException">The CPU port has no bus analyser.</exception>
    public async Task<IReadOnlyList<WildDmaAccess>> DeviceAccessesOutsideMappingsAsync(CancellationToken cancellationToken = default)
    {
        if (_cpu is not IDmaBusAnalyser analyser)
        {
            throw new InvalidOperationException("this device's CPU port has no bus analyser (a SimCpu has one)");
        }

        var reports = await analyser.WildAccessesAsync(cancellationToken).ConfigureAwait(false);
        return reports.Select(v => new WildDmaAccess(v, Explain(v.Address))).ToList();
    }

    /// <summary>
    /// Throws when the device accessed memory outside every live mapping (CONFIG_DMA_API_DEBUG's report
    /// of a device access after unmap), naming each access and the history of the mapping it hit.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when there was none.</returns>
    /// <exception cref="DmaDeviceAccessException">There was at least one.</exception>
    public async Task VerifyDeviceAccessesAsync(CancellationToken cancellationToken = default)
    {
        var accesses = await DeviceAccessesOutsideMappingsAsync(cancellationToken).ConfigureAwait(false);
        if (accesses.Count > 0)
        {
            throw new DmaDeviceAccessException(accesses);
        }
    }

    /// <summary>The most recently unmapped mapping whose device-side bytes held <paramref name="address"/>, if any is remembered.</summary>
    /// <param name="address">A CPU physical address, as the analyser reports it (the bus address minus the host bridge's offset).</param>
    /// <returns>The mapping (its <see cref="DmaMapping.History"/> says what happened), or null.</returns>
    public DmaMapping? Explain(ulong address)
    {
        for (var node = _unmapped.Last; node != null; node = node.Previous)
        {
            var m = node.Value;
            if (address >= m.PhysicalAddress && address - m.PhysicalAddress < (ulong)m.Length)
            {
                return m;
            }
        }

        return null;
    }

    private bool _checkAccesses;

    private void Record(DmaMapping mapping, string call)
    {
        mapping.HistoryList.Add(new DmaMappingEvent(++_sequence, call, mapping.Owner));
        if (call == "Unmap")
        {
            _unmapped.AddLast(mapping);
            if (_unmapped.Count > RecentUnmapped)
            {
                _unmapped.RemoveFirst();
            }
        }
    }

    private Task PublishWindowsAsync(CancellationToken cancellationToken) =>
        (_checkAccesses || Options.CheckDeviceAccesses) && _cpu is IDmaBusAnalyser analyser
            ? analyser.SetWindowsAsync(LiveWindows(), true, cancellationToken)
            : Task.CompletedTask;
}

/// <summary>One DMA API call in a mapping's history.</summary>
/// <param name="Sequence">The device's call number (increasing over all its mappings).</param>
/// <param name="Call">MapSingle, SyncForCpu, SyncForDevice or Unmap.</param>
/// <param name="OwnerAfter">Who owned the range after the call.</param>
public sealed record DmaMappingEvent(long Sequence, string Call, DmaOwner OwnerAfter)
{
    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} {Call}";
}

/// <summary>A device access outside every live mapping, with the mapping it hit after unmap (if any).</summary>
/// <param name="Report">The analyser's report (address, direction, cycle, nearest window).</param>
/// <param name="Mapping">The unmapped mapping whose range held the address, or null.</param>
public sealed record WildDmaAccess(CoherencyViolation Report, DmaMapping? Mapping)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"device {(Report.Direction == Wire.DmaAccess.Write ? "write" : "read")} at 0x{Report.Address:X} (cycle {Report.Cycle}) " +
        (Mapping is { } m
            ? $"after unmap of {m}; history: {string.Join(", ", m.History)}"
            : $"outside every mapping; nearest live window {Report.Nearest?.ToString() ?? "none"}");
}

/// <summary>The device accessed memory outside every live mapping (DMA-API debug; the harness's analyser saw it).</summary>
public sealed class DmaDeviceAccessException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="accesses">The accesses (at least one).</param>
    public DmaDeviceAccessException(IReadOnlyList<WildDmaAccess> accesses)
        : base($"DMA-API: {accesses.Count} device access(es) outside every live mapping; first: {accesses[0]}")
    {
        Accesses = accesses;
    }

    /// <summary>The accesses.</summary>
    public IReadOnlyList<WildDmaAccess> Accesses { get; }
}

/// <summary>A bus analyser that checks DMA beats against live windows (the harness's <c>dma_windows</c>).</summary>
public interface IDmaBusAnalyser
{
    /// <summary>Replaces the live windows and switches the check.</summary>
    /// <param name="windows">The windows.</param>
    /// <param name="enable">Check DMA beats.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the analyser has them.</returns>
    Task SetWindowsAsync(IReadOnlyCollection<DmaWindow> windows, bool enable, CancellationToken cancellationToken = default);

    /// <summary>The WILD_DMA reports recorded so far (since the last coherency clear).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reports, oldest first.</returns>
    Task<IReadOnlyList<CoherencyViolation>> WildAccessesAsync(CancellationToken cancellationToken = default);
}
