// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>
/// The harness's resident DRAM and its cap (<c>stats</c> group <c>dram_cap</c>, docs/protocol.md): the bytes its
/// DRAM files hold now, the most they may hold (<c>--dram-cap</c>), and the DMA write bursts refused because they
/// would have passed it (answered SLVERR on the bus).
/// </summary>
/// <param name="Cycle">Cycle of the snapshot.</param>
/// <param name="Resident">Bytes the DRAM windows hold now (pages written or read by anyone, including a mapped client).</param>
/// <param name="Cap">The most bytes they may hold.</param>
/// <param name="Refused">Write bursts refused since start or the last reset of the statistics.</param>
/// <param name="Refusals">The first of them (at most 1000), in order.</param>
public sealed record DramCapStats(ulong Cycle, ulong Resident, ulong Cap, ulong Refused, IReadOnlyList<DramCapRefusal> Refusals)
{
    internal static DramCapStats FromReply(SimReply reply)
    {
        var c = reply.GetMap(Wire.Field.DramCap);
        return new DramCapStats(
            reply.GetUInt64(Wire.Field.Cycle),
            c.GetUInt64(Wire.Field.Resident),
            c.GetUInt64(Wire.Field.Cap),
            c.GetUInt64(Wire.Field.Refused),
            [.. c.GetMaps(Wire.Field.Refusals).Select(r => new DramCapRefusal(r.GetUInt64(Wire.Field.Cycle), r.GetUInt64(Wire.Field.Addr), r.GetUInt64(Wire.Field.Len)))]);
    }
}

/// <summary>A DMA write burst the DRAM refused (SLVERR) because its page would have passed the resident cap.</summary>
/// <param name="Cycle">The cycle of its address handshake.</param>
/// <param name="Address">Its AWADDR.</param>
/// <param name="Length">The bytes it spans.</param>
public sealed record DramCapRefusal(ulong Cycle, ulong Address, ulong Length);
