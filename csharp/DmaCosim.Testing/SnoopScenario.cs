// SPDX-License-Identifier: MIT
namespace DmaCosim.Testing;

/// <summary>
/// A snoop-mode scenario: one copy, the coherency monitor in snoop mode (MON_CTRL.SNOOP_EN) and a driver that does no
/// cache maintenance at all, with the CPU's cached lines anywhere in the copy's range — dirty lines of the source
/// (<see cref="SourceStores"/>), dirty and clean lines of the destination (<see cref="DestinationStores"/>,
/// <see cref="DestinationLoads"/>), in any line of any of the copy's bursts. The monitor must make it coherent: the DMA
/// reads the CPU's view of the source (each read burst's dirty lines cleaned first), the CPU then reads what the DMA
/// wrote (each write burst's cached lines cleaned and invalidated first), no hazard is reported, and MON_SNOOPS counts
/// exactly one snoop per dirty source line and per cached destination line.
/// </summary>
/// <param name="SourceStores">Windows of the source the CPU stores to, in order, before the copy.</param>
/// <param name="DestinationStores">Windows of the destination the CPU stores to before the copy (after its loads).</param>
/// <param name="DestinationLoads">Windows of the destination the CPU loads before the copy.</param>
public sealed record SnoopScenario(
    IReadOnlyList<HazardWindow> SourceStores, IReadOnlyList<HazardWindow> DestinationStores, IReadOnlyList<HazardWindow> DestinationLoads)
{
    /// <summary>One line describing it.</summary>
    /// <returns>The line.</returns>
    public string Describe() =>
        $"snoop: source stores {List(SourceStores)}; destination stores {List(DestinationStores)}; destination loads {List(DestinationLoads)}";

    /// <summary>The source's lines the CPU dirtied (line numbers, ascending).</summary>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <returns>The lines.</returns>
    public IReadOnlyList<ulong> DirtySourceLines(int cacheLine) => Lines(SourceStores, cacheLine);

    /// <summary>The destination's lines the CPU holds in its cache before the copy (line numbers, ascending).</summary>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <returns>The lines.</returns>
    public IReadOnlyList<ulong> CachedDestinationLines(int cacheLine) => Lines([.. DestinationStores, .. DestinationLoads], cacheLine);

    /// <summary>
    /// The snoops the walker must issue: each dirty source line once (the first read burst over it cleans it, a later
    /// one finds it clean) and each cached destination line once (the first write burst over it invalidates it). Holds
    /// while no line is evicted before the copy (the generator keeps each buffer within one cache way).
    /// </summary>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <returns>The snoops.</returns>
    public int PredictedSnoops(int cacheLine) => DirtySourceLines(cacheLine).Count + CachedDestinationLines(cacheLine).Count;

    /// <summary>
    /// The CPU's view of the source after its stores: <paramref name="initial"/> with every store over it, in order.
    /// </summary>
    /// <param name="copy">The copy.</param>
    /// <param name="initial">The source's bytes in memory before the CPU's stores.</param>
    /// <param name="stored">The bytes of store <c>i</c>.</param>
    /// <returns>The bytes.</returns>
    public byte[] CpuViewOfSource(ScenarioCopy copy, byte[] initial, Func<int, byte[]> stored)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(stored);
        var view = (byte[])initial.Clone();
        for (var i = 0; i < SourceStores.Count; i++)
        {
            stored(i).CopyTo(view.AsSpan((int)(SourceStores[i].Address - copy.Source)));
        }

        return view;
    }

    /// <summary>
    /// Where each line of <paramref name="lines"/> lies in the bursts the engine splits [start, start + length) into (at
    /// <paramref name="maxBurstBeats"/> beats and at 4 KiB boundaries): the burst that first covers it (0: the first) and
    /// the line's index among that burst's lines (0: its first line).
    /// </summary>
    /// <param name="lines">Line numbers.</param>
    /// <param name="start">The buffer's first byte.</param>
    /// <param name="length">Its bytes.</param>
    /// <param name="cacheLine">The build's cache line in bytes.</param>
    /// <param name="bytesPerBeat">The build's bytes per beat.</param>
    /// <param name="maxBurstBeats">The engine's max burst.</param>
    /// <returns>Per line: (burst, line index in the burst).</returns>
    public static IReadOnlyList<(int Burst, int LineInBurst)> BurstPositions(
        IReadOnlyList<ulong> lines, ulong start, uint length, int cacheLine, int bytesPerBeat, int maxBurstBeats)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var starts = BurstStarts(start, length, bytesPerBeat, maxBurstBeats);
        var bursts = starts.Select((at, i) => (First: at / (ulong)cacheLine,
            Last: ((i + 1 < starts.Count ? starts[i + 1] : start + length) - 1) / (ulong)cacheLine)).ToList();
        return [.. lines.Select(l =>
        {
            var b = bursts.FindIndex(x => l >= x.First && l <= x.Last);
            return b < 0 ? (-1, -1) : (b, (int)(l - bursts[b].First));
        })];
    }

    /// <summary>
    /// The first byte of each burst the engine splits [start, start + length) into: a burst ends at the next 4 KiB
    /// boundary or <paramref name="maxBurstBeats"/> beats after its first (beat-aligned) address.
    /// </summary>
    /// <param name="start">The buffer's first byte.</param>
    /// <param name="length">Its bytes.</param>
    /// <param name="bytesPerBeat">The build's bytes per beat.</param>
    /// <param name="maxBurstBeats">The engine's max burst.</param>
    /// <returns>The bursts' first bytes, ascending.</returns>
    public static IReadOnlyList<ulong> BurstStarts(ulong start, uint length, int bytesPerBeat, int maxBurstBeats)
    {
        var starts = new List<ulong>();
        for (var at = start; at < start + length;)
        {
            starts.Add(at);
            var beat = at & ~((ulong)bytesPerBeat - 1);
            at = Math.Min(Math.Min((at & ~4095UL) + 4096, beat + ((ulong)maxBurstBeats * (ulong)bytesPerBeat)), start + length);
        }

        return starts;
    }

    private static List<ulong> Lines(IEnumerable<HazardWindow> windows, int cacheLine) =>
        [.. windows.SelectMany(w => Enumerable.Range(0, (int)(((w.Address + (ulong)w.Length - 1) / (ulong)cacheLine) - (w.Address / (ulong)cacheLine) + 1))
            .Select(i => (w.Address / (ulong)cacheLine) + (ulong)i)).Distinct().Order()];

    private static string List(IReadOnlyList<HazardWindow> windows) =>
        windows.Count == 0 ? "none" : string.Join(", ", windows.Select(w => $"0x{w.Address:X}+{w.Length}"));
}
