// SPDX-License-Identifier: MIT
namespace DmaCosim.Driver;

/// <summary>How the CDMA shares the bus with the CPU (EXT_XFER_CTRL.mode, DESIGN §3.2).</summary>
public enum TransferMode
{
    /// <summary>
    /// Block mode (the reset value): bursts up to the max burst length; the arbiter keeps the grant for a whole
    /// burst, so a CPU miss waits behind it.
    /// </summary>
    Burst = 0,

    /// <summary>
    /// Bursts of at most <see cref="TransferModeConfig.StealBeatsPerGrant"/> beats; per direction the next burst
    /// starts only after the previous one's last beat and <see cref="TransferModeConfig.StealIdleCycles"/> idle
    /// cycles: the CPU is never blocked for long, the DMA is slower.
    /// </summary>
    CycleStealing = 1,

    /// <summary>
    /// One-beat bursts, started only in cycles where the CPU neither uses nor is about to use the bus: the CPU
    /// never waits for the DMA at the arbiter (non-snooping monitor, memory without backpressure).
    /// </summary>
    Transparent = 2,
}

/// <summary>The transfer mode and its parameters (EXT_XFER_CTRL, EXT_STEAL_CFG).</summary>
/// <param name="Mode">The mode.</param>
/// <param name="MaxBurstBeats">Longest burst in beats, 1..<see cref="Bridge.RtlInfo.MaxBurst"/> (all modes; cycle stealing
/// uses the smaller of this and <paramref name="StealBeatsPerGrant"/>, transparent mode always 1).</param>
/// <param name="MaxOutstanding">Most bursts in flight per direction, 1..<see cref="Bridge.RtlInfo.MaxOutstanding"/>.</param>
/// <param name="StealBeatsPerGrant">Cycle stealing: beats per grant, 1..min(255, MaxBurst).</param>
/// <param name="StealIdleCycles">Cycle stealing: idle cycles the DMA leaves on a channel between its bursts, 0..65535.</param>
public sealed record TransferModeConfig(
    TransferMode Mode, int MaxBurstBeats, int MaxOutstanding, int StealBeatsPerGrant = 1, int StealIdleCycles = 1);

/// <summary>
/// The CDMA's performance counters (EXT_PERF_*): 32-bit, wrapping at 2³², zeroed by a hardware reset and by
/// <see cref="CdmaChannel.ClearPerfCountersAsync"/>, not by CDMACR.Reset.
/// </summary>
/// <param name="BusyCycles">Cycles with CDMASR.Idle = 0.</param>
/// <param name="ReadBeats">R beats the DMA took (data and descriptor fetches).</param>
/// <param name="WriteBeats">W beats the DMA sent (data and descriptor STATUS write-backs).</param>
/// <param name="BusWaitCycles">Cycles in which an AR, AW or W of the DMA could not move (not READY, or held back by the mode).</param>
/// <param name="CpuWaitCycles">Cycles the CPU cache's AR or AW waited at the arbiter while the DMA was served.</param>
public sealed record CdmaPerfCounters(uint BusyCycles, uint ReadBeats, uint WriteBeats, uint BusWaitCycles, uint CpuWaitCycles);
