// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>Address patterns of the background CPU load (<c>cpu_load</c>).</summary>
public enum CpuLoadPattern
{
    /// <summary>No load: stops a running one.</summary>
    None,

    /// <summary>The region's 32-bit words in address order, wrapping at its end.</summary>
    Stream,

    /// <summary>A uniformly random 32-bit word of the region per access.</summary>
    Random,
}

/// <summary>
/// Background CPU traffic that runs inside the simulator, on the data cache's CPU port, during every
/// later op that advances the clock (<see cref="SimClient.CpuLoadAsync"/>); measured by
/// <see cref="SimClient.CpuStatsAsync"/>. Seeded: the same load and the same requests give the same cycles.
/// </summary>
/// <param name="Pattern">Stream or random addresses (<see cref="CpuLoadPattern.None"/>: no load; the other
/// properties are then not sent and not checked).</param>
/// <param name="Rate">Accesses started per 100 cycles in which the CPU port is free, on average: 1..100.</param>
/// <param name="Address">First byte of the region, 4-aligned; the region must lie inside one DRAM window.</param>
/// <param name="Length">Bytes in the region: at least 4, a multiple of 4. Its size against the cache's
/// decides the miss rate.</param>
/// <param name="Seed">Seed of the load's random draws (start cycles, random addresses, stores, data).</param>
/// <param name="StorePercent">Share of stores, 0..100 (the others are loads).</param>
/// <param name="Cached">False: every access is uncached (straight to the bus).</param>
public sealed record CpuLoad(
    CpuLoadPattern Pattern, int Rate, ulong Address, ulong Length, ulong Seed, int StorePercent = 0, bool Cached = true)
{
    /// <summary>No load: what <see cref="SimClient.StopCpuLoadAsync"/> sends.</summary>
    public static CpuLoad Stop { get; } = new(CpuLoadPattern.None, 0, 0, 0, 0);

    /// <summary>Throws unless the harness would accept this load (the DRAM window aside).</summary>
    /// <param name="paramName">The caller's parameter, for the exception.</param>
    /// <exception cref="ArgumentOutOfRangeException">A property is outside its range; the message names it.</exception>
    internal void ThrowIfInvalid(string paramName)
    {
        if (!Enum.IsDefined(Pattern))
        {
            throw new ArgumentOutOfRangeException(paramName, Pattern, "Pattern must be None, Stream or Random");
        }

        if (Pattern == CpuLoadPattern.None)
        {
            return;
        }

        if (Rate is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(paramName, Rate, "Rate must be 1..100 (accesses per 100 free cycles)");
        }

        if (Length < 4 || Length % 4 != 0)
        {
            throw new ArgumentOutOfRangeException(paramName, Length, "Length must be at least 4 and a multiple of 4 (whole 32-bit words)");
        }

        if (Address % 4 != 0)
        {
            throw new ArgumentOutOfRangeException(paramName, $"0x{Address:X}", "Address must be 4-aligned");
        }

        if (Length - 1 > ulong.MaxValue - Address)
        {
            throw new ArgumentOutOfRangeException(paramName, Length, "Address + Length overflows 64 bits");
        }

        if (StorePercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(paramName, StorePercent, "StorePercent must be 0..100");
        }
    }

    internal Dictionary<string, object?> ToArgs()
    {
        var args = new Dictionary<string, object?> { [Wire.Field.Pattern] = PatternName(Pattern) };
        if (Pattern != CpuLoadPattern.None)
        {
            args[Wire.Field.Rate] = Rate;
            args[Wire.Field.Addr] = Address;
            args[Wire.Field.Len] = Length;
            args[Wire.Field.Seed] = Seed;
            args[Wire.Field.StorePercent] = StorePercent;
            args[Wire.Field.Cached] = Cached;
        }

        return args;
    }

    private static string PatternName(CpuLoadPattern pattern) => pattern switch
    {
        CpuLoadPattern.Stream => Wire.CpuLoadPattern.Stream,
        CpuLoadPattern.Random => Wire.CpuLoadPattern.Random,
        _ => Wire.CpuLoadPattern.None,
    };
}

/// <summary>
/// The <c>stats</c> <c>cpu</c> group: the background load's accesses (only those; explicit CPU reads and
/// writes do not count) since harness start or the last reset of the statistics. An access counts when
/// its response arrives. Latency = the cycle of the response − the cycle the request was first presented
/// (≥ 1; a cache hit takes 2 in this RTL).
/// </summary>
/// <param name="Accesses">Accesses that got their response.</param>
/// <param name="Loads">Of those, loads.</param>
/// <param name="Stores">Of those, stores.</param>
/// <param name="LatencyMean">Mean latency in cycles (0 without accesses).</param>
/// <param name="LatencyP50">Median latency (nearest rank).</param>
/// <param name="LatencyP99">99th-percentile latency (nearest rank).</param>
/// <param name="LatencyMax">Longest latency.</param>
/// <param name="StallCycles">Σ (latency − 1): cycles the CPU waited beyond a response in the cycle after its request.</param>
public sealed record CpuStats(
    ulong Accesses, ulong Loads, ulong Stores, double LatencyMean, ulong LatencyP50, ulong LatencyP99, ulong LatencyMax, ulong StallCycles)
{
    internal static CpuStats FromReply(SimReply reply)
    {
        var c = reply.GetMap(Wire.Field.Cpu);
        return new CpuStats(
            c.GetUInt64(Wire.Field.Accesses),
            c.GetUInt64(Wire.Field.Loads),
            c.GetUInt64(Wire.Field.Stores),
            c.GetDouble(Wire.Field.LatencyMean),
            c.GetUInt64(Wire.Field.LatencyP50),
            c.GetUInt64(Wire.Field.LatencyP99),
            c.GetUInt64(Wire.Field.LatencyMax),
            c.GetUInt64(Wire.Field.StallCycles));
    }
}
