// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;
using DmaCosim.Bridge;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Testing;

/// <summary>
/// A coherency-hazard scenario: one copy whose driver makes one cache-maintenance mistake on purpose, so that the
/// coherency monitor must report exactly the hazard <see cref="Kind"/> predicts, and nothing else. The CPU
/// accesses <see cref="Window"/> (inside the copy's source for <see cref="HazardKind.StaleDmaRead"/>, inside its
/// destination otherwise), cached:
/// <list type="bullet">
/// <item><see cref="HazardKind.StaleDmaRead"/>: stores to the source and the driver does not clean it before the DMA reads.</item>
/// <item><see cref="HazardKind.LostDmaWrite"/>: stores to the destination (a FromDevice buffer) and the driver does not
/// invalidate before the DMA writes; afterwards the lines are cleaned (written back) over what the DMA wrote.</item>
/// <item><see cref="HazardKind.StaleCpuRead"/>: loads the destination before the DMA writes it and again afterwards, and
/// the driver does not invalidate in between.</item>
/// </list>
/// </summary>
/// <param name="Kind">The mistake's hazard.</param>
/// <param name="Window">First byte the CPU accesses.</param>
/// <param name="WindowLength">Bytes it accesses (≥ 1, inside the buffer).</param>
public sealed record HazardScenario(HazardKind Kind, ulong Window, int WindowLength)
{
    /// <summary>Bytes per CPU word: the CPU port splits a load into words and the monitor reports STALE_CPU_READ once per word.</summary>
    public const int CpuWordBytes = 4;

    /// <summary>One line describing it.</summary>
    /// <returns>The line.</returns>
    public string Describe() => $"hazard {Kind}: CPU window 0x{Window:X}+{WindowLength}";

    /// <summary>
    /// The reports the monitor must make, in any order: one per granule (a cache line; a CPU word for
    /// STALE_CPU_READ) that the window touches, each at an address inside <c>Range</c> — the dirty bytes for
    /// STALE_DMA_READ, the stale bytes loaded for STALE_CPU_READ, and for LOST_DMA_WRITE exactly the lowest byte the
    /// DMA wrote in the line (the line's first byte or the destination's).
    /// </summary>
    /// <param name="copy">The copy.</param>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <returns>Per granule, the range a report's address must lie in.</returns>
    public IReadOnlyList<(ulong First, ulong Last)> Predicted(ScenarioCopy copy, int cacheLine)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var granule = (ulong)(Kind == HazardKind.StaleCpuRead ? CpuWordBytes : cacheLine);
        var end = Window + (ulong)WindowLength;
        var ranges = new List<(ulong, ulong)>();
        for (var g = Window & ~(granule - 1); g < end; g += granule)
        {
            if (Kind == HazardKind.LostDmaWrite)
            {
                var lowest = Math.Max(g, copy.Destination);
                ranges.Add((lowest, lowest));
            }
            else
            {
                ranges.Add((Math.Max(g, Window), Math.Min(g + granule, end) - 1));
            }
        }

        return ranges;
    }

    /// <summary>
    /// Bytes of the copy that the DMA beat covering <paramref name="address"/> carries: the WSTRB of the write beat
    /// (LOST_DMA_WRITE, STALE_CPU_READ) or the copy's bytes in the read beat (STALE_DMA_READ); fewer than the bus's
    /// bytes per beat is a narrow beat.
    /// </summary>
    /// <param name="copy">The copy.</param>
    /// <param name="address">A reported address.</param>
    /// <param name="bytesPerBeat">The build's bytes per beat.</param>
    /// <returns>The bytes.</returns>
    public int BeatBytesAt(ScenarioCopy copy, ulong address, int bytesPerBeat)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var start = Kind == HazardKind.StaleDmaRead ? copy.Source : copy.Destination;
        var beat = address & ~((ulong)bytesPerBeat - 1);
        var first = Math.Max(beat, start);
        var last = Math.Min(beat + (ulong)bytesPerBeat, start + copy.Length);
        return last > first ? (int)(last - first) : 0;
    }

    /// <summary>
    /// The monitor's reports against <see cref="Predicted"/>: every report of this kind inside a predicted range not
    /// yet matched, every predicted range matched once, and no other report.
    /// </summary>
    /// <param name="scenario">The scenario (its one copy; named in the failure).</param>
    /// <param name="rtl">The build.</param>
    /// <param name="report">The monitor's reports.</param>
    /// <returns>The hazards observed, with the bytes of the beat each came from.</returns>
    /// <exception cref="ScenarioException">A report is missing, unexpected or outside its range.</exception>
    public IReadOnlyList<HazardFacts> Check(Scenario scenario, RtlInfo rtl, CoherencyReport report)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rtl);
        ArgumentNullException.ThrowIfNull(report);
        var hazard = this;
        var copy = scenario.Copies[0];
        var predicted = hazard.Predicted(copy, rtl.CacheLine);
        var problems = new StringBuilder();
        if (report.Total != (ulong)report.Violations.Count)
        {
            problems.Append(CultureInfo.InvariantCulture, $"  the monitor counted {report.Total} violations but listed {report.Violations.Count}\n");
        }

        var unmatched = predicted.ToList();
        var observed = new List<HazardFacts>();
        foreach (var v in report.Violations)
        {
            var kind = HazardScenario.KindOf(v.Kind);
            var at = unmatched.FindIndex(r => v.Address >= r.First && v.Address <= r.Last);
            if (kind != hazard.Kind || at < 0)
            {
                problems.Append(CultureInfo.InvariantCulture, $"  unexpected {v.Kind} at 0x{v.Address:X} by {v.Master} (cycle {v.Cycle})\n");
                continue;
            }

            unmatched.RemoveAt(at);
            observed.Add(new HazardFacts(hazard.Kind, hazard.BeatBytesAt(copy, v.Address, rtl.BytesPerBeat)));
        }

        foreach (var (first, last) in unmatched)
        {
            problems.Append(CultureInfo.InvariantCulture, $"  missing {hazard.Kind} in 0x{first:X}..0x{last:X}\n");
        }

        if (problems.Length > 0)
        {
            throw new ScenarioException(string.Create(CultureInfo.InvariantCulture,
                $"seed {scenario.Seed}: the coherency monitor's reports differ from the predicted {predicted.Count} {hazard.Kind}:\n{problems}scenario: {scenario.Describe()}"));
        }

        return observed;
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
