// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>Events <see cref="SimClient.RunUntilAsync"/> can wait for.</summary>
public enum SimEvent
{
    /// <summary>The DMA interrupt line is high.</summary>
    Irq,

    /// <summary>The DMA engine is idle (CDMASR.Idle).</summary>
    Idle,

    /// <summary>The coherency monitor reported a hazard.</summary>
    Violation,

    /// <summary>The IOMMU faulted a burst.</summary>
    IommuFault,
}

/// <summary>One IOMMU fault report as the harness logged it.</summary>
/// <param name="Cycle">The cycle it was on the fault port.</param>
/// <param name="Iova">The burst's IOVA.</param>
/// <param name="Write">True for a write burst.</param>
/// <param name="Kind">The IOMMU_FAULT_* value (DmaCosim.Driver.IommuFaultKind).</param>
public sealed record IommuFaultReport(ulong Cycle, ulong Iova, bool Write, int Kind);

/// <summary>Cache maintenance operations of the <c>cache</c> op.</summary>
public enum CacheOp
{
    /// <summary>Write back dirty lines; keep them.</summary>
    Clean,

    /// <summary>Drop lines without writing them back.</summary>
    Invalidate,

    /// <summary>Clean, then invalidate.</summary>
    Flush,
}

/// <summary>One CPU load of <see cref="SimClient.CpuReadManyAsync"/>.</summary>
/// <param name="Address">First byte.</param>
/// <param name="Length">Bytes, 1..<see cref="SimClient.MaxCpuOp"/>.</param>
/// <param name="Cached">False: uncached, straight to the bus.</param>
public readonly record struct CpuReadAccess(ulong Address, int Length, bool Cached = true);

/// <summary>One CPU store of <see cref="SimClient.CpuWriteManyAsync"/>.</summary>
/// <param name="Address">First byte.</param>
/// <param name="Data">The bytes, 1..<see cref="SimClient.MaxCpuOp"/>.</param>
/// <param name="Cached">False: uncached, straight to the bus.</param>
public readonly record struct CpuWriteAccess(ulong Address, ReadOnlyMemory<byte> Data, bool Cached = true);

/// <summary>One hazard the coherency monitor reported.</summary>
/// <param name="Cycle">When.</param>
/// <param name="Kind">STALE_CPU_READ, LOST_DMA_WRITE or STALE_DMA_READ.</param>
/// <param name="Address">The first affected byte.</param>
/// <param name="Master">Whose access revealed it: "cpu" or "dma".</param>
/// <param name="Direction">WILD_DMA only: <c>r</c> or <c>w</c> (<see cref="Wire.DmaAccess"/>).</param>
/// <param name="Nearest">WILD_DMA only: the live window nearest to the address (null when none is live).</param>
public sealed record CoherencyViolation(ulong Cycle, string Kind, ulong Address, string Master, string? Direction = null, DmaWindow? Nearest = null);

/// <summary>A live DMA mapping announced to the harness's wild-DMA analyser (<c>dma_windows</c>).</summary>
/// <param name="Base">First bus address.</param>
/// <param name="Size">Bytes, ≥ 1.</param>
/// <param name="Access">What the device may do there: <c>r</c>, <c>w</c> or <c>rw</c> (<see cref="Wire.DmaAccess"/>).</param>
public sealed record DmaWindow(ulong Base, ulong Size, string Access)
{
    /// <inheritdoc />
    public override string ToString() => $"[0x{Base:X}, +{Size}) {Access}";
}

/// <summary>The wild-DMA analyser's state (<c>dma_windows</c> reply).</summary>
/// <param name="Enabled">Whether DMA beats are checked.</param>
/// <param name="Windows">Live windows it knows.</param>
/// <param name="BeatsChecked">Beats checked since the harness started.</param>
/// <param name="BeatsFlagged">Beats reported as WILD_DMA since the harness started.</param>
public sealed record DmaWindowsReport(bool Enabled, ulong Windows, ulong BeatsChecked, ulong BeatsFlagged);

/// <summary>State of the coherency monitor (<c>coherency</c>).</summary>
/// <param name="Snoop">Whether snooping (coherent mode) is on.</param>
/// <param name="Total">Violations since the last clear.</param>
/// <param name="Violations">The violations recorded since the last clear, oldest first.</param>
public sealed record CoherencyReport(bool Snoop, ulong Total, IReadOnlyList<CoherencyViolation> Violations);

/// <summary>Result of <c>run_until</c>.</summary>
/// <param name="Event">The event that fired, as the harness named it.</param>
/// <param name="Cycle">The cycle it fired at.</param>
public sealed record RunUntilResult(string Event, ulong Cycle);

/// <summary>RTL build parameters the harness announces in <c>hello</c>.</summary>
/// <param name="DataWidth">AXI data width in bits.</param>
/// <param name="AddrWidth">AXI address width in bits.</param>
/// <param name="MaxBurst">Largest burst in beats.</param>
/// <param name="CacheLine">Cache line in bytes (0: no CPU cache in this build).</param>
/// <param name="CacheSets">Cache sets (0: no CPU cache).</param>
/// <param name="CacheWays">Cache ways (0: no CPU cache).</param>
/// <param name="MaxOutstanding">Most DMA bursts in flight per direction (cosim_top MAX_OUTSTANDING; 4 unless the build says otherwise).</param>
/// <param name="HasDre">False on the <c>nodre</c> build: the engine has no realigner (PG034 without DRE).</param>
public sealed record RtlInfo(int DataWidth, int AddrWidth, int MaxBurst, int CacheLine, int CacheSets, int CacheWays, int MaxOutstanding = 4, bool HasDre = true)
{
    /// <summary>Bytes per data beat.</summary>
    public int BytesPerBeat => DataWidth / 8;
}

/// <summary>One DRAM window of the harness and the shared-memory file behind it.</summary>
/// <param name="Base">First bus address.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Shm">Path of the shared-memory file a local client can map.</param>
public sealed record DramWindowInfo(ulong Base, ulong Size, string Shm)
{
    /// <summary>True when [address, address + length) lies entirely in the window.</summary>
    /// <param name="address">First bus address.</param>
    /// <param name="length">Length in bytes.</param>
    /// <returns>Whether the range is inside.</returns>
    public bool Contains(ulong address, ulong length) =>
        address >= Base && length <= Size && address - Base <= Size - length;
}

/// <summary>What the harness announced in <c>hello</c>.</summary>
/// <param name="Protocol">Wire protocol version.</param>
/// <param name="HarnessVersion">Harness version string.</param>
/// <param name="Rtl">RTL build parameters.</param>
/// <param name="Dram">DRAM windows.</param>
/// <param name="Ops">The ops this harness serves.</param>
/// <param name="Cycle">Current cycle.</param>
public sealed record HelloInfo(
    int Protocol, string HarnessVersion, RtlInfo Rtl, IReadOnlyList<DramWindowInfo> Dram, IReadOnlyList<string> Ops, ulong Cycle)
{
    /// <summary>The protocol version this client speaks.</summary>
    public const int SupportedProtocol = 1;

    /// <summary>
    /// Which RTL the harness was built from: the first 16 hex digits of the SHA-256 of its rtl/*.sv sources
    /// in build order (hello's <c>rtl.hash</c>), or <c>unknown</c> for a build made without the Makefile.
    /// </summary>
    public string RtlHash { get; init; } = "unknown";

    /// <summary>
    /// The host bridge's offset (hello's <c>bus_offset</c>, the harness's <c>--bus-offset</c>): the DMA's bus
    /// address of a byte is its CPU physical address plus this (Linux <c>dma-ranges</c>) while the IOMMU is off.
    /// Give it to <see cref="Dma.DmaDeviceOptions.BusOffset"/>. 0 from a harness that does not report it.
    /// </summary>
    public ulong BusOffset { get; init; }

    internal static HelloInfo FromReply(SimReply reply)
    {
        var rtl = reply.GetMap(Wire.Field.Rtl);
        var info = new HelloInfo(
            (int)reply.GetUInt64(Wire.Field.Protocol),
            reply.GetString(Wire.Field.Harness),
            new RtlInfo(
                (int)rtl.GetUInt64(Wire.Field.DataWidth),
                (int)rtl.GetUInt64(Wire.Field.AddrWidth),
                (int)rtl.GetUInt64(Wire.Field.MaxBurst),
                (int)rtl.GetUInt64(Wire.Field.CacheLine),
                (int)rtl.GetUInt64(Wire.Field.CacheSets),
                (int)rtl.GetUInt64(Wire.Field.CacheWays),
                (int)rtl.GetUInt64(Wire.Field.MaxOutstanding),
                rtl.Fields.GetValueOrDefault(Wire.Field.HasDre) is not false),
            reply.GetMaps(Wire.Field.Dram)
                .Select(d => new DramWindowInfo(d.GetUInt64(Wire.Field.Base), d.GetUInt64(Wire.Field.Size), d.GetString(Wire.Field.Shm)))
                .ToList(),
            reply.GetStrings(Wire.Field.Ops),
            reply.GetUInt64(Wire.Field.Cycle))
        {
            RtlHash = rtl.GetString(Wire.Field.Hash),
            BusOffset = reply.Has(Wire.Field.BusOffset) ? reply.GetUInt64(Wire.Field.BusOffset) : 0,
        };
        return info.Protocol == SupportedProtocol
            ? info
            : throw new SimProtocolException(
                $"harness speaks protocol {info.Protocol}, this client speaks {SupportedProtocol}", Wire.Op.Hello, reply.Endpoint);
    }
}
