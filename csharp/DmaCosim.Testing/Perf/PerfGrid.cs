// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Perf;

/// <summary>One point of a performance sweep: a transfer mode and the settings it runs with.</summary>
/// <param name="Mode">The DMA transfer mode.</param>
/// <param name="Burst">Burst mode: the max burst length in beats; cycle stealing: beats per grant (at
/// most 255, the width of EXT_STEAL_CFG's field); transparent: recorded only (the engine moves one beat
/// per grant in that mode, so these points do not depend on it).</param>
/// <param name="Size">Bytes the DMA copies.</param>
/// <param name="Latency">DRAM read and write latency in cycles.</param>
/// <param name="CpuLoad">Background CPU accesses per 100 cycles (0: no CPU traffic).</param>
public sealed record PerfPoint(TransferMode Mode, int Burst, long Size, int Latency, int CpuLoad)
{
    /// <summary>The mode's name on the command line and in the CSV.</summary>
    public string ModeName => PerfGrid.NameOf(Mode);

    /// <summary>Beats per grant in cycle-stealing mode (EXT_STEAL_CFG holds 1..255).</summary>
    public int StealBeatsPerGrant => Math.Min(Burst, 255);

    /// <summary>
    /// The point whose simulation this one's equals: transparent mode moves one beat per grant whatever
    /// the burst length, so its points share the one with the grid's first burst length.
    /// </summary>
    /// <param name="firstBurst">The grid's first burst length.</param>
    /// <returns>The point to simulate.</returns>
    public PerfPoint Simulated(int firstBurst) => Mode == TransferMode.Transparent ? this with { Burst = firstBurst } : this;

    /// <summary>One line naming the point.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ModeName} burst {Burst} size {Size} latency {Latency} cpu-load {CpuLoad}");
}

/// <summary>
/// The grid of a sweep: every combination of modes, burst lengths, sizes, memory latencies and CPU
/// loads, in that nesting order, plus the settings every point shares.
/// </summary>
public sealed record PerfGrid
{
    /// <summary>Transfer modes.</summary>
    public IReadOnlyList<TransferMode> Modes { get; init; } = [TransferMode.Burst, TransferMode.CycleStealing, TransferMode.Transparent];

    /// <summary>Burst lengths (beats; beats per grant in cycle stealing).</summary>
    public IReadOnlyList<int> Bursts { get; init; } = [1, 4, 16, 64, 256];

    /// <summary>Copy sizes in bytes.</summary>
    public IReadOnlyList<long> Sizes { get; init; } = [64 << 10, 1 << 20];

    /// <summary>DRAM latencies in cycles.</summary>
    public IReadOnlyList<int> Latencies { get; init; } = [0, 20, 100];

    /// <summary>CPU loads in accesses per 100 cycles.</summary>
    public IReadOnlyList<int> CpuLoads { get; init; } = [0, 30, 60];

    /// <summary>Idle cycles between grants in cycle-stealing mode.</summary>
    public int StealIdleCycles { get; init; } = 4;

    /// <summary>Bytes of the region the background CPU traffic touches (4× the default 32 KiB cache: mostly misses).</summary>
    public long CpuRegionBytes { get; init; } = 128 << 10;

    /// <summary>Percent of the background CPU accesses that are stores.</summary>
    public int CpuStorePercent { get; init; } = 30;

    /// <summary>The points, in nesting order mode → burst → size → latency → CPU load.</summary>
    public IReadOnlyList<PerfPoint> Points() =>
        [.. from mode in Modes
            from burst in Bursts
            from size in Sizes
            from latency in Latencies
            from load in CpuLoads
            select new PerfPoint(mode, burst, size, latency, load)];

    /// <summary>Checks every value against a build; returns the first problem, or null.</summary>
    /// <param name="maxBurst">The build's MAX_BURST.</param>
    /// <returns>A message naming the option and the value, or null when the grid is valid.</returns>
    public string? Validate(int maxBurst)
    {
        if (Modes.Count == 0 || Bursts.Count == 0 || Sizes.Count == 0 || Latencies.Count == 0 || CpuLoads.Count == 0)
        {
            return "every list (--mode, --burst, --size, --latency, --cpu-load) needs at least one value";
        }

        return First(Bursts, b => b < 1 || b > maxBurst, b => $"--burst {b}: 1..{maxBurst} beats (the build's MAX_BURST)")
            ?? First(Sizes, s => s < 1 || s > CdmaRegisters.BttMax, s => $"--size {s}: 1..{CdmaRegisters.BttMax} bytes (one simple-mode copy)")
            ?? First(Latencies, l => l is < 0 or > 1000, l => $"--latency {l}: 0..1000 cycles")
            ?? First(CpuLoads, c => c is < 0 or > 100, c => $"--cpu-load {c}: 0..100 accesses per 100 cycles")
            ?? (StealIdleCycles is < 0 or > 65535 ? $"--steal-idle {StealIdleCycles}: 0..65535 cycles" : null)
            ?? (CpuStorePercent is < 0 or > 100 ? $"CPU store percent {CpuStorePercent}: 0..100" : null)
            ?? (CpuRegionBytes < 4 || CpuRegionBytes % 4 != 0 ? $"CPU region {CpuRegionBytes} bytes: a positive multiple of 4" : null);
    }

    /// <summary>Parses a mode name (burst, steal, transparent).</summary>
    /// <param name="text">The name.</param>
    /// <param name="mode">The mode.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParseMode(string text, out TransferMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        (var known, mode) = text.Trim().ToLowerInvariant() switch
        {
            "burst" => (true, TransferMode.Burst),
            "steal" or "cycle-stealing" => (true, TransferMode.CycleStealing),
            "transparent" => (true, TransferMode.Transparent),
            _ => (false, TransferMode.Burst),
        };
        return known;
    }

    /// <summary>The command-line and CSV name of a mode.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>burst, steal or transparent.</returns>
    public static string NameOf(TransferMode mode) => mode switch
    {
        TransferMode.Burst => "burst",
        TransferMode.CycleStealing => "steal",
        _ => "transparent",
    };

    internal static string? First<T>(IEnumerable<T> values, Func<T, bool> bad, Func<T, string> message)
    {
        foreach (var value in values)
        {
            if (bad(value))
            {
                return message(value);
            }
        }

        return null;
    }
}
