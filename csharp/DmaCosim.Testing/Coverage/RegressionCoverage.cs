// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Reflection;
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Coverage;

/// <summary>
/// The regression's functional coverage model (issue 12, item 4) over <see cref="ScenarioFacts"/>: what the
/// scenarios of <c>dmacosim regress</c> must exercise. <see cref="Model"/>'s name carries its version: change
/// it whenever a bin is added, removed or renamed (files of different versions do not merge).
/// </summary>
public static class RegressionCoverage
{
    /// <summary>First offset past the CDMA and extension registers (REG_SPACE_END of rtl/dma_pkg.sv): DECERR from here.</summary>
    public const uint RegisterSpaceEnd = 0x200;

    /// <summary>The coherency monitor's first register (MON_BASE_OFFSET).</summary>
    public const uint MonitorBase = 0x1000;

    /// <summary>The coherency monitor's last register (MON_SNOOPS_OFFSET).</summary>
    public const uint MonitorLast = 0x1024;

    /// <summary>First offset past the monitor's block (MON_SPACE_END): DECERR from here.</summary>
    public const uint MonitorSpaceEnd = 0x1100;

    /// <summary>Longest FIXED (keyhole) burst in beats (AXI4).</summary>
    private const int FixedBurstBeats = 16;

    /// <summary>Every CDMA and extension register: offset and name (from <see cref="CdmaRegisters"/>), by offset.</summary>
    public static IReadOnlyList<(uint Offset, string Name)> Registers { get; } =
        [.. typeof(CdmaRegisters).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Offset", StringComparison.Ordinal) && f.FieldType == typeof(uint))
            .Select(f => ((uint)f.GetValue(null)!, f.Name[..^"Offset".Length]))
            .OrderBy(r => r.Item1)];

    /// <summary>The block edges of the AXI-Lite map that are not registers: the first offset of each gap, the last before each block, the first past each space.</summary>
    public static IReadOnlyList<(uint Offset, string Name)> Edges { get; } =
    [
        (CdmaRegisters.BttOffset + 4, "gap after the CDMA block"),
        (CdmaRegisters.ExtIdOffset - 4, "gap before the extension block"),
        (CdmaRegisters.ExtPerfCpuWaitOffset + 4, "gap after the extension block"),
        (RegisterSpaceEnd - 4, "last of the register space"),
        (RegisterSpaceEnd, "past the register space (DECERR)"),
        (MonitorBase, "first monitor register"),
        (MonitorLast, "last monitor register"),
        (MonitorLast + 4, "gap after the monitor registers"),
        (MonitorSpaceEnd - 4, "last of the monitor space"),
        (MonitorSpaceEnd, "past the monitor space (DECERR)"),
    ];

    private static readonly string[] Lengths = ["1 B", "under a beat", "beats to 4 KiB", "4 KiB to 64 KiB", "64 KiB and more"];
    private static readonly string[] KeyholeLengths = ["one beat", "one FIXED burst", "several FIXED bursts", "over 256 beats"];
    private static readonly string[] Levels = ["1", "2-7", "8+"];
    private static readonly string[] Directions = ["read", "write"];
    private static readonly string[] HazardMixes = ["one mistake", "two on one copy", "CPU-side during DMA-side"];

    private static readonly string[] AddressKinds = ["bounce", "misaligned", "unmap-early", "iommu", "iommu-fault"];

    /// <summary>The model of a build with the realigner (initialised after the bin lists above it).</summary>
    public static CoverageModel<ScenarioFacts> Model { get; } = Create(hasDre: true);

    /// <summary>The model of the <c>nodre</c> build: its misaligned copies are refused and remedied instead of realigned.</summary>
    public static CoverageModel<ScenarioFacts> NodreModel { get; } = Create(hasDre: false);

    /// <summary>
    /// The model of a build: bins only one variant can reach are declared only in its model (a misaligned copy is
    /// realigned with DRE, refused and remedied without), so every model's goal is reachable on its build.
    /// </summary>
    /// <param name="rtl">The build.</param>
    /// <returns><see cref="Model"/> or <see cref="NodreModel"/>.</returns>
    public static CoverageModel<ScenarioFacts> For(RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(rtl);
        return rtl.HasDre ? Model : NodreModel;
    }

    /// <summary>A copy's length class: 1 B, under a beat, beats up to 4 KiB, up to 64 KiB, 64 KiB and more.</summary>
    /// <param name="length">Bytes.</param>
    /// <param name="bytesPerBeat">Bytes per beat of the build.</param>
    /// <returns>The bin.</returns>
    public static string LengthClass(uint length, int bytesPerBeat) => length switch
    {
        <= 1 => Lengths[0],
        _ when length < bytesPerBeat => Lengths[1],
        < 4096 => Lengths[2],
        < 65536 => Lengths[3],
        _ => Lengths[4],
    };

    private static CoverageModel<ScenarioFacts> Create(bool hasDre)
    {
        var transfer = new CoverGroupBuilder<ScenarioFacts, (ScenarioFacts Facts, CopyFacts Copy)>(
                "transfer", "every copy: mode, configured burst length, alignment in the beat, 4 KiB crossing, length",
                f => f.Copies.Select(c => (f, c)))
            .Point("mode", Names<TransferMode>(), i => i.Facts.Mode.ToString())
            .Point("max burst", ["1 beat", "2-16 beats", "17-255 beats", "256+ beats"], i => i.Facts.MaxBurstBeats switch
            {
                <= 1 => "1 beat",
                <= 16 => "2-16 beats",
                < 256 => "17-255 beats",
                _ => "256+ beats",
            })
            .Point("alignment", ["aligned", "source unaligned", "destination unaligned", "both unaligned"], i =>
                (i.Copy.SourceOffsetInBeat != 0, i.Copy.DestinationOffsetInBeat != 0) switch
                {
                    (false, false) => "aligned",
                    (true, false) => "source unaligned",
                    (false, true) => "destination unaligned",
                    _ => "both unaligned",
                })
            .Point("4 KiB", ["within pages", "crosses 4 KiB"], i => i.Copy.Crosses4K ? "crosses 4 KiB" : "within pages")
            .Point("length", Lengths, i => LengthClass(i.Copy.Length, i.Facts.BytesPerBeat))
            .Cross(["mode", "max burst"])
            .Cross(["mode", "length"])
            .Cross(["alignment", "length"])
            .Cross(["max burst", "4 KiB"])
            // a copy shorter than a beat crossing a page is possible but too rare to demand of random scenarios; one
            // longer than 4 KiB always crosses one (exactly 4 KiB within a page only from a page-aligned address)
            .Cross(["4 KiB", "length"], c => c[0] == "crosses 4 KiB" ? c[1] == Lengths[0] || c[1] == Lengths[1] : c[1] == Lengths[3] || c[1] == Lengths[4])
            .Build();

        var errors = new CoverGroupBuilder<ScenarioFacts, (ErrorFacts Error, bool Second)>(
                "errors", "every error: response, where it answered, whether another error came in the same scenario",
                f => f.Errors.Select(e => (e, f.Errors.Count > 1)))
            .Point("response", Names<AxiFault>(), i => i.Error.Response.ToString())
            .Point("where", Names<FaultSite>(), i => i.Error.Where.ToString())
            .Point("company", ["alone", "with another error"], i => i.Second ? "with another error" : "alone")
            // a failed descriptor fetch is the only error the engine meets on that descriptor (the transfer and its
            // STATUS write-back never start) and the engine halts there: no second error can come with it
            .Cross(["response", "where", "company"], c => c[1] == nameof(FaultSite.DescriptorFetch) && c[2] == "with another error")
            .Build();

        var coalescing = new CoverGroupBuilder<ScenarioFacts, (int Threshold, int Completions)>(
                "coalescing", "every IOC interrupt: IRQThreshold, descriptors it completed (never more than the threshold)",
                f => f.CompletionsPerIoc.Select(c => (f.IrqThreshold, c)))
            .Point("IRQThreshold", Levels, i => Level(i.Threshold))
            .Point("completions", Levels, i => Level(i.Completions))
            .Cross(["IRQThreshold", "completions"], c => Array.IndexOf(Levels, c[1]) > Array.IndexOf(Levels, c[0]))
            .Build();

        var keyhole = new CoverGroupBuilder<ScenarioFacts, (string Direction, uint Length, int Beat)>(
                "keyhole", "every keyhole copy: read or write, length in beats against one FIXED burst (16 beats)",
                f => f.Copies.SelectMany(c => Directions.Where(d => d == "read" ? c.KeyholeRead : c.KeyholeWrite).Select(d => (d, c.Length, f.BytesPerBeat))))
            .Point("direction", Directions, i => i.Direction)
            .Point("length", KeyholeLengths, i => ((i.Length + (uint)i.Beat - 1) / (uint)i.Beat) switch
            {
                <= 1 => KeyholeLengths[0],
                <= FixedBurstBeats => KeyholeLengths[1],
                <= 256 => KeyholeLengths[2],
                _ => KeyholeLengths[3],
            })
            .Cross(["direction", "length"])
            .Build();

        var hazards = new CoverGroupBuilder<ScenarioFacts, (HazardKind Kind, bool Narrow)>(
                "hazards", "every coherency hazard: kind, beat narrower than the bus or full width",
                f => f.Hazards.Select(h => (h.Kind, h.BeatBytes < f.BytesPerBeat)))
            .Point("kind", Names<HazardKind>(), i => i.Kind.ToString())
            .Point("beat", ["narrow", "full width"], i => i.Narrow ? "narrow" : "full width")
            .Cross(["kind", "beat"])
            .Build();

        var mixes = new CoverGroupBuilder<ScenarioFacts, ScenarioFacts>(
                "hazard mixes", "every hazard scenario: its mistakes; a CPU report then a DMA report in consecutive cycles (how two reports of one cycle leave the monitor's queue)",
                f => f.HazardMix != null ? [f] : [])
            .Point("mistakes", HazardMixes, f => HazardMixes[(int)f.HazardMix!.Value])
            .Point("report paths", ["CPU then DMA back to back"], f => f.HazardsBackToBack ? "CPU then DMA back to back" : null)
            .Build();

        var snoopLines = new CoverGroupBuilder<ScenarioFacts, SnoopLineFacts>(
                "snoop lines", "every line a snoop-mode scenario's walker snoops: read (dirty source) or write (cached destination) burst, its index among the burst's lines, first or later burst",
                f => f.SnoopLines)
            .Point("burst kind", Directions, l => l.Write ? "write" : "read")
            .Point("line in burst", ["first line", "line index > 0"], l => l.LineInBurst switch { < 0 => null, 0 => "first line", _ => "line index > 0" })
            .Point("burst", ["first burst", "later burst"], l => l.Burst switch { < 0 => null, 0 => "first burst", _ => "later burst" })
            .Cross(["burst kind", "line in burst"])
            .Cross(["burst kind", "burst"])
            .Build();

        var scenario = new CoverGroupBuilder<ScenarioFacts, ScenarioFacts>(
                "scenario", "every scenario: delay timer, cyclic wraps, snoop, control events",
                f => [f])
            .Point("Dly_Irq", ["fired", "not fired"], f => f.DelayIrqFired ? "fired" : "not fired")
            .Point("cyclic", ["not cyclic", "1 wrap", "2+ wraps"], f => f.CyclicWraps switch { <= 0 => "not cyclic", 1 => "1 wrap", _ => "2+ wraps" })
            .Point("snoop", ["off", "on"], f => f.Snoop ? "on" : "off")
            .Point("descriptors", ["simple", "scatter-gather"], f => f.ScatterGather ? "scatter-gather" : "simple")
            .Point("soft reset mid-chain", ["yes"], f => f.SoftResetMidChain ? "yes" : null)
            .Point("TAILDESC resume", ["yes"], f => f.TailResume ? "yes" : null)
            .Point("perf clear mid-transfer", ["yes"], f => f.PerfClearMidTransfer ? "yes" : null)
            .Point("CPU load generator", ["yes"], f => f.CpuLoad ? "yes" : null)
            .Build();

        var arbitration = new CoverGroupBuilder<ScenarioFacts, string>(
                "arbitration", "every channel on which the CPU and the DMA requested in the same cycle",
                f => f.ArbitrationConflicts)
            .Point("channel", ["ar", "aw"], c => c)
            .Build();

        var registers = new CoverGroupBuilder<ScenarioFacts, uint>(
                "registers", "every AXI-Lite offset accessed: each register, each block edge and gap",
                f => f.RegisterOffsets)
            .Point("register", [.. Registers.Select(Name)], o => Registers.FirstOrDefault(r => r.Offset == o) is { Name: not null } r ? Name(r) : null)
            .Point("edge", [.. Edges.Select(Name)], o => Edges.FirstOrDefault(e => e.Offset == o) is { Name: not null } e ? Name(e) : null)
            .Build();

        string[] misaligned = hasDre ? ["realigned (DRE)"] : ["refused, bounce remedy", "refused, PIO head/tail remedy"];
        var address = new CoverGroupBuilder<ScenarioFacts, AddressFacts>(
                "address", "every address-space scenario: kind, IOTLB miss / hit, IOMMU fault kind × direction, bounce directions, misaligned copy's fate, wild DMA",
                f => f.Address is { } a ? [a] : [])
            .Point("kind", AddressKinds, a => AddressKinds[(int)a.Kind])
            .Point("IOTLB miss", ["walked"], a => a.IotlbMiss ? "walked" : null)
            .Point("IOTLB hit", ["translated from the IOTLB"], a => a.IotlbHit ? "translated from the IOTLB" : null)
            .Point("IOMMU fault", [nameof(IommuFaultKind.NotPresent), nameof(IommuFaultKind.Permission)], a => a.Fault?.Kind.ToString())
            .Point("fault direction", Directions, a => a.Fault is { } f ? (f.Write ? "write" : "read") : null)
            .Cross(["IOMMU fault", "fault direction"])
            .Point("bounced to device", ["source (map ToDevice)"], a => a.Kind == AddressKind.Bounce ? "source (map ToDevice)" : null)
            .Point("bounced from device", ["destination (unmap FromDevice)"], a => a.Kind == AddressKind.Bounce ? "destination (unmap FromDevice)" : null)
            .Point("misaligned copy", misaligned, a => a.Kind != AddressKind.Misaligned ? null
                : a.HasDre ? misaligned[0] : a.Remedy == AlignmentRemedy.Bounce ? misaligned[0] : misaligned[1])
            .Point("wild DMA", ["flagged after unmap"], a => a.Kind == AddressKind.UnmapTooEarly ? "flagged after unmap" : null)
            .Build();

        return new CoverageModel<ScenarioFacts>(hasDre ? "regression/4" : "regression/4-nodre",
            [transfer, errors, coalescing, keyhole, hazards, mixes, snoopLines, scenario, arbitration, registers, address]);
    }

    private static string Level(int n) => n <= 1 ? Levels[0] : n < 8 ? Levels[1] : Levels[2];

    private static string Name((uint Offset, string Name) entry) =>
        string.Create(CultureInfo.InvariantCulture, $"0x{entry.Offset:X3} {entry.Name}");

    private static string[] Names<T>()
        where T : struct, Enum => Enum.GetNames<T>();
}
