// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Perf;

/// <summary>How a translation-sweep point touches its IOVA pages.</summary>
public enum TranslationPattern
{
    /// <summary>One copy between two contiguous buffers, each mapped by MapSingle: every page's bursts back to back.</summary>
    Sequential,

    /// <summary>The same copy, each side made of scattered physical pages (a spacer page between, in reverse order) that MapSg merges into one IOVA range.</summary>
    Scattered,

    /// <summary>Page-strided: one short copy per page (the first <see cref="TranslationGrid.StrideChunk"/> bytes of each), so nearly every burst is the first of its page.</summary>
    Strided,

    /// <summary>A sequential copy whose pages (both sides) outnumber every IOTLB swept: a working set larger than the IOTLB.</summary>
    Thrash,
}

/// <summary>One point of the translation sweep: an access pattern at a number of IOTLB entries in use.</summary>
/// <param name="Pattern">The pattern.</param>
/// <param name="Entries">IOTLB entries in use (IOMMU_CTRL's TLB_LOG2 field: a power of two, 2..the build's).</param>
public sealed record TranslationPoint(TranslationPattern Pattern, int Entries)
{
    /// <summary>The pattern's name on the command line and in the CSV.</summary>
    public string PatternName => TranslationGrid.NameOf(Pattern);

    /// <summary>One line naming the point.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PatternName} entries {Entries}");
}

/// <summary>One pass over a point's copies: simulated cycles and what the IOMMU counted.</summary>
/// <param name="Bytes">Bytes copied in the pass.</param>
/// <param name="Copies">Simple-mode copies in the pass.</param>
/// <param name="Cycles">Sum over the copies of the cycles from the BTT write to the interrupt.</param>
/// <param name="Counters">The IOMMU's counters over the pass (cleared before it).</param>
/// <param name="Translations">The engine's bursts the IOMMU passed on (the arbiter's DMA AR + AW grants less the walker's PTE reads): independent of the IOMMU's own counters.</param>
public sealed record TranslationPass(long Bytes, int Copies, ulong Cycles, IommuCounters Counters, ulong Translations)
{
    /// <summary>Bytes per cycle.</summary>
    public double BytesPerCycle => Cycles == 0 ? 0 : (double)Bytes / Cycles;

    /// <summary>Walker-busy cycles per miss (0 without a miss).</summary>
    public double WalkCyclesPerMiss => Counters.Misses == 0 ? 0 : (double)Counters.WalkCycles / Counters.Misses;

    /// <summary>Misses per translation, 0..1.</summary>
    public double MissRate => Translations == 0 ? 0 : (double)Counters.Misses / Translations;
}

/// <summary>A point's result: a cold pass (the IOTLB empty) and a warm pass (the same copies again).</summary>
/// <param name="Point">The point.</param>
/// <param name="Cold">The first pass.</param>
/// <param name="Warm">The second pass.</param>
/// <param name="Error">Why the point failed (wrong bytes, a fault, a transfer error), or null.</param>
public sealed record TranslationResult(TranslationPoint Point, TranslationPass Cold, TranslationPass Warm, string? Error = null)
{
    /// <summary>True when both passes completed and the destination holds the source's bytes.</summary>
    public bool Passed => Error == null;
}

/// <summary>
/// The grid of the translation sweep (issue #14 item 6): IOTLB entries in use × access pattern, at one memory
/// latency, and the sizes each pattern copies.
/// </summary>
public sealed record TranslationGrid
{
    /// <summary>Access patterns.</summary>
    public IReadOnlyList<TranslationPattern> Patterns { get; init; } =
        [TranslationPattern.Sequential, TranslationPattern.Scattered, TranslationPattern.Strided, TranslationPattern.Thrash];

    /// <summary>IOTLB entries in use (powers of two, 2..the build's); empty: every power of two up to the build's.</summary>
    public IReadOnlyList<int> Entries { get; init; } = [];

    /// <summary>Bytes per side of the sequential and scattered copies (a multiple of 4 KiB).</summary>
    public int Size { get; init; } = 256 << 10;

    /// <summary>Bytes per side of the thrash copy (a multiple of 4 KiB).</summary>
    public int ThrashSize { get; init; } = 3 << 20;

    /// <summary>Pages per side of the strided pattern (one copy per page).</summary>
    public int StridePages { get; init; } = 64;

    /// <summary>Bytes copied from each page in the strided pattern (one burst of the default build).</summary>
    public int StrideChunk { get; init; } = 256;

    /// <summary>DRAM read and write latency in cycles.</summary>
    public int Latency { get; init; }

    /// <summary>The entries swept on a build with 2^<paramref name="buildLog2"/> entries.</summary>
    /// <param name="buildLog2">log2 of the build's IOTLB entries.</param>
    /// <returns>The entries, ascending.</returns>
    public IReadOnlyList<int> EntriesFor(int buildLog2) =>
        Entries.Count > 0 ? [.. Entries.Distinct().Order()] : [.. Enumerable.Range(1, Math.Max(0, buildLog2)).Select(l => 1 << l)];

    /// <summary>The points, pattern by pattern, entries ascending.</summary>
    /// <param name="buildLog2">log2 of the build's IOTLB entries.</param>
    /// <returns>The points.</returns>
    public IReadOnlyList<TranslationPoint> Points(int buildLog2) =>
        [.. from pattern in Patterns.Distinct() from entries in EntriesFor(buildLog2) select new TranslationPoint(pattern, entries)];

    /// <summary>Checks every value against a build; returns the first problem, or null.</summary>
    /// <param name="buildLog2">log2 of the build's IOTLB entries (int.MaxValue-ish before the build is known: 12, the RTL's limit).</param>
    /// <returns>A message naming the option and the value, or null.</returns>
    public string? Validate(int buildLog2)
    {
        const int page = (int)IovaAllocator.PageSize;
        return Patterns.Count == 0 ? "--pattern needs at least one value"
            : PerfGrid.First(Entries, e => e < 2 || e > 1 << buildLog2 || (e & (e - 1)) != 0,
                e => $"--entries {e}: a power of two, 2..{1 << buildLog2} (the build's IOTLB entries)")
            ?? (Size < page || Size % page != 0 || Size > 16 << 20 ? $"--size {Size}: a multiple of 4096 bytes, 4K..16M" : null)
            ?? (ThrashSize < page || ThrashSize % page != 0 || ThrashSize > 32 << 20 ? $"--thrash-size {ThrashSize}: a multiple of 4096 bytes, 4K..32M" : null)
            ?? (StridePages is < 1 or > 4096 ? $"--stride-pages {StridePages}: 1..4096 pages" : null)
            ?? (StrideChunk is < 1 or > page ? $"stride chunk {StrideChunk}: 1..4096 bytes" : null)
            ?? (Latency is < 0 or > 1000 ? $"--latency {Latency}: 0..1000 cycles" : null);
    }

    /// <summary>Parses a pattern name (sequential, scattered, strided, thrash).</summary>
    /// <param name="text">The name.</param>
    /// <param name="pattern">The pattern.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParsePattern(string text, out TranslationPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(text);
        pattern = default;
        var name = text.Trim();
        foreach (var p in Enum.GetValues<TranslationPattern>())
        {
            if (NameOf(p).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                pattern = p;
                return true;
            }
        }

        return false;
    }

    /// <summary>The command-line and CSV name of a pattern.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns>sequential, scattered, strided or thrash.</returns>
    public static string NameOf(TranslationPattern pattern) => pattern.ToString().ToLowerInvariant();
}

/// <summary>
/// Runs the translation sweep: per point a hardware reset, an <see cref="IommuDomain"/> using that many IOTLB
/// entries, the pattern's buffers mapped, then its copies twice (cold, warm) with the IOMMU's counters cleared
/// before each pass; the destination is checked byte for byte. Every figure is in simulated cycles.
/// </summary>
public static class TranslationSweep
{
    private const int Page = (int)IovaAllocator.PageSize;

    /// <summary>Runs every point on a pool of harnesses, results in the points' order.</summary>
    /// <param name="pool">The harnesses.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="buildLog2">log2 of the build's IOTLB entries.</param>
    /// <param name="onResult">Called as each point finishes (from worker threads).</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>One result per point.</returns>
    public static Task<IReadOnlyList<TranslationResult>> RunAsync(
        HarnessPool pool, TranslationGrid grid, int buildLog2, Action<TranslationResult>? onResult = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(grid);
        var empty = new TranslationPass(0, 0, 0, new IommuCounters(0, 0, 0, 0), 0);
        return pool.RunAsync(
            grid.Points(buildLog2),
            (harness, point) => RunPointAsync(harness, grid, point, cancellationToken),
            (point, crash) => new TranslationResult(point, empty, empty, $"harness crashed: {crash.Message}"),
            onResult,
            cancellationToken);
    }

    /// <summary>Runs one point on a harness.</summary>
    /// <param name="harness">The harness (reset here).</param>
    /// <param name="grid">The grid's sizes and latency.</param>
    /// <param name="point">The point.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What it measured.</returns>
    /// <exception cref="SimException">A request failed (a crashed harness, a transport timeout).</exception>
    public static async Task<TranslationResult> RunPointAsync(
        HarnessProcess harness, TranslationGrid grid, TranslationPoint point, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(point);
        var sim = harness.Client;
        await PerfSweep.ResetAsync(sim, grid.Latency, cancellationToken).ConfigureAwait(false);
        var channel = new CdmaChannel(sim, harness.Hello.Rtl, new CdmaChannelOptions { TimeoutCyclesPerByte = 8 + (4 * (ulong)grid.Latency) });
        await channel.ResetAsync(cancellationToken).ConfigureAwait(false);
        var device = channel.Device;
        var domain = await IommuDomain.CreateAsync(
            sim, device, new IommuDomainOptions { TlbLog2 = int.Log2(point.Entries) }, cancellationToken).ConfigureAwait(false);

        // the pattern's sides: (source IOVA, destination IOVA, bytes) per copy, and where the bytes live physically
        var (copies, source, destination) = await MapAsync(harness, domain, grid, point.Pattern, cancellationToken).ConfigureAwait(false);
        var empty = new TranslationPass(0, 0, 0, new IommuCounters(0, 0, 0, 0), 0);
        try
        {
            var cold = await PassAsync(sim, channel, domain, copies, cancellationToken).ConfigureAwait(false);
            var warm = await PassAsync(sim, channel, domain, copies, cancellationToken).ConfigureAwait(false);
            var fault = await domain.ReadFaultAsync(cancellationToken).ConfigureAwait(false);
            var error = fault.Count != 0 ? $"{fault.Count} IOMMU faults, the first {fault.Kind} at IOVA 0x{fault.Iova:X}" : null;
            error ??= await CheckAsync(harness, source, destination, cancellationToken).ConfigureAwait(false);
            return new TranslationResult(point, cold, warm, error);
        }
        catch (Exception e) when (e is CdmaTransferException or SimRequestException)
        {
            return new TranslationResult(point, empty, empty, e.Message); // a transfer error or the cycle watchdog: the sweep goes on
        }
    }

    // one pass: counters and the bus statistics cleared, the copies one after another
    private static async Task<TranslationPass> PassAsync(
        SimClient sim, CdmaChannel channel, IommuDomain domain, List<(ulong From, ulong To, int Bytes)> copies, CancellationToken cancellationToken)
    {
        await domain.ClearAsync(cancellationToken).ConfigureAwait(false);
        await sim.DmaBusStatsAsync(reset: true, cancellationToken).ConfigureAwait(false);
        ulong cycles = 0;
        long bytes = 0;
        foreach (var (from, to, length) in copies)
        {
            var copy = await channel.MemcpyAsync(to, from, (uint)length, cancellationToken).ConfigureAwait(false);
            cycles += copy.Cycles;
            bytes += length;
        }

        var counters = await domain.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var translations = bus.Ar.DmaGrants + bus.Aw.DmaGrants - counters.PteReads;
        return new TranslationPass(bytes, copies.Count, cycles, counters, translations);
    }

    // maps the pattern's buffers; returns the copies (IOVAs) and the physical (address, expected bytes) pieces of each side
    private static async Task<(List<(ulong From, ulong To, int Bytes)> Copies, List<(ulong Address, byte[] Data)> Source, List<ulong> Destination)> MapAsync(
        HarnessProcess harness, IommuDomain domain, TranslationGrid grid, TranslationPattern pattern, CancellationToken cancellationToken)
    {
        var device = domain.Device;
        var size = pattern switch
        {
            TranslationPattern.Thrash => grid.ThrashSize,
            TranslationPattern.Strided => grid.StridePages * Page,
            _ => grid.Size,
        };
        var data = SeededPattern.Create(size, (ulong)size);
        var copies = new List<(ulong From, ulong To, int Bytes)>();
        var source = new List<(ulong Address, byte[] Data)>();
        var destination = new List<ulong>();
        if (pattern == TranslationPattern.Scattered)
        {
            // one page per entry, a spacer page after each, the entries in reverse physical order
            var pages = size / Page;
            var from = new List<ScatterEntry>();
            var to = new List<ScatterEntry>();
            foreach (var (list, physical) in new[] { (from, (List<ulong>?)null), (to, destination) })
            {
                var buffers = Enumerable.Range(0, pages).Select(_ =>
                {
                    var b = device.Allocate(Page, Page);
                    device.Allocate(Page, Page);
                    return b;
                }).Reverse().ToList();
                list.AddRange(buffers.Select(b => new ScatterEntry(b, 0, Page)));
                physical?.AddRange(buffers.Select(b => b.Address));
            }

            for (var i = 0; i < pages; i++)
            {
                source.Add((from[i].Buffer.Address, data[(i * Page)..((i + 1) * Page)]));
            }

            var mappedFrom = await domain.MapSgAsync(from, DmaDirection.ToDevice, cancellationToken).ConfigureAwait(false);
            var mappedTo = await domain.MapSgAsync(to, DmaDirection.FromDevice, cancellationToken).ConfigureAwait(false);
            if (mappedFrom.Segments.Count != 1 || mappedTo.Segments.Count != 1)
            {
                throw new InvalidOperationException($"MapSg gave {mappedFrom.Segments.Count} + {mappedTo.Segments.Count} segments for page-joined entries, expected 1 + 1");
            }

            copies.Add((mappedFrom.Segments[0].DmaAddress, mappedTo.Segments[0].DmaAddress, size));
        }
        else
        {
            var from = device.Allocate(size, Page);
            var to = device.Allocate(size, Page);
            var mappedFrom = await domain.MapSingleAsync(from, DmaDirection.ToDevice, cancellationToken: cancellationToken).ConfigureAwait(false);
            var mappedTo = await domain.MapSingleAsync(to, DmaDirection.FromDevice, cancellationToken: cancellationToken).ConfigureAwait(false);
            var chunk = pattern == TranslationPattern.Strided ? grid.StrideChunk : size;
            for (var at = 0; at < size; at += pattern == TranslationPattern.Strided ? Page : size)
            {
                copies.Add((mappedFrom.DmaAddress + (ulong)at, mappedTo.DmaAddress + (ulong)at, chunk));
                source.Add((from.Address + (ulong)at, data[at..(at + chunk)]));
                destination.Add(to.Address + (ulong)at);
            }
        }

        foreach (var (address, bytes) in source)
        {
            await harness.Memory.WriteAsync(address, bytes, cancellationToken).ConfigureAwait(false);
        }

        foreach (var address in destination)
        {
            await harness.Memory.FillAsync(address, pattern == TranslationPattern.Scattered ? Page : source[0].Data.Length, 0, cancellationToken).ConfigureAwait(false);
        }

        return (copies, source, destination);
    }

    // the destination pieces hold the source pieces' bytes, in order
    private static async Task<string?> CheckAsync(
        HarnessProcess harness, List<(ulong Address, byte[] Data)> source, List<ulong> destination, CancellationToken cancellationToken)
    {
        for (var i = 0; i < source.Count; i++)
        {
            var expected = source[i].Data;
            var actual = await harness.Memory.ReadAsync(destination[i], expected.Length, cancellationToken).ConfigureAwait(false);
            var same = expected.AsSpan().CommonPrefixLength(actual);
            if (same != expected.Length)
            {
                return $"destination piece {i} differs from the source at offset {same} (0x{destination[i] + (ulong)same:X})";
            }
        }

        return null;
    }
}
