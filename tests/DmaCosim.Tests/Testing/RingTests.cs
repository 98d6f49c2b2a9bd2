// SPDX-License-Identifier: MIT
using DmaCosim.Testing.Ring;
using DmaCosim.Tests.Cli;

namespace DmaCosim.Tests.Testing;

/// <summary>The ring study's grid, its options on the command line, and the report's conclusions, which need no simulator.</summary>
public sealed class RingTests
{
    [Fact]
    public void Points_DefaultGrid_EveryCombinationOnceInNestingOrder()
    {
        var grid = new RingGrid();

        var points = grid.Points();

        Assert.Equal(4 * 3 * 4 * 2, points.Count);
        Assert.Equal(points.Count, points.Distinct().Count());
        Assert.Equal(new RingPoint(RingMapping.Uncached, 256, 1, 0), points[0]);
        Assert.Equal(new RingPoint(RingMapping.Uncached, 256, 1, 4), points[1]);
        Assert.Equal(new RingPoint(RingMapping.Broken, 4096, 8, 4), points[^1]);
        Assert.All(points, p => Assert.Equal(ConsumerDiscipline.Ordered, p.Discipline));
    }

    [Fact]
    public void Validate_DefaultGrid_ValidWith64ByteLines()
    {
        Assert.Null(new RingGrid().Validate(64));
    }

    [Theory]
    [InlineData(100, 4, 0, 8, "--block 100")]
    [InlineData(32, 4, 0, 8, "--block 32")]
    [InlineData(2 << 20, 1, 0, 8, "--block 2097152")]
    [InlineData(256, 0, 0, 8, "--depth 0")]
    [InlineData(256, 257, 0, 8, "--depth 257")]
    [InlineData(256, 4, 1001, 8, "--work 1001")]
    [InlineData(65536, 32, 0, 8, "--block 65536 × --depth 32")]
    [InlineData(256, 4, 0, 0, "--blocks 0")]
    public void Validate_ValueOutOfRange_NamesTheOptionAndTheValue(int block, int depth, int work, int blocks, string expected)
    {
        var grid = new RingGrid { BlockSizes = [256, block], Depths = [depth], Work = [work], Blocks = blocks };

        Assert.StartsWith(expected, grid.Validate(64), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyList_Refused()
    {
        Assert.NotNull(new RingGrid { Mappings = [] }.Validate(64));
    }

    [Theory]
    [InlineData("uncached", RingMapping.Uncached)]
    [InlineData(" Invalidate ", RingMapping.Invalidate)]
    [InlineData("snoop", RingMapping.Snoop)]
    [InlineData("broken", RingMapping.Broken)]
    public void TryParseMapping_KnownName_TheMappingAndBack(string name, RingMapping mapping)
    {
        Assert.True(RingGrid.TryParseMapping(name, out var parsed));
        Assert.Equal(mapping, parsed);
        Assert.Equal(name.Trim().ToLowerInvariant(), RingGrid.NameOf(parsed));
    }

    [Fact]
    public void TryParseMapping_UnknownName_False()
    {
        Assert.False(RingGrid.TryParseMapping("write-combining", out _));
    }

    [Theory]
    [InlineData("--mapping", "--mapping uncached,wc")]
    [InlineData("--block", "--block 1X")]
    [InlineData("--block", "--block 96")]
    [InlineData("--depth", "--depth 0")]
    [InlineData("--work", "--work -1")]
    [InlineData("--blocks", "--blocks 0")]
    [InlineData("--jobs", "--jobs 0")]
    public async Task Cli_BadOption_UsageErrorNamingItBeforeAnyHarness(string option, string arguments)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(["ring", .. arguments.Split(" ")], CliProcess.NoHarness);

        Assert.Equal(2, code);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("results:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Conclusions_Results_StateEachMappingsCyclesPerByteFromTheRun()
    {
        var grid = new RingGrid { Mappings = [RingMapping.Uncached, RingMapping.Invalidate, RingMapping.Snoop, RingMapping.Broken], BlockSizes = [4096], Depths = [4], Work = [0] };
        RingResult Result(RingMapping m, ulong read, ulong sync, int errors) => new(new RingPoint(m, 4096, 4, 0))
        {
            Bytes = 40960, Cycles = 100_000, ReadCycles = read, SyncCycles = sync, IndexCycles = 0, DataErrors = errors,
        };
        var results = new[]
        {
            Result(RingMapping.Uncached, 51200, 0, 0), Result(RingMapping.Invalidate, 36864, 4096, 0),
            Result(RingMapping.Snoop, 40960, 0, 0), Result(RingMapping.Broken, 20480, 0, 7),
        };

        var lines = RingReport.Conclusions(grid, results);

        Assert.Contains("Cached + invalidate costs 1.000 cycles/byte against 1.250 uncached for 4 KiB blocks (1.25× cheaper than uncached); snooping 1.000", string.Join('\n', lines), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Broken (cached, no invalidate): 1 of 1 points caught, 7 stale blocks", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Every other point exact: 3 points", StringComparison.Ordinal));
    }
}
