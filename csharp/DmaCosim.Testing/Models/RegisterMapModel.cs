// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Testing.Models;

/// <summary>The blocks of the AXI-Lite map, as software sees them.</summary>
public enum RegisterBlock
{
    /// <summary>The PG034 CDMA registers, CDMACR .. BTT.</summary>
    Cdma,

    /// <summary>Unmapped offsets between BTT and the extension block: read 0, writes ignored, OKAY.</summary>
    CdmaReserved,

    /// <summary>The extension block EXT_ID .. EXT_PERF_CPU_WAIT.</summary>
    Extension,

    /// <summary>Unmapped offsets after the extension block, below REG_SPACE_END: read 0, writes ignored, OKAY.</summary>
    ExtensionReserved,

    /// <summary>The coherency monitor's registers MON_CTRL .. MON_SNOOPS.</summary>
    Monitor,

    /// <summary>Unmapped offsets of the monitor's block: read 0, writes ignored, OKAY.</summary>
    MonitorReserved,

    /// <summary>The IOMMU's registers IOMMU_CTRL .. IOMMU_PTE_READS.</summary>
    Iommu,

    /// <summary>Unmapped offsets of the IOMMU's block: read 0, writes ignored, OKAY.</summary>
    IommuReserved,

    /// <summary>Outside every block: DECERR, writes change nothing.</summary>
    Unmapped,
}

/// <summary>One named field of a register, for naming a mismatch.</summary>
/// <param name="Name">The field's name as PG034 / docs spell it.</param>
/// <param name="Lsb">Lowest bit.</param>
/// <param name="Width">Bits.</param>
public sealed record RegisterField(string Name, int Lsb, int Width)
{
    /// <summary>The field's bits of <paramref name="value"/>.</summary>
    /// <param name="value">A register value.</param>
    /// <returns>The field, shifted down.</returns>
    public uint Of(uint value) => (uint)((value >> Lsb) & ((1UL << Width) - 1));
}

/// <summary>
/// Reference model of the AXI-Lite register map as software sees it, written from PG034, DESIGN §3.1,
/// docs/architecture.md and docs/protocol.md (not from the RTL): reset values, read/write masks,
/// read-only and write-1-to-clear bits, sticky errors, IRQThresholdSts reloaded by a CDMACR write, CDMACR.Reset (soft reset; the extension block
/// and the monitor keep their values), IRQThreshold 0 stores 1, SGMode = 0 clears CURDESC / TAILDESC
/// and Dly_Irq, descriptor pointers' low six bits, address registers limited to the address width,
/// BTT = 0 in simple mode (DMAIntErr, Err_Irq, the engine halts until a reset), the extension
/// block's clamps, and the response of every offset (OKAY or DECERR).
/// </summary>
/// <remarks>
/// It models an engine that moves no data: a write that would start a transfer (BTT ≠ 0 in simple
/// mode, the TAILDESC write that starts SG) is refused with <see cref="InvalidOperationException"/>
/// — ask <see cref="WouldStart"/> first. EXT_PERF_BUSY is unknown (null) after a BTT = 0 start or a
/// soft reset (the cycles the engine spent not idle are not specified) until the counters are cleared.
/// Every other counter is 0: nothing moves on the bus.
/// </remarks>
public sealed class RegisterMapModel
{
    private const int DescAlignBits = 6;

    private static readonly RegisterField[] CdmacrFields =
    [
        new("TailPntrEn", Cr.TailPntrEnBit, 1), new("Reset", Cr.ResetBit, 1), new("SGMode", Cr.SgModeBit, 1),
        new("KeyHoleRd", Cr.KeyHoleRdBit, 1), new("KeyHoleWr", Cr.KeyHoleWrBit, 1), new("Cyclic", Cr.CyclicBit, 1),
        new("IOC_IrqEn", Cr.IocIrqEnBit, 1), new("Dly_IrqEn", Cr.DlyIrqEnBit, 1), new("Err_IrqEn", Cr.ErrIrqEnBit, 1),
        new("IRQThreshold", Cr.IrqThresholdLsb, 8), new("IRQDelay", Cr.IrqDelayLsb, 8),
    ];

    private static readonly RegisterField[] CdmasrFields =
    [
        new("Idle", Sr.IdleBit, 1), new("SGIncld", Sr.SgIncldBit, 1),
        new("DMAIntErr", Sr.DmaIntErrBit, 1), new("DMASlvErr", Sr.DmaSlvErrBit, 1), new("DMADecErr", Sr.DmaDecErrBit, 1),
        new("SGIntErr", Sr.SgIntErrBit, 1), new("SGSlvErr", Sr.SgSlvErrBit, 1), new("SGDecErr", Sr.SgDecErrBit, 1),
        new("IOC_Irq", Sr.IocIrqBit, 1), new("Dly_Irq", Sr.DlyIrqBit, 1), new("Err_Irq", Sr.ErrIrqBit, 1),
        new("IRQThresholdSts", Sr.IrqThresholdStsLsb, 8), new("IRQDelaySts", Sr.IrqDelayStsLsb, 8),
    ];

    private static readonly RegisterField[] XferFields =
    [
        new("mode", Xfer.ModeLsb, Xfer.ModeWidth), new("max_burst-1", Xfer.MaxBurstM1Lsb, Xfer.MaxBurstM1Width),
        new("max_outstanding", Xfer.MaxOutLsb, Xfer.MaxOutWidth),
    ];

    private static readonly RegisterField[] StealFields =
    [
        new("beats", Xfer.StealBeatsLsb, Xfer.StealBeatsWidth), new("idle", Xfer.StealIdleLsb, Xfer.StealIdleWidth),
    ];

    private static readonly RegisterField[] MonCtrlFields =
    [
        new("SNOOP_EN", RegisterBlocks.Monitor.CtrlSnoopEnBit, 1), new("CLEAR", RegisterBlocks.Monitor.CtrlClearBit, 1),
        new("OVERFLOW", RegisterBlocks.Monitor.CtrlOverflowBit, 1),
    ];

    /// <summary>Every named register: offset → name (the CDMA, extension and monitor blocks).</summary>
    public static IReadOnlyDictionary<uint, string> Names { get; } = new Dictionary<uint, string>
    {
        [CdmacrOffset] = "CDMACR", [CdmasrOffset] = "CDMASR", [CurdescOffset] = "CURDESC", [CurdescMsbOffset] = "CURDESC_MSB",
        [TaildescOffset] = "TAILDESC", [TaildescMsbOffset] = "TAILDESC_MSB", [SaOffset] = "SA", [SaMsbOffset] = "SA_MSB",
        [DaOffset] = "DA", [DaMsbOffset] = "DA_MSB", [BttOffset] = "BTT",
        [ExtIdOffset] = "EXT_ID", [ExtVersionOffset] = "EXT_VERSION", [ExtCapsOffset] = "EXT_CAPS",
        [ExtXferCtrlOffset] = "EXT_XFER_CTRL", [ExtStealCfgOffset] = "EXT_STEAL_CFG", [ExtPerfCtrlOffset] = "EXT_PERF_CTRL",
        [ExtPerfBusyOffset] = "EXT_PERF_BUSY", [ExtPerfRdBeatsOffset] = "EXT_PERF_RD_BEATS", [ExtPerfWrBeatsOffset] = "EXT_PERF_WR_BEATS",
        [ExtPerfBusWaitOffset] = "EXT_PERF_BUS_WAIT", [ExtPerfCpuWaitOffset] = "EXT_PERF_CPU_WAIT",
        [RegisterBlocks.Monitor.CtrlOffset] = "MON_CTRL", [RegisterBlocks.Monitor.CountOffset] = "MON_COUNT",
        [RegisterBlocks.Monitor.LastAddrOffset] = "MON_LAST_ADDR", [RegisterBlocks.Monitor.LastKindOffset] = "MON_LAST_KIND",
        [RegisterBlocks.Monitor.SnoopStallOffset] = "MON_SNOOP_STALL", [RegisterBlocks.Monitor.LastAddrMsbOffset] = "MON_LAST_ADDR_MSB",
        [RegisterBlocks.Monitor.CountStaleCpuOffset] = "MON_COUNT_STALE_CPU", [RegisterBlocks.Monitor.CountLostDmaOffset] = "MON_COUNT_LOST_DMA",
        [RegisterBlocks.Monitor.CountStaleDmaOffset] = "MON_COUNT_STALE_DMA", [RegisterBlocks.Monitor.SnoopsOffset] = "MON_SNOOPS",
        [IommuRegisters.CtrlOffset] = "IOMMU_CTRL", [IommuRegisters.StatusOffset] = "IOMMU_STATUS", [IommuRegisters.CapsOffset] = "IOMMU_CAPS",
        [IommuRegisters.PtbaseOffset] = "IOMMU_PTBASE", [IommuRegisters.PtbaseMsbOffset] = "IOMMU_PTBASE_MSB",
        [IommuRegisters.InvIovaOffset] = "IOMMU_INV_IOVA", [IommuRegisters.InvIovaMsbOffset] = "IOMMU_INV_IOVA_MSB",
        [IommuRegisters.FaultCountOffset] = "IOMMU_FAULT_COUNT", [IommuRegisters.FaultIovaOffset] = "IOMMU_FAULT_IOVA",
        [IommuRegisters.FaultIovaMsbOffset] = "IOMMU_FAULT_IOVA_MSB", [IommuRegisters.FaultInfoOffset] = "IOMMU_FAULT_INFO",
        [IommuRegisters.FaultCycleOffset] = "IOMMU_FAULT_CYCLE", [IommuRegisters.FaultCycleMsbOffset] = "IOMMU_FAULT_CYCLE_MSB",
        [IommuRegisters.HitsOffset] = "IOMMU_HITS", [IommuRegisters.MissesOffset] = "IOMMU_MISSES",
        [IommuRegisters.WalkCyclesOffset] = "IOMMU_WALK_CYCLES", [IommuRegisters.PteReadsOffset] = "IOMMU_PTE_READS",
    };

    /// <summary>The first and last offset of every block, in address order (gaps and the unmapped space included).</summary>
    public static IReadOnlyList<(RegisterBlock Block, uint First, uint Last)> Blocks { get; } =
    [
        (RegisterBlock.Cdma, CdmacrOffset, BttOffset),
        (RegisterBlock.CdmaReserved, BttOffset + 4, ExtIdOffset - 4),
        (RegisterBlock.Extension, ExtIdOffset, ExtPerfCpuWaitOffset),
        (RegisterBlock.ExtensionReserved, ExtPerfCpuWaitOffset + 4, RegisterBlocks.RegSpaceEnd - 4),
        (RegisterBlock.Unmapped, RegisterBlocks.RegSpaceEnd, RegisterBlocks.Monitor.BaseOffset - 4),
        (RegisterBlock.Monitor, RegisterBlocks.Monitor.BaseOffset, RegisterBlocks.Monitor.SnoopsOffset),
        (RegisterBlock.MonitorReserved, RegisterBlocks.Monitor.SnoopsOffset + 4, RegisterBlocks.Monitor.SpaceEnd - 4),
        (RegisterBlock.Unmapped, RegisterBlocks.Monitor.SpaceEnd, IommuRegisters.BaseOffset - 4),
        (RegisterBlock.Iommu, IommuRegisters.BaseOffset, IommuRegisters.PteReadsOffset),
        (RegisterBlock.IommuReserved, IommuRegisters.PteReadsOffset + 4, IommuRegisters.SpaceEnd - 4),
        (RegisterBlock.Unmapped, IommuRegisters.SpaceEnd, SimClient.RegisterSpace - 4),
    ];

    private readonly RtlInfo _rtl;
    private readonly ulong _addrMask;

    // CDMA registers (hardware reset and CDMACR.Reset)
    private uint _cr;        // stored CDMACR bits (TailPntrEn and Reset excluded)
    private uint _errors;    // sticky CDMASR error bits
    private uint _irqs;      // CDMASR IRQ bits
    private uint _thresholdSts;
    private ulong _curdesc, _taildesc, _sa, _da;
    private uint _btt;

    // extension block and monitor (hardware reset only)
    private uint _mode, _maxBurstM1, _maxOut, _stealBeats, _stealIdle;
    private bool _busyKnown;
    private bool _snoop;

    // IOMMU (hardware reset only); nothing moves, so its counters and fault record stay 0
    private bool _iommuEnable;
    private ulong _ptbase;
    private uint _invIovaMsb;

    /// <summary>Creates the model in its hardware-reset state.</summary>
    /// <param name="rtl">The build parameters (<c>hello</c>'s <c>rtl</c>).</param>
    public RegisterMapModel(RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(rtl);
        _rtl = rtl;
        _addrMask = rtl.AddrWidth >= 64 ? ulong.MaxValue : (1UL << rtl.AddrWidth) - 1;
        HardReset();
    }

    /// <summary>Whether an engine error stopped the engine (only a reset restarts it).</summary>
    public bool Halted { get; private set; }

    /// <summary>Whether CDMACR.SGMode is set.</summary>
    public bool SgMode => (_cr & (1u << Cr.SgModeBit)) != 0;

    /// <summary>The register whose write starts SG: TAILDESC_MSB when addresses have more than 32 bits, else TAILDESC.</summary>
    public uint TailTrigger => _rtl.AddrWidth > 32 ? TaildescMsbOffset : TaildescOffset;

    /// <summary>The block <paramref name="offset"/> lies in.</summary>
    /// <param name="offset">A 4-aligned offset below <see cref="SimClient.RegisterSpace"/>.</param>
    /// <returns>The block.</returns>
    public static RegisterBlock BlockOf(uint offset) =>
        Blocks.First(b => offset >= b.First && offset <= b.Last).Block;

    /// <summary>The register's name, or the block's and the offset for an unnamed one.</summary>
    /// <param name="offset">The offset.</param>
    /// <returns>A name for messages.</returns>
    public static string NameOf(uint offset) =>
        Names.TryGetValue(offset, out var name) ? $"{name} (0x{offset:X3})" : $"{BlockOf(offset)} offset 0x{offset:X4}";

    /// <summary>Whether the access answers OKAY (false: DECERR).</summary>
    /// <param name="offset">The offset.</param>
    /// <returns>True for every offset of the CDMA's space and of the monitor's block.</returns>
    public static bool Answers(uint offset) => BlockOf(offset) != RegisterBlock.Unmapped;

    /// <summary>The hardware reset (<c>reset</c> op): every block to its reset value.</summary>
    public void HardReset()
    {
        SoftReset();
        _mode = Xfer.ModeBurst;
        _maxBurstM1 = (uint)_rtl.MaxBurst - 1;
        _maxOut = (uint)_rtl.MaxOutstanding;
        _stealBeats = Xfer.StealBeatsReset;
        _stealIdle = Xfer.StealIdleReset;
        _busyKnown = true;
        _snoop = false;
        _iommuEnable = false;
        _ptbase = 0;
        _invIovaMsb = 0;
    }

    /// <summary>Whether writing <paramref name="value"/> to <paramref name="offset"/> now would start a transfer (which this model does not model).</summary>
    /// <param name="offset">The offset.</param>
    /// <param name="value">The value.</param>
    /// <returns>True for BTT ≠ 0 in simple mode and the TAILDESC trigger in SG mode, while not halted.</returns>
    public bool WouldStart(uint offset, uint value) =>
        !Halted && ((offset == BttOffset && !SgMode && (value & BttMax) != 0) || (offset == TailTrigger && SgMode));

    /// <summary>Whether the write engages the engine (soft reset, BTT = 0 start): run some cycles before the next access.</summary>
    /// <param name="offset">The offset.</param>
    /// <param name="value">The value written.</param>
    /// <returns>True when the engine needs cycles to settle.</returns>
    public bool Settles(uint offset, uint value) =>
        (offset == CdmacrOffset && (value & (1u << Cr.ResetBit)) != 0) || (offset == BttOffset && !SgMode && !Halted);

    /// <summary>The value a read returns, or null when the model does not know it (EXT_PERF_BUSY after engine activity).</summary>
    /// <param name="offset">The offset (a DECERR offset reads as null too; ask <see cref="Answers"/>).</param>
    /// <returns>The value.</returns>
    public uint? Read(uint offset) => offset switch
    {
        CdmacrOffset => _cr | (1u << Cr.TailPntrEnBit),
        CdmasrOffset => (1u << Sr.IdleBit) | (1u << Sr.SgIncldBit) | _errors | _irqs | (_thresholdSts << Sr.IrqThresholdStsLsb),
        CurdescOffset => (uint)_curdesc,
        CurdescMsbOffset => (uint)(_curdesc >> 32),
        TaildescOffset => (uint)_taildesc,
        TaildescMsbOffset => (uint)(_taildesc >> 32),
        SaOffset => (uint)_sa,
        SaMsbOffset => (uint)(_sa >> 32),
        DaOffset => (uint)_da,
        DaMsbOffset => (uint)(_da >> 32),
        BttOffset => _btt,
        ExtIdOffset => ExtIdValue,
        ExtVersionOffset => ExtVersionValue,
        ExtCapsOffset => Caps(),
        ExtXferCtrlOffset => (_mode << Xfer.ModeLsb) | (_maxBurstM1 << Xfer.MaxBurstM1Lsb) | (_maxOut << Xfer.MaxOutLsb),
        ExtStealCfgOffset => (_stealBeats << Xfer.StealBeatsLsb) | (_stealIdle << Xfer.StealIdleLsb),
        ExtPerfBusyOffset => _busyKnown ? 0u : null,
        RegisterBlocks.Monitor.CtrlOffset => _snoop ? 1u << RegisterBlocks.Monitor.CtrlSnoopEnBit : 0u,
        // IOMMU_CTRL's entries-in-use field and IOMMU_CAPS are the build's IOTLB size, which hello does not report
        IommuRegisters.CtrlOffset or IommuRegisters.CapsOffset => null,
        IommuRegisters.StatusOffset => _iommuEnable ? 1u << IommuRegisters.StatusActiveBit : 0u,
        IommuRegisters.PtbaseOffset => (uint)_ptbase,
        IommuRegisters.PtbaseMsbOffset => (uint)(_ptbase >> 32),
        IommuRegisters.InvIovaMsbOffset => _rtl.AddrWidth > 32 ? _invIovaMsb : 0u,
        _ => Answers(offset) ? 0u : null,
    };

    /// <summary>Applies a write (WSTRB = 0xF) of <paramref name="value"/> to <paramref name="offset"/>.</summary>
    /// <param name="offset">The offset.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The write would start a transfer (<see cref="WouldStart"/>).</exception>
    public void Write(uint offset, uint value)
    {
        if (WouldStart(offset, value))
        {
            throw new InvalidOperationException($"writing 0x{value:X8} to {NameOf(offset)} would start a transfer, which this model does not model");
        }

        switch (offset)
        {
            case CdmacrOffset:
                WriteControl(value);
                break;
            case CdmasrOffset:
                _irqs &= ~(value & Sr.IrqMask);
                break;
            case CurdescOffset:
                _curdesc = Low(_curdesc, value & ~((1u << DescAlignBits) - 1)) & _addrMask;
                break;
            case CurdescMsbOffset:
                _curdesc = High(_curdesc, value) & _addrMask;
                break;
            case TaildescOffset:
                _taildesc = Low(_taildesc, value & ~((1u << DescAlignBits) - 1)) & _addrMask;
                break;
            case TaildescMsbOffset:
                _taildesc = High(_taildesc, value) & _addrMask;
                break;
            case SaOffset:
                _sa = Low(_sa, value) & _addrMask;
                break;
            case SaMsbOffset:
                _sa = High(_sa, value) & _addrMask;
                break;
            case DaOffset:
                _da = Low(_da, value) & _addrMask;
                break;
            case DaMsbOffset:
                _da = High(_da, value) & _addrMask;
                break;
            case BttOffset:
                WriteBtt(value & BttMax);
                break;
            case ExtXferCtrlOffset:
                WriteXferCtrl(value);
                break;
            case ExtStealCfgOffset:
                var beats = Field(value, Xfer.StealBeatsLsb, Xfer.StealBeatsWidth);
                _stealBeats = Math.Min(Math.Max(beats, 1u), (uint)_rtl.MaxBurst);
                _stealIdle = Field(value, Xfer.StealIdleLsb, Xfer.StealIdleWidth);
                break;
            case ExtPerfCtrlOffset:
                if ((value & (1u << Xfer.PerfClearBit)) != 0)
                {
                    _busyKnown = true;
                }

                break;
            case RegisterBlocks.Monitor.CtrlOffset:
                _snoop = (value & (1u << RegisterBlocks.Monitor.CtrlSnoopEnBit)) != 0;
                break;
            case IommuRegisters.CtrlOffset:
                _iommuEnable = (value & (1u << IommuRegisters.CtrlEnableBit)) != 0;
                break;
            case IommuRegisters.PtbaseOffset:
                _ptbase = Low(_ptbase, value & ~0xFFFu) & _addrMask;
                break;
            case IommuRegisters.PtbaseMsbOffset:
                _ptbase = High(_ptbase, value) & _addrMask;
                break;
            case IommuRegisters.InvIovaMsbOffset:
                _invIovaMsb = value;
                break;
            default:
                break; // read-only, reserved or DECERR: nothing changes
        }
    }

    /// <summary>Describes how <paramref name="actual"/> differs from <paramref name="expected"/>: register, first differing field, both values.</summary>
    /// <param name="offset">The offset read.</param>
    /// <param name="expected">The model's value.</param>
    /// <param name="actual">The RTL's.</param>
    /// <returns>The description.</returns>
    public static string Describe(uint offset, uint expected, uint actual)
    {
        var fields = offset switch
        {
            CdmacrOffset => CdmacrFields,
            CdmasrOffset => CdmasrFields,
            ExtXferCtrlOffset => XferFields,
            ExtStealCfgOffset => StealFields,
            RegisterBlocks.Monitor.CtrlOffset => MonCtrlFields,
            _ => [],
        };
        var field = fields.FirstOrDefault(f => f.Of(expected) != f.Of(actual));
        var where = field is null
            ? $"bits 0x{expected ^ actual:X8}"
            : $"field {field.Name}[{field.Lsb + field.Width - 1}:{field.Lsb}] expected {field.Of(expected)}, actual {field.Of(actual)}";
        return $"{NameOf(offset)}: {where} (register expected 0x{expected:X8}, actual 0x{actual:X8})";
    }

    private uint Caps() =>
        ((uint)_rtl.BytesPerBeat << RegisterBlocks.CapsDataBytesLsb) | ((uint)_rtl.AddrWidth << RegisterBlocks.CapsAddrWidthLsb)
        | ((uint)(_rtl.MaxBurst - 1) << RegisterBlocks.CapsMaxBurstM1Lsb) | ((uint)BttWidth << RegisterBlocks.CapsBttWidthLsb)
        | ((_rtl.HasDre ? 1u : 0u) << RegisterBlocks.CapsDreBit) | (1u << RegisterBlocks.CapsSgBit);

    private void SoftReset()
    {
        _cr = CdmacrResetValue & ~(1u << Cr.TailPntrEnBit);
        _errors = 0;
        _irqs = 0;
        _thresholdSts = Field(CdmasrResetValue, Sr.IrqThresholdStsLsb, 8);
        _curdesc = _taildesc = _sa = _da = 0;
        _btt = 0;
        Halted = false;
    }

    private void WriteControl(uint value)
    {
        if ((value & (1u << Cr.ResetBit)) != 0)
        {
            SoftReset();
            _busyKnown = false;
            return;
        }

        const uint stored = (1u << Cr.SgModeBit) | (1u << Cr.KeyHoleRdBit) | (1u << Cr.KeyHoleWrBit) | (1u << Cr.CyclicBit)
            | (1u << Cr.IocIrqEnBit) | (1u << Cr.DlyIrqEnBit) | (1u << Cr.ErrIrqEnBit) | (0xFFu << Cr.IrqDelayLsb);
        var threshold = Math.Max(Field(value, Cr.IrqThresholdLsb, 8), 1u);
        _cr = (value & stored) | (threshold << Cr.IrqThresholdLsb);
        _thresholdSts = threshold; // PG034: IRQThresholdSts shows the coalescing count, reloaded by a threshold write
        if (!SgMode)
        {
            _curdesc = _taildesc = 0;
            _irqs &= ~(1u << Sr.DlyIrqBit);
        }
    }

    private void WriteBtt(uint btt)
    {
        _btt = btt;
        if (SgMode || Halted)
        {
            return;
        }

        // BTT = 0 in simple mode: an internal error; the engine halts (WouldStart refused BTT ≠ 0)
        _errors |= 1u << Sr.DmaIntErrBit;
        _irqs |= 1u << Sr.ErrIrqBit;
        Halted = true;
        _busyKnown = false;
    }

    private void WriteXferCtrl(uint value)
    {
        var mode = Field(value, Xfer.ModeLsb, Xfer.ModeWidth);
        if (mode != Xfer.ModeKeep)
        {
            _mode = mode;
        }

        _maxBurstM1 = Math.Min(Field(value, Xfer.MaxBurstM1Lsb, Xfer.MaxBurstM1Width), (uint)_rtl.MaxBurst - 1);
        _maxOut = Math.Min(Math.Max(Field(value, Xfer.MaxOutLsb, Xfer.MaxOutWidth), 1u), (uint)_rtl.MaxOutstanding);
    }

    private static uint Field(uint value, int lsb, int width) => (uint)((value >> lsb) & ((1UL << width) - 1));

    private static ulong Low(ulong register, uint value) => (register & 0xFFFF_FFFF_0000_0000UL) | value;

    private static ulong High(ulong register, uint value) => (register & 0xFFFF_FFFFUL) | ((ulong)value << 32);
}
