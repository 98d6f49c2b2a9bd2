// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>Why the engine stops on a descriptor (or a simple-mode copy), as PG034 reports it.</summary>
public enum EngineError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>BTT = 0: DMAIntErr (STATUS written back with DMAIntErr).</summary>
    DmaInt,

    /// <summary>SLVERR on a data access: DMASlvErr.</summary>
    DmaSlv,

    /// <summary>DECERR on a data access: DMADecErr.</summary>
    DmaDec,

    /// <summary>SLVERR on the descriptor fetch or STATUS write: SGSlvErr.</summary>
    SgSlv,

    /// <summary>DECERR on the descriptor fetch or STATUS write: SGDecErr.</summary>
    SgDec,
}

/// <summary>What one descriptor does when the engine works on it (the first failing one halts the walk).</summary>
/// <param name="Fetch">The fetch's error (SgSlv / SgDec), or None.</param>
/// <param name="Data">The transfer's error (DmaInt / DmaSlv / DmaDec), or None.</param>
/// <param name="StatusWrite">The STATUS write-back's error (SgSlv / SgDec), or None.</param>
public sealed record DescriptorOutcome(EngineError Fetch, EngineError Data, EngineError StatusWrite)
{
    /// <summary>Completes without error.</summary>
    public static DescriptorOutcome Ok { get; } = new(EngineError.None, EngineError.None, EngineError.None);

    /// <summary>Whether the engine halts on it.</summary>
    public bool Fails => Fetch != EngineError.None || Data != EngineError.None || StatusWrite != EngineError.None;

    /// <summary>
    /// The CDMASR error bits it raises. Precedence: a failed fetch ends everything (the transfer never starts);
    /// otherwise the data error and a failed STATUS write-back are both reported.
    /// </summary>
    public uint ErrorBits => Fetch != EngineError.None ? Pg034Model.Bit(Fetch) : Pg034Model.Bit(Data) | Pg034Model.Bit(StatusWrite);

    /// <summary>Its STATUS word in memory afterwards, from the word it started with.</summary>
    /// <param name="initial">STATUS before the walk.</param>
    /// <returns>The word: Cmplt on success, the data error's bit otherwise; unchanged after a failed fetch or a failed write-back (nothing is written).</returns>
    public uint StatusAfter(uint initial)
    {
        if (Fetch != EngineError.None || StatusWrite != EngineError.None)
        {
            return initial;
        }

        var reserved = initial & ~(CdmaDescriptor.StatusComplete | CdmaDescriptor.StatusErrors);
        return reserved | Data switch
        {
            EngineError.None => CdmaDescriptor.StatusComplete,
            EngineError.DmaInt => CdmaDescriptor.StatusIntErr,
            EngineError.DmaSlv => CdmaDescriptor.StatusSlvErr,
            EngineError.DmaDec => CdmaDescriptor.StatusDecErr,
            _ => throw new ArgumentOutOfRangeException(nameof(initial), Data, "not a data error"),
        };
    }
}

/// <summary>
/// A transaction-level model of the AXI CDMA (PG034) as software observes it: CDMACR, CDMASR (errors,
/// IOC_Irq / Dly_Irq / Err_Irq, IRQThresholdSts, Idle), CURDESC and TAILDESC, the descriptor walk and its
/// STATUS words, the coalescing counter, the delay timer's window, soft reset, cyclic rings. It is fed what
/// software does (register writes) and what the engine finished (completions, halts, the delay timer firing)
/// and says what every register must read. It follows PG034 and docs/architecture.md, never the RTL.
/// </summary>
public sealed class Pg034Model
{
    /// <summary>Cycles per IRQDelay unit (PG034: the delay timer's resolution is 125 clocks).</summary>
    public const int DelayUnit = CdmaRegisters.IrqDelayUnitCycles;

    /// <summary>Cycles the interrupt may come after IRQDelay × 125 cycles from the completion (register stages).</summary>
    public const int DelaySlack = 4;

    private readonly IReadOnlyList<ulong> _walk;
    private readonly bool _addr64;
    private uint _threshold = 1;
    private uint _delay;
    private bool _sgMode;
    private bool _cyclic;
    private uint _enables; // bits 4, 5, 6, 12, 13, 14 of CDMACR as written
    private bool _resumable; // the walk stopped at the tail: a TAILDESC write resumes after it

    /// <summary>Creates the model in its reset state.</summary>
    /// <param name="walk">Descriptor addresses in walk order (a cyclic ring: once around).</param>
    /// <param name="addr64">ADDR_WIDTH &gt; 32: the TAILDESC_MSB write starts the walk.</param>
    public Pg034Model(IReadOnlyList<ulong> walk, bool addr64 = false)
    {
        ArgumentNullException.ThrowIfNull(walk);
        _walk = walk;
        _addr64 = addr64;
        SoftReset();
    }

    /// <summary>IRQThresholdSts: completions still to go before the next IOC_Irq.</summary>
    public uint ThresholdSts { get; private set; }

    /// <summary>CDMASR.IOC_Irq.</summary>
    public bool IocIrq { get; private set; }

    /// <summary>CDMASR.Dly_Irq.</summary>
    public bool DlyIrq { get; private set; }

    /// <summary>CDMASR.Err_Irq.</summary>
    public bool ErrIrq { get; private set; }

    /// <summary>CDMASR.Idle.</summary>
    public bool Idle { get; private set; }

    /// <summary>Sticky CDMASR error bits.</summary>
    public uint ErrorBits { get; private set; }

    /// <summary>An error halted the engine: only a reset restarts it.</summary>
    public bool Halted { get; private set; }

    /// <summary>CURDESC.</summary>
    public ulong CurDesc { get; private set; }

    /// <summary>TAILDESC.</summary>
    public ulong TailDesc { get; private set; }

    /// <summary>Index in the walk of the descriptor the engine works on (or stopped at).</summary>
    public int Position { get; private set; }

    /// <summary>Descriptors completed since the last reset (cyclic: counting every wrap).</summary>
    public int Completed { get; private set; }

    /// <summary>Completion count at the last IOC_Irq or counter reload, for completions-per-IOC.</summary>
    public int CompletedAtReload { get; private set; }

    /// <summary>The delay timer runs: since the completion numbered <see cref="Completed"/> (null: stopped).</summary>
    public bool DelayArmed { get; private set; }

    /// <summary>CDMACR as it reads back.</summary>
    public uint Cdmacr =>
        (1u << CdmaRegisters.Cr.TailPntrEnBit) | (_sgMode ? 1u << CdmaRegisters.Cr.SgModeBit : 0) | _enables |
        (_cyclic ? 1u << CdmaRegisters.Cr.CyclicBit : 0) | (_threshold << CdmaRegisters.Cr.IrqThresholdLsb) |
        (_delay << CdmaRegisters.Cr.IrqDelayLsb);

    /// <summary>CDMASR as it reads back, IRQDelaySts aside (0 here; it counts while the timer runs).</summary>
    public uint Cdmasr =>
        (Idle ? 1u << CdmaRegisters.Sr.IdleBit : 0) | (1u << CdmaRegisters.Sr.SgIncldBit) | ErrorBits |
        (IocIrq ? 1u << CdmaRegisters.Sr.IocIrqBit : 0) | (DlyIrq ? 1u << CdmaRegisters.Sr.DlyIrqBit : 0) |
        (ErrIrq ? 1u << CdmaRegisters.Sr.ErrIrqBit : 0) | (ThresholdSts << CdmaRegisters.Sr.IrqThresholdStsLsb);

    /// <summary>IRQDelay × 125: cycles from a completion to Dly_Irq.</summary>
    public long DelayCycles => (long)_delay * DelayUnit;

    /// <summary>The CDMASR bit of an error kind.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The bit mask (0 for None).</returns>
    public static uint Bit(EngineError error) => error switch
    {
        EngineError.None => 0,
        EngineError.DmaInt => 1u << CdmaRegisters.Sr.DmaIntErrBit,
        EngineError.DmaSlv => 1u << CdmaRegisters.Sr.DmaSlvErrBit,
        EngineError.DmaDec => 1u << CdmaRegisters.Sr.DmaDecErrBit,
        EngineError.SgSlv => 1u << CdmaRegisters.Sr.SgSlvErrBit,
        EngineError.SgDec => 1u << CdmaRegisters.Sr.SgDecErrBit,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    /// <summary>The soft reset (CDMACR.Reset) or the hardware reset: every CDMA register to its reset value.</summary>
    public void SoftReset()
    {
        _threshold = 1;
        _delay = 0;
        _sgMode = false;
        _cyclic = false;
        _enables = 0;
        _resumable = false;
        ThresholdSts = 1;
        IocIrq = DlyIrq = ErrIrq = false;
        Idle = true;
        ErrorBits = 0;
        Halted = false;
        CurDesc = TailDesc = 0;
        Position = 0;
        Completed = CompletedAtReload = 0;
        DelayArmed = false;
    }

    /// <summary>Software writes CDMACR (all four bytes).</summary>
    /// <param name="value">The value.</param>
    public void WriteCdmacr(uint value)
    {
        _threshold = Math.Max((value >> CdmaRegisters.Cr.IrqThresholdLsb) & 0xFF, 1);
        ThresholdSts = _threshold; // a write of the threshold byte reloads the counter
        CompletedAtReload = Completed;
        _delay = (value >> CdmaRegisters.Cr.IrqDelayLsb) & 0xFF;
        _cyclic = (value & (1u << CdmaRegisters.Cr.CyclicBit)) != 0;
        _enables = value & ((1u << CdmaRegisters.Cr.KeyHoleRdBit) | (1u << CdmaRegisters.Cr.KeyHoleWrBit) |
                            (1u << CdmaRegisters.Cr.IocIrqEnBit) | (1u << CdmaRegisters.Cr.DlyIrqEnBit) | (1u << CdmaRegisters.Cr.ErrIrqEnBit));
        _sgMode = (value & (1u << CdmaRegisters.Cr.SgModeBit)) != 0;
        if (!_sgMode)
        {
            CurDesc = TailDesc = 0;
            DlyIrq = false;
            DelayArmed = false;
        }

        if (_delay == 0)
        {
            DelayArmed = false;
        }
    }

    /// <summary>Software writes CDMASR: the three IRQ bits are write-1-to-clear.</summary>
    /// <param name="value">The value.</param>
    public void WriteCdmasr(uint value)
    {
        IocIrq &= (value & (1u << CdmaRegisters.Sr.IocIrqBit)) == 0;
        DlyIrq &= (value & (1u << CdmaRegisters.Sr.DlyIrqBit)) == 0;
        ErrIrq &= (value & (1u << CdmaRegisters.Sr.ErrIrqBit)) == 0;
    }

    /// <summary>
    /// Takes IOC_Irq and Dly_Irq from a CDMASR read, when software cannot know whether its last write-1-to-clear
    /// met a new interrupt (a completion came while it handled the previous one).
    /// </summary>
    /// <param name="cdmasr">CDMASR as read.</param>
    public void SyncIrqBits(uint cdmasr)
    {
        IocIrq = (cdmasr & (1u << CdmaRegisters.Sr.IocIrqBit)) != 0;
        DlyIrq = (cdmasr & (1u << CdmaRegisters.Sr.DlyIrqBit)) != 0;
    }

    /// <summary>Software writes CURDESC (while idle; ignored while busy).</summary>
    /// <param name="index">Index in the walk of the descriptor it names.</param>
    public void WriteCurDesc(int index)
    {
        if (Idle)
        {
            CurDesc = _walk[index];
            Position = index;
            _resumable = false;
        }
    }

    /// <summary>Software writes TAILDESC (both halves on a 64-bit build): starts or resumes the walk when idle, not halted and in SG mode.</summary>
    /// <param name="index">Index in the walk of the descriptor it names.</param>
    public void WriteTailDesc(int index)
    {
        TailDesc = _walk[index];
        if (Idle && !Halted && _sgMode)
        {
            if (_resumable)
            {
                Position = (Position + 1) % _walk.Count;
                _resumable = false;
            }

            CurDesc = _walk[Position];
            Idle = false;
            ThresholdSts = _threshold;
            CompletedAtReload = Completed;
        }
    }

    /// <summary>The descriptor at <see cref="Position"/> completed (its STATUS has Cmplt).</summary>
    /// <returns>Whether IOC_Irq rose with it, and how many completions that IOC covers.</returns>
    /// <exception cref="ModelMismatchException">The engine is not walking.</exception>
    public (bool Ioc, int Covered) DescriptorCompleted()
    {
        if (Idle || Halted)
        {
            throw new ModelMismatchException(Idle ? "a descriptor completed while the engine was idle" : "a descriptor completed after the engine halted");
        }

        Completed++;
        var tail = !_cyclic && _walk[Position] == TailDesc;
        bool ioc;
        if (ThresholdSts <= 1 || tail)
        {
            ioc = true;
            ThresholdSts = _threshold;
            DelayArmed = false;
        }
        else
        {
            ioc = false;
            ThresholdSts--;
            DelayArmed = _delay != 0;
        }

        var covered = Completed - CompletedAtReload;
        if (ioc)
        {
            IocIrq = true;
            CompletedAtReload = Completed;
        }

        if (tail)
        {
            Idle = true;
            _resumable = true;
        }
        else
        {
            Position = (Position + 1) % _walk.Count;
            CurDesc = _walk[Position];
        }

        return (ioc, covered);
    }

    /// <summary>The delay timer fired: Dly_Irq, the coalescing counter reloads.</summary>
    /// <exception cref="ModelMismatchException">The timer was not running.</exception>
    public void DelayFired()
    {
        if (!DelayArmed)
        {
            throw new ModelMismatchException("Dly_Irq rose though the delay timer was not running (IRQDelay 0, or no completion without IOC since the last interrupt)");
        }

        DelayArmed = false;
        DlyIrq = true;
        ThresholdSts = _threshold;
        CompletedAtReload = Completed;
    }

    /// <summary>The descriptor at <see cref="Position"/> (or the simple-mode copy) halted the engine.</summary>
    /// <param name="outcome">What went wrong.</param>
    public void Halt(DescriptorOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ErrorBits |= outcome.ErrorBits;
        ErrIrq = true;
        Halted = true;
        Idle = true;
    }

    /// <summary>A simple-mode transfer starts (BTT written while idle and not halted, SGMode 0).</summary>
    public void SimpleStart()
    {
        if (Idle && !Halted && !_sgMode)
        {
            Idle = false;
        }
    }

    /// <summary>A simple-mode transfer ended without error: IOC_Irq (no coalescing in simple mode).</summary>
    public void SimpleDone()
    {
        Idle = true;
        IocIrq = true;
    }

    /// <summary>
    /// The cycle window in which Dly_Irq may rise after a completion seen in memory between two cycles:
    /// no earlier than IRQDelay × 125 cycles after the completion, no later than that plus the register
    /// stages and the completion's own latency from STATUS landing to the engine's done.
    /// </summary>
    /// <param name="seenAfter">A cycle at which the STATUS was not yet in memory.</param>
    /// <param name="seenBy">A cycle at which it was.</param>
    /// <param name="writeLatency">The DRAM model's write latency (STATUS lands before its B).</param>
    /// <returns>The first and the last cycle allowed.</returns>
    public (long First, long Last) DelayWindow(long seenAfter, long seenBy, long writeLatency) =>
        (seenAfter + 1 + DelayCycles, seenBy + writeLatency + DelayCycles + DelaySlack + 4);

    /// <summary>Formats a register difference: name, field, expected, actual.</summary>
    /// <param name="register">Register name.</param>
    /// <param name="expected">Expected value.</param>
    /// <param name="actual">Read value.</param>
    /// <param name="mask">Bits compared.</param>
    /// <returns>The fields that differ, or null when none does.</returns>
    public static string? Compare(string register, uint expected, uint actual, uint mask = uint.MaxValue)
    {
        var differ = (expected ^ actual) & mask;
        if (differ == 0)
        {
            return null;
        }

        var fields = FieldsOf(register).Where(f => (differ & f.Mask) != 0)
            .Select(f => $"{f.Name} expected {(expected & f.Mask) >> f.Lsb} read {(actual & f.Mask) >> f.Lsb}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{register} expected 0x{expected & mask:X8} read 0x{actual & mask:X8} (mask 0x{mask:X8}): {string.Join(", ", fields)}");
    }

    private static IEnumerable<(string Name, uint Mask, int Lsb)> FieldsOf(string register)
    {
        static (string, uint, int) B(string name, int bit) => (name, 1u << bit, bit);
        static (string, uint, int) F(string name, int lsb, int width) => (name, ((1u << width) - 1) << lsb, lsb);
        return register switch
        {
            "CDMASR" =>
            [
                B("Idle", CdmaRegisters.Sr.IdleBit), B("SGIncld", CdmaRegisters.Sr.SgIncldBit), B("DMAIntErr", CdmaRegisters.Sr.DmaIntErrBit),
                B("DMASlvErr", CdmaRegisters.Sr.DmaSlvErrBit), B("DMADecErr", CdmaRegisters.Sr.DmaDecErrBit), B("SGIntErr", CdmaRegisters.Sr.SgIntErrBit),
                B("SGSlvErr", CdmaRegisters.Sr.SgSlvErrBit), B("SGDecErr", CdmaRegisters.Sr.SgDecErrBit), B("IOC_Irq", CdmaRegisters.Sr.IocIrqBit),
                B("Dly_Irq", CdmaRegisters.Sr.DlyIrqBit), B("Err_Irq", CdmaRegisters.Sr.ErrIrqBit),
                F("IRQThresholdSts", CdmaRegisters.Sr.IrqThresholdStsLsb, 8), F("IRQDelaySts", CdmaRegisters.Sr.IrqDelayStsLsb, 8),
            ],
            "CDMACR" =>
            [
                B("TailPntrEn", CdmaRegisters.Cr.TailPntrEnBit), B("Reset", CdmaRegisters.Cr.ResetBit), B("SGMode", CdmaRegisters.Cr.SgModeBit),
                B("KeyHoleRd", CdmaRegisters.Cr.KeyHoleRdBit), B("KeyHoleWr", CdmaRegisters.Cr.KeyHoleWrBit), B("Cyclic", CdmaRegisters.Cr.CyclicBit),
                B("IOC_IrqEn", CdmaRegisters.Cr.IocIrqEnBit), B("Dly_IrqEn", CdmaRegisters.Cr.DlyIrqEnBit), B("Err_IrqEn", CdmaRegisters.Cr.ErrIrqEnBit),
                F("IRQThreshold", CdmaRegisters.Cr.IrqThresholdLsb, 8), F("IRQDelay", CdmaRegisters.Cr.IrqDelayLsb, 8),
            ],
            "EXT_XFER_CTRL" =>
            [
                F("mode", CdmaRegisters.Xfer.ModeLsb, CdmaRegisters.Xfer.ModeWidth), F("max burst - 1", CdmaRegisters.Xfer.MaxBurstM1Lsb, 8),
                F("max outstanding", CdmaRegisters.Xfer.MaxOutLsb, 8),
            ],
            "EXT_STEAL_CFG" => [F("beats per grant", 0, 8), F("idle cycles", CdmaRegisters.Xfer.StealIdleLsb, 16)],
            _ => [F("value", 0, 32)],
        };
    }

    /// <summary>Whether the TAILDESC_MSB write starts the walk (64-bit builds).</summary>
    public bool StartsOnMsb => _addr64;
}

/// <summary>The engine did something the PG034 model says it cannot.</summary>
public sealed class ModelMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differed.</param>
    public ModelMismatchException(string message)
        : base(message)
    {
    }
}

/// <summary>Performance counters, as the RTL reports them (EXT_PERF_*) or as the harness observed their events on the DMA's port.</summary>
/// <param name="ReadBeats">R beats the DMA took.</param>
/// <param name="WriteBeats">W beats the DMA sent.</param>
/// <param name="BusyCycles">Cycles with CDMASR.Idle = 0.</param>
/// <param name="BusWaitCycles">Cycles an AR / AW / W of the DMA engines waited.</param>
public sealed record PerfCounts(ulong ReadBeats, ulong WriteBeats, ulong BusyCycles, ulong BusWaitCycles)
{
    /// <summary>Every count zero.</summary>
    public static PerfCounts Zero { get; } = new(0, 0, 0, 0);

    /// <summary>The counts of <paramref name="later"/> since <paramref name="earlier"/>, field by field.</summary>
    /// <param name="later">The later snapshot.</param>
    /// <param name="earlier">The earlier snapshot.</param>
    /// <returns>The differences.</returns>
    public static PerfCounts operator -(PerfCounts later, PerfCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(later);
        ArgumentNullException.ThrowIfNull(earlier);
        return new(later.ReadBeats - earlier.ReadBeats, later.WriteBeats - earlier.WriteBeats,
            later.BusyCycles - earlier.BusyCycles, later.BusWaitCycles - earlier.BusWaitCycles);
    }

    /// <summary>
    /// Compares the RTL's counters with the observed counts: each RTL counter (32 bits, wrapping) must lie in
    /// [<paramref name="observedLow"/>, <paramref name="observedHigh"/>] (equal bounds: exact).
    /// </summary>
    /// <param name="rtl">EXT_PERF_* as read.</param>
    /// <param name="observedLow">Lower bound of what the counters must hold.</param>
    /// <param name="observedHigh">Upper bound (a clear in the middle of a transfer lands somewhere between two stats snapshots).</param>
    /// <returns>The differences, one per field.</returns>
    public static IEnumerable<string> Compare(PerfCounts rtl, PerfCounts observedLow, PerfCounts observedHigh)
    {
        ArgumentNullException.ThrowIfNull(rtl);
        ArgumentNullException.ThrowIfNull(observedLow);
        ArgumentNullException.ThrowIfNull(observedHigh);
        foreach (var (name, actual, low, high) in new[]
                 {
                     ("EXT_PERF_RD_BEATS", rtl.ReadBeats, observedLow.ReadBeats, observedHigh.ReadBeats),
                     ("EXT_PERF_WR_BEATS", rtl.WriteBeats, observedLow.WriteBeats, observedHigh.WriteBeats),
                     ("EXT_PERF_BUSY", rtl.BusyCycles, observedLow.BusyCycles, observedHigh.BusyCycles),
                     ("EXT_PERF_BUS_WAIT", rtl.BusWaitCycles, observedLow.BusWaitCycles, observedHigh.BusWaitCycles),
                 })
        {
            if (actual < (low & uint.MaxValue) || actual > (high & uint.MaxValue))
            {
                yield return low == high
                    ? $"{name} expected {low} (harness stats) read {actual}"
                    : $"{name} expected {low}..{high} (harness stats around the mid-transfer clear) read {actual}";
            }
        }
    }
}
