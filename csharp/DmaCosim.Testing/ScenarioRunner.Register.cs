// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>
/// The register-level path of a scenario (<see cref="EngineScenario"/>): the engine driven the way Linux's
/// xilinx_dma CDMA sequence drives it, checked against <see cref="Pg034Model"/> at every interrupt and at the end.
/// </summary>
public static partial class ScenarioRunner
{
    private const ulong PollStep = 32;

    /// <summary>What each copy of a register-level scenario does when the engine reaches it (the faults that hit it, BTT = 0).</summary>
    /// <param name="scenario">A register-level scenario.</param>
    /// <returns>One outcome per copy.</returns>
    internal static DescriptorOutcome[] EngineOutcomes(Scenario scenario) => RegisterRun.Outcomes(scenario);

    private sealed class RegisterRun
    {
        private readonly HarnessProcess _harness;
        private readonly SimClient _sim;
        private readonly ISimMemory _memory;
        private readonly Scenario _scenario;
        private readonly EngineScenario _e;
        private readonly RtlInfo _rtl;
        private readonly Pg034Model _model;
        private readonly DescriptorOutcome[] _outcomes;
        private readonly uint[] _initialStatus;
        private readonly bool _polling;
        private readonly ulong _budget;
        private int _counted; // descriptors seen complete (non-cyclic: the Cmplt prefix of the walk)
        private ulong _cycle;
        private ulong _lastObserved;
        private ulong _completionSeenAfter;
        private ulong _completionSeenBy;
        private readonly List<(ulong After, ulong By)> _seen = []; // when each completion's STATUS was first seen in memory
        private bool _irqUncertain;
        private ulong _handled;
        private ulong _handledFrom;
        private bool _immediate;
        private bool _resumed;
        private bool _reset;
        private bool _perfCleared;
        private PerfCounts _perfBase = PerfCounts.Zero;
        private PerfCounts _perfBaseHigh = PerfCounts.Zero;

        public RegisterRun(HarnessProcess harness, Scenario scenario)
        {
            _harness = harness;
            _sim = harness.Client;
            _memory = harness.Memory;
            _scenario = scenario;
            _e = scenario.Engine!;
            _rtl = harness.Hello.Rtl;
            _model = new Pg034Model(_e.Simple ? [0] : _e.Descriptors, _rtl.AddrWidth > 32);
            _outcomes = Outcomes(scenario);
            _initialStatus = [.. _e.ReservedStatus];
            _polling = _e.IrqDelay > 0 && !_e.Simple && _e.CyclicWraps == 0;
            var bytes = scenario.Bytes * Math.Max(1, _e.CyclicWraps + 1);
            _budget = 200_000 + ((ulong)bytes * 40);
        }

        public EngineObservations Observed { get; } = new();

        /// <summary>What each copy does when the engine reaches it: the faults that hit it, BTT = 0.</summary>
        public static DescriptorOutcome[] Outcomes(Scenario scenario)
        {
            var e = scenario.Engine!;
            var outcomes = new DescriptorOutcome[scenario.Copies.Count];
            for (var i = 0; i < outcomes.Length; i++)
            {
                EngineError Error(FaultSite site, bool sg) => e.Faults.FirstOrDefault(f => f.Descriptor == i && f.Site == site) is { } f
                    ? (f.Response == AxiFault.SlvErr ? (sg ? EngineError.SgSlv : EngineError.DmaSlv) : (sg ? EngineError.SgDec : EngineError.DmaDec))
                    : EngineError.None;
                var data = scenario.Copies[i].Length == 0 ? EngineError.DmaInt
                    : Error(FaultSite.DataRead, false) is var read && read != EngineError.None ? read : Error(FaultSite.DataWrite, false);
                outcomes[i] = new DescriptorOutcome(Error(FaultSite.DescriptorFetch, true), data, Error(FaultSite.StatusWrite, true));
            }

            return outcomes;
        }

        public async Task<(ulong Cycles, DmaBusStats Bus)> ExecuteAsync(ExpectedMemory expected, CancellationToken ct)
        {
            await PrepareAsync(expected, ct).ConfigureAwait(false);
            var start = await _sim.RunAsync(0, ct).ConfigureAwait(false);
            _cycle = _lastObserved = _completionSeenAfter = _completionSeenBy = start;
            if (_e.CpuLoad is { } load)
            {
                await _sim.CpuLoadAsync(load, ct).ConfigureAwait(false);
            }

            if (_e.Simple)
            {
                await RunSimpleAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await RunScatterGatherAsync(ct).ConfigureAwait(false);
            }

            var end = await _sim.RunAsync(0, ct).ConfigureAwait(false);
            var bus = await _sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false); // the DMA part's arbitration
            if (_e.CpuLoad != null)
            {
                await _sim.StopCpuLoadAsync(ct).ConfigureAwait(false);
                await _sim.RunAsync(64, ct).ConfigureAwait(false); // the access in flight finishes
            }

            await FinalCheckAsync(ct).ConfigureAwait(false);
            return (end - start, bus);
        }

        private async Task PrepareAsync(ExpectedMemory expected, CancellationToken ct)
        {
            var failing = Array.FindIndex(_outcomes, o => o.Fails);
            for (var i = 0; i < _scenario.Copies.Count; i++)
            {
                var copy = _scenario.Copies[i];
                var source = _scenario.InitialSource(i);
                await _memory.WriteAsync(copy.Source, source, ct).ConfigureAwait(false);
                await Guards.PlaceAsync(_memory, expected, copy.Destination, (int)copy.Length, Guard, ct).ConfigureAwait(false);
                var reached = failing < 0 || i < failing || (i == failing && _outcomes[i] is { Fetch: EngineError.None, Data: EngineError.None });
                if (_e.CyclicWraps > 0 || reached)
                {
                    expected.Expect(copy.Destination, ExpectedDestination(source), $"destination {i}");
                }
                else if (i > failing)
                {
                    expected.ExpectFill(copy.Destination, (int)copy.Length, Guards.Value, $"destination {i} (after the failing descriptor {failing}: untouched)");
                }
            }

            if (!_e.Simple)
            {
                await WriteDescriptorsAsync(ct).ConfigureAwait(false);
            }

            await _sim.MemConfigAsync(new MemConfig { Faults = [.. _e.Faults.Select(f => f.Window)] }, ct).ConfigureAwait(false);
            await _sim.StatsAsync(reset: true, ct).ConfigureAwait(false);
            await WriteAndCheckAsync(CdmaRegisters.ExtXferCtrlOffset, _e.XferCtrl, "EXT_XFER_CTRL",
                (uint)_e.Mode | ((uint)(_e.MaxBurst(_rtl) - 1) << CdmaRegisters.Xfer.MaxBurstM1Lsb) |
                ((uint)_e.MaxOutstanding(_rtl) << CdmaRegisters.Xfer.MaxOutLsb), ct).ConfigureAwait(false);
            await WriteAndCheckAsync(CdmaRegisters.ExtStealCfgOffset, _e.StealCfg, "EXT_STEAL_CFG",
                (uint)_e.BeatsPerGrant(_rtl) | ((_e.IdleGap & 0xFFFF) << CdmaRegisters.Xfer.StealIdleLsb), ct).ConfigureAwait(false);
            await _sim.RegWriteAsync(CdmaRegisters.ExtPerfCtrlOffset, 1u << CdmaRegisters.Xfer.PerfClearBit, ct).ConfigureAwait(false);
            await WriteControlAsync(ct).ConfigureAwait(false);
        }

        /// <summary>A keyhole copy's destination: one beat at the write keyhole, the read keyhole's beat repeated.</summary>
        private byte[] ExpectedDestination(byte[] source)
        {
            var bpb = _rtl.BytesPerBeat;
            var read = source;
            if (_e.KeyholeRead)
            {
                read = new byte[source.Length];
                for (var o = 0; o < read.Length; o += bpb)
                {
                    source.AsSpan(0, bpb).CopyTo(read.AsSpan(o));
                }
            }

            if (!_e.KeyholeWrite)
            {
                return read;
            }

            var landed = new byte[source.Length];
            Array.Fill(landed, Guards.Value);
            read.AsSpan(read.Length - bpb, bpb).CopyTo(landed);
            return landed;
        }

        private async Task WriteDescriptorsAsync(CancellationToken ct)
        {
            var n = _e.Descriptors.Count;
            if (_e.Snoop is { } snoop)
            {
                await _sim.CoherencyAsync(snoop: snoop, cancellationToken: ct).ConfigureAwait(false);
            }

            for (var i = 0; i < n; i++)
            {
                var copy = _scenario.Copies[i];
                var bytes = new byte[CdmaDescriptor.Size];
                CdmaDescriptor.Encode(_e.Descriptors[(i + 1) % n], copy.Source, copy.Destination, copy.Length).CopyTo(bytes, 0);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CdmaDescriptor.StatusOffset), _initialStatus[i]);
                // memory holds each descriptor first, so that the backdoor view the model is checked against
                // never shows an earlier scenario's STATUS while the CPU's dirty copy waits in its cache
                await _memory.WriteAsync(_e.Descriptors[i], bytes, ct).ConfigureAwait(false);
                if (_e.Snoop != null)
                {
                    // the driver builds its descriptors in cached memory; without snoop it cleans them for the device
                    await _sim.CpuWriteAsync(_e.Descriptors[i], bytes, cached: true, ct).ConfigureAwait(false);
                    if (_e.Snoop == false)
                    {
                        await _sim.CacheAsync(CacheOp.Clean, _e.Descriptors[i], CdmaDescriptor.Size, ct).ConfigureAwait(false);
                    }
                }
            }
        }

        private async Task WriteAndCheckAsync(uint offset, uint value, string name, uint expected, CancellationToken ct)
        {
            await _sim.RegWriteAsync(offset, value, ct).ConfigureAwait(false);
            var read = await _sim.RegReadAsync(offset, ct).ConfigureAwait(false);
            Require(Pg034Model.Compare(name, expected, read), "after software wrote it");
        }

        private async Task WriteControlAsync(CancellationToken ct)
        {
            _model.WriteCdmacr(_e.Control);
            await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, _e.Control, ct).ConfigureAwait(false);
            var read = await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, ct).ConfigureAwait(false);
            Require(Pg034Model.Compare("CDMACR", _model.Cdmacr, read), "after software wrote it");
        }

        private async Task WritePointerAsync(uint offset, ulong address, CancellationToken ct)
        {
            await _sim.RegWriteAsync(offset, (uint)address, ct).ConfigureAwait(false);
            if (_rtl.AddrWidth > 32)
            {
                _cycle = await _sim.RegWriteAsync(offset + 4, (uint)(address >> 32), ct).ConfigureAwait(false);
            }
        }

        private async Task StartWalkAsync(int first, CancellationToken ct)
        {
            var tail = _e.FirstTail >= 0 && !_resumed && _e.CyclicWraps == 0 ? _e.FirstTail : _e.Descriptors.Count - 1;
            _model.WriteCurDesc(first);
            await WritePointerAsync(CdmaRegisters.CurdescOffset, _e.Descriptors[first], ct).ConfigureAwait(false);
            _model.WriteTailDesc(tail);
            await WritePointerAsync(CdmaRegisters.TaildescOffset, _e.Descriptors[tail], ct).ConfigureAwait(false);
        }

        private async Task RunSimpleAsync(CancellationToken ct)
        {
            for (var i = 0; i < _scenario.Copies.Count; i++)
            {
                var copy = _scenario.Copies[i];
                await WritePointerAsync(CdmaRegisters.SaOffset, copy.Source, ct).ConfigureAwait(false);
                await WritePointerAsync(CdmaRegisters.DaOffset, copy.Destination, ct).ConfigureAwait(false);
                _model.SimpleStart();
                await _sim.RegWriteAsync(CdmaRegisters.BttOffset, copy.Length, ct).ConfigureAwait(false);
                var stop = await _sim.RunUntilAsync(SimEvent.Irq, _budget, ct).ConfigureAwait(false);
                _cycle = stop.Cycle;
                Observed.Interrupts++;
                if (_outcomes[i].Fails)
                {
                    _model.Halt(_outcomes[i]);
                }
                else
                {
                    _model.SimpleDone();
                    Observed.CompletionsPerIoc.Add(1);
                }

                var sr = await _sim.RegReadAsync(CdmaRegisters.CdmasrOffset, ct).ConfigureAwait(false);
                Require(Pg034Model.Compare("CDMASR", _model.Cdmasr, sr), $"at the interrupt of simple copy {i}");
                await ClearAsync(sr, ct).ConfigureAwait(false);
                if (_model.Halted)
                {
                    return;
                }
            }
        }

        private async Task ClearAsync(uint sr, CancellationToken ct)
        {
            var clear = sr & CdmaRegisters.Sr.IrqMask;
            _model.WriteCdmasr(clear);
            _cycle = await _sim.RegWriteAsync(CdmaRegisters.CdmasrOffset, clear, ct).ConfigureAwait(false);
        }

        private async Task RunScatterGatherAsync(CancellationToken ct)
        {
            await StartWalkAsync(0, ct).ConfigureAwait(false);
            var target = _e.CyclicWraps * _e.Descriptors.Count;
            while (true)
            {
                if (_model.Halted || (_model.Idle && !_irqUncertain))
                {
                    if (_model.Idle && !_model.Halted && _e.FirstTail >= 0 && !_resumed && _counted < _e.Descriptors.Count)
                    {
                        _resumed = true; // the driver appended to the chain: TAILDESC moves on, the walk resumes after the old tail
                        _model.WriteTailDesc(_e.Descriptors.Count - 1);
                        await WritePointerAsync(CdmaRegisters.TaildescOffset, _e.Descriptors[^1], ct).ConfigureAwait(false);
                        continue;
                    }

                    return;
                }

                var stopped = await WaitAsync(ct).ConfigureAwait(false);
                if (!stopped)
                {
                    continue; // a poll: completions were counted
                }

                await HandleInterruptAsync(ct).ConfigureAwait(false);
                if (_e.CyclicWraps > 0 && _counted >= target)
                {
                    Observed.CyclicWraps = _counted / _e.Descriptors.Count;
                    await SoftResetAsync(ct).ConfigureAwait(false);
                    return;
                }

                if (_e.SoftResetAfter >= 0 && !_reset && _counted >= _e.SoftResetAfter && !_model.Idle)
                {
                    await SoftResetAsync(ct).ConfigureAwait(false);
                    var first = _counted;
                    if (first < _e.Descriptors.Count)
                    {
                        await WriteControlAsync(ct).ConfigureAwait(false);
                        await StartWalkAsync(first, ct).ConfigureAwait(false);
                    }
                }

                if (_e.PerfClearAfter >= 0 && !_perfCleared && _counted >= _e.PerfClearAfter && !_model.Idle)
                {
                    // the clear lands somewhere inside the register write: the stats before and after it bound the counters
                    _perfCleared = true;
                    _perfBase = await ObservedPerfAsync(ct).ConfigureAwait(false);
                    await _sim.RegWriteAsync(CdmaRegisters.ExtPerfCtrlOffset, 1u << CdmaRegisters.Xfer.PerfClearBit, ct).ConfigureAwait(false);
                    _perfBaseHigh = await ObservedPerfAsync(ct).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Runs until the interrupt (true), or for one poll step in a delay-timer scenario (false).</summary>
        private async Task<bool> WaitAsync(CancellationToken ct)
        {
            var max = _polling ? PollStep : _budget;
            try
            {
                var before = _cycle;
                var stop = await _sim.RunUntilAsync(SimEvent.Irq, max, ct).ConfigureAwait(false);
                _immediate = stop.Cycle <= before + 1 && _handled != 0;
                _cycle = stop.Cycle;
                return true;
            }
            catch (SimRequestException e) when (e.ErrorCode == SimErrorCode.Timeout && _polling)
            {
                _cycle = await _sim.RunAsync(0, ct).ConfigureAwait(false);
                await CountAsync(ct, _cycle).ConfigureAwait(false);
                if (_model.DelayArmed && !_model.Halted)
                {
                    var (_, last) = _model.DelayWindow((long)_completionSeenAfter, (long)_completionSeenBy, _scenario.Memory.WriteLatency ?? 0);
                    // a completion seen but not yet fed may have restarted the timer in time
                    var restarted = _counted < _seen.Count && (long)_seen[_counted].After < last;
                    if ((long)_cycle > last && !restarted)
                    {
                        Fail($"Dly_Irq expected by cycle {last} (IRQDelay {_e.IrqDelay} x {Pg034Model.DelayUnit} cycles after completion {_counted}, seen in memory in cycles {_completionSeenAfter + 1}..{_completionSeenBy}), not risen by cycle {_cycle}");
                    }
                }

                if (_cycle - _completionSeenBy > _budget)
                {
                    Fail($"no completion and no interrupt for {_budget} cycles (cycle {_cycle}); the model expects descriptor {_model.Position} to complete");
                }

                return false;
            }
        }

        private async Task HandleInterruptAsync(CancellationToken ct)
        {
            Observed.Interrupts++;
            var stopCycle = _cycle;
            var handledFrom = stopCycle;
            // polling: only the completions surely done by now; the rest once the interrupt's kind is known
            await CountAsync(ct, _polling ? stopCycle : null).ConfigureAwait(false);
            var sr = await _sim.RegReadAsync(CdmaRegisters.CdmasrOffset, ct).ConfigureAwait(false);
            var cur = await _sim.RegReadAsync(CdmaRegisters.CurdescOffset, ct).ConfigureAwait(false);
            var seenAtStop = _seen.Count;
            var readsDone = await _sim.RunAsync(0, ct).ConfigureAwait(false);
            var uncertain = _irqUncertain;
            _irqUncertain = false;
            var unsettled = false;
            if ((sr & (1u << CdmaRegisters.Sr.DlyIrqBit)) != 0 && !_model.DlyIrq)
            {
                Check(() => _model.DelayFired(), stopCycle);
                Observed.DelayFired = true;
                if (_polling)
                {
                    var (first, last) = _model.DelayWindow((long)_completionSeenAfter, (long)_completionSeenBy, _scenario.Memory.WriteLatency ?? 0);
                    // a rise while the previous interrupt was handled is seen only when the wait starts again
                    var riseLow = _immediate ? _handledFrom : stopCycle;
                    if ((long)stopCycle < first || (long)riseLow > last)
                    {
                        Fail($"CDMASR.Dly_Irq rose at cycle {stopCycle}, expected in cycles {first}..{last} (IRQDelay {_e.IrqDelay} x {Pg034Model.DelayUnit} after completion {_counted}, seen in memory in cycles {_completionSeenAfter + 1}..{_completionSeenBy})");
                    }
                }

                unsettled = _counted < _seen.Count; // a completion landed around the Dly_Irq: its done may come after the reads
            }

            _cycle = readsDone;
            await CountAsync(ct).ConfigureAwait(false);
            var countedBefore = _counted;
            // a STATUS that landed during the reads: its done may come after them, the reads may not show it
            unsettled |= _seen.Count > seenAtStop;
            if ((sr & (1u << CdmaRegisters.Sr.ErrIrqBit)) != 0 && !_model.Halted)
            {
                var outcome = _outcomes[_model.Position];
                if (!outcome.Fails)
                {
                    Fail($"Err_Irq at cycle {stopCycle} on descriptor {_model.Position}, which the model says completes (CDMASR 0x{sr:X8})");
                }

                _model.Halt(outcome);
            }

            // fields that move with a completion during the reads are compared only when none came
            var mask = uint.MaxValue;
            if (_model.DelayArmed)
            {
                mask &= ~(0xFFu << CdmaRegisters.Sr.IrqDelayStsLsb);
            }

            if (uncertain)
            {
                mask &= ~((1u << CdmaRegisters.Sr.IocIrqBit) | (1u << CdmaRegisters.Sr.DlyIrqBit));
            }

            if (uncertain)
            {
                _model.SyncIrqBits(sr);
            }

            var expectedSr = _model.Cdmasr;
            var expectedCur = _model.CurDesc;
            var position = _model.Position;
            await ClearAsync(sr, ct).ConfigureAwait(false);
            await CountAsync(ct).ConfigureAwait(false);
            _handled = _cycle;
            _handledFrom = handledFrom;
            if (_counted == countedBefore && !unsettled)
            {
                Require(Pg034Model.Compare("CDMASR", expectedSr, sr, mask),
                    $"at the interrupt in cycle {stopCycle} after {_counted} completions");
                if ((uint)expectedCur != cur)
                {
                    Fail($"CURDESC expected 0x{expectedCur:X8} (descriptor {position}) read 0x{cur:X8} at the interrupt in cycle {stopCycle} after {_counted} completions");
                }
            }
            else
            {
                _irqUncertain = true; // a completion during the reads: IOC_Irq may have been cleared with the old one
            }

            if (_e.CyclicWraps == 0)
            {
                await CheckStatusWordsAsync($"at the interrupt in cycle {stopCycle}", ct).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Counts new completions from the STATUS words (backdoor, no simulated time) and feeds them to the model.
        /// A STATUS lands in memory before the engine's done (its B, then one state), so outside an interrupt that
        /// a completion raised only those seen at least <see cref="DoneLag"/> cycles before <paramref name="doneBy"/> are fed.
        /// </summary>
        private async Task CountAsync(CancellationToken ct, ulong? doneBy = null)
        {
            var n = _e.Descriptors.Count;
            if (_e.CyclicWraps > 0)
            {
                // each completion sets Cmplt; the runner clears it again after counting
                var now = 0;
                for (var k = 0; k < n; k++)
                {
                    var index = (_model.Position + k) % n;
                    var status = await StatusAsync(index, ct).ConfigureAwait(false);
                    if ((status & CdmaDescriptor.StatusComplete) == 0)
                    {
                        break;
                    }

                    now++;
                    var cleared = new byte[4];
                    BinaryPrimitives.WriteUInt32LittleEndian(cleared, status & ~CdmaDescriptor.StatusComplete);
                    await _memory.WriteAsync(_e.Descriptors[index] + CdmaDescriptor.StatusOffset, cleared, ct).ConfigureAwait(false);
                }

                for (var k = 0; k < now; k++)
                {
                    Feed();
                }

                _lastObserved = _cycle;
                return;
            }

            var visible = await VisibleAsync(ct).ConfigureAwait(false);
            for (; _seen.Count < visible;)
            {
                _seen.Add((_lastObserved, _cycle));
            }

            _lastObserved = _cycle;
            while (_counted < _seen.Count && (doneBy == null || _seen[_counted].By + DoneLag <= doneBy))
            {
                (_completionSeenAfter, _completionSeenBy) = _seen[_counted];
                Feed();
            }
        }

        private ulong DoneLag => (_scenario.Memory.WriteLatency ?? 0) + 8;

        private void Feed()
        {
            var (ioc, covered) = Check(() => _model.DescriptorCompleted(), _cycle);
            _counted++;
            if (ioc)
            {
                Observed.CompletionsPerIoc.Add(covered);
            }
        }

        /// <summary>Descriptors of the walk with Cmplt set, from the first (a prefix: a later one with Cmplt fails the scenario).</summary>
        private async Task<int> VisibleAsync(CancellationToken ct)
        {
            var n = _e.Descriptors.Count;
            var visible = 0;
            while (visible < n && (await StatusAsync(visible, ct).ConfigureAwait(false) & CdmaDescriptor.StatusComplete) != 0)
            {
                visible++;
            }

            for (var k = visible + 1; k < n; k++)
            {
                if ((await StatusAsync(k, ct).ConfigureAwait(false) & CdmaDescriptor.StatusComplete) != 0)
                {
                    Fail($"descriptor {k} has Cmplt though descriptor {visible} before it in the walk has not (cycle {_cycle})");
                }
            }

            return visible;
        }

        private async Task<uint> StatusAsync(int index, CancellationToken ct)
        {
            var bytes = await _memory.ReadAsync(_e.Descriptors[index] + CdmaDescriptor.StatusOffset, 4, ct).ConfigureAwait(false);
            return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        }

        private async Task CheckStatusWordsAsync(string when, CancellationToken ct)
        {
            for (var i = 0; i < _e.Descriptors.Count; i++)
            {
                var actual = await StatusAsync(i, ct).ConfigureAwait(false);
                var expected = i < _counted ? _outcomes[i].Fails ? _outcomes[i].StatusAfter(_initialStatus[i]) : DescriptorOutcome.Ok.StatusAfter(_initialStatus[i])
                    : i == _model.Position && _model.Halted ? _outcomes[i].StatusAfter(_initialStatus[i])
                    : _initialStatus[i];
                var inProgress = i == _model.Position && !_model.Halted && !_model.Idle;
                if (actual != expected && !(inProgress && actual == _outcomes[i].StatusAfter(_initialStatus[i])))
                {
                    Fail($"descriptor {i} (0x{_e.Descriptors[i]:X8}) STATUS expected 0x{expected:X8} read 0x{actual:X8} {when} ({_counted} completions; {StatusFields(expected, actual)})");
                }
            }
        }

        private static string StatusFields(uint expected, uint actual) =>
            string.Join(", ", new[] { ("Cmplt", 31), ("DMADecErr", 30), ("DMASlvErr", 29), ("DMAIntErr", 28) }
                .Where(f => ((expected ^ actual) >> f.Item2 & 1) != 0)
                .Select(f => $"{f.Item1} expected {expected >> f.Item2 & 1} read {actual >> f.Item2 & 1}")
                .DefaultIfEmpty($"reserved bits expected 0x{expected & 0x0FFF_FFFF:X7} read 0x{actual & 0x0FFF_FFFF:X7}"));

        private async Task SoftResetAsync(CancellationToken ct)
        {
            _reset = true;
            await _sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, _e.Control | (1u << CdmaRegisters.Cr.ResetBit), ct).ConfigureAwait(false);
            for (var polls = 0; ; polls++)
            {
                var cr = await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, ct).ConfigureAwait(false);
                if ((cr & (1u << CdmaRegisters.Cr.ResetBit)) == 0)
                {
                    break;
                }

                if (polls > 1000)
                {
                    Fail("CDMACR.Reset still 1 after 1000 polls: the soft reset never finished");
                }

                await _sim.RunAsync(64, ct).ConfigureAwait(false);
            }

            _cycle = await _sim.RunAsync(0, ct).ConfigureAwait(false);
            if (_e.CyclicWraps == 0)
            {
                // completions that landed before the reset: counted, outside the model (the reset clears it)
                _counted = await VisibleAsync(ct).ConfigureAwait(false);
                while (_seen.Count < _counted)
                {
                    _seen.Add((_lastObserved, _cycle));
                }
            }

            _model.SoftReset();
            Require(Pg034Model.Compare("CDMACR", _model.Cdmacr, await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, ct).ConfigureAwait(false)), "after the soft reset");
            Require(Pg034Model.Compare("CDMASR", _model.Cdmasr, await _sim.RegReadAsync(CdmaRegisters.CdmasrOffset, ct).ConfigureAwait(false)), "after the soft reset");
            var cur = await _sim.RegReadAsync(CdmaRegisters.CurdescOffset, ct).ConfigureAwait(false);
            if (cur != 0)
            {
                Fail($"CURDESC expected 0x00000000 after the soft reset, read 0x{cur:X8}");
            }

        }

        private async Task FinalCheckAsync(CancellationToken ct)
        {
            await CountAsync(ct).ConfigureAwait(false);
            var sr = await _sim.RegReadAsync(CdmaRegisters.CdmasrOffset, ct).ConfigureAwait(false);
            if (_model.DelayArmed && !_model.DlyIrq && (sr & (1u << CdmaRegisters.Sr.DlyIrqBit)) != 0)
            {
                // the timer expired after the last interrupt handled (after a halt no completion restarts it):
                // Dly_Irq, and the coalescing counter reloads
                Check(_model.DelayFired, _cycle);
            }

            var mask = _model.DelayArmed ? ~((0xFFu << CdmaRegisters.Sr.IrqDelayStsLsb) | (1u << CdmaRegisters.Sr.DlyIrqBit)) : uint.MaxValue;
            Require(Pg034Model.Compare("CDMASR", _model.Cdmasr, sr, mask), "at the end");
            Require(Pg034Model.Compare("CDMACR", _model.Cdmacr, await _sim.RegReadAsync(CdmaRegisters.CdmacrOffset, ct).ConfigureAwait(false)), "at the end");
            if (!_e.Simple)
            {
                var cur = await _sim.RegReadAsync(CdmaRegisters.CurdescOffset, ct).ConfigureAwait(false);
                if ((uint)_model.CurDesc != cur)
                {
                    Fail($"CURDESC expected 0x{_model.CurDesc:X8} (descriptor {_model.Position}) read 0x{cur:X8} at the end ({_counted} completions)");
                }

                if (_e.CyclicWraps == 0)
                {
                    await CheckStatusWordsAsync("at the end", ct).ConfigureAwait(false);
                }
                else
                {
                    for (var i = 0; i < _e.Descriptors.Count; i++)
                    {
                        var status = await StatusAsync(i, ct).ConfigureAwait(false);
                        if ((status & ~(CdmaDescriptor.StatusComplete | CdmaDescriptor.StatusErrors)) != (_initialStatus[i] & 0x0FFF_FFFF))
                        {
                            Fail($"descriptor {i} STATUS reserved bits expected 0x{_initialStatus[i]:X7} read 0x{status & 0x0FFF_FFFF:X7} at the end of the cyclic ring");
                        }
                    }
                }

                if (_e.Snoop is { } snoop)
                {
                    await CheckCpuViewAsync(snoop, ct).ConfigureAwait(false);
                }
            }

            // the performance counters against what the harness saw on the DMA's port
            var observed = await ObservedPerfAsync(ct).ConfigureAwait(false);
            var rtl = new PerfCounts(
                await _sim.RegReadAsync(CdmaRegisters.ExtPerfRdBeatsOffset, ct).ConfigureAwait(false),
                await _sim.RegReadAsync(CdmaRegisters.ExtPerfWrBeatsOffset, ct).ConfigureAwait(false),
                await _sim.RegReadAsync(CdmaRegisters.ExtPerfBusyOffset, ct).ConfigureAwait(false),
                await _sim.RegReadAsync(CdmaRegisters.ExtPerfBusWaitOffset, ct).ConfigureAwait(false));
            var low = observed - _perfBaseHigh;
            if (_perfCleared && _e.SnoopOn)
            {
                // snoop mode: the monitor takes a write burst whole before forwarding it, so up to one burst the engine
                // counted before the clear reaches the harness's port (after the monitor) after the clear
                low = low with { WriteBeats = low.WriteBeats - Math.Min(low.WriteBeats, (ulong)_e.MaxBurst(_rtl)) };
            }

            var high = observed - _perfBase;
            foreach (var difference in PerfCounts.Compare(rtl, low, high))
            {
                Fail($"{difference} at the end (cycle {_cycle})");
            }
        }

        /// <summary>The CPU reads every STATUS word through its cache as the driver does (without snoop: after invalidating).</summary>
        private async Task CheckCpuViewAsync(bool snoop, CancellationToken ct)
        {
            await _sim.MemConfigAsync(new MemConfig { Faults = [] }, ct).ConfigureAwait(false);
            for (var i = 0; i < _e.Descriptors.Count; i++)
            {
                var address = _e.Descriptors[i] + CdmaDescriptor.StatusOffset;
                if (!snoop)
                {
                    await _sim.CacheAsync(CacheOp.Invalidate, _e.Descriptors[i], CdmaDescriptor.Size, ct).ConfigureAwait(false);
                }

                var cpu = BinaryPrimitives.ReadUInt32LittleEndian(await _sim.CpuReadAsync(address, 4, cached: true, ct).ConfigureAwait(false));
                var memory = await StatusAsync(i, ct).ConfigureAwait(false);
                if (cpu != memory)
                {
                    Fail($"descriptor {i} STATUS: the CPU's cached load read 0x{cpu:X8}, memory holds 0x{memory:X8} (snoop {(snoop ? "on" : "off")})");
                }
            }
        }

        /// <summary>What the harness counted on the DMA's port: the events of the four EXT_PERF counters it can see.</summary>
        private async Task<PerfCounts> ObservedPerfAsync(CancellationToken ct)
        {
            var bus = await _sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
            return new PerfCounts(bus.ReadBeats, bus.WriteBeats, bus.BusyCycles, bus.BusWaitCycles);
        }

        private T Check<T>(Func<T> step, ulong cycle)
        {
            try
            {
                return step();
            }
            catch (ModelMismatchException e)
            {
                Fail($"{e.Message} (cycle {cycle})");
                throw;
            }
        }

        private void Check(Action step, ulong cycle) => Check(() =>
        {
            step();
            return 0;
        }, cycle);

        private void Require(string? difference, string when)
        {
            if (difference != null)
            {
                Fail($"{difference} {when} (cycle {_cycle})");
            }
        }

        private void Fail(string message) =>
            throw new ScenarioException(string.Create(CultureInfo.InvariantCulture,
                $"seed {_scenario.Seed}: {message}\nscenario: {_scenario.Describe()}"));
    }
}
