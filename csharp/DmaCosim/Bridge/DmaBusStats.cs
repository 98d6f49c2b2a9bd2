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
        var d = reply.GetMap("dma");
        var a = reply.GetMap("arbiter");
        return new DmaBusStats(
            reply.GetUInt64("cycle"),
            d.GetUInt64("reads_in_flight"),
            d.GetUInt64("writes_in_flight"),
            d.GetUInt64("max_reads_in_flight"),
            d.GetUInt64("max_writes_in_flight"),
            d.GetUInt64("read_beats"),
            d.GetUInt64("write_beats"),
            d.GetUInt64("busy_cycles"),
            d.GetUInt64("bus_wait_cycles"),
            ArbiterChannelStats.FromReply(a.GetMap("ar")),
            ArbiterChannelStats.FromReply(a.GetMap("aw")));
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
        channel.GetUInt64("cpu_grants"),
        channel.GetUInt64("dma_grants"),
        channel.GetUInt64("cpu_max_wait"),
        channel.GetUInt64("dma_max_wait"));
}
