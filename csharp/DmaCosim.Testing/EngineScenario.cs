// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>Where an injected AXI error hits.</summary>
public enum FaultSite
{
    /// <summary>A data read (the copy's source).</summary>
    DataRead,

    /// <summary>A data write (the copy's destination).</summary>
    DataWrite,

    /// <summary>The descriptor's fetch (bytes 0x00..0x1F).</summary>
    DescriptorFetch,

    /// <summary>The descriptor's STATUS write-back (+0x1C).</summary>
    StatusWrite,
}

/// <summary>An AXI error the DRAM model answers for one descriptor's accesses.</summary>
/// <param name="Descriptor">Index of the descriptor (or of the simple-mode copy).</param>
/// <param name="Site">What it hits.</param>
/// <param name="Response">SLVERR or DECERR.</param>
/// <param name="Window">The DRAM model's fault window.</param>
public sealed record InjectedFault(int Descriptor, FaultSite Site, AxiFault Response, FaultWindow Window);

/// <summary>
/// The register-level part of a scenario (generator version 2): everything a driver can set on the engine,
/// run by <see cref="ScenarioRunner"/> at register level the way Linux's xilinx_dma CDMA sequence does, and
/// checked against <see cref="Pg034Model"/> at every interrupt and at the end. Plain properties, so that a
/// functional-coverage record can be filled from it.
/// </summary>
public sealed record EngineScenario
{
    /// <summary>Transfer mode.</summary>
    public TransferMode Mode { get; init; }

    /// <summary>The EXT_XFER_CTRL max-burst field written (beats − 1, raw: may exceed the build's limit and clamp).</summary>
    public uint MaxBurstM1Written { get; init; }

    /// <summary>The EXT_XFER_CTRL max-outstanding field written (raw: 0 stores 1, larger values clamp).</summary>
    public uint MaxOutstandingWritten { get; init; }

    /// <summary>EXT_STEAL_CFG beats per grant written (raw: 0 stores 1, clamps to MAX_BURST).</summary>
    public uint BeatsPerGrantWritten { get; init; }

    /// <summary>EXT_STEAL_CFG idle cycles between grants.</summary>
    public uint IdleGap { get; init; }

    /// <summary>Simple mode (SA / DA / BTT per copy) instead of scatter-gather.</summary>
    public bool Simple { get; init; }

    /// <summary>CDMACR.KeyHoleRd.</summary>
    public bool KeyholeRead { get; init; }

    /// <summary>CDMACR.KeyHoleWr.</summary>
    public bool KeyholeWrite { get; init; }

    /// <summary>Cyclic ring walked this many times around before a soft reset stops it (0: not cyclic).</summary>
    public int CyclicWraps { get; init; }

    /// <summary>CDMACR.IRQThreshold written (0 stores 1).</summary>
    public uint IrqThresholdWritten { get; init; }

    /// <summary>CDMACR.IRQDelay (0: the delay timer is off).</summary>
    public uint IrqDelay { get; init; }

    /// <summary>Descriptor addresses (64-byte aligned), one per copy, in walk order.</summary>
    public IReadOnlyList<ulong> Descriptors { get; init; } = [];

    /// <summary>Reserved STATUS bits [27:0] each descriptor starts with (the engine must write them back unchanged).</summary>
    public IReadOnlyList<uint> ReservedStatus { get; init; } = [];

    /// <summary>The injected errors (several windows at once; only the first failing descriptor matters).</summary>
    public IReadOnlyList<InjectedFault> Faults { get; init; } = [];

    /// <summary>After this many completions the CPU soft-resets the engine and resumes the chain (−1: never).</summary>
    public int SoftResetAfter { get; init; } = -1;

    /// <summary>TAILDESC first names this descriptor; when the engine stops there, TAILDESC moves to the last one (−1: never).</summary>
    public int FirstTail { get; init; } = -1;

    /// <summary>At the first interrupt with at least this many completions the CPU zeroes EXT_PERF_* (−1: never).</summary>
    public int PerfClearAfter { get; init; } = -1;

    /// <summary>Null: descriptors written through the backdoor (uncached). Otherwise they are written by cached CPU stores, with the coherency monitor's snoop mode on (true) or off (false, the driver cleans and invalidates).</summary>
    public bool? Snoop { get; init; }

    /// <summary>Background CPU traffic (loads and stores) while the DMA runs, or null.</summary>
    public CpuLoad? CpuLoad { get; init; }

    /// <summary>Beats per grant in effect.</summary>
    /// <param name="rtl">The build.</param>
    /// <returns>The beats.</returns>
    public int BeatsPerGrant(RtlInfo rtl) => (int)Math.Clamp(BeatsPerGrantWritten & 0xFF, 1, (uint)rtl.MaxBurst);

    /// <summary>Max burst length in beats in effect.</summary>
    /// <param name="rtl">The build.</param>
    /// <returns>The beats.</returns>
    public int MaxBurst(RtlInfo rtl) => (int)Math.Min(MaxBurstM1Written & 0xFF, (uint)rtl.MaxBurst - 1) + 1;

    /// <summary>Max bursts in flight per direction in effect.</summary>
    /// <param name="rtl">The build.</param>
    /// <returns>The bursts.</returns>
    public int MaxOutstanding(RtlInfo rtl) => (int)Math.Clamp(MaxOutstandingWritten & 0xFF, 1, (uint)rtl.MaxOutstanding);

    /// <summary>IRQThreshold in effect.</summary>
    public uint IrqThreshold => Math.Max(IrqThresholdWritten & 0xFF, 1);

    /// <summary>Scatter-gather (not simple mode).</summary>
    public bool ScatterGather => !Simple;

    /// <summary>Soft reset and resume in the middle of the chain.</summary>
    public bool SoftResetMidChain => SoftResetAfter >= 0;

    /// <summary>TAILDESC moved after the engine stopped at a first tail.</summary>
    public bool TailResume => FirstTail >= 0;

    /// <summary>EXT_PERF_* zeroed while a transfer runs.</summary>
    public bool PerfClearMidTransfer => PerfClearAfter >= 0;

    /// <summary>The coherency monitor's snoop mode is on.</summary>
    public bool SnoopOn => Snoop == true;

    /// <summary>CPU traffic during the transfer.</summary>
    public bool CpuLoadOn => CpuLoad != null;

    /// <summary>The CDMACR value software writes to start (SGMode, keyholes, cyclic, the three IRQ enables, threshold, delay).</summary>
    public uint Control =>
        (Simple ? 0u : 1u << CdmaRegisters.Cr.SgModeBit) | (KeyholeRead ? 1u << CdmaRegisters.Cr.KeyHoleRdBit : 0) |
        (KeyholeWrite ? 1u << CdmaRegisters.Cr.KeyHoleWrBit : 0) | (CyclicWraps > 0 ? 1u << CdmaRegisters.Cr.CyclicBit : 0) |
        (1u << CdmaRegisters.Cr.IocIrqEnBit) | (1u << CdmaRegisters.Cr.DlyIrqEnBit) | (1u << CdmaRegisters.Cr.ErrIrqEnBit) |
        ((IrqThresholdWritten & 0xFF) << CdmaRegisters.Cr.IrqThresholdLsb) | ((IrqDelay & 0xFF) << CdmaRegisters.Cr.IrqDelayLsb);

    /// <summary>EXT_XFER_CTRL as written.</summary>
    public uint XferCtrl => (uint)Mode | ((MaxBurstM1Written & 0xFF) << CdmaRegisters.Xfer.MaxBurstM1Lsb) |
                            ((MaxOutstandingWritten & 0xFF) << CdmaRegisters.Xfer.MaxOutLsb);

    /// <summary>EXT_STEAL_CFG as written.</summary>
    public uint StealCfg => (BeatsPerGrantWritten & 0xFF) | ((IdleGap & 0xFFFF) << CdmaRegisters.Xfer.StealIdleLsb);

    /// <summary>One line describing the register-level knobs.</summary>
    /// <param name="rtl">The build.</param>
    /// <returns>The line.</returns>
    public string Describe(RtlInfo rtl) =>
        $"register level: {(Simple ? "simple" : "SG")}, {Mode} max burst {MaxBurst(rtl)} outstanding {MaxOutstanding(rtl)}" +
        (Mode == TransferMode.CycleStealing ? $" grant {BeatsPerGrant(rtl)} gap {IdleGap}" : "") +
        (KeyholeRead ? ", keyhole read" : "") + (KeyholeWrite ? ", keyhole write" : "") +
        (CyclicWraps > 0 ? $", cyclic x{CyclicWraps}" : "") + $", threshold {IrqThreshold} delay {IrqDelay}" +
        string.Concat(Faults.Select(f => $", {f.Response} on {f.Site} of {f.Descriptor}")) +
        (SoftResetMidChain ? $", soft reset after {SoftResetAfter}" : "") + (TailResume ? $", first tail {FirstTail}" : "") +
        (PerfClearMidTransfer ? $", perf clear after {PerfClearAfter}" : "") +
        (Snoop is { } s ? $", cached descriptors snoop {(s ? "on" : "off")}" : "") +
        (CpuLoad is { } l ? $", cpu load {l.Pattern} {l.Rate}% stores {l.StorePercent}%" : "");
}

/// <summary>What a register-level scenario observed, for functional coverage.</summary>
public sealed class EngineObservations
{
    /// <summary>Descriptors completed at each IOC interrupt (since the previous IOC or reload).</summary>
    public List<int> CompletionsPerIoc { get; } = [];

    /// <summary>Whether Dly_Irq fired.</summary>
    public bool DelayFired { get; set; }

    /// <summary>Whole walks around a cyclic ring.</summary>
    public int CyclicWraps { get; set; }

    /// <summary>Interrupts handled.</summary>
    public int Interrupts { get; set; }
}
