// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The background CPU load (<c>cpu_load</c>) and its <c>stats</c> <c>cpu</c> figures: validation that
/// changes nothing, determinism, the rate against the port's free cycles, hit and miss latencies from the
/// region's size against the cache, priority of explicit CPU ops, stop, reset, and a DMA copy under load.
/// Every test starts from a hardware reset and stops the load when it ends (the harness is shared).
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class CpuLoadTests(HarnessFixture fixture) : IAsyncLifetime
{
    private const ulong Region = 0x2000_0000; // the load's regions; nothing else in the tests uses them
    private const ulong Other = 0x2100_0000;  // explicit CPU accesses
    private const ulong DmaSource = 0x2200_0000;
    private const ulong DmaDestination = 0x2210_0000;

    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ulong CacheBytes => (ulong)(fixture.Rtl.CacheLine * fixture.Rtl.CacheSets * fixture.Rtl.CacheWays);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await Sim.StopCpuLoadAsync(CancellationToken.None);

    [Fact]
    public async Task CpuLoad_InvalidFields_TypedErrorNamingTheFieldAndTheLoadUnchanged()
    {
        var load = new CpuLoad(CpuLoadPattern.Random, 40, Region, 64 * 1024, 99, StorePercent: 25);
        var reference = await MeasureAsync(load, 20_000);

        await FreshAsync();
        var cycle = await Sim.CpuLoadAsync(load, Ct);
        (string Code, string Field, Dictionary<string, object?> Args)[] invalid =
        [
            ("BAD_REQUEST", "'pattern'", Args("burst", 10, Region, 64)),
            ("BAD_REQUEST", "'rate'", Args("stream", 0, Region, 64)),
            ("BAD_REQUEST", "'rate'", Args("stream", 101, Region, 64)),
            ("BAD_REQUEST", "'rate'", With(Args("stream", 10, Region, 64), "rate", "fast")),
            ("BAD_REQUEST", "'len'", Args("stream", 10, Region, 6)),
            ("BAD_REQUEST", "'len'", Args("stream", 10, Region, 0)),
            ("BAD_REQUEST", "'store_percent'", With(Args("random", 10, Region, 64), "store_percent", 101)),
            ("BAD_REQUEST", "'cached'", With(Args("random", 10, Region, 64), "cached", 1)),
            ("BAD_REQUEST", "'seed'", Without(Args("random", 10, Region, 64), "seed")),
            ("BAD_REQUEST", "'rate'", new() { ["pattern"] = "none", ["rate"] = 0 }),
            ("BAD_REQUEST", "'bogus'", With(Args("random", 10, Region, 64), "bogus", 1)),
            ("BAD_ADDRESS", "aligned", Args("stream", 10, Region + 2, 64)),
            ("BAD_ADDRESS", "DRAM window", Args("stream", 10, (1UL << 30) - 4, 8)),
            ("BAD_ADDRESS", "DRAM window", Args("random", 10, ulong.MaxValue - 3, 4)),
        ];
        foreach (var (code, field, args) in invalid)
        {
            var error = await Assert.ThrowsAsync<SimRequestException>(() => Sim.RequestAsync("cpu_load", args, cancellationToken: Ct));
            Assert.Equal(code, error.Code);
            Assert.Contains(field, error.HarnessMessage, StringComparison.Ordinal);
        }

        Assert.Equal(cycle, (await Sim.HelloAsync(Ct)).Cycle); // no cycle ran
        await Sim.RunAsync(20_000, Ct);
        Assert.Equal(reference, await Sim.CpuStatsAsync(cancellationToken: Ct)); // same load, same draws
    }

    [Fact]
    public async Task CpuLoad_SameSeedTwice_IdenticalStatsAndCycles()
    {
        var load = new CpuLoad(CpuLoadPattern.Random, 30, Region, 128 * 1024, 7, StorePercent: 30);

        var first = await MeasureWithCyclesAsync(load, 30_000);
        var second = await MeasureWithCyclesAsync(load, 30_000);
        var otherSeed = await MeasureWithCyclesAsync(load with { Seed = 8 }, 30_000);

        Assert.Equal(first, second);
        Assert.NotEqual(first.Cpu, otherSeed.Cpu);
    }

    /// <summary>
    /// Each cycle in which the port is free is one trial that starts an access with probability p = rate/100,
    /// and an access of latency L keeps the port busy for the L cycles after its start. After N cycles and a
    /// drain (stop, run until the last access answered), every started access has counted, so with
    /// ΣL = stall_cycles + accesses: N − ΣL ≤ trials ≤ N − ΣL + latency_max (the last access may run past N).
    /// The accesses are the successes among the trials: within 4σ of p·trials (σ² = p(1−p)·trials; exact
    /// for p = 1). The looser bounds follow: accesses ≤ p·N (+4σ), and since trials ≥ N − accesses·latency_max,
    /// accesses ≥ (p·N − 4σ) / (1 + p·latency_max).
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(100)]
    public async Task CpuLoad_Rate_AccessesAreRateTimesTheFreeCycles(int rate)
    {
        const ulong n = 100_000;
        var load = new CpuLoad(CpuLoadPattern.Random, rate, Region, 16 * 1024, (ulong)rate);

        await FreshAsync();
        await Sim.CpuLoadAsync(load, Ct);
        await Sim.RunAsync(n, Ct);
        await Sim.StopCpuLoadAsync(Ct);
        await Sim.RunAsync(10_000, Ct); // drain
        var s = await Sim.CpuStatsAsync(cancellationToken: Ct);

        var p = rate / 100.0;
        var busy = s.StallCycles + s.Accesses;
        var trialsLo = (double)(n - busy);
        var trialsHi = trialsLo + s.LatencyMax;
        var sigma = Math.Sqrt(p * (1 - p) * trialsHi);
        var slack = (4 * sigma) + 1;
        var report = $"rate {rate}: {s.Accesses} accesses, trials {trialsLo}..{trialsHi}, mean latency {s.LatencyMean:F2}, max {s.LatencyMax}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.InRange(s.Accesses, (p * trialsLo) - slack, (p * trialsHi) + slack);
        Assert.True(s.Accesses <= (p * n) + slack, report);
        Assert.True(s.Accesses >= ((p * n) - (4 * Math.Sqrt(p * (1 - p) * n))) / (1 + (p * s.LatencyMax)), report);
    }

    [Fact]
    public async Task CpuLoad_RegionFitsInTheCache_AfterWarmUpOnlyHitsAndShortLatency()
    {
        var load = new CpuLoad(CpuLoadPattern.Random, 50, Region, CacheBytes / 4, 3);
        await FreshAsync();
        await Sim.CpuLoadAsync(load, Ct);
        await Sim.RunAsync(50_000, Ct); // warm-up: every line of the region filled
        await Sim.RequestAsync("stats", Args(("reset", true)), cancellationToken: Ct);

        await Sim.RunAsync(50_000, Ct);
        var cpu = await Sim.CpuStatsAsync(cancellationToken: Ct);
        var cache = (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("cache");

        Assert.True(cpu.Accesses > 5_000, $"{cpu.Accesses} accesses");
        Assert.Equal(0UL, cache.GetUInt64("misses"));
        // a lookup counts as its access starts, the access as its response arrives: one may straddle each end
        Assert.InRange(cache.GetUInt64("hits"), cpu.Accesses - 1, cpu.Accesses + 1);
        Assert.InRange(cpu.LatencyP50, 1UL, 3UL); // a hit: 2 cycles in this RTL
        Assert.Equal(cpu.LatencyP50, cpu.LatencyMax);
        Assert.Equal(cpu.LatencyMax, cpu.LatencyP99);
    }

    [Fact]
    public async Task CpuLoad_RandomOverFourTimesTheCache_MostlyMissesAndLongerLatency()
    {
        var fits = await MeasureAsync(new CpuLoad(CpuLoadPattern.Random, 50, Region, CacheBytes / 4, 3), 100_000);
        var fitsCache = await CacheStatsAsync();
        var thrash = await MeasureAsync(new CpuLoad(CpuLoadPattern.Random, 50, Region, CacheBytes * 4, 3), 100_000);
        var (hits, misses, _) = await CacheStatsAsync();

        var missRate = misses / (double)(hits + misses);
        TestContext.Current.TestOutputHelper?.WriteLine($"fits: {fits}, cache {fitsCache}; 4x cache: {thrash}, miss rate {missRate:F3}");
        Assert.True(missRate > 0.6, $"miss rate {missRate:F3} ({hits} hits, {misses} misses)"); // ≈ 3/4 expected
        Assert.True(fitsCache.Misses < fitsCache.Hits / 10, $"cold misses {fitsCache.Misses}, hits {fitsCache.Hits}");
        Assert.True(thrash.LatencyP50 > fits.LatencyP99, $"p50 {thrash.LatencyP50} vs {fits.LatencyP99}");
        Assert.True(thrash.LatencyMean > 3 * fits.LatencyMean, $"mean {thrash.LatencyMean} vs {fits.LatencyMean}");
        Assert.True(thrash.StallCycles / (double)thrash.Accesses > 3 * fits.StallCycles / (double)fits.Accesses, "stalls per access");
    }

    [Fact]
    public async Task CpuLoad_Stores_CountedAndDirtyVictimsWrittenBack()
    {
        var s = await MeasureAsync(new CpuLoad(CpuLoadPattern.Random, 50, Region, CacheBytes * 4, 5, StorePercent: 50), 50_000);
        var (_, _, writebacks) = await CacheStatsAsync();

        Assert.Equal(s.Accesses, s.Loads + s.Stores);
        Assert.InRange(s.Stores, (ulong)(0.4 * s.Accesses), (ulong)(0.6 * s.Accesses));
        Assert.True(writebacks > 0, "no write-back");
    }

    [Fact]
    public async Task CpuLoad_Uncached_NoCacheLookupsOneBusAccessEach()
    {
        var s = await MeasureAsync(new CpuLoad(CpuLoadPattern.Stream, 30, Region, 4096, 6, StorePercent: 50, Cached: false), 20_000);
        var stats = await Sim.RequestAsync("stats", cancellationToken: Ct);
        var cache = stats.GetMap("cache");
        var dram = stats.GetMap("dram");

        Assert.True(s.Accesses > 1_000, $"{s.Accesses} accesses");
        Assert.Equal(0UL, cache.GetUInt64("hits") + cache.GetUInt64("misses"));
        // one single-beat burst each; the access in flight at the end may be on the bus already
        Assert.InRange(dram.GetUInt64("reads"), s.Loads, s.Loads + 1);
        Assert.InRange(dram.GetUInt64("writes"), s.Stores, s.Stores + 1);
    }

    [Fact]
    public async Task CpuLoad_StallCycles_EqualSumOfLatencyMinusOneAndOrderedPercentiles()
    {
        var s = await MeasureAsync(new CpuLoad(CpuLoadPattern.Random, 70, Region, CacheBytes * 2, 11, StorePercent: 20), 50_000);

        var latencySum = s.LatencyMean * s.Accesses;
        Assert.True(s.Accesses > 0);
        Assert.True(Math.Abs(latencySum - (s.StallCycles + s.Accesses)) < 0.5, $"{latencySum} vs {s.StallCycles} + {s.Accesses}");
        Assert.True(s.LatencyP50 >= 1 && s.LatencyP50 <= s.LatencyP99 && s.LatencyP99 <= s.LatencyMax, s.ToString());
        Assert.True(s.LatencyMean <= s.LatencyMax, s.ToString());
    }

    [Fact]
    public async Task CpuRead_WhileTheLoadRuns_CorrectBytesAndTheLoadGoesOn()
    {
        var pattern = SeededPattern.Create(4096, 21);
        var written = SeededPattern.Create(256, 22);
        await FreshAsync();
        await fixture.Memory.WriteAsync(Other, pattern, Ct);
        await Sim.CpuLoadAsync(new CpuLoad(CpuLoadPattern.Random, 80, Region, CacheBytes * 4, 23, StorePercent: 50), Ct);
        await Sim.RunAsync(1_000, Ct);

        var cached = await Sim.CpuReadAsync(Other, pattern.Length, cancellationToken: Ct);
        var uncached = await Sim.CpuReadAsync(Other + 1, 100, cached: false, cancellationToken: Ct);
        await Sim.CpuWriteAsync(Other + 3, written, cancellationToken: Ct);
        var readBack = await Sim.CpuReadAsync(Other + 3, written.Length, cancellationToken: Ct);
        var before = await Sim.CpuStatsAsync(cancellationToken: Ct);
        await Sim.RunAsync(1_000, Ct);
        var after = await Sim.CpuStatsAsync(cancellationToken: Ct);

        Assert.Equal(pattern, cached);
        Assert.Equal(pattern.AsSpan(1, 100).ToArray(), uncached);
        Assert.Equal(written, readBack);
        Assert.True(after.Accesses > before.Accesses, $"{before.Accesses} → {after.Accesses}");
    }

    [Fact]
    public async Task CpuRead_LoadAtFullRate_ExplicitAccessesTakeThePortFirst()
    {
        var pattern = SeededPattern.Create(4096, 24);
        await FreshAsync();
        await fixture.Memory.WriteAsync(Other, pattern, Ct);
        await Sim.CpuLoadAsync(new CpuLoad(CpuLoadPattern.Stream, 100, Region, 4096, 25), Ct);

        Assert.Equal(pattern, await Sim.CpuReadAsync(Other, pattern.Length, cancellationToken: Ct));
        var during = await Sim.CpuStatsAsync(cancellationToken: Ct);
        await Sim.RunAsync(100, Ct);
        var after = await Sim.CpuStatsAsync(cancellationToken: Ct);

        Assert.Equal(0UL, during.Accesses); // 1024 back-to-back words: the port was never free
        Assert.True(after.Accesses > 0);
    }

    [Fact]
    public async Task StopCpuLoad_AccessesStopGrowing()
    {
        await FreshAsync();
        await Sim.CpuLoadAsync(new CpuLoad(CpuLoadPattern.Stream, 50, Region, CacheBytes * 4, 31), Ct);
        await Sim.RunAsync(10_000, Ct);

        await Sim.StopCpuLoadAsync(Ct);
        var atStop = await Sim.CpuStatsAsync(cancellationToken: Ct);
        await Sim.RunAsync(10_000, Ct);
        var drained = await Sim.CpuStatsAsync(cancellationToken: Ct);
        await Sim.RunAsync(10_000, Ct);
        var later = await Sim.CpuStatsAsync(cancellationToken: Ct);

        Assert.True(atStop.Accesses > 100, $"{atStop.Accesses} accesses");
        Assert.InRange(drained.Accesses, atStop.Accesses, atStop.Accesses + 1); // the access in flight finishes
        Assert.Equal(drained, later);
    }

    [Fact]
    public async Task Reset_WhileTheLoadRuns_LoadGoesOnFromItsSeed()
    {
        var load = new CpuLoad(CpuLoadPattern.Random, 40, Region, 64 * 1024, 41);
        var reference = await MeasureAsync(load, 20_000); // reset, then the load from its first draw

        await FreshAsync();
        await Sim.CpuLoadAsync(load, Ct);
        await Sim.RunAsync(5_000, Ct);
        await Sim.ResetAsync(cancellationToken: Ct); // keeps the load; restarts its draws
        await Sim.RequestAsync("stats", Args(("reset", true)), cancellationToken: Ct);
        await Sim.RunAsync(20_000, Ct);

        Assert.Equal(reference, await Sim.CpuStatsAsync(cancellationToken: Ct));
    }

    /// <summary>
    /// The copy is verified byte for byte while the CPU thrashes its cache over a disjoint region, and the
    /// CPU's accesses take longer than without the copy: a fill waits for the DMA's bursts ahead of it (the
    /// DRAM model returns reads in order, one burst at a time).
    /// </summary>
    [Fact]
    public async Task DmaCopy_WithTheLoadRunning_ExactBytesNoViolationsAndTheCpuSlowed()
    {
        const int length = 256 * 1024;
        var load = new CpuLoad(CpuLoadPattern.Random, 50, Region, CacheBytes * 4, 51, StorePercent: 50);
        var idle = await MeasureAsync(load, 20_000);
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await Sim.CoherencyAsync(snoop: false, clear: true, cancellationToken: Ct);
        await Sim.RequestAsync("stats", Args(("reset", true)), cancellationToken: Ct);
        await Sim.CpuLoadAsync(load, Ct);

        await fixture.CopyAndCheckAsync(channel, DmaSource, DmaDestination, length, 52);
        var cpu = await Sim.CpuStatsAsync(cancellationToken: Ct);
        var report = await Sim.CoherencyAsync(cancellationToken: Ct);

        TestContext.Current.TestOutputHelper?.WriteLine($"idle: {idle}; during the copy: {cpu}");
        Assert.Empty(report.Violations);
        Assert.True(cpu.Accesses > 0, "no CPU access during the copy");
        Assert.True(cpu.LatencyP50 > idle.LatencyMax, $"p50 {cpu.LatencyP50} during the copy, idle max {idle.LatencyMax}");
    }

    // ---- helpers --------------------------------------------------------------------------------

    /// <summary>Hardware reset (empty cache, no access in flight) and zeroed statistics.</summary>
    private async Task FreshAsync()
    {
        await Sim.ResetAsync(cancellationToken: Ct);
        await Sim.RequestAsync("stats", Args(("reset", true)), cancellationToken: Ct);
    }

    /// <summary>From a fresh state, runs <paramref name="load"/> for <paramref name="cycles"/> cycles.</summary>
    private async Task<CpuStats> MeasureAsync(CpuLoad load, ulong cycles) =>
        (await MeasureWithCyclesAsync(load, cycles)).Cpu;

    private async Task<(CpuStats Cpu, ulong Cycles, string Cache)> MeasureWithCyclesAsync(CpuLoad load, ulong cycles)
    {
        await FreshAsync();
        var start = await Sim.CpuLoadAsync(load, Ct);
        var end = await Sim.RunAsync(cycles, Ct);
        return (await Sim.CpuStatsAsync(cancellationToken: Ct), end - start, (await CacheStatsAsync()).ToString());
    }

    private async Task<(ulong Hits, ulong Misses, ulong Writebacks)> CacheStatsAsync()
    {
        var cache = (await Sim.RequestAsync("stats", cancellationToken: Ct)).GetMap("cache");
        return (cache.GetUInt64("hits"), cache.GetUInt64("misses"), cache.GetUInt64("writebacks"));
    }

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    private static Dictionary<string, object?> Args(string pattern, int rate, ulong addr, ulong len) =>
        new() { ["pattern"] = pattern, ["rate"] = rate, ["addr"] = addr, ["len"] = len, ["seed"] = 1UL };

    private static Dictionary<string, object?> With(Dictionary<string, object?> args, string name, object? value) =>
        new(args) { [name] = value };

    private static Dictionary<string, object?> Without(Dictionary<string, object?> args, string name)
    {
        var copy = new Dictionary<string, object?>(args);
        copy.Remove(name);
        return copy;
    }
}
