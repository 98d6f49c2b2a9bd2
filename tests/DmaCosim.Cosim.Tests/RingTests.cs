// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Testing;
using DmaCosim.Testing.Perf;
using DmaCosim.Testing.Ring;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The ring-buffer study (issue #18) through a real harness: the DMA fills a descriptor ring, the CPU
/// consumes it through each mapping. Every correct mapping is exact (the scoreboard compares every
/// byte consumed, DRAM still holds each block when it is released, the monitor reports nothing); the
/// broken mapping and the consumers that break the circular-buffer ordering are caught.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class RingTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<RingMapping, int, int, int> CorrectMappings => new()
    {
        // mapping, block, depth, work per byte: a depth-1 ring, a ring the consumer keeps full
        // (work), one that often runs empty (no work), blocks from 1 to 64 lines
        { RingMapping.Uncached, 64, 1, 0 },
        { RingMapping.Uncached, 1024, 4, 4 },
        { RingMapping.Invalidate, 256, 3, 0 },
        { RingMapping.Invalidate, 4096, 2, 2 },
        { RingMapping.Snoop, 512, 1, 1 },
        { RingMapping.Snoop, 1024, 8, 0 },
    };

    [Theory]
    [MemberData(nameof(CorrectMappings))]
    public async Task Run_CorrectMapping_ExactNoViolationNoOverwriteAndTheCyclesAddUp(RingMapping mapping, int block, int depth, int work)
    {
        var blocks = Math.Max(12, 3 * depth); // the ring laps (every slot reused), so "no overwrite" is tested, not vacuous
        var point = new RingPoint(mapping, block, depth, work);

        var r = await DmaRing.RunAsync(fixture.Harness, point, blocks, seed: 7, Ct);

        Assert.True(r.Passed, $"{point}: {r.Error}");
        Assert.True(r.Violations == 0, $"{point}: {r.FirstViolation}");
        Assert.Equal((long)blocks * block, r.Bytes);
        Assert.Equal(0UL, r.MonitorViolations);
        // the accounts are disjoint parts of the run (the kernel's setup before the start is not in it)
        Assert.True(r.IndexCycles + r.ReadCycles + r.SyncCycles + r.WorkCycles + r.WaitCycles <= r.Cycles, $"{point}: accounts exceed {r.Cycles} cycles");
        Assert.Equal((ulong)work * (ulong)r.Bytes, r.WorkCycles);
        Assert.True(r.ReadCycles >= (ulong)r.Bytes / 4, $"{point}: {r.ReadCycles} read cycles for {r.Bytes} bytes: at least one cycle per word");
        Assert.Equal(mapping == RingMapping.Invalidate, r.SyncCycles > 0);
        Assert.InRange(r.BusUtilisation, 0.01, 1.0);
        // the DMA's busy cycles bound its rate from above by the bus (8 bytes per beat each way at most)
        Assert.InRange(r.DmaBusyFraction, 0.01, 1.0);
        Assert.True(r.DmaBytesPerBusyCycle <= fixture.Rtl.DataWidth / 8.0, $"{point}: {r.DmaBytesPerBusyCycle} bytes per busy cycle");
    }

    [Fact]
    public async Task Run_BrokenMapping_StaleBlocksCaughtByTheScoreboardAndTheMonitor()
    {
        var point = new RingPoint(RingMapping.Broken, 1024, 4, 0);

        var r = await DmaRing.RunAsync(fixture.Harness, point, 16, seed: 7, Ct);

        Assert.True(r.Passed, r.Error);
        Assert.True(r.DataErrors > 0, "the scoreboard saw no stale block");
        Assert.True(r.MonitorViolations > 0, "the monitor reported nothing");
        var report = await fixture.Sim.CoherencyAsync(cancellationToken: Ct);
        Assert.Contains(report.Violations, v => v.Kind == Wire.Violation.StaleCpuRead);
        Assert.Contains("stale", r.FirstViolation, StringComparison.Ordinal);
        Assert.Equal(0, r.Overwrites); // the producer side is still right: only the consumer's view is wrong
    }

    [Theory]
    [InlineData(RingMapping.Uncached)]
    [InlineData(RingMapping.Snoop)]
    public async Task Run_ConsumerReadsDataBeforeTheIndex_CaughtByTheScoreboard(RingMapping mapping)
    {
        // a consumer as fast as the DMA: its hoisted loads race the block being written
        var point = new RingPoint(mapping, 1024, 4, 0, ConsumerDiscipline.DataBeforeIndex);

        var r = await DmaRing.RunAsync(fixture.Harness, point, 32, seed: 7, Ct);

        Assert.True(r.Passed, r.Error);
        Assert.True(r.DataErrors > 0, $"{point}: no block read before its data was complete");
        Assert.StartsWith("scoreboard", r.FirstViolation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RingMapping.Uncached)]
    [InlineData(RingMapping.Invalidate)]
    [InlineData(RingMapping.Snoop)]
    public async Task Run_ConsumerReleasesBeforeReading_OverwriteOfAnUnconsumedBlockCaught(RingMapping mapping)
    {
        // a slow consumer keeps the ring full, so the block it releases early is refilled at once
        var point = new RingPoint(mapping, 1024, 2, 4, ConsumerDiscipline.EarlyRelease);

        var r = await DmaRing.RunAsync(fixture.Harness, point, 16, seed: 7, Ct);

        Assert.True(r.Passed, r.Error);
        Assert.True(r.Overwrites > 0, $"{point}: no overwrite seen; first violation {r.FirstViolation}");
    }

    [Fact]
    public async Task Sweep_SmallGrid_CsvPlotsReportAndConclusionsInNumbers()
    {
        var directory = Directory.CreateTempSubdirectory("dmacosim-ring-").FullName;
        try
        {
            var grid = new RingGrid { BlockSizes = [256, 1024], Depths = [1, 4], Work = [0, 2], Blocks = 8 };

            var results = await RingSweep.RunAsync(new HarnessPool(1, new HarnessOptions()), grid, cancellationToken: Ct);

            Assert.Equal(grid.Points(), results.Select(r => r.Point));
            Assert.All(results, r => Assert.True(RingSweep.AsExpected(r), $"{r.Point}: {r.Error ?? r.FirstViolation}"));
            Assert.All(results.Where(r => r.Point.Mapping == RingMapping.Broken && r.Point.Depth > 1), r => Assert.True(r.Violations > 0, r.Point.ToString()));
            Assert.Equal(grid.Points().Count + 1, File.ReadAllLines(RingReport.WriteCsv(directory, results)).Length);
            var plots = RingReport.WritePlots(directory, grid, results);
            Assert.Equal(["consumer_cost_vs_block", "throughput_vs_depth"], plots.Select(p => p.Name));
            Assert.All(plots, p => Assert.True(new FileInfo(p.Png).Length > 1000, p.Png));
            var conclusions = RingReport.Conclusions(grid, results);
            var invalidate = results.Single(r => r.Point == new RingPoint(RingMapping.Invalidate, 1024, 4, 0));
            var uncached = results.Single(r => r.Point == new RingPoint(RingMapping.Uncached, 1024, 4, 0));
            Assert.Contains(conclusions, c => c.StartsWith("Cached + invalidate costs", StringComparison.Ordinal)
                                               && c.Contains(string.Create(CultureInfo.InvariantCulture, $"{invalidate.ConsumerCyclesPerByte:0.000} cycles/byte against {uncached.ConsumerCyclesPerByte:0.000} uncached"), StringComparison.Ordinal));
            var html = File.ReadAllText(RingReport.WriteHtml(directory, "dmacosim ring (test)", "test", conclusions, plots, results));
            Assert.All(plots, p => Assert.Contains(Path.GetFileName(p.Svg), html, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
