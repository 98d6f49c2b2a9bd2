// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>The address-space scenarios of issue #14 (no IOMMU): what each one exercises.</summary>
public enum AddressKind
{
    /// <summary>A DMA mask below the buffers: both are bounced through the swiotlb pool; the copy must be byte-exact and the engine must stay inside the live mappings.</summary>
    Bounce,

    /// <summary>
    /// A misaligned copy: on a build without the realigner the driver must refuse it (copy_align) and the chosen
    /// remedy must then copy it byte-exact; with the realigner it goes straight to the engine.
    /// </summary>
    Misaligned,

    /// <summary>The driver unmaps the destination before the DMA ran: the wild-DMA analyser must flag exactly its written beats, explained by the mapping's history.</summary>
    UnmapTooEarly,

    /// <summary>The IOMMU on: one copy through <c>IommuDomain</c> mappings (the source scattered over pages that MapSg merges, where drawn), byte-exact and without a fault.</summary>
    Iommu,

    /// <summary>
    /// The IOMMU on and a driver mistake (<see cref="AddressScenario.Fault"/>): a mapping unmapped before the DMA ran, or
    /// mapped for the wrong direction; expected: that IOMMU fault (NOT_PRESENT: DMADecErr, permission: DMASlvErr) in
    /// that mapping's IOVA range and nothing else, the destination untouched.
    /// </summary>
    IommuUnmapTooEarly,
}

/// <summary>The driver mistake of an <see cref="AddressKind.IommuUnmapTooEarly"/> scenario, and the IOMMU fault it must raise.</summary>
public enum IommuMistake
{
    /// <summary>The destination unmapped before the DMA ran: a NOT_PRESENT write fault.</summary>
    DestinationUnmapped,

    /// <summary>The source unmapped before the DMA ran: a NOT_PRESENT read fault.</summary>
    SourceUnmapped,

    /// <summary>The source mapped FromDevice (PTEs without R): a permission read fault.</summary>
    SourceMappedFromDevice,

    /// <summary>The destination mapped ToDevice (PTEs without W): a permission write fault.</summary>
    DestinationMappedToDevice,
}

/// <summary>One address-space scenario: one copy through the DMA API.</summary>
/// <param name="Kind">What it exercises.</param>
/// <param name="MaskBits">The device's streaming DMA mask.</param>
/// <param name="SourceOffset">Offset of the copy in its source buffer.</param>
/// <param name="DestinationOffset">Offset of the copy in its destination buffer.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Remedy">The alignment remedy (<see cref="AddressKind.Misaligned"/>).</param>
/// <param name="Scattered">The IOMMU kinds: the source is one piece per page, a spacer page between each, merged by MapSg into one IOVA range.</param>
/// <param name="BusOffset">The host bridge's offset the scenario runs with (a harness started with <c>--bus-offset</c>; 0: none).</param>
/// <param name="ScatterGather">The IOMMU kinds: the copy goes through SG descriptors from a pool mapped in the IOMMU domain (else simple mode).</param>
/// <param name="Fault">The driver mistake of <see cref="AddressKind.IommuUnmapTooEarly"/> (ignored by the other kinds).</param>
public sealed record AddressScenario(
    AddressKind Kind, int MaskBits, int SourceOffset, int DestinationOffset, int Length, AlignmentRemedy Remedy, bool Scattered = false,
    ulong BusOffset = 0, bool ScatterGather = false, IommuMistake Fault = IommuMistake.DestinationUnmapped)
{
    /// <summary>The IOMMU fault <see cref="Fault"/> must raise: its kind and whether it is a write.</summary>
    public (IommuFaultKind Kind, bool Write) ExpectedFault => Fault switch
    {
        IommuMistake.SourceUnmapped => (IommuFaultKind.NotPresent, false),
        IommuMistake.SourceMappedFromDevice => (IommuFaultKind.Permission, false),
        IommuMistake.DestinationMappedToDevice => (IommuFaultKind.Permission, true),
        _ => (IommuFaultKind.NotPresent, true),
    };

    /// <summary>One line describing it.</summary>
    /// <returns>The line.</returns>
    public string Describe() =>
        $"address {Kind}: {MaskBits}-bit mask, {Length} bytes, source offset {SourceOffset}, destination offset {DestinationOffset}" +
        (Kind == AddressKind.Misaligned ? $", remedy {Remedy}" : "") +
        (Kind is AddressKind.Iommu or AddressKind.IommuUnmapTooEarly
            ? (Scattered ? ", source scattered over pages" : ", source one buffer") + (ScatterGather ? ", SG descriptors through the IOMMU" : ", simple mode")
            : "") +
        (Kind == AddressKind.IommuUnmapTooEarly ? $", mistake {Fault}" : "") +
        (BusOffset != 0 ? $", bus offset 0x{BusOffset:X}" : "");

    /// <summary>The regress summary's name of a scenario's kind: <c>bounce</c>, <c>misaligned</c>, <c>unmap-early</c>, <c>iommu</c>, <c>iommu-fault</c>.</summary>
    /// <returns>The name.</returns>
    public string KindName() => Kind switch
    {
        AddressKind.Bounce => "bounce",
        AddressKind.Misaligned => "misaligned",
        AddressKind.Iommu => "iommu",
        AddressKind.IommuUnmapTooEarly => "iommu-fault",
        _ => "unmap-early",
    };
}

/// <summary>The regress summary's kinds.</summary>
public static partial class ScenarioRunner
{
    /// <summary>
    /// A scenario's kind for the regress summary: <c>hazard</c>, <c>snoop</c>, the address kinds (<c>bounce</c>, <c>misaligned</c>,
    /// <c>unmap-early</c>, <c>iommu</c>, <c>iommu-fault</c>), <c>register</c> or <c>driver</c>.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <returns>The kind.</returns>
    public static string KindOf(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Hazard != null ? "hazard" : scenario.Snoop != null ? "snoop" : scenario.Address is { } a ? a.KindName() : scenario.Engine != null ? "register" : "driver";
    }

    /// <summary>
    /// How many scenarios of each kind ran, on one line: <c>kinds: driver 40, register 46, hazard 6, bounce 3, ...</c>,
    /// ending with how many of them ran with a host-bridge offset (<c>with-bus-offset 2</c>) (the CLI fits it to the
    /// terminal, wrapping only after a comma).
    /// </summary>
    /// <param name="results">The results.</param>
    /// <returns>The line.</returns>
    public static string KindSummary(IEnumerable<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        string[] order = ["driver", "register", "hazard", "snoop", "bounce", "misaligned", "unmap-early", "iommu", "iommu-fault"];
        var counts = results.GroupBy(r => r.Kind ?? "unknown").ToDictionary(g => g.Key, g => g.Count());
        var entries = order.Concat(counts.Keys.Except(order).Order()).Select(k => $"{k} {counts.GetValueOrDefault(k)}").ToList();
        entries.Add($"with-bus-offset {results.Count(r => r.BusOffset != 0)}");
        return "kinds: " + string.Join(", ", entries);
    }
}

/// <summary>The address-space scenarios' share of the mix.</summary>
public static partial class ScenarioGenerator
{
    /// <summary>
    /// Share of seeds (percent) that are address-space scenarios (<see cref="AddressScenario"/>). On a build without
    /// the realigner (<c>nodre</c>) every seed is one: the other scenario kinds draw misaligned copies that the
    /// driver refuses there (copy_align) and that <see cref="Pg034Model"/> does not model — excluded explicitly.
    /// </summary>
    internal const int AddressPercent = 8;

    /// <summary>
    /// The host-bridge offset of the address scenarios drawn with one (a quarter of them): 16 MiB, small enough that
    /// a bounce scenario's pool stays below a 25-bit mask while its heap buffers do not. regress runs them on harnesses
    /// started with <c>--bus-offset</c> (<see cref="BusOffsetOf"/>).
    /// </summary>
    public const ulong RegressBusOffset = 0x0100_0000;

    /// <summary>The host-bridge offset the scenario of <paramref name="seed"/> needs its harness started with (0: none).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="rtl">The build.</param>
    /// <returns>The offset.</returns>
    public static ulong BusOffsetOf(ulong seed, RtlInfo rtl) =>
        IsAddress(seed, rtl) ? GenerateAddress(seed, rtl).Address!.BusOffset : 0;

    /// <summary>Whether <paramref name="seed"/> is an address-space scenario on this build (a stream of its own).</summary>
    private static bool IsAddress(ulong seed, RtlInfo rtl) =>
        !rtl.HasDre || new Random(BitConverter.ToInt32(SeededPattern.Create(sizeof(int), seed ^ 0xADD5))).Next(100) < AddressPercent;

    private static Scenario GenerateAddress(ulong seed, RtlInfo rtl)
    {
        var r = new Random(BitConverter.ToInt32(SeededPattern.Create(sizeof(int), seed ^ 0xADD6)));
        // 3 in 5 the kinds without an IOMMU, 2 in 5 the IOMMU ones, a third of those with the fault
        var roll = r.Next(5);
        var kind = roll < 3 ? (AddressKind)roll : r.Next(3) == 0 ? AddressKind.IommuUnmapTooEarly : AddressKind.Iommu;
        var bpb = rtl.BytesPerBeat;
        var length = r.Next(4) == 0 ? r.Next(4096, 65537) : r.Next(1, 3000);
        var sourceOffset = r.Next(64);
        var destinationOffset = r.Next(64);
        var remedy = (AlignmentRemedy)r.Next(2);
        if (kind is AddressKind.UnmapTooEarly or AddressKind.Iommu or AddressKind.IommuUnmapTooEarly && !rtl.HasDre)
        {
            // the driver refuses a misaligned copy on nodre: these kinds are about the mappings, so the copy is aligned
            sourceOffset -= sourceOffset % bpb;
            destinationOffset -= destinationOffset % bpb;
            length = Math.Max(bpb, length - (length % bpb));
        }

        if (kind == AddressKind.Misaligned)
        {
            // misaligned for copy_align on purpose; PIO head/tail needs the same offset within a beat
            if (remedy == AlignmentRemedy.PioHeadTail)
            {
                destinationOffset = (sourceOffset % bpb) + (bpb * r.Next(64 / bpb));
            }

            if (((sourceOffset | destinationOffset | length) % bpb) == 0)
            {
                length++;
            }
        }

        // a mask below the heap (0x1000_0000) bounces; a mask reaching it does not
        var mask = kind == AddressKind.Bounce ? r.Next(24, 29) : Math.Min(rtl.AddrWidth, 32);
        var scattered = r.Next(2) == 0 && kind is AddressKind.Iommu or AddressKind.IommuUnmapTooEarly;
        // drawn after the draws above: a quarter run behind a host-bridge offset, half the IOMMU copies in SG mode
        var busOffset = r.Next(4) == 0 ? RegressBusOffset : 0UL;
        var scatterGather = r.Next(2) == 0 && kind is AddressKind.Iommu or AddressKind.IommuUnmapTooEarly;
        if (busOffset != 0 && kind == AddressKind.Bounce)
        {
            mask = Math.Max(mask, 25); // the bounce pool's bus addresses, 12..16 MiB + the offset, stay below the mask
        }

        var memory = new MemConfig
        {
            ReadLatency = (uint)r.Next(0, 20),
            WriteLatency = (uint)r.Next(0, 20),
            MaxOutstanding = 8,
            Backpressure = Backpressure.All(Math.Round(r.NextDouble() * 0.3, 3)),
            Seed = seed,
            Faults = [],
        };
        // drawn last: which mapping the driver gets wrong
        var mistake = kind == AddressKind.IommuUnmapTooEarly ? (IommuMistake)r.Next(4) : IommuMistake.DestinationUnmapped;
        var address = new AddressScenario(kind, mask, sourceOffset, destinationOffset, length, remedy, scattered, busOffset, scatterGather, mistake);
        return new Scenario(seed, [new ScenarioCopy(0, 0, (uint)length)], memory, null, -1) { Address = address, Rtl = rtl };
    }
}
