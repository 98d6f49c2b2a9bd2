// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Tests.Testing;

/// <summary>The performance sweep's grid, CSV and summary, which need no simulator.</summary>
public sealed class PerfTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dmacosim-perf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Points_DefaultGrid_EveryCombinationOnceInNestingOrder()
    {
        var grid = new PerfGrid();

        var points = grid.Points();

        Assert.Equal(3 * 5 * 2 * 3 * 3, points.Count);
        Assert.Equal(points.Count, points.Distinct().Count());
        Assert.Equal(new PerfPoint(TransferMode.Burst, 1, 64 << 10, 0, 0), points[0]);
        Assert.Equal(new PerfPoint(TransferMode.Burst, 1, 64 << 10, 0, 30), points[1]);
        Assert.Equal(new PerfPoint(TransferMode.Transparent, 256, 1 << 20, 100, 60), points[^1]);
    }

    [Fact]
    public void Validate_DefaultGrid_ValidOnA256BeatBuild()
    {
        Assert.Null(new PerfGrid().Validate(256));
    }

    [Theory]
    [InlineData(0, 65536, 0, 0, "--burst 0")]
    [InlineData(512, 65536, 0, 0, "--burst 512")]
    [InlineData(16, 0, 0, 0, "--size 0")]
    [InlineData(16, 1L << 26, 0, 0, "--size 67108864")]
    [InlineData(16, 65536, 1001, 0, "--latency 1001")]
    [InlineData(16, 65536, 0, 101, "--cpu-load 101")]
    public void Validate_ValueOutOfRange_NamesTheOptionAndTheValue(int burst, long size, int latency, int load, string expected)
    {
        var grid = new PerfGrid { Bursts = [16, burst], Sizes = [size], Latencies = [latency], CpuLoads = [load] };

        Assert.StartsWith(expected, grid.Validate(256), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyList_Refused()
    {
        Assert.NotNull(new PerfGrid { Modes = [] }.Validate(256));
    }

    [Theory]
    [InlineData("burst", TransferMode.Burst)]
    [InlineData("steal", TransferMode.CycleStealing)]
    [InlineData(" Transparent ", TransferMode.Transparent)]
    public void TryParseMode_KnownName_TheModeAndBack(string name, TransferMode mode)
    {
        Assert.True(PerfGrid.TryParseMode(name, out var parsed));
        Assert.Equal(mode, parsed);
        Assert.Equal(name.Trim().ToLowerInvariant(), PerfGrid.NameOf(parsed));
    }

    [Fact]
    public void TryParseMode_UnknownName_False()
    {
        Assert.False(PerfGrid.TryParseMode("turbo", out _));
    }

    [Fact]
    public void Simulated_TransparentPoint_SharesTheFirstBurstsSimulationOthersKeepTheirOwn()
    {
        var transparent = new PerfPoint(TransferMode.Transparent, 64, 4096, 0, 0);
        var steal = new PerfPoint(TransferMode.CycleStealing, 300, 4096, 0, 0);

        Assert.Equal(transparent with { Burst = 1 }, transparent.Simulated(1));
        Assert.Equal(steal, steal.Simulated(1));
        Assert.Equal(255, steal.StealBeatsPerGrant);
    }

    [Fact]
    public void WriteCsv_Results_HeaderAndOneRowPerResultWithTheFigures()
    {
        var results = new[]
        {
            Result(TransferMode.Burst, 256, cycles: 131_080, error: null),
            Result(TransferMode.CycleStealing, 1, cycles: 393_223, error: "destination differs, \"quoted\""),
        };

        var lines = File.ReadAllLines(PerfReport.WriteCsv(_directory, results));

        Assert.Equal(string.Join(',', PerfReport.Columns), lines[0]);
        Assert.Equal(3, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(PerfReport.Columns.Length, first.Length);
        Assert.Equal(["burst", "256", "1048576", "20", "30", "7.99951", "131080"], first[..7]);
        Assert.EndsWith(",\"destination differs, \"\"quoted\"\"\"", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_PerModeAndLoad_BestThroughputAndWorstCpuP99()
    {
        var results = new[]
        {
            Result(TransferMode.Burst, 16, cycles: 140_000, p99: 90),
            Result(TransferMode.Burst, 256, cycles: 131_080, p99: 780),
            Result(TransferMode.CycleStealing, 16, cycles: 150_000, p99: 50),
        };

        var rows = PerfReport.Summary(results);

        Assert.Equal(2, rows.Count);
        Assert.Equal(["burst", "30", "8", "256", "780", "0", "780", "256"], rows[0]);
        Assert.Equal("steal", rows[1][0]);
    }

    [Fact]
    public void Conclusions_EveryModeAndLoad_ASentencePerModeEachCitingCellsThatExist()
    {
        var grid = new PerfGrid { Bursts = [1, 16, 256], Sizes = [1 << 20], Latencies = [0, 100], CpuLoads = [0, 60] };
        var run = Synthetic(grid);

        var conclusions = PerfFindings.Conclusions(run);

        foreach (var mode in new[] { "Burst mode", "Cycle stealing", "Transparent mode" })
        {
            Assert.Contains(conclusions, c => c.Contains(mode, StringComparison.Ordinal));
        }

        Assert.All(conclusions, c => Assert.Contains("data-ref=", c, StringComparison.Ordinal));
        var refs = conclusions.SelectMany(c => System.Text.RegularExpressions.Regex.Matches(c, "(results|cpu_alone)\\.csv:(\\d+):")).ToList();
        Assert.True(refs.Count >= 20, $"{refs.Count} cited cells");
        Assert.All(refs, m => Assert.InRange(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 1, m.Groups[1].Value == "results" ? run.Results.Count : run.CpuAlone.Count));
    }

    [Fact]
    public void Conclusions_OneModeNoCpuLoad_OnlyThatModesSentencesNoCrash()
    {
        var grid = new PerfGrid { Modes = [TransferMode.Burst], Bursts = [64], Sizes = [4096], Latencies = [20], CpuLoads = [0] };

        var conclusions = PerfFindings.Conclusions(Synthetic(grid));

        var only = Assert.Single(conclusions);
        Assert.Contains("Burst mode", only, StringComparison.Ordinal);
        Assert.Equal(["burst"], PerfFindings.Modes(grid).Select(m => m.Mode));
    }

    // a run whose figures follow the modes' shapes: burst at the bus limit, stealing below, transparent at half
    private static PerfRun Synthetic(PerfGrid grid)
    {
        var results = grid.Points().Select(p =>
        {
            var perCycle = p.Mode switch { TransferMode.Burst => 8.0, TransferMode.CycleStealing => 8.0 * p.Burst / (p.Burst + 5), _ => 4.0 };
            var p99 = p.CpuLoad == 0 ? 0UL : p.Mode == TransferMode.Transparent ? 22UL : 22UL + (ulong)p.Burst;
            return new PerfResult(p, (ulong)(p.Size / perCycle), new CpuStats(p.CpuLoad == 0 ? 0UL : 100, 70, 30, 12, 12, p99, p99, p99), 0, 0, 0.9);
        }).ToList();
        var alone = PerfCpuAlone.Pairs(grid).Select(x => new CpuAloneResult(x.Latency, x.CpuLoad, PerfCpuAlone.WindowCycles, new CpuStats(100, 70, 30, 12, 12, 22, 22, 22))).ToList();
        return new PerfRun(grid, 8, results, alone);
    }

    private static PerfResult Result(TransferMode mode, int burst, ulong cycles, string? error = null, ulong p99 = 40) =>
        new(new PerfPoint(mode, burst, 1 << 20, 20, 30), cycles, new CpuStats(100, 70, 30, 20.5, 12, p99, p99, 1950), 0, 5, 0.9, error);
}
