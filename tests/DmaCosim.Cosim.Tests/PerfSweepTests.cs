// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// A small sweep through real harnesses (issue #7 item 7): one CSV row per grid point, the plots exist
/// and are non-empty, the report embeds them, and the figures obey the modes' cycle-count properties.
/// </summary>
public sealed class PerfSweepTests : IDisposable
{
    private static readonly PerfGrid Grid = new()
    {
        Modes = [TransferMode.Burst, TransferMode.CycleStealing, TransferMode.Transparent],
        Bursts = [4, 64],
        Sizes = [16 << 10],
        Latencies = [0, 20],
        CpuLoads = [0, 40],
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-perf-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sweep_SmallGrid_CsvRowPerPointPlotsAndReportAndTheModesProperties()
    {
        var pool = new HarnessPool(1, new HarnessOptions());
        var results = await PerfSweep.RunAsync(pool, Grid, cancellationToken: Ct);
        var cpuAlone = await PerfCpuAlone.RunAsync(pool, Grid, Ct);
        var run = new PerfRun(Grid, 8, results, cpuAlone);

        var points = Grid.Points();
        Assert.Equal(points, results.Select(r => r.Point));
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Point}: {r.Error}"));
        var csv = File.ReadAllLines(PerfReport.WriteCsv(_directory, results));
        Assert.Equal(points.Count + 1, csv.Length);

        PerfReport.WriteCpuAloneCsv(_directory, cpuAlone);
        var plots = PerfReport.WritePlots(_directory, run);
        Assert.Equal(["throughput_vs_burst", "cpu_p99_vs_throughput", "throughput_vs_latency"], plots.Select(p => p.Name));
        Assert.All(plots, p =>
        {
            Assert.True(new FileInfo(p.Svg).Length > 1000, p.Svg);
            Assert.True(new FileInfo(p.Png).Length > 1000, p.Png);
        });
        var html = File.ReadAllText(PerfReport.WriteHtml(_directory, "dmacosim perf (test)", "test", plots, run));
        Assert.All(plots, p => Assert.Contains(Path.GetFileName(p.Svg), html, StringComparison.Ordinal));
        Assert.True(PerfReportChecks.Verify(_directory) >= 20, "the conclusions cite fewer than 20 numbers of the run");
        Assert.Equal(PerfCpuAlone.Pairs(Grid), cpuAlone.Select(a => (a.Latency, a.CpuLoad)));
        Assert.All(cpuAlone, a => Assert.True(a.Passed && a.Cpu.Accesses > 0 && a.Cpu.LatencyP99 > 0, a.ToString()));

        // burst ≥ cycle stealing in throughput at equal settings; transparent adds no CPU wait
        foreach (var steal in results.Where(r => r.Point.Mode == TransferMode.CycleStealing))
        {
            var burst = results.Single(r => r.Point == steal.Point with { Mode = TransferMode.Burst });
            Assert.True(burst.Cycles <= steal.Cycles, $"{burst.Point}: {burst.Cycles} cycles > {steal.Point}: {steal.Cycles}");
        }

        Assert.All(results.Where(r => r.Point.Mode == TransferMode.Transparent), r => Assert.Equal(0UL, r.CpuWaitCycles));
        Assert.All(results.Where(r => r.Point.CpuLoad > 0), r => Assert.True(r.Cpu.Accesses > 0, r.Point.ToString()));
        Assert.All(results.Where(r => r.Point.CpuLoad == 0), r => Assert.Equal(0UL, r.Cpu.Accesses));
    }
}
