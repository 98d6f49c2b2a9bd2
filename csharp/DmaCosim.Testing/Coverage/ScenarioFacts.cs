using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Coverage;

/// <summary>Where on the bus an injected error answered.</summary>
public enum ErrorSite
{
    /// <summary>A data read of a copy's source.</summary>
    DataRead,

    /// <summary>A data write of a copy's destination.</summary>
    DataWrite,

    /// <summary>A descriptor fetch (scatter-gather).</summary>
    DescriptorFetch,

    /// <summary>A descriptor's STATUS write-back (scatter-gather).</summary>
    StatusWrite,
}

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
public sealed record ErrorFacts(AxiFault Response, ErrorSite Where);

/// <summary>One coherency hazard of a scenario.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="BeatBytes">Bytes of the beat that raised it (narrower than the bus: a narrow beat).</param>
public sealed record HazardFacts(HazardKind Kind, int BeatBytes);

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

    /// <summary>
    /// The facts of a scenario of today's generator: burst mode with the build's defaults, scatter-gather, one
    /// IOC for the whole chain (the driver sets IRQThreshold to the chain's length), at most one data error,
    /// and the registers the driver's scatter-gather path touches.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="result">Its result (the IOC happened only when it passed without a fault).</param>
    /// <param name="rtl">The build's parameters.</param>
    /// <returns>The facts.</returns>
    public static ScenarioFacts From(Scenario scenario, ScenarioResult result, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(rtl);
        var beat = rtl.BytesPerBeat;
        var copies = scenario.Copies.Select(c => new CopyFacts(
            c.Length, (int)(c.Source % (ulong)beat), (int)(c.Destination % (ulong)beat),
            Crosses4K(c.Source, c.Length) || Crosses4K(c.Destination, c.Length))).ToList();
        var errors = scenario.Fault is { } fault
            ? [new ErrorFacts(fault.Response, fault.On == FaultDirection.Read ? ErrorSite.DataRead : ErrorSite.DataWrite)]
            : new List<ErrorFacts>();
        var threshold = Math.Clamp(copies.Count, 1, 255);
        return new ScenarioFacts
        {
            Mode = TransferMode.Burst,
            MaxBurstBeats = rtl.MaxBurst,
            MaxOutstanding = rtl.MaxOutstanding,
            ScatterGather = true,
            Copies = copies,
            Errors = errors,
            IrqThreshold = threshold,
            CompletionsPerIoc = result.Passed && errors.Count == 0 && copies.Count <= 255 ? [copies.Count] : [],
            CpuActivity = scenario.Cpu != null,
            RegisterOffsets = new HashSet<uint>
            {
                CdmaRegisters.CdmacrOffset, CdmaRegisters.CdmasrOffset, CdmaRegisters.CurdescOffset, CdmaRegisters.CurdescMsbOffset,
                CdmaRegisters.TaildescOffset, CdmaRegisters.TaildescMsbOffset,
            },
            BytesPerBeat = beat,
        };
    }

    /// <summary>Whether [address, address + length) spans a 4 KiB boundary.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes (≥ 1).</param>
    /// <returns>True when the first and the last byte lie in different 4 KiB pages.</returns>
    public static bool Crosses4K(ulong address, uint length) => length > 0 && (address >> 12) != ((address + length - 1) >> 12);
}
