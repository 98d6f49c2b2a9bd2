// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>
/// What the harness's DMA-port checks measured (<c>stats</c> <c>dma</c> and <c>arbiter</c> groups, docs/protocol.md):
/// the DMA's bursts in flight, the events of the RTL's EXT_PERF_BUSY / EXT_PERF_BUS_WAIT counters counted by the
/// harness on the same signals, and the arbiter's grants and longest waits per channel. Counts run from harness
/// start or the last reset of the statistics; the in-flight gauges are the current state.
/// </summary>
/// <param name="Cycle">Cycle of the snapshot.</param>
/// <param name="ReadsInFlight">DMA read bursts accepted whose RLAST has not been taken.</param>
/// <param name="WritesInFlight">DMA write bursts accepted whose B has not been taken.</param>
/// <param name="MaxReadsInFlight">The most DMA read bursts in flight seen.</param>
/// <param name="MaxWritesInFlight">The most DMA write bursts in flight seen.</param>
/// <param name="ReadBeats">R beats the DMA took (the events of EXT_PERF_RD_BEATS).</param>
/// <param name="WriteBeats">W beats the DMA sent (the events of EXT_PERF_WR_BEATS).</param>
/// <param name="BusyCycles">Cycles with CDMASR.Idle = 0 (the events of EXT_PERF_BUSY).</param>
/// <param name="BusWaitCycles">Cycles in which an AR, AW or W of the DMA engines could not move (the events of EXT_PERF_BUS_WAIT).</param>
/// <param name="Ar">The read-address channel's arbitration.</param>
/// <param name="Aw">The write-address channel's arbitration.</param>
public sealed record DmaBusStats(
    ulong Cycle, ulong ReadsInFlight, ulong WritesInFlight, ulong MaxReadsInFlight, ulong MaxWritesInFlight,
    ulong ReadBeats, ulong WriteBeats, ulong BusyCycles, ulong BusWaitCycles, ArbiterChannelStats Ar, ArbiterChannelStats Aw)
{
    internal static DmaBusStats FromReply(SimReply reply)
    {
        var d = reply.GetMap(Wire.Field.Dma);
        var a = reply.GetMap(Wire.Field.Arbiter);
        return new DmaBusStats(
            reply.GetUInt64(Wire.Field.Cycle),
            d.GetUInt64(Wire.Field.ReadsInFlight),
            d.GetUInt64(Wire.Field.WritesInFlight),
            d.GetUInt64(Wire.Field.MaxReadsInFlight),
            d.GetUInt64(Wire.Field.MaxWritesInFlight),
            d.GetUInt64(Wire.Field.ReadBeats),
            d.GetUInt64(Wire.Field.WriteBeats),
            d.GetUInt64(Wire.Field.BusyCycles),
            d.GetUInt64(Wire.Field.BusWaitCycles),
            ArbiterChannelStats.FromReply(a.GetMap(Wire.Field.Ar)),
            ArbiterChannelStats.FromReply(a.GetMap(Wire.Field.Aw)));
    }
}

/// <summary>One arbitrated channel (AR or AW) between the CPU cache and the DMA.</summary>
/// <param name="CpuGrants">The CPU cache's address handshakes.</param>
/// <param name="DmaGrants">The DMA's address handshakes.</param>
/// <param name="CpuMaxWait">The CPU's longest wait, in cycles from VALID to its handshake.</param>
/// <param name="DmaMaxWait">The DMA's longest wait, in cycles from VALID to its handshake.</param>
public sealed record ArbiterChannelStats(ulong CpuGrants, ulong DmaGrants, ulong CpuMaxWait, ulong DmaMaxWait)
{
    internal static ArbiterChannelStats FromReply(SimReply channel) => new(
        channel.GetUInt64(Wire.Field.CpuGrants),
        channel.GetUInt64(Wire.Field.DmaGrants),
        channel.GetUInt64(Wire.Field.CpuMaxWait),
        channel.GetUInt64(Wire.Field.DmaMaxWait));
}
