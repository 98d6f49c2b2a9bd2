// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;
using DmaCosim.Bridge;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Testing;

/// <summary>
/// A coherency-hazard scenario: one copy whose driver makes one or more cache-maintenance mistakes on purpose, so that
/// the coherency monitor must report exactly the hazards <see cref="Predicted"/> lists, and nothing else. The first
/// mistake, <see cref="Kind"/>: the CPU accesses <see cref="Window"/> (inside the copy's source for
/// <see cref="HazardKind.StaleDmaRead"/>, inside its destination otherwise), cached:
/// <list type="bullet">
/// <item><see cref="HazardKind.StaleDmaRead"/>: stores to the source and the driver does not clean it before the DMA reads.</item>
/// <item><see cref="HazardKind.LostDmaWrite"/>: stores to the destination (a FromDevice buffer) and the driver does not
/// invalidate before the DMA writes; afterwards the lines are cleaned (written back) over what the DMA wrote.</item>
/// <item><see cref="HazardKind.StaleCpuRead"/>: loads the destination before the DMA writes it and again afterwards, and
/// the driver does not invalidate in between.</item>
/// </list>
/// Further mistakes: <see cref="DirtySource"/> (a STALE_DMA_READ on the same copy, with a destination kind) and
/// <see cref="During"/> (a CPU-side mistake on another buffer, made while the copy's DMA reads a dirty source, so that
/// the monitor's two report paths — the cache's events and the DMA's R beats — report in the same stretch of cycles).
/// </summary>
/// <param name="Kind">The first mistake's hazard.</param>
/// <param name="Window">First byte the CPU accesses.</param>
/// <param name="WindowLength">Bytes it accesses (≥ 1, inside the buffer).</param>
public sealed record HazardScenario(HazardKind Kind, ulong Window, int WindowLength)
{
    /// <summary>Bytes per CPU word: the CPU port splits a load into words and the monitor reports STALE_CPU_READ once per word.</summary>
    public const int CpuWordBytes = 4;

    /// <summary>A second mistake on the same copy (only with a destination <see cref="Kind"/>): the CPU stores this
    /// window of the source and the driver does not clean it (STALE_DMA_READ), or null.</summary>
    public HazardWindow? DirtySource { get; init; }

    /// <summary>A CPU-side mistake made while the copy runs (only with <see cref="HazardKind.StaleDmaRead"/>), or null.</summary>
    public ConcurrentHazard? During { get; init; }

    /// <summary>How many mistakes the driver makes.</summary>
    public int Mistakes => 1 + (DirtySource != null ? 1 : 0) + (During != null ? 1 : 0);

    /// <summary>One line describing it.</summary>
    /// <returns>The line.</returns>
    public string Describe() =>
        $"hazard {Kind}: CPU window 0x{Window:X}+{WindowLength}" +
        (DirtySource is { } d ? $", and StaleDmaRead: source window 0x{d.Address:X}+{d.Length}" : "") +
        (During is { } c ? $", and during the copy {c.Kind}: window 0x{c.Window:X}+{c.Length} (written by a first copy from 0x{c.PrepSource:X})" : "");

    /// <summary>
    /// The reports the monitor must make. The DMA's (STALE_DMA_READ, master DMA) come in the order the copy's one burst
    /// reads the lines, one per line the dirty window touches, each at the lowest dirty byte of the line (the first beat
    /// of the burst that covers a dirty byte of a line covers the line's lowest one). The CPU's (master CPU) come in the
    /// order the CPU makes them: first those of <see cref="During"/>, then those of <see cref="Kind"/> after the copy;
    /// one per granule (a cache line; a CPU word for STALE_CPU_READ) the window touches — the stale bytes loaded for
    /// STALE_CPU_READ, and for LOST_DMA_WRITE exactly the lowest byte the DMA wrote in the line. How the two masters'
    /// reports interleave is timing; every report of the first mistake made after the copy comes after every other.
    /// </summary>
    /// <param name="copy">The copy.</param>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <returns>The reports, the DMA's and the CPU's each in order.</returns>
    public IReadOnlyList<PredictedHazard> Predicted(ScenarioCopy copy, int cacheLine)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var line = (ulong)cacheLine;
        var reports = new List<PredictedHazard>();
        void Dirty(ulong window, int length)
        {
            foreach (var g in Granules(window, length, line))
            {
                var lowest = Math.Max(g, window);
                reports.Add(new PredictedHazard(HazardKind.StaleDmaRead, lowest, lowest, copy, false));
            }
        }

        void Cpu(HazardKind kind, ulong window, int length, ScenarioCopy written, bool after)
        {
            var granule = kind == HazardKind.StaleCpuRead ? CpuWordBytes : line;
            var end = window + (ulong)length;
            foreach (var g in Granules(window, length, granule))
            {
                var lowest = kind == HazardKind.LostDmaWrite ? Math.Max(g, written.Destination) : Math.Max(g, window);
                var last = kind == HazardKind.LostDmaWrite ? lowest : Math.Min(g + granule, end) - 1;
                reports.Add(new PredictedHazard(kind, lowest, last, written, after));
            }
        }

        if (Kind == HazardKind.StaleDmaRead)
        {
            Dirty(Window, WindowLength);
        }

        if (DirtySource is { } d)
        {
            Dirty(d.Address, d.Length);
        }

        if (During is { } c)
        {
            Cpu(c.Kind, c.Window, c.Length, c.Prep, false);
        }

        if (Kind != HazardKind.StaleDmaRead)
        {
            Cpu(Kind, Window, WindowLength, copy, true);
        }

        return reports;
    }

    /// <summary>The first byte of every granule that [window, window + length) touches.</summary>
    private static IEnumerable<ulong> Granules(ulong window, int length, ulong granule)
    {
        for (var g = window & ~(granule - 1); g < window + (ulong)length; g += granule)
        {
            yield return g;
        }
    }

    /// <summary>
    /// Bytes of the copy that the DMA beat covering <paramref name="address"/> carries: the WSTRB of the write beat
    /// (LOST_DMA_WRITE, STALE_CPU_READ) or the copy's bytes in the read beat (STALE_DMA_READ); fewer than the bus's
    /// bytes per beat is a narrow beat.
    /// </summary>
    /// <param name="kind">The report's kind.</param>
    /// <param name="copy">The copy whose beat it came from.</param>
    /// <param name="address">A reported address.</param>
    /// <param name="bytesPerBeat">The build's bytes per beat.</param>
    /// <returns>The bytes.</returns>
    public static int BeatBytesAt(HazardKind kind, ScenarioCopy copy, ulong address, int bytesPerBeat)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var start = kind == HazardKind.StaleDmaRead ? copy.Source : copy.Destination;
        var beat = address & ~((ulong)bytesPerBeat - 1);
        var first = Math.Max(beat, start);
        var last = Math.Min(beat + (ulong)bytesPerBeat, start + copy.Length);
        return last > first ? (int)(last - first) : 0;
    }

    /// <summary>
    /// The monitor's reports against <see cref="Predicted"/>: the DMA's reports in order and the CPU's in order, each of
    /// the predicted kind inside its range, none missing, none more; every report of the mistake made after the copy
    /// after every other report; and the monitor's registers (<see cref="MonitorRegisters.Compare"/>) agreeing with the
    /// reports.
    /// </summary>
    /// <param name="scenario">The scenario (its one copy; named in the failure).</param>
    /// <param name="rtl">The build.</param>
    /// <param name="report">The monitor's reports.</param>
    /// <param name="registers">The monitor's registers, read before the reports were cleared.</param>
    /// <returns>The hazards observed, with the bytes of the beat each came from.</returns>
    /// <exception cref="ScenarioException">A report is missing, unexpected, out of order or outside its range, or a
    /// register disagrees.</exception>
    public IReadOnlyList<HazardFacts> Check(Scenario scenario, RtlInfo rtl, CoherencyReport report, MonitorRegisters registers)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rtl);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(registers);
        var predicted = Predicted(scenario.Copies[0], rtl.CacheLine);
        var problems = new StringBuilder();
        if (report.Total != (ulong)report.Violations.Count)
        {
            problems.Append(CultureInfo.InvariantCulture, $"  the monitor counted {report.Total} violations but listed {report.Violations.Count}\n");
        }

        var observed = new List<HazardFacts>();
        var lastDuring = -1;
        var firstAfter = int.MaxValue;
        foreach (var dma in new[] { true, false })
        {
            var expected = predicted.Where(p => p.Dma == dma).ToList();
            var seen = report.Violations.Select((v, i) => (v, i)).Where(x => x.v.Master == (dma ? Wire.Violation.Dma : Wire.Violation.Cpu)).ToList();
            for (var k = 0; k < Math.Max(expected.Count, seen.Count); k++)
            {
                if (k >= seen.Count)
                {
                    var p = expected[k];
                    problems.Append(CultureInfo.InvariantCulture, $"  missing {p.Kind} in 0x{p.First:X}..0x{p.Last:X} ({(dma ? "DMA" : "CPU")} report {k})\n");
                    continue;
                }

                var (v, index) = seen[k];
                if (k >= expected.Count || KindOf(v.Kind) != expected[k].Kind || v.Address < expected[k].First || v.Address > expected[k].Last)
                {
                    var wanted = k < expected.Count ? $", expected {expected[k].Kind} in 0x{expected[k].First:X}..0x{expected[k].Last:X}" : ", expected none";
                    problems.Append(CultureInfo.InvariantCulture, $"  report {index}: {v.Kind} at 0x{v.Address:X} by {v.Master} (cycle {v.Cycle}){wanted}\n");
                    continue;
                }

                var match = expected[k];
                if (match.AfterCopy)
                {
                    firstAfter = Math.Min(firstAfter, index);
                }
                else
                {
                    lastDuring = Math.Max(lastDuring, index);
                }

                observed.Add(new HazardFacts(match.Kind, BeatBytesAt(match.Kind, match.Copy, v.Address, rtl.BytesPerBeat)));
            }
        }

        if (lastDuring > firstAfter)
        {
            problems.Append(CultureInfo.InvariantCulture, $"  report {firstAfter} (made after the copy) came before report {lastDuring} (made during it)\n");
        }

        foreach (var difference in registers.Compare(report.Violations))
        {
            problems.Append(CultureInfo.InvariantCulture, $"  {difference}\n");
        }

        if (problems.Length > 0)
        {
            throw new ScenarioException(string.Create(CultureInfo.InvariantCulture,
                $"seed {scenario.Seed}: the coherency monitor's reports differ from the predicted {predicted.Count} ({string.Join(", ", predicted.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key}"))}):\n{problems}scenario: {scenario.Describe()}"));
        }

        return observed;
    }

    /// <summary>
    /// Whether a CPU report is followed, in the next cycle, by a DMA report: how two reports of one cycle leave the
    /// monitor's queue (the cache event's first, one a cycle). The log cannot tell such a pair from two reports made in
    /// consecutive cycles, so this is the observable trace of the corner, not a proof of it.
    /// </summary>
    /// <param name="violations">The reports, in the order the monitor made them.</param>
    /// <returns>Whether such a pair is there.</returns>
    public static bool CpuThenDmaBackToBack(IReadOnlyList<CoherencyViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        for (var i = 1; i < violations.Count; i++)
        {
            if (violations[i - 1].Master == Wire.Violation.Cpu && violations[i].Master == Wire.Violation.Dma
                && violations[i].Cycle == violations[i - 1].Cycle + 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The kind of a monitor report (<c>mon_viol_e</c>'s name on the wire).</summary>
    /// <param name="kind">The wire name, e.g. <c>STALE_CPU_READ</c>.</param>
    /// <returns>The kind, or null for a name this side does not know.</returns>
    public static HazardKind? KindOf(string kind) => kind switch
    {
        Wire.Violation.StaleCpuRead => HazardKind.StaleCpuRead,
        Wire.Violation.LostDmaWrite => HazardKind.LostDmaWrite,
        Wire.Violation.StaleDmaRead => HazardKind.StaleDmaRead,
        _ => null,
    };
}

/// <summary>A window of a buffer the CPU accesses.</summary>
/// <param name="Address">First byte.</param>
/// <param name="Length">Bytes (≥ 1).</param>
public sealed record HazardWindow(ulong Address, int Length);

/// <summary>
/// A CPU-side mistake made while a hazard scenario's copy runs: a first copy (<see cref="Prep"/>) writes
/// <see cref="Window"/> while the CPU holds it in its cache — loaded (<see cref="HazardKind.StaleCpuRead"/>) or stored
/// (<see cref="HazardKind.LostDmaWrite"/>) — and the driver does not invalidate; then, while the second copy's DMA reads
/// its dirty source, the CPU loads the window again (STALE_CPU_READ, one report per word) or cleans it (LOST_DMA_WRITE,
/// one per line).
/// </summary>
/// <param name="Kind">The hazard (StaleCpuRead or LostDmaWrite).</param>
/// <param name="PrepSource">The first copy's source.</param>
/// <param name="Window">The first copy's destination: the window (word-aligned).</param>
/// <param name="Length">Bytes (a multiple of the CPU word).</param>
public sealed record ConcurrentHazard(HazardKind Kind, ulong PrepSource, ulong Window, int Length)
{
    /// <summary>The first copy, which writes the window.</summary>
    public ScenarioCopy Prep => new(PrepSource, Window, (uint)Length);
}

/// <summary>One report a hazard scenario's monitor must make.</summary>
/// <param name="Kind">Its kind (STALE_DMA_READ comes from the DMA, the others from the CPU).</param>
/// <param name="First">Lowest address it may name.</param>
/// <param name="Last">Highest address it may name (equal to <paramref name="First"/> when the address is exact).</param>
/// <param name="Copy">The copy whose DMA beat the hazard concerns.</param>
/// <param name="AfterCopy">Made by the CPU after the copy completed.</param>
public sealed record PredictedHazard(HazardKind Kind, ulong First, ulong Last, ScenarioCopy Copy, bool AfterCopy)
{
    /// <summary>Reported by the DMA's path (an R beat), not by a cache event.</summary>
    public bool Dma => Kind == HazardKind.StaleDmaRead;
}
