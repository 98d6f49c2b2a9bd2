// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Driver;

/// <summary>
/// The extension block side of <see cref="CdmaChannel"/>: transfer modes (EXT_XFER_CTRL, EXT_STEAL_CFG, DESIGN §3.2)
/// and performance counters (EXT_PERF_*).
/// </summary>
public sealed partial class CdmaChannel
{
    private const int StealBeatsMax = (1 << Xfer.StealBeatsWidth) - 1;
    private const int StealIdleMax = (1 << Xfer.StealIdleWidth) - 1;

    /// <summary>
    /// Sets the transfer mode: EXT_STEAL_CFG first, then EXT_XFER_CTRL (mode, max burst length, max bursts in flight).
    /// Bursts already on the bus finish as they are; the write engine keeps a transfer's burst length to its end.
    /// The extension block is not reset by <see cref="ResetAsync"/> (CDMACR.Reset), only by a hardware reset.
    /// </summary>
    /// <param name="config">The mode and its parameters.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when both registers are written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A field is outside what this build allows; nothing was written.</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task SetTransferModeAsync(TransferModeConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!Enum.IsDefined(config.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(config), config.Mode,
                $"{nameof(TransferModeConfig)}.{nameof(TransferModeConfig.Mode)} = {config.Mode} is not Burst, CycleStealing or Transparent");
        }

        CheckField(nameof(config), config.MaxBurstBeats, 1, _rtl.MaxBurst, nameof(TransferModeConfig.MaxBurstBeats),
            "beats per burst, 1..MAX_BURST of this build");
        CheckField(nameof(config), config.MaxOutstanding, 1, _rtl.MaxOutstanding, nameof(TransferModeConfig.MaxOutstanding),
            "bursts in flight per direction, 1..MAX_OUTSTANDING of this build");
        CheckField(nameof(config), config.StealBeatsPerGrant, 1, Math.Min(StealBeatsMax, _rtl.MaxBurst), nameof(TransferModeConfig.StealBeatsPerGrant),
            "beats per grant, 1..MAX_BURST of this build and at most 255 (EXT_STEAL_CFG[7:0])");
        CheckField(nameof(config), config.StealIdleCycles, 0, StealIdleMax, nameof(TransferModeConfig.StealIdleCycles),
            "idle cycles between grants (EXT_STEAL_CFG[31:16])");

        var steal = ((uint)config.StealBeatsPerGrant << Xfer.StealBeatsLsb) | ((uint)config.StealIdleCycles << Xfer.StealIdleLsb);
        var control = ((uint)config.Mode << Xfer.ModeLsb)
                      | ((uint)(config.MaxBurstBeats - 1) << Xfer.MaxBurstM1Lsb)
                      | ((uint)config.MaxOutstanding << Xfer.MaxOutLsb);
        await _sim.RegWriteAsync(ExtStealCfgOffset, steal, cancellationToken).ConfigureAwait(false);
        await _sim.RegWriteAsync(ExtXferCtrlOffset, control, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the transfer mode in effect (EXT_XFER_CTRL, EXT_STEAL_CFG).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mode and its parameters as the hardware holds them.</returns>
    /// <exception cref="InvalidOperationException">EXT_XFER_CTRL holds no known mode (not a CDMA with transfer modes).</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task<TransferModeConfig> GetTransferModeAsync(CancellationToken cancellationToken = default)
    {
        var control = await _sim.RegReadAsync(ExtXferCtrlOffset, cancellationToken).ConfigureAwait(false);
        var steal = await _sim.RegReadAsync(ExtStealCfgOffset, cancellationToken).ConfigureAwait(false);
        var mode = Field(control, Xfer.ModeLsb, Xfer.ModeWidth) switch
        {
            Xfer.ModeBurst => TransferMode.Burst,
            Xfer.ModeCycleStealing => TransferMode.CycleStealing,
            Xfer.ModeTransparent => TransferMode.Transparent,
            var other => throw new InvalidOperationException($"EXT_XFER_CTRL = 0x{control:X8}: mode {other} is not a transfer mode"),
        };
        return new TransferModeConfig(
            mode,
            (int)Field(control, Xfer.MaxBurstM1Lsb, Xfer.MaxBurstM1Width) + 1,
            (int)Field(control, Xfer.MaxOutLsb, Xfer.MaxOutWidth),
            (int)Field(steal, Xfer.StealBeatsLsb, Xfer.StealBeatsWidth),
            (int)Field(steal, Xfer.StealIdleLsb, Xfer.StealIdleWidth));
    }

    /// <summary>Reads the five performance counters, one register after the other (the simulation runs between them).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The counters.</returns>
    /// <exception cref="SimException">A request failed.</exception>
    public async Task<CdmaPerfCounters> ReadPerfCountersAsync(CancellationToken cancellationToken = default)
    {
        var busy = await _sim.RegReadAsync(ExtPerfBusyOffset, cancellationToken).ConfigureAwait(false);
        var reads = await _sim.RegReadAsync(ExtPerfRdBeatsOffset, cancellationToken).ConfigureAwait(false);
        var writes = await _sim.RegReadAsync(ExtPerfWrBeatsOffset, cancellationToken).ConfigureAwait(false);
        var busWait = await _sim.RegReadAsync(ExtPerfBusWaitOffset, cancellationToken).ConfigureAwait(false);
        var cpuWait = await _sim.RegReadAsync(ExtPerfCpuWaitOffset, cancellationToken).ConfigureAwait(false);
        return new CdmaPerfCounters(busy, reads, writes, busWait, cpuWait);
    }

    /// <summary>Zeroes the performance counters (EXT_PERF_CTRL).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle at which the write was taken; the counters count again from the cycle after it.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public Task<ulong> ClearPerfCountersAsync(CancellationToken cancellationToken = default) =>
        _sim.RegWriteAsync(ExtPerfCtrlOffset, 1u << Xfer.PerfClearBit, cancellationToken);

    private static uint Field(uint value, int lsb, int width) => (value >> lsb) & ((1u << width) - 1);

    private static void CheckField(string paramName, int value, int min, int max, string name, string what)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(paramName, value,
                $"{nameof(TransferModeConfig)}.{name} = {value} is outside {min}..{max} ({what})");
        }
    }
}
