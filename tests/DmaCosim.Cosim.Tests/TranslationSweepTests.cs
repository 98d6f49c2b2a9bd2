// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The translation sweep (<c>dmacosim perf iotlb</c>) on a small grid through a real harness: every point copies
/// byte-exact without a fault, and the figures obey what any IOTLB must — every translation a hit or a miss (counted
/// against the arbiter's grants, not the IOMMU's own counters), every page missed at least once when cold, more entries
/// never more misses, a working set that fits missing nothing when warm (and never slower than cold then), one that does
/// not fit missing at least once per page beyond the entries.
/// </summary>
public sealed class TranslationSweepTests : IDisposable
{
    private const int Page = 4096;

    private static readonly TranslationGrid Grid = new()
    {
        Entries = [2, 8, 64],
        Size = 16 << 10,           // 4 pages per side: fits 8 and 64 entries
        ThrashSize = 256 << 10,    // 64 pages per side: outnumbers every entry count swept
        StridePages = 16,          // 32 pages: fits 64 entries only
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-iotlb-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sweep_SmallGrid_TranslationsHitOrMissAndMoreEntriesNeverMissMore()
    {
        var pool = new HarnessPool(1, new HarnessOptions());
        var results = await TranslationSweep.RunAsync(pool, Grid, buildLog2: 10, cancellationToken: Ct);

        Assert.Equal(Grid.Points(10), results.Select(r => r.Point));
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Point}: {r.Error}"));
        foreach (var r in results)
        {
            var pages = 2 * PagesPerSide(r.Point.Pattern);
            foreach (var (name, pass) in new[] { ("cold", r.Cold), ("warm", r.Warm) })
            {
                Assert.True(pass.Translations > 0, $"{r.Point} {name}: no translation");
                Assert.True(pass.Counters.Hits + pass.Counters.Misses == pass.Translations,
                    $"{r.Point} {name}: {pass.Counters.Hits} hits + {pass.Counters.Misses} misses != {pass.Translations} translations");
            }

            Assert.True(r.Cold.Counters.Misses >= pages, $"{r.Point}: {r.Cold.Counters.Misses} cold misses over {pages} pages");
            if (pages <= r.Point.Entries)
            {
                // the sides' IOVA pages are contiguous, so a working set that fits takes one entry per page: nothing to miss,
                // and a pass that misses nothing is never slower (a warm pass that still misses can be: a miss behind a read hit waits for it)
                Assert.True(r.Warm.Counters.Misses == 0, $"{r.Point}: {pages} pages fit, yet the warm pass missed {r.Warm.Counters.Misses} times");
                Assert.True(r.Warm.Cycles <= r.Cold.Cycles, $"{r.Point}: warm {r.Warm.Cycles} cycles > cold {r.Cold.Cycles}");
            }
            else
            {
                Assert.True(r.Warm.Counters.Misses >= pages - r.Point.Entries,
                    $"{r.Point}: {pages} pages over {r.Point.Entries} entries, yet the warm pass missed only {r.Warm.Counters.Misses} times");
            }
        }

        foreach (var pattern in Grid.Patterns)
        {
            var line = results.Where(r => r.Point.Pattern == pattern).OrderBy(r => r.Point.Entries).ToList();
            foreach (var (fewer, more) in line.Zip(line.Skip(1)))
            {
                Assert.True(more.Cold.Counters.Misses <= fewer.Cold.Counters.Misses && more.Warm.Counters.Misses <= fewer.Warm.Counters.Misses,
                    $"{more.Point}: {more.Cold.Counters.Misses} / {more.Warm.Counters.Misses} cold / warm misses, more than {fewer.Point}'s " +
                    $"{fewer.Cold.Counters.Misses} / {fewer.Warm.Counters.Misses}");
            }
        }

        var csv = File.ReadAllLines(TranslationReport.WriteCsv(_directory, results, 8));
        Assert.Equal((2 * results.Count) + 1, csv.Length);
        var plots = TranslationReport.WritePlots(_directory, results, 8);
        Assert.Equal(["iotlb_throughput", "iotlb_miss_rate", "iotlb_walk_cycles"], plots.Select(p => p.Name));
        Assert.All(plots, p => Assert.True(new FileInfo(p.Svg).Length > 1000 && new FileInfo(p.Png).Length > 1000, p.Svg));
        Assert.Equal(Grid.Patterns.Count, TranslationReport.Summary(results, 8).Count);
    }

    private static int PagesPerSide(TranslationPattern pattern) => pattern switch
    {
        TranslationPattern.Thrash => Grid.ThrashSize / Page,
        TranslationPattern.Strided => Grid.StridePages,
        _ => Grid.Size / Page,
    };
}
