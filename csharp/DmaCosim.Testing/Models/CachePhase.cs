// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing.Models;

/// <summary>
/// Seeded random CPU traffic through the cache RTL, checked against <see cref="CacheModel"/>: cached and
/// uncached loads and stores of 1..12 bytes at any alignment, clean / invalidate / flush of a line or a
/// range, over <see cref="Region"/> (private: far from the regression's source, destination, unrelated
/// and descriptor arenas), on a few sets with <c>ways + 2</c> aliasing lines each so that evictions
/// happen. Checked: every byte loaded; <c>stats</c> <c>cache.hits / misses / writebacks</c> exactly,
/// several times; DRAM of every line the model holds dirty (it must still hold the old bytes: write-back,
/// not write-through); and after a final flush of the region, every byte of it. One batch (one round
/// trip) after a hardware <c>reset</c>; stops the background <c>cpu_load</c>, whose accesses would
/// change the counters.
/// </summary>
public static class CachePhase
{
    /// <summary>The phase's name in reports.</summary>
    public const string Name = "cpu-cache";

    /// <summary>First byte of the phase's private region.</summary>
    public const ulong Region = 0x3A00_0000;

    /// <summary>Random ops per call.</summary>
    public const int Ops = 40;

    /// <summary>Sets the ops use.</summary>
    public const int SetsUsed = 3;

    private const int MaxAccess = 12;
    private const int StatsEvery = 10;

    /// <summary>Runs the phase.</summary>
    /// <param name="harness">A running harness (its CDMA, cache and monitor are reset; memory in <see cref="Region"/> is overwritten).</param>
    /// <param name="seed">The seed: the same seed runs the same ops.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>What the phase did.</returns>
    /// <exception cref="PhaseFailureException">A byte, a counter or DRAM differed from the model.</exception>
    /// <exception cref="SimException">The harness failed.</exception>
    public static async Task<PhaseResult> RunAsync(HarnessProcess harness, ulong seed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var rtl = harness.Hello.Rtl;
        var sim = harness.Client;
        var random = new Random(unchecked((int)(seed ^ (seed >> 32)) ^ 0x0CAC4E));
        var aliases = rtl.CacheWays + 2;
        var stride = (ulong)rtl.CacheSets * (ulong)rtl.CacheLine; // same set, next tag
        var span = (int)(stride * (ulong)aliases);
        var initial = SeededPattern.Create(span, seed);
        var model = new CacheModel(rtl.CacheLine, rtl.CacheSets, rtl.CacheWays, Region, initial);
        var sets = Enumerable.Range(0, rtl.CacheSets).OrderBy(_ => random.Next()).Take(SetsUsed).ToArray();
        var batch = new PhaseBatch(sim, Name, seed);

        await sim.StopCpuLoadAsync(ct).ConfigureAwait(false);
        var start = await sim.ResetAsync(cancellationToken: ct).ConfigureAwait(false);
        batch.Add("mem_write region", PhaseOps.MemWrite(Region, initial));
        for (var i = 0; i < Ops; i++)
        {
            var line = Region + ((ulong)random.Next(aliases) * stride) + ((ulong)sets[random.Next(sets.Length)] * (ulong)rtl.CacheLine);
            var address = line + (ulong)random.Next(rtl.CacheLine);
            var length = (int)Math.Min((ulong)random.Next(1, MaxAccess + 1), Region + (ulong)span - address);
            var roll = random.Next(100);
            if (roll < 35)
            {
                AddRead(batch, model, address, length, cached: true);
            }
            else if (roll < 60)
            {
                AddWrite(batch, model, address, RandomBytes(random, length), cached: true);
            }
            else if (roll < 70)
            {
                AddRead(batch, model, address, length, cached: false);
            }
            else if (roll < 80)
            {
                AddWrite(batch, model, address, RandomBytes(random, length), cached: false);
            }
            else
            {
                var operation = random.Next(3) switch { 0 => CacheOp.Clean, 1 => CacheOp.Invalidate, _ => CacheOp.Flush };
                var dirty = model.DirtyLines.ToArray();
                if (dirty.Length > 0 && random.Next(2) == 0)
                {
                    address = dirty[random.Next(dirty.Length)] + (ulong)random.Next(rtl.CacheLine); // maintenance that writes back
                }

                var range = (ulong)Math.Min(random.Next(1, (2 * rtl.CacheLine) + 1), (int)(Region + (ulong)span - address));
                model.Maintain(operation, address, range);
                batch.Add($"cache {operation} 0x{address:X}+{range}", PhaseOps.Cache(operation, address, range));
            }

            if (i % StatsEvery == StatsEvery - 1)
            {
                AddDirtyDramChecks(batch, model);
                AddStatsCheck(batch, model);
            }
        }

        AddDirtyDramChecks(batch, model);
        model.Maintain(CacheOp.Flush, Region, (ulong)span);
        batch.Add("cache flush region", PhaseOps.Cache(CacheOp.Flush, Region, (ulong)span));
        AddStatsCheck(batch, model);
        var expected = model.Dram(Region, span);
        batch.Add("mem_read region", PhaseOps.MemRead(Region, span), reply => CompareBytes(batch, "DRAM after the final flush", Region, expected, reply.GetBytes(Wire.Field.Data), null));
        await batch.FlushAsync(ct).ConfigureAwait(false);
        return new PhaseResult(Name, seed, batch.RoundTrips + 2, batch.Cycle - start, batch.Checks);
    }

    private static void AddRead(PhaseBatch batch, CacheModel model, ulong address, int length, bool cached)
    {
        var what = $"cpu_read 0x{address:X}+{length} {(cached ? "cached" : "uncached")}";
        var hit = cached && model.IsCached(address);
        var expected = model.Read(address, length, cached);
        batch.Add(what, PhaseOps.CpuRead(address, length, cached), reply =>
            CompareBytes(batch, what + (cached ? hit ? " (model: first word hits)" : " (model: first word misses)" : ""),
                address, expected, reply.GetBytes(Wire.Field.Data), reply.GetUInt64(Wire.Field.Cycle)));
    }

    private static void AddWrite(PhaseBatch batch, CacheModel model, ulong address, byte[] data, bool cached)
    {
        model.Write(address, data, cached);
        batch.Add($"cpu_write 0x{address:X}+{data.Length} {(cached ? "cached" : "uncached")}", PhaseOps.CpuWrite(address, data, cached));
    }

    // DRAM under every dirty line still holds what it held before the CPU stored into the line
    private static void AddDirtyDramChecks(PhaseBatch batch, CacheModel model)
    {
        foreach (var line in model.DirtyLines)
        {
            var expected = model.Dram(line, model.LineBytes);
            batch.Add($"mem_read dirty line 0x{line:X}", PhaseOps.MemRead(line, model.LineBytes), reply =>
                CompareBytes(batch, $"DRAM under the dirty line 0x{line:X} (write-back: not yet written)", line, expected, reply.GetBytes(Wire.Field.Data), null));
        }
    }

    private static void AddStatsCheck(PhaseBatch batch, CacheModel model)
    {
        var (hits, misses, writebacks) = (model.Hits, model.Misses, model.Writebacks);
        batch.Add("stats", PhaseOps.Stats(), reply =>
        {
            var cache = reply.GetMap(Wire.Field.Cache);
            foreach (var (name, want) in new[] { (Wire.Field.Hits, hits), (Wire.Field.Misses, misses), (Wire.Field.Writebacks, writebacks) })
            {
                var actual = cache.GetUInt64(name);
                if (actual != want)
                {
                    throw batch.Fail($"cycle {reply.GetUInt64(Wire.Field.Cycle)}: stats cache.{name} expected {want}, actual {actual} " +
                        $"(model: hits {hits}, misses {misses}, writebacks {writebacks}; RTL: hits {cache.GetUInt64(Wire.Field.Hits)}, " +
                        $"misses {cache.GetUInt64(Wire.Field.Misses)}, writebacks {cache.GetUInt64(Wire.Field.Writebacks)})");
                }
            }
        });
    }

    private static void CompareBytes(PhaseBatch batch, string what, ulong address, byte[] expected, byte[] actual, ulong? cycle)
    {
        var at = expected.AsSpan().CommonPrefixLength(actual);
        if (at == expected.Length && actual.Length == expected.Length)
        {
            return;
        }

        var when = cycle is { } c ? $"cycle {c}: " : "";
        throw batch.Fail(at >= Math.Min(expected.Length, actual.Length)
            ? $"{when}{what}: {actual.Length} bytes, expected {expected.Length}"
            : $"{when}{what}: byte 0x{address + (ulong)at:X} expected 0x{expected[at]:X2}, actual 0x{actual[at]:X2} " +
              $"({expected.Where((b, i) => actual[i] != b).Count()} of {expected.Length} bytes differ)");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var data = new byte[length];
        random.NextBytes(data);
        return data;
    }
}
