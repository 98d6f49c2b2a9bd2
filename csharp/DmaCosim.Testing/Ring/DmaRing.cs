// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Ring;

/// <summary>What one ring run measured and what its checks found. Cycles are simulated cycles.</summary>
/// <param name="Point">The point.</param>
public sealed record RingResult(RingPoint Point)
{
    /// <summary>Bytes the consumer consumed (blocks × block size).</summary>
    public long Bytes { get; init; }

    /// <summary>Cycles from the DMA's start to the consumer's release of the last block.</summary>
    public ulong Cycles { get; init; }

    /// <summary>Consumer cycles loading the producer index and storing the consumer index.</summary>
    public ulong IndexCycles { get; init; }

    /// <summary>Consumer cycles loading block data.</summary>
    public ulong ReadCycles { get; init; }

    /// <summary>Consumer cycles in cache maintenance (SyncForCpu, SyncForDevice).</summary>
    public ulong SyncCycles { get; init; }

    /// <summary>Consumer cycles computing (work per byte × bytes, interrupts excluded).</summary>
    public ulong WorkCycles { get; init; }

    /// <summary>CPU cycles idle, waiting for the DMA interrupt.</summary>
    public ulong WaitCycles { get; init; }

    /// <summary>CPU cycles in the kernel: the interrupt handler, descriptor refills, interrupt checks.</summary>
    public ulong KernelCycles { get; init; }

    /// <summary>Mean cycles from the kernel taking a block's completion interrupt to the consumer holding its bytes.</summary>
    public double LatencyMean { get; init; }

    /// <summary>Longest such latency.</summary>
    public ulong LatencyMax { get; init; }

    /// <summary>Cycles the DMA was busy (CDMASR.Idle = 0) during the run.</summary>
    public ulong DmaBusyCycles { get; init; }

    /// <summary>DRAM beats (read + write, DMA and CPU) per cycle over the two channels: 1.0 = both busy every cycle.</summary>
    public double BusUtilisation { get; init; }

    /// <summary>Blocks whose bytes, as the consumer read them, differ from what the device produced (the scoreboard).</summary>
    public int DataErrors { get; init; }

    /// <summary>Blocks whose memory changed before the consumer was done with them (the producer overwrote an unconsumed block).</summary>
    public int Overwrites { get; init; }

    /// <summary>Reports of the coherency monitor (STALE_CPU_READ and the others).</summary>
    public ulong MonitorViolations { get; init; }

    /// <summary>The first violation found, described, or null.</summary>
    public string? FirstViolation { get; init; }

    /// <summary>Why the run stopped early, or null when it ran to the end.</summary>
    public string? Error { get; init; }

    /// <summary>True when it ran to the end (violations are results, not errors).</summary>
    public bool Passed => Error == null;

    /// <summary>Everything the checks found: data errors + overwrites + monitor reports.</summary>
    public long Violations => DataErrors + Overwrites + (long)MonitorViolations;

    /// <summary>What the mapping costs the consumer: index, data and maintenance cycles per byte (work and waits excluded).</summary>
    public double ConsumerCyclesPerByte => PerByte(IndexCycles + ReadCycles + SyncCycles);

    /// <summary>Data-load cycles per byte.</summary>
    public double ReadCyclesPerByte => PerByte(ReadCycles);

    /// <summary>Maintenance cycles per byte.</summary>
    public double SyncCyclesPerByte => PerByte(SyncCycles);

    /// <summary>Kernel cycles per byte.</summary>
    public double KernelCyclesPerByte => PerByte(KernelCycles);

    /// <summary>End-to-end throughput of the ring: bytes produced and consumed per cycle.</summary>
    public double DmaBytesPerCycle => Cycles == 0 ? 0 : (double)Bytes / Cycles;

    /// <summary>The DMA's own rate while it has work: bytes per busy cycle.</summary>
    public double DmaBytesPerBusyCycle => DmaBusyCycles == 0 ? 0 : (double)Bytes / DmaBusyCycles;

    /// <summary>Fraction of the run the DMA was busy.</summary>
    public double DmaBusyFraction => Cycles == 0 ? 0 : (double)DmaBusyCycles / Cycles;

    private double PerByte(ulong cycles) => Bytes == 0 ? 0 : (double)cycles / Bytes;
}

/// <summary>
/// A ring of <see cref="RingPoint.Depth"/> blocks of <see cref="RingPoint.BlockBytes"/> bytes in DMA
/// memory, filled by the CDMA through a descriptor ring and consumed by the CPU, written as a driver
/// and a user-space consumer would write them on the DMA API (issue #18).
/// </summary>
/// <remarks>
/// <para>The producer (the kernel): one descriptor per block, NXTDESC linking the last back to the
/// first, copying from the device's own memory (a seeded pattern per block number, so every byte
/// consumed is checked) into the block. Flow control is the tail pointer, not CDMACR.Cyclic (which
/// walks the ring regardless of TAILDESC, so nothing could stop it overwriting an unconsumed block):
/// block s is armed — its STATUS cleared, TAILDESC moved onto its descriptor — only once the consumer
/// index says block s − depth was consumed. The interrupt handler (IOC per descriptor) reads the
/// STATUS words, publishes the producer index (a store to shared memory after the STATUS loads that
/// saw Cmplt: smp_store_release) and refills. The consumer's release also kicks the refill (the
/// doorbell a ring that has stalled full needs: no interrupt would come).</para>
/// <para>The consumer (user space, the same core): loads the producer index (smp_load_acquire),
/// reads each block up to it through its mapping, computes, and publishes its consumer index
/// (smp_store_release) after the block's last access. The interrupt preempts the consumer between
/// any two of its memory ops (a block's loads are one op) and during its computation.</para>
/// <para>Checks, independent of the driver: every block the consumer read is compared with what the
/// device produced (scoreboard); before the consumer releases a block, DRAM must still hold it (no
/// overwrite of an unconsumed block); and the coherency monitor's reports.</para>
/// </remarks>
public sealed class DmaRing
{
    /// <summary>The device's own memory the CDMA copies from (its FIFO / BRAM), one slot per descriptor.</summary>
    public const ulong DeviceSource = 0x0400_0000;

    private readonly HarnessProcess _harness;
    private readonly RingPoint _point;
    private readonly int _blocks;
    private readonly ulong _seed;
    private readonly MeteredCpu _cpu;
    private readonly CancellationToken _ct;
    private readonly ulong[] _completedAt;
    private readonly List<ulong> _latencies = [];
    private DmaDevice _device = null!;
    private CoherentBuffer _control = null!;
    private CoherentBuffer? _coherentRing;
    private DmaBuffer? _buffer;
    private DmaMapping[] _maps = [];
    private CoherentBuffer[] _descriptors = [];
    private int _tailOffset;
    private long _armed;      // blocks handed to the DMA (the kernel's)
    private long _head;       // blocks the kernel published complete
    private int _dataErrors;
    private int _overwrites;
    private string? _firstViolation;

    private DmaRing(HarnessProcess harness, RingPoint point, int blocks, ulong seed, CancellationToken cancellationToken)
    {
        _harness = harness;
        _point = point;
        _blocks = blocks;
        _seed = seed;
        _ct = cancellationToken;
        _cpu = new MeteredCpu(harness.Client);
        _completedAt = new ulong[blocks];
    }

    private int Depth => _point.Depth;

    private int Block => _point.BlockBytes;

    private SimClient Sim => _harness.Client;

    private ulong RingBase => _coherentRing?.DmaAddress ?? _device.Bridge.ToBus(_buffer!.Address);

    // a block's DMA is a few cycles per byte at worst; the consumer's wait never needs more
    private ulong WaitBudget => 200_000 + (64 * (ulong)Block);

    /// <summary>
    /// Runs one ring on a harness (reset first): <paramref name="blocks"/> blocks produced by the
    /// DMA and consumed by the CPU.
    /// </summary>
    /// <param name="harness">The harness.</param>
    /// <param name="point">Mapping, block size, depth, work, discipline.</param>
    /// <param name="blocks">Blocks to produce and consume, ≥ 1.</param>
    /// <param name="seed">Seed of the device's data.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What it measured and found; <see cref="RingResult.Error"/> says why it stopped early.</returns>
    /// <exception cref="SimException">The harness crashed, stopped answering, or stopped at a SIM_ERROR.</exception>
    public static async Task<RingResult> RunAsync(
        HarnessProcess harness, RingPoint point, int blocks, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        var ring = new DmaRing(harness, point, blocks, seed, cancellationToken);
        return await ring.RunAsync().ConfigureAwait(false);
    }

    /// <summary>The bytes the device produces as block <paramref name="sequence"/>.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="sequence">The block's number (0, 1, …, across laps).</param>
    /// <param name="length">Block size.</param>
    /// <returns>The bytes.</returns>
    public static byte[] BlockData(ulong seed, long sequence, int length) =>
        SeededPattern.Create(length, (seed * 0x9E37_79B9_7F4A_7C15UL) ^ (ulong)(sequence + 1));

    private async Task<RingResult> RunAsync()
    {
        ulong start = 0;
        string? error = null;
        try
        {
            await SetUpAsync().ConfigureAwait(false);
            start = _cpu.Now;
            await StartAsync().ConfigureAwait(false);
            await ConsumeAllAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RingException or DmaApiException or SimRequestException { ErrorCode: not SimErrorCode.SimError })
        {
            error = e.Message;
        }

        var end = _cpu.Now;
        var dram = await Sim.StatsAsync(cancellationToken: _ct).ConfigureAwait(false);
        var monitor = await Sim.CoherencyAsync(cancellationToken: _ct).ConfigureAwait(false);
        var dma = await Sim.DmaBusStatsAsync(cancellationToken: _ct).ConfigureAwait(false);
        var cycles = end - start;
        return new RingResult(_point)
        {
            Bytes = (long)_latencies.Count * Block,
            Cycles = cycles,
            IndexCycles = _cpu[CpuAccount.ConsumerIndex],
            ReadCycles = _cpu[CpuAccount.ConsumerRead],
            SyncCycles = _cpu[CpuAccount.ConsumerSync],
            WorkCycles = _cpu[CpuAccount.ConsumerWork],
            WaitCycles = _cpu[CpuAccount.Wait],
            KernelCycles = _cpu[CpuAccount.Kernel],
            LatencyMean = _latencies.Count == 0 ? 0 : _latencies.Average(l => (double)l),
            LatencyMax = _latencies.Count == 0 ? 0 : _latencies.Max(),
            DmaBusyCycles = dma.BusyCycles,
            BusUtilisation = cycles == 0 ? 0 : (dram.ReadBeats + dram.WriteBeats) / (2.0 * cycles),
            DataErrors = _dataErrors,
            Overwrites = _overwrites,
            MonitorViolations = monitor.Total,
            FirstViolation = _firstViolation ?? (monitor.Violations.Count > 0 ? Describe(monitor.Violations[0]) : null),
            Error = error,
        };
    }

    private static string Describe(CoherencyViolation v) => $"monitor: {v.Kind} at 0x{v.Address:X} (cycle {v.Cycle})";

    /// <summary>Hardware reset, the DRAM model's defaults, the monitor's mode; the driver's allocations and descriptors.</summary>
    private async Task SetUpAsync()
    {
        var rtl = _harness.Hello.Rtl;
        await Sim.ResetAsync(cancellationToken: _ct).ConfigureAwait(false);
        await Sim.MemConfigAsync(new MemConfig { ReadLatency = 0, WriteLatency = 0, Backpressure = Backpressure.None, Faults = [] }, _ct)
            .ConfigureAwait(false);
        await Sim.CoherencyAsync(snoop: _point.Mapping == RingMapping.Snoop, clear: true, cancellationToken: _ct).ConfigureAwait(false);
        _device = new DmaDevice(_cpu, _cpu, DmaDevice.OptionsFor(_harness.Hello) with { Coherent = _point.Mapping == RingMapping.Snoop, DramWindows = null });
        var channel = new CdmaChannel(Sim, _device, rtl);
        await channel.ProbeAsync(_ct).ConfigureAwait(false);
        await _cpu.StartAsync(_ct).ConfigureAwait(false);
        _cpu.Account = CpuAccount.Kernel;

        var bytes = Depth * Block;
        if (_point.Mapping is RingMapping.Uncached or RingMapping.Snoop)
        {
            _coherentRing = _device.AllocCoherent(bytes); // uncached on the non-coherent device, cached on the snooping one
        }
        else
        {
            _buffer = _device.Allocate(bytes, Math.Max(rtl.CacheLine, 64));
            _maps = new DmaMapping[Depth];
            for (var i = 0; i < Depth; i++)
            {
                _maps[i] = await _device.MapSingleAsync(_buffer, DmaDirection.FromDevice, i * Block, Block, _ct).ConfigureAwait(false);
            }
        }

        // whatever an earlier run left in DRAM must not pass for this run's data
        await _harness.Memory.FillAsync(RingBase, bytes, 0xA5, _ct).ConfigureAwait(false);
        await _harness.Memory.FillAsync(DeviceSource, bytes, 0x5A, _ct).ConfigureAwait(false);

        // producer and consumer index, each on its own cache line (written by one side each)
        _tailOffset = Math.Max(rtl.CacheLine, 64);
        _control = _device.AllocCoherent(2 * _tailOffset);
        await _device.CoherentWriteManyAsync([(_control, 0, new byte[4]), (_control, _tailOffset, new byte[4])], _ct).ConfigureAwait(false);

        _descriptors = [.. Enumerable.Range(0, Depth).Select(_ => channel.DescriptorPool.Alloc())];
        var writes = new List<(CoherentBuffer, int, ReadOnlyMemory<byte>)>(Depth);
        for (var i = 0; i < Depth; i++)
        {
            var bytesOf = CdmaDescriptor.Encode(_descriptors[(i + 1) % Depth].DmaAddress, _device.Bridge.ToBus(DeviceSource) + (ulong)(i * Block), RingBase + (ulong)(i * Block), (uint)Block);
            writes.Add((_descriptors[i], 0, bytesOf.AsMemory(0, CdmaDescriptor.HardwareSize)));
        }

        await _device.CoherentWriteManyAsync(writes, _ct).ConfigureAwait(false);
        await Sim.StatsAsync(reset: true, _ct).ConfigureAwait(false);
    }

    /// <summary>Arms the first blocks and starts the engine: IOC per descriptor, SG mode, CURDESC, TAILDESC.</summary>
    private async Task StartAsync()
    {
        _cpu.Account = CpuAccount.Kernel;
        var first = (int)Math.Min(Depth, _blocks);
        for (var s = 0; s < first; s++)
        {
            await ProduceAsync(s).ConfigureAwait(false);
        }

        _armed = first;
        const uint control = (1u << CdmaRegisters.Cr.IrqThresholdLsb) | (1u << CdmaRegisters.Cr.TailPntrEnBit) |
                             (1u << CdmaRegisters.Cr.IocIrqEnBit) | (1u << CdmaRegisters.Cr.ErrIrqEnBit);
        await _cpu.RegWriteAsync(CdmaRegisters.CdmacrOffset, control, _ct).ConfigureAwait(false);
        await _cpu.RegWriteAsync(CdmaRegisters.CdmacrOffset, control | (1u << CdmaRegisters.Cr.SgModeBit), _ct).ConfigureAwait(false);
        await WriteAddressAsync(CdmaRegisters.CurdescOffset, CdmaRegisters.CurdescMsbOffset, _descriptors[0].DmaAddress).ConfigureAwait(false);
        await WriteAddressAsync(CdmaRegisters.TaildescOffset, CdmaRegisters.TaildescMsbOffset, _descriptors[(first - 1) % Depth].DmaAddress)
            .ConfigureAwait(false);
    }

    /// <summary>The device produces block <paramref name="sequence"/> into its memory (its own side: no bus cycles).</summary>
    private Task ProduceAsync(long sequence) =>
        _harness.Memory.WriteAsync(DeviceSource + (ulong)(Slot(sequence) * Block), BlockData(_seed, sequence, Block), _ct);

    private int Slot(long sequence) => (int)(sequence % Depth);

    /// <summary>
    /// A descriptor pointer as the driver writes it: the low word, then (more than 32 address bits)
    /// the high word, whose TAILDESC write is the one that starts an SG walk in such a build.
    /// </summary>
    private async Task WriteAddressAsync(uint low, uint high, ulong address)
    {
        await _cpu.RegWriteAsync(low, (uint)address, _ct).ConfigureAwait(false);
        if (_harness.Hello.Rtl.AddrWidth > 32)
        {
            await _cpu.RegWriteAsync(high, (uint)(address >> 32), _ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The interrupt handler: reads CDMASR and acknowledges what it saw; on an error stops the run;
    /// otherwise reads the STATUS words of the armed blocks in order, publishes the producer index
    /// past those with Cmplt, and refills.
    /// </summary>
    private async Task ServiceInterruptAsync()
    {
        var saved = _cpu.Account;
        _cpu.Account = CpuAccount.Kernel;
        var taken = _cpu.Now;
        var status = await _cpu.RegReadAsync(CdmaRegisters.CdmasrOffset, _ct).ConfigureAwait(false);
        var irq = status & CdmaRegisters.Sr.IrqMask;
        if (irq != 0)
        {
            await _cpu.RegWriteAsync(CdmaRegisters.CdmasrOffset, irq, _ct).ConfigureAwait(false);
            if ((status & (1u << CdmaRegisters.Sr.ErrIrqBit)) != 0)
            {
                throw new RingException($"the DMA stopped with an error: CDMASR 0x{status:X8} at cycle {_cpu.Now}; {_head} of {_armed} armed blocks complete");
            }

            var pending = (int)(_armed - _head);
            var reads = Enumerable.Range(0, pending)
                .Select(k => (_descriptors[Slot(_head + k)], CdmaDescriptor.StatusOffset, 4)).ToList();
            var words = await _device.CoherentReadManyAsync(reads, _ct).ConfigureAwait(false);
            var done = 0;
            foreach (var word in words.Select(w => BitConverter.ToUInt32(w)))
            {
                if ((word & CdmaDescriptor.StatusComplete) == 0)
                {
                    break;
                }

                if ((word & CdmaDescriptor.StatusErrors) != 0)
                {
                    throw new RingException($"block {_head + done}: descriptor STATUS 0x{word:X8} carries an error");
                }

                _completedAt[_head + done] = taken;
                done++;
            }

            if (done > 0)
            {
                _head += done;
                await _device.CoherentWriteAsync(_control, 0, BitConverter.GetBytes((uint)_head), _ct).ConfigureAwait(false);
            }
        }

        await RefillAsync().ConfigureAwait(false);
        _cpu.Account = saved;
    }

    /// <summary>
    /// Arms every block the consumer index allows (block s once s − depth was consumed): the device
    /// produces it, its descriptor's STATUS is cleared, then TAILDESC moves onto the last one (the
    /// doorbell comes after the descriptor stores).
    /// </summary>
    private async Task RefillAsync()
    {
        if (_armed >= _blocks)
        {
            return;
        }

        var saved = _cpu.Account;
        _cpu.Account = CpuAccount.Kernel;
        var tail = BitConverter.ToUInt32(await _device.CoherentReadAsync(_control, _tailOffset, 4, _ct).ConfigureAwait(false));
        if (tail > _head)
        {
            throw new RingException($"the consumer index {tail} is beyond the producer index {_head}");
        }

        var limit = Math.Min(_blocks, tail + (long)Depth);
        if (_armed < limit)
        {
            var clears = new List<(CoherentBuffer, int, ReadOnlyMemory<byte>)>();
            for (var s = _armed; s < limit; s++)
            {
                await ProduceAsync(s).ConfigureAwait(false);
                clears.Add((_descriptors[Slot(s)], CdmaDescriptor.StatusOffset, new byte[4]));
            }

            await _device.CoherentWriteManyAsync(clears, _ct).ConfigureAwait(false);
            _armed = limit;
            await WriteAddressAsync(CdmaRegisters.TaildescOffset, CdmaRegisters.TaildescMsbOffset, _descriptors[Slot(_armed - 1)].DmaAddress)
                .ConfigureAwait(false);
        }

        _cpu.Account = saved;
    }

    /// <summary>The consumer: every block, in order, with its discipline.</summary>
    private async Task ConsumeAllAsync()
    {
        long tail = 0;
        long head = 0;
        while (tail < _blocks)
        {
            if (_point.Discipline == ConsumerDiscipline.DataBeforeIndex)
            {
                var early = await ReadBlockAsync(tail).ConfigureAwait(false); // hoisted above the acquire
                head = await LoadHeadAsync().ConfigureAwait(false);
                if (head <= tail)
                {
                    await WaitAsync(tail).ConfigureAwait(false);
                    continue;
                }

                await FinishBlockAsync(tail, early).ConfigureAwait(false);
                await ReleaseAsync(++tail).ConfigureAwait(false);
                continue;
            }

            if (head == tail)
            {
                head = await LoadHeadAsync().ConfigureAwait(false);
                if (head == tail)
                {
                    await WaitAsync(tail).ConfigureAwait(false);
                    continue;
                }
            }

            if (_point.Discipline == ConsumerDiscipline.EarlyRelease)
            {
                await ReleaseAsync(tail + 1).ConfigureAwait(false); // before the reads: the block is the producer's again
                await FinishBlockAsync(tail, await ReadBlockAsync(tail).ConfigureAwait(false)).ConfigureAwait(false);
                tail++;
                continue;
            }

            await FinishBlockAsync(tail, await ReadBlockAsync(tail).ConfigureAwait(false)).ConfigureAwait(false);
            await ReleaseAsync(++tail).ConfigureAwait(false);
        }
    }

    /// <summary>The interrupt, if pending, is taken before the consumer's next memory op (between any two).</summary>
    private async Task PreemptAsync()
    {
        _cpu.Account = CpuAccount.Kernel;
        if (await _cpu.InterruptPendingAsync(_ct).ConfigureAwait(false))
        {
            await ServiceInterruptAsync().ConfigureAwait(false);
        }
    }

    private async Task<long> LoadHeadAsync()
    {
        await PreemptAsync().ConfigureAwait(false);
        _cpu.Account = CpuAccount.ConsumerIndex;
        return BitConverter.ToUInt32(await _device.CoherentReadAsync(_control, 0, 4, _ct).ConfigureAwait(false));
    }

    private async Task WaitAsync(long tail)
    {
        _cpu.Account = CpuAccount.Wait;
        await _cpu.WaitForInterruptAsync(WaitBudget, $"block {tail} (producer index {_head}, {_armed} armed)", _ct).ConfigureAwait(false);
        await ServiceInterruptAsync().ConfigureAwait(false);
    }

    /// <summary>Publishes the consumer index (after the block's last access), then kicks the refill.</summary>
    private async Task ReleaseAsync(long tail)
    {
        await PreemptAsync().ConfigureAwait(false);
        _cpu.Account = CpuAccount.ConsumerIndex;
        await _device.CoherentWriteAsync(_control, _tailOffset, BitConverter.GetBytes((uint)tail), _ct).ConfigureAwait(false);
        await RefillAsync().ConfigureAwait(false);
    }

    /// <summary>The consumer's loads of one block through its mapping (with its maintenance).</summary>
    private async Task<byte[]> ReadBlockAsync(long sequence)
    {
        await PreemptAsync().ConfigureAwait(false);
        var slot = Slot(sequence);
        var offset = slot * Block;
        switch (_point.Mapping)
        {
            case RingMapping.Invalidate:
                _cpu.Account = CpuAccount.ConsumerSync;
                await _device.SyncForCpuAsync(_maps[slot], Block, DmaDirection.FromDevice, _ct).ConfigureAwait(false);
                _cpu.Account = CpuAccount.ConsumerRead;
                return await _device.CpuReadAsync(_buffer!, offset, Block, _ct).ConfigureAwait(false);
            case RingMapping.Broken:
                // user space's cacheable mapping of the blocks: no DMA-API call, so no maintenance
                _cpu.Account = CpuAccount.ConsumerRead;
                return await _cpu.ReadAsync(_buffer!.Address + (ulong)offset, Block, cached: true, _ct).ConfigureAwait(false);
            default:
                _cpu.Account = CpuAccount.ConsumerRead;
                return await _device.CoherentReadAsync(_coherentRing!, offset, Block, _ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After the reads: latency, the scoreboard, the computation (preemptible), the overwrite check,
    /// and (streaming mapping) the block handed back to the device.
    /// </summary>
    private async Task FinishBlockAsync(long sequence, byte[] data)
    {
        var now = _cpu.Now;
        _latencies.Add(now > _completedAt[sequence] ? now - _completedAt[sequence] : 0);
        var expected = BlockData(_seed, sequence, Block);
        if (!data.AsSpan().SequenceEqual(expected))
        {
            _dataErrors++;
            _firstViolation ??= $"scoreboard: block {sequence} (slot {Slot(sequence)}) read at cycle {now}: {Classify(sequence, data, expected)}";
        }

        var work = (ulong)_point.WorkPerByte * (ulong)Block;
        while (work > 0)
        {
            _cpu.Account = CpuAccount.ConsumerWork;
            var before = _cpu.Now;
            var interrupted = await _cpu.RunUnlessInterruptedAsync(work, _ct).ConfigureAwait(false);
            work -= Math.Min(work, _cpu.Now - before);
            if (interrupted)
            {
                await ServiceInterruptAsync().ConfigureAwait(false);
            }
        }

        var slot = Slot(sequence);
        var memory = await _harness.Memory.ReadAsync(RingBase + (ulong)(slot * Block), Block, _ct).ConfigureAwait(false);
        if (!memory.AsSpan().SequenceEqual(expected))
        {
            _overwrites++;
            _firstViolation ??= $"overwrite: block {sequence} (slot {slot}) changed in memory at cycle {_cpu.Now}, before the consumer released it: " +
                                Classify(sequence, memory, expected);
        }

        if (_point.Mapping == RingMapping.Invalidate)
        {
            _cpu.Account = CpuAccount.ConsumerSync;
            await _device.SyncForDeviceAsync(_maps[slot], Block, DmaDirection.FromDevice, _ct).ConfigureAwait(false);
        }
    }

    /// <summary>Says what wrong bytes are: an earlier lap's block (stale), the next lap's (overwritten), or a mix.</summary>
    private string Classify(long sequence, byte[] actual, byte[] expected)
    {
        var first = actual.AsSpan().CommonPrefixLength(expected);
        var wrong = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            wrong += actual[i] != expected[i] ? 1 : 0;
        }

        var what = sequence >= Depth && actual.AsSpan().SequenceEqual(BlockData(_seed, sequence - Depth, Block))
            ? $"block {sequence - Depth}'s bytes (the previous lap: stale)"
            : sequence + Depth < _blocks && actual.AsSpan().SequenceEqual(BlockData(_seed, sequence + Depth, Block))
                ? $"block {sequence + Depth}'s bytes (the next lap: overwritten)"
                : $"{wrong} of {Block} bytes differ";
        return $"{what}, first difference at offset {first}";
    }
}
