// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>
/// The coherency monitor's register view (MON_*: rtl/dma_pkg.sv, rtl/coherency_monitor.sv) as software reads it, to be
/// checked against the reports the harness logged: the counts, the last report and the overflow bit must tell the same
/// story as the report stream, and MON_SNOOPS the snoops a snoop-mode scenario predicts.
/// </summary>
/// <param name="Count">MON_COUNT.</param>
/// <param name="StaleCpu">MON_COUNT_STALE_CPU.</param>
/// <param name="LostDma">MON_COUNT_LOST_DMA.</param>
/// <param name="StaleDma">MON_COUNT_STALE_DMA.</param>
/// <param name="LastAddress">MON_LAST_ADDR (with MON_LAST_ADDR_MSB on a build with addresses over 32 bits).</param>
/// <param name="LastKind">MON_LAST_KIND's kind field (<c>mon_viol_e</c>; 0: none yet).</param>
/// <param name="LastDma">MON_LAST_KIND's master bit: the last report came from the DMA's path.</param>
/// <param name="Overflow">MON_CTRL.OVERFLOW: the report queue dropped a report.</param>
/// <param name="Snoops">MON_SNOOPS: snoop requests the walker issued.</param>
/// <param name="StallCycles">MON_SNOOP_STALL: cycles DMA bursts waited for snoops.</param>
public sealed record MonitorRegisters(
    uint Count, uint StaleCpu, uint LostDma, uint StaleDma, ulong LastAddress, int LastKind, bool LastDma, bool Overflow, uint Snoops, uint StallCycles)
{
    /// <summary>The wire names of <c>mon_viol_e</c>, indexed by its value (as <c>kViolationKinds</c> in cosim/ops.cpp).</summary>
    private static readonly string[] KindNames = [Wire.Violation.None, Wire.Violation.StaleCpuRead, Wire.Violation.LostDmaWrite, Wire.Violation.StaleDmaRead];

    /// <summary>The wire name of a <c>mon_viol_e</c> value (MON_LAST_KIND's kind field).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The name (<c>NONE</c> for 0), or "?" for a value the enum does not have.</returns>
    public static string KindName(int value) => value >= 0 && value < KindNames.Length ? KindNames[value] : "?";

    /// <summary>Reads the registers over AXI-Lite (nothing in them changes on a read).</summary>
    /// <param name="sim">The harness.</param>
    /// <param name="rtl">The build (its address width).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The registers.</returns>
    public static async Task<MonitorRegisters> ReadAsync(SimClient sim, RtlInfo rtl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(rtl);
        async Task<uint> Read(uint offset) => await sim.RegReadAsync(offset, cancellationToken).ConfigureAwait(false);
        var ctrl = await Read(RegisterBlocks.Monitor.CtrlOffset).ConfigureAwait(false);
        var kind = await Read(RegisterBlocks.Monitor.LastKindOffset).ConfigureAwait(false);
        var address = (ulong)await Read(RegisterBlocks.Monitor.LastAddrOffset).ConfigureAwait(false);
        if (rtl.AddrWidth > 32)
        {
            address |= (ulong)await Read(RegisterBlocks.Monitor.LastAddrMsbOffset).ConfigureAwait(false) << 32;
        }

        return new MonitorRegisters(
            await Read(RegisterBlocks.Monitor.CountOffset).ConfigureAwait(false),
            await Read(RegisterBlocks.Monitor.CountStaleCpuOffset).ConfigureAwait(false),
            await Read(RegisterBlocks.Monitor.CountLostDmaOffset).ConfigureAwait(false),
            await Read(RegisterBlocks.Monitor.CountStaleDmaOffset).ConfigureAwait(false),
            address,
            (int)((kind >> RegisterBlocks.Monitor.LastKindLsb) & ((1u << RegisterBlocks.Monitor.LastKindWidth) - 1)),
            ((kind >> RegisterBlocks.Monitor.LastKindMasterBit) & 1) != 0,
            ((ctrl >> RegisterBlocks.Monitor.CtrlOverflowBit) & 1) != 0,
            await Read(RegisterBlocks.Monitor.SnoopsOffset).ConfigureAwait(false),
            await Read(RegisterBlocks.Monitor.SnoopStallOffset).ConfigureAwait(false));
    }

    /// <summary>
    /// The registers against the reports logged since the monitor was last cleared (none dropped): MON_COUNT and each
    /// kind's count equal the reports of that kind, MON_LAST_* name the last report (the queue hands reports out in the
    /// order the monitor made them, the cache event's before the R beat's of the same cycle, and MON_LAST_* keeps the
    /// R beat's of such a pair too), or none when there is none; no overflow.
    /// </summary>
    /// <param name="violations">The reports, in order.</param>
    /// <returns>Each difference, as a sentence (empty when they agree).</returns>
    public IEnumerable<string> Compare(IReadOnlyList<CoherencyViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        int Of(string kind) => violations.Count(v => v.Kind == kind);
        var expected = new (string Name, uint Read, int Count)[]
        {
            ("MON_COUNT", Count, violations.Count),
            ("MON_COUNT_STALE_CPU", StaleCpu, Of(Wire.Violation.StaleCpuRead)),
            ("MON_COUNT_LOST_DMA", LostDma, Of(Wire.Violation.LostDmaWrite)),
            ("MON_COUNT_STALE_DMA", StaleDma, Of(Wire.Violation.StaleDmaRead)),
        };
        foreach (var (register, read, count) in expected)
        {
            if (read != (uint)count)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{register} reads {read}, the monitor made {count} such reports");
            }
        }

        var last = violations.Count > 0 ? violations[^1] : null;
        var kind = last == null ? Wire.Violation.None : last.Kind;
        var address = last?.Address ?? 0;
        var dma = last?.Master == Wire.Violation.Dma;
        var name = KindName(LastKind);
        if (name != kind || LastAddress != address || LastDma != dma)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"MON_LAST_* read {name} at 0x{LastAddress:X} by {(LastDma ? "dma" : "cpu")}, the last report was {kind} at 0x{address:X} by {(dma ? "dma" : "cpu")}");
        }

        if (Overflow)
        {
            yield return "MON_CTRL.OVERFLOW is set: the monitor's report queue dropped a report";
        }
    }
}
