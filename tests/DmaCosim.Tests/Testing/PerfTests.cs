// SPDX-License-Identifier: MIT
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

    private static PerfResult Result(TransferMode mode, int burst, ulong cycles, string? error = null, ulong p99 = 40) =>
        new(new PerfPoint(mode, burst, 1 << 20, 20, 30), cycles, new CpuStats(100, 70, 30, 20.5, 12, p99, p99, 1950), 0, 5, 0.9, error);
}
