// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Coverage;

/// <summary>A coherency hazard the monitor reports (the kinds of <c>mon_viol_e</c>).</summary>
public enum HazardKind
{
    /// <summary>The CPU read a cached line the DMA had written behind it.</summary>
    StaleCpuRead,

    /// <summary>A dirty CPU line was written back over what the DMA had written.</summary>
    LostDmaWrite,

    /// <summary>The DMA read memory while the CPU held a newer dirty line.</summary>
    StaleDmaRead,
}

/// <summary>One copy (descriptor) of a scenario, as coverage sees it.</summary>
/// <param name="Length">Bytes.</param>
/// <param name="SourceOffsetInBeat">Source address modulo the bytes per beat.</param>
/// <param name="DestinationOffsetInBeat">Destination address modulo the bytes per beat.</param>
/// <param name="Crosses4K">Whether the source or the destination range crosses a 4 KiB boundary.</param>
/// <param name="KeyholeRead">Keyhole read (fixed source address).</param>
/// <param name="KeyholeWrite">Keyhole write (fixed destination address).</param>
public sealed record CopyFacts(
    uint Length, int SourceOffsetInBeat, int DestinationOffsetInBeat, bool Crosses4K, bool KeyholeRead = false, bool KeyholeWrite = false);

/// <summary>One error a scenario injected and the engine met.</summary>
/// <param name="Response">The response.</param>
/// <param name="Where">Where it answered.</param>
public sealed record ErrorFacts(AxiFault Response, FaultSite Where);

/// <summary>One coherency hazard of a scenario.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="BeatBytes">Bytes of the beat that raised it (narrower than the bus: a narrow beat).</param>
public sealed record HazardFacts(HazardKind Kind, int BeatBytes);

/// <summary>A hazard scenario's mix of mistakes (<see cref="HazardScenario"/>).</summary>
public enum HazardMix
{
    /// <summary>One mistake.</summary>
    One,

    /// <summary>Two mistakes on one copy: a destination mistake and a dirty source.</summary>
    TwoOnOneCopy,

    /// <summary>A CPU-side mistake made while the copy's DMA reads a dirty source (<see cref="HazardScenario.During"/>).</summary>
    CpuDuringDma,
}

/// <summary>Where a line a snoop-mode scenario's walker must snoop lies in the copy's bursts.</summary>
/// <param name="Write">A destination line (cached; a write burst's walk cleans and invalidates it), else a dirty source line.</param>
/// <param name="Burst">Which burst first covers it (0: the first).</param>
/// <param name="LineInBurst">Its index among that burst's lines (0: the burst's first line).</param>
public sealed record SnoopLineFacts(bool Write, int Burst, int LineInBurst);

/// <summary>What an address-space scenario (<see cref="AddressScenario"/>) exercised.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="HasDre">Whether the build has the realigner (the nodre build refuses misaligned copies).</param>
/// <param name="Remedy">The alignment remedy drawn (used only by a misaligned copy on the nodre build).</param>
/// <param name="IotlbMiss">The IOMMU walked (a fresh domain: the first burst of every page misses).</param>
/// <param name="IotlbHit">A burst was translated from the IOTLB (a source page holds more than one of the engine's bursts).</param>
/// <param name="Fault">The IOMMU fault the scenario expects and its run checked: kind and whether it was a write.</param>
public sealed record AddressFacts(
    AddressKind Kind, bool HasDre, AlignmentRemedy Remedy, bool IotlbMiss, bool IotlbHit, (IommuFaultKind Kind, bool Write)? Fault);

/// <summary>
/// What one regression scenario exercised: the flat record the functional coverage model
/// (<see cref="RegressionCoverage"/>) samples. Every property has the value of a scenario that does
/// not use the feature, so a generator fills in only what it draws.
/// </summary>
public sealed record ScenarioFacts
{
    /// <summary>Transfer mode.</summary>
    public TransferMode Mode { get; init; } = TransferMode.Burst;

    /// <summary>Longest burst in beats (EXT_XFER_CTRL).</summary>
    public int MaxBurstBeats { get; init; } = 1;

    /// <summary>Cycle stealing: beats per grant (0 in the other modes).</summary>
    public int BeatsPerGrant { get; init; }

    /// <summary>Cycle stealing: idle cycles between grants (0 in the other modes).</summary>
    public int IdleGap { get; init; }

    /// <summary>Most bursts in flight per direction.</summary>
    public int MaxOutstanding { get; init; } = 1;

    /// <summary>Scatter-gather (true) or simple mode.</summary>
    public bool ScatterGather { get; init; }

    /// <summary>The copies, in chain order.</summary>
    public IReadOnlyList<CopyFacts> Copies { get; init; } = [];

    /// <summary>The errors the engine met.</summary>
    public IReadOnlyList<ErrorFacts> Errors { get; init; } = [];

    /// <summary>CDMACR.IRQThreshold (1..255).</summary>
    public int IrqThreshold { get; init; } = 1;

    /// <summary>Descriptors completed per IOC interrupt, one entry per interrupt.</summary>
    public IReadOnlyList<int> CompletionsPerIoc { get; init; } = [];

    /// <summary>Whether the delay timer raised Dly_Irq.</summary>
    public bool DelayIrqFired { get; init; }

    /// <summary>Times a cyclic ring wrapped (0: not cyclic).</summary>
    public int CyclicWraps { get; init; }

    /// <summary>Whether the coherency monitor snooped (coherent mode).</summary>
    public bool Snoop { get; init; }

    /// <summary>Whether the harness's CPU load generator ran.</summary>
    public bool CpuLoad { get; init; }

    /// <summary>Whether the scenario had CPU loads and stores (<see cref="Scenario.Cpu"/>).</summary>
    public bool CpuActivity { get; init; }

    /// <summary>The coherency hazards the monitor reported.</summary>
    public IReadOnlyList<HazardFacts> Hazards { get; init; } = [];

    /// <summary>A hazard scenario's mix of mistakes, or null for every other kind.</summary>
    public HazardMix? HazardMix { get; init; }

    /// <summary>Whether a hazard scenario's monitor handed out a CPU report and then a DMA report in consecutive cycles.</summary>
    public bool HazardsBackToBack { get; init; }

    /// <summary>A snoop-mode scenario's lines to snoop and where each lies in the copy's bursts (empty for every other kind).</summary>
    public IReadOnlyList<SnoopLineFacts> SnoopLines { get; init; } = [];

    /// <summary>The channels ("ar", "aw") on which the CPU and the DMA requested in the same cycle.</summary>
    public IReadOnlySet<string> ArbitrationConflicts { get; init; } = new HashSet<string>();

    /// <summary>Whether a soft reset (CDMACR.Reset) came in the middle of a chain.</summary>
    public bool SoftResetMidChain { get; init; }

    /// <summary>Whether a chain was resumed by a new TAILDESC.</summary>
    public bool TailResume { get; init; }

    /// <summary>Whether the performance counters were cleared while a transfer ran.</summary>
    public bool PerfClearMidTransfer { get; init; }

    /// <summary>The AXI-Lite offsets the scenario read or wrote.</summary>
    public IReadOnlySet<uint> RegisterOffsets { get; init; } = new HashSet<uint>();

    /// <summary>Bytes per data beat of the build.</summary>
    public int BytesPerBeat { get; init; } = 8;

    /// <summary>The address-space scenario's facts (null for every other kind).</summary>
    public AddressFacts? Address { get; init; }

    /// <summary>
    /// The facts of a scenario, from what it drew and what its run observed. A register-level scenario
    /// (<see cref="Scenario.Engine"/>) gives its transfer mode and the limits in effect, simple or scatter-gather, the
    /// keyholes, the errors of the first failing descriptor (the engine halts there; a failed fetch hides the rest),
    /// IRQThreshold and the run's completions per IOC, Dly_Irq and cyclic wraps, snoop, CPU load and the control
    /// events; a dmaengine-driver scenario is burst mode with the build's defaults, scatter-gather, one IOC for the whole
    /// chain (the driver sets IRQThreshold to the chain's length) and at most one data error. Both take the register
    /// offsets the register-map phase accessed and the channels on which the arbiter saw a conflict
    /// (<see cref="ArbitrationConflictsOf"/>) from <paramref name="result"/>.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="result">Its result (the facts count only when it passed: every drawn knob then happened as modelled).</param>
    /// <param name="rtl">The build's parameters.</param>
    /// <returns>The facts.</returns>
    public static ScenarioFacts From(Scenario scenario, ScenarioResult result, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(rtl);
        var beat = rtl.BytesPerBeat;
        var e = scenario.Engine;
        var copies = scenario.Copies.Select(c => new CopyFacts(
            c.Length, c.SourceOffsetInBeat(beat), c.DestinationOffsetInBeat(beat),
            Crosses4K(c.Source, c.Length) || Crosses4K(c.Destination, c.Length),
            c.Length > 0 && (e?.KeyholeRead ?? false), c.Length > 0 && (e?.KeyholeWrite ?? false))).ToList(); // BTT = 0 moves nothing
        var common = new ScenarioFacts
        {
            Copies = copies,
            CpuActivity = scenario.Cpu != null,
            RegisterOffsets = result.RegisterOffsets,
            ArbitrationConflicts = result.Bus is { } bus ? ArbitrationConflictsOf(bus) : new HashSet<string>(),
            Hazards = result.Hazards,
            HazardMix = scenario.Hazard is { } h ? (h.During != null ? Coverage.HazardMix.CpuDuringDma : h.DirtySource != null ? Coverage.HazardMix.TwoOnOneCopy : Coverage.HazardMix.One) : null,
            HazardsBackToBack = result.HazardsBackToBack,
            SnoopLines = scenario.Snoop is { } snoop ? SnoopLinesOf(snoop, scenario.Copies[0], rtl) : [],
            BytesPerBeat = beat,
            Address = scenario.Address is { } address ? AddressFactsOf(address, rtl) : null,
        };
        if (e == null)
        {
            var errors = scenario.Fault is { } fault
                ? [new ErrorFacts(fault.Response, fault.On == FaultDirection.Read ? FaultSite.DataRead : FaultSite.DataWrite)]
                : new List<ErrorFacts>();
            return common with
            {
                Mode = TransferMode.Burst,
                MaxBurstBeats = rtl.MaxBurst,
                MaxOutstanding = rtl.MaxOutstanding,
                ScatterGather = true,
                Errors = errors,
                IrqThreshold = Math.Clamp(copies.Count, 1, 255),
                CompletionsPerIoc = result.Passed && errors.Count == 0 && copies.Count <= 255 ? [copies.Count] : [],
            };
        }

        var observed = result.Observed;
        var stealing = e.Mode == TransferMode.CycleStealing;
        return common with
        {
            Mode = e.Mode,
            MaxBurstBeats = e.MaxBurst(rtl),
            BeatsPerGrant = stealing ? e.BeatsPerGrant(rtl) : 0,
            IdleGap = stealing ? (int)(e.IdleGap & 0xFFFF) : 0,
            MaxOutstanding = e.MaxOutstanding(rtl),
            ScatterGather = e.ScatterGather,
            Errors = ErrorsMet(scenario),
            IrqThreshold = (int)e.IrqThreshold,
            CompletionsPerIoc = observed?.CompletionsPerIoc.ToList() ?? [],
            DelayIrqFired = observed?.DelayFired ?? false,
            CyclicWraps = observed?.CyclicWraps ?? 0,
            Snoop = e.SnoopOn,
            CpuLoad = e.CpuLoadOn,
            SoftResetMidChain = e.SoftResetMidChain,
            TailResume = e.TailResume,
            PerfClearMidTransfer = e.PerfClearMidTransfer,
        };
    }

    /// <summary>
    /// The lines a snoop-mode scenario's walker must snoop — each dirty source line (read bursts) and each cached
    /// destination line (write bursts) — and where each lies in the engine's bursts with the build's max burst
    /// (<see cref="SnoopScenario.BurstPositions"/>).
    /// </summary>
    /// <param name="snoop">The scenario's CPU windows.</param>
    /// <param name="copy">Its copy.</param>
    /// <param name="rtl">The build's parameters.</param>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<SnoopLineFacts> SnoopLinesOf(SnoopScenario snoop, ScenarioCopy copy, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(snoop);
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(rtl);
        IEnumerable<SnoopLineFacts> Of(bool write, IReadOnlyList<ulong> lines, ulong start) =>
            SnoopScenario.BurstPositions(lines, start, copy.Length, rtl.CacheLine, rtl.BytesPerBeat, rtl.MaxBurst)
                .Select(p => new SnoopLineFacts(write, p.Burst, p.LineInBurst));
        return [.. Of(false, snoop.DirtySourceLines(rtl.CacheLine), copy.Source), .. Of(true, snoop.CachedDestinationLines(rtl.CacheLine), copy.Destination)];
    }

    /// <summary>
    /// The facts of an address-space scenario, from what it drew (a passing run checked each: the bounce, the refusal
    /// and the remedy, the wild-DMA report, the IOMMU fault). An IOMMU copy starts from an empty IOTLB, so it misses; it
    /// hits when a page of its source holds more of its beats than one burst (MAX_BURST) carries. The fault of
    /// <see cref="AddressKind.IommuUnmapTooEarly"/> is the one its mistake raises (<see cref="AddressScenario.ExpectedFault"/>).
    /// </summary>
    /// <param name="address">The scenario's address part.</param>
    /// <param name="rtl">The build.</param>
    /// <returns>The facts.</returns>
    public static AddressFacts AddressFactsOf(AddressScenario address, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(rtl);
        var iommu = address.Kind is AddressKind.Iommu or AddressKind.IommuUnmapTooEarly;
        var hit = false;
        if (address.Kind == AddressKind.Iommu)
        {
            // the source lies at SourceOffset in a page-aligned buffer, or one piece per page (the first at SourceOffset)
            var beat = rtl.BytesPerBeat;
            for (long at = address.SourceOffset, end = address.SourceOffset + address.Length; at < end; at = ((at >> 12) + 1) << 12)
            {
                var pageEnd = Math.Min(end, ((at >> 12) + 1) << 12);
                hit |= (pageEnd - (at - (at % beat)) + beat - 1) / beat > rtl.MaxBurst;
            }
        }

        return new AddressFacts(address.Kind, rtl.HasDre, address.Remedy, iommu, hit,
            address.Kind == AddressKind.IommuUnmapTooEarly ? address.ExpectedFault : null);
    }

    /// <summary>
    /// The channels ("ar", "aw") on which one master waited for its handshake while the other was granted: the
    /// CPU waited and the DMA had grants, or the DMA waited and the CPU had grants (the harness's arbiter counters).
    /// </summary>
    /// <param name="bus">The counters over the scenario's DMA part.</param>
    /// <returns>The channels.</returns>
    public static IReadOnlySet<string> ArbitrationConflictsOf(DmaBusStats bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        static bool Conflict(ArbiterChannelStats c) => (c.CpuMaxWait > 0 && c.DmaGrants > 0) || (c.DmaMaxWait > 0 && c.CpuGrants > 0);
        var channels = new HashSet<string>(StringComparer.Ordinal);
        if (Conflict(bus.Ar))
        {
            channels.Add("ar");
        }

        if (Conflict(bus.Aw))
        {
            channels.Add("aw");
        }

        return channels;
    }

    /// <summary>
    /// The injected errors a register-level scenario's engine meets: those of the first descriptor that fails (the
    /// engine halts there). A failed descriptor fetch alone (the transfer never starts); otherwise the data error
    /// (a read error ends the copy before its writes) and a failed STATUS write-back. BTT = 0 (DMAIntErr) is no bus error.
    /// </summary>
    /// <param name="scenario">A register-level scenario.</param>
    /// <returns>The errors, in the order the engine meets them.</returns>
    public static IReadOnlyList<ErrorFacts> ErrorsMet(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var e = scenario.Engine ?? throw new ArgumentException($"seed {scenario.Seed}: not a register-level scenario", nameof(scenario));
        var outcomes = ScenarioRunner.EngineOutcomes(scenario);
        var failing = Array.FindIndex(outcomes, o => o.Fails);
        if (failing < 0)
        {
            return [];
        }

        ErrorFacts? At(FaultSite site) =>
            e.Faults.FirstOrDefault(f => f.Descriptor == failing && f.Site == site) is { } f ? new ErrorFacts(f.Response, site) : null;
        if (At(FaultSite.DescriptorFetch) is { } fetch)
        {
            return [fetch];
        }

        var met = new List<ErrorFacts>();
        if (outcomes[failing].Data != EngineError.DmaInt && (At(FaultSite.DataRead) ?? At(FaultSite.DataWrite)) is { } data)
        {
            met.Add(data);
        }

        if (At(FaultSite.StatusWrite) is { } status)
        {
            met.Add(status);
        }

        return met;
    }

    /// <summary>Whether [address, address + length) spans a 4 KiB boundary.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes (≥ 1).</param>
    /// <returns>True when the first and the last byte lie in different 4 KiB pages.</returns>
    public static bool Crosses4K(ulong address, uint length) => length > 0 && (address >> 12) != ((address + length - 1) >> 12);
}
