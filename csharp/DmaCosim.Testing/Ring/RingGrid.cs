// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Driver;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Testing.Ring;

/// <summary>How the consumer (user space) sees the ring's data blocks.</summary>
public enum RingMapping
{
    /// <summary>
    /// Coherent memory on a non-coherent SoC (<c>dma_alloc_coherent</c> without <c>dma-coherent</c>):
    /// every load is uncached, straight to the bus; no maintenance.
    /// </summary>
    Uncached,

    /// <summary>
    /// Cacheable memory mapped for streaming DMA (<c>dma_map_single</c>, DMA_FROM_DEVICE per block):
    /// <c>dma_sync_single_for_cpu</c> (invalidate) before reading a block,
    /// <c>dma_sync_single_for_device</c> before handing it back.
    /// </summary>
    Invalidate,

    /// <summary>
    /// A snooping interconnect (<c>dma-coherent</c>): coherent memory is cacheable, the coherency
    /// monitor's snoop mode keeps it coherent; no maintenance.
    /// </summary>
    Snoop,

    /// <summary>
    /// The mistake: the blocks mapped cacheable into the consumer, read without any invalidate (the
    /// kernel side maps them correctly; user space bypasses the DMA API). Expected to read stale bytes.
    /// </summary>
    Broken,
}

/// <summary>How the consumer orders its index and data accesses (the circular-buffer rules, or a violation of them).</summary>
public enum ConsumerDiscipline
{
    /// <summary>
    /// The rules: load the producer index (acquire) before reading the blocks it covers, publish the
    /// consumer index (release) only after the block's last read.
    /// </summary>
    Ordered,

    /// <summary>Reads the next block's bytes before loading the producer index (the load hoisted above the acquire).</summary>
    DataBeforeIndex,

    /// <summary>Publishes the consumer index before reading the block (the store hoisted above the reads: no release).</summary>
    EarlyRelease,
}

/// <summary>One point of a ring study: mapping, block size, ring depth, consumer work, discipline.</summary>
/// <param name="Mapping">How the consumer maps the blocks.</param>
/// <param name="BlockBytes">Bytes per block (a multiple of the cache line).</param>
/// <param name="Depth">Blocks in the ring (descriptors in the descriptor ring).</param>
/// <param name="WorkPerByte">Consumer compute cycles per byte consumed, after reading a block (0: none).</param>
/// <param name="Discipline">The consumer's ordering of index and data accesses.</param>
public sealed record RingPoint(RingMapping Mapping, int BlockBytes, int Depth, int WorkPerByte, ConsumerDiscipline Discipline = ConsumerDiscipline.Ordered)
{
    /// <summary>The mapping's name on the command line and in the CSV.</summary>
    public string MappingName => RingGrid.NameOf(Mapping);

    /// <summary>One line naming the point.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MappingName} block {BlockBytes} depth {Depth} work {WorkPerByte}") +
        (Discipline == ConsumerDiscipline.Ordered ? "" : $" consumer {Discipline}");
}

/// <summary>
/// The grid of a ring study: every combination of mappings, block sizes, ring depths and consumer work
/// per byte, in that nesting order, plus the settings every point shares.
/// </summary>
public sealed record RingGrid
{
    /// <summary>The cache line of every build today (hello's <c>cache_line</c>), for checking options before a harness runs.</summary>
    public const int UsualCacheLine = 64;

    /// <summary>Largest ring (depth × block) the study allocates: 1 MiB.</summary>
    public const long MaxRingBytes = 1 << 20;

    /// <summary>Consumer mappings.</summary>
    public IReadOnlyList<RingMapping> Mappings { get; init; } = [RingMapping.Uncached, RingMapping.Invalidate, RingMapping.Snoop, RingMapping.Broken];

    /// <summary>Block sizes in bytes.</summary>
    public IReadOnlyList<int> BlockSizes { get; init; } = [256, 1024, 4096];

    /// <summary>Ring depths in blocks.</summary>
    public IReadOnlyList<int> Depths { get; init; } = [1, 2, 4, 8];

    /// <summary>Consumer compute cycles per byte.</summary>
    public IReadOnlyList<int> Work { get; init; } = [0, 4];

    /// <summary>Blocks the DMA produces and the consumer consumes at each point.</summary>
    public int Blocks { get; init; } = 32;

    /// <summary>Seed of the device's data (each block's bytes are the pattern of seed and block number).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The points, in nesting order mapping → block size → depth → work.</summary>
    /// <returns>The points.</returns>
    public IReadOnlyList<RingPoint> Points() =>
        [.. from mapping in Mappings
            from block in BlockSizes
            from depth in Depths
            from work in Work
            select new RingPoint(mapping, block, depth, work)];

    /// <summary>Checks every value against a build; returns the first problem, or null.</summary>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <returns>A message naming the option and the value, or null when the grid is valid.</returns>
    public string? Validate(int cacheLine)
    {
        if (Mappings.Count == 0 || BlockSizes.Count == 0 || Depths.Count == 0 || Work.Count == 0)
        {
            return "every list (--mapping, --block, --depth, --work) needs at least one value";
        }

        var line = Math.Max(cacheLine, 4);
        return PerfGrid.First(BlockSizes, b => b < line || b % line != 0 || b > SimCpuLimit,
                   b => $"--block {b}: a multiple of the {line}-byte cache line, {line}..{SimCpuLimit} bytes")
            ?? PerfGrid.First(Depths, d => d < 1 || d > 256, d => $"--depth {d}: 1..256 blocks")
            ?? PerfGrid.First(Work, w => w is < 0 or > 1000, w => $"--work {w}: 0..1000 cycles per byte")
            ?? (BlockSizes.Max() * (long)Depths.Max() > MaxRingBytes
                ? $"--block {BlockSizes.Max()} × --depth {Depths.Max()}: a ring of at most {MaxRingBytes} bytes"
                : null)
            ?? (Blocks is < 1 or > 100_000 ? $"--blocks {Blocks}: 1..100000" : null);
    }

    /// <summary>Parses a mapping name (uncached, invalidate, snoop, broken).</summary>
    /// <param name="text">The name.</param>
    /// <param name="mapping">The mapping.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParseMapping(string text, out RingMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var known in Enum.GetValues<RingMapping>())
        {
            if (string.Equals(NameOf(known), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                mapping = known;
                return true;
            }
        }

        mapping = RingMapping.Uncached;
        return false;
    }

    /// <summary>The command-line and CSV name of a mapping.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <returns>uncached, invalidate, snoop or broken.</returns>
    public static string NameOf(RingMapping mapping) => mapping.ToString().ToLowerInvariant();

    // one cpu_read covers at most 1 MiB; BTT bounds a descriptor too, far above it
    private static int SimCpuLimit => (int)Math.Min(Bridge.SimClient.MaxCpuOp, CdmaRegisters.BttMax);
}
