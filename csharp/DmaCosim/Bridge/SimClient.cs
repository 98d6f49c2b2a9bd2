// SPDX-License-Identifier: MIT
using System.Buffers;
using MessagePack;

namespace DmaCosim.Bridge;

/// <summary>Settings of a <see cref="SimClient"/>.</summary>
public sealed record SimClientOptions
{
    /// <summary>
    /// Wall-clock time a request may take before it fails with <see cref="SimTransportTimeoutException"/>.
    /// This is the only wall-clock timeout of the bridge; simulated waits are bounded in cycles.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The slowest simulation rate (cycles per wall-clock second) still taken for progress: a
    /// <c>run</c> or <c>run_until</c> of N cycles may take <see cref="RequestTimeout"/> + N / this
    /// before it times out, so a long run on a slow or loaded machine is not mistaken for a hung harness.
    /// </summary>
    public double MinCyclesPerSecond { get; init; } = 100_000;

    /// <summary>The wall-clock timeout of a request that simulates <paramref name="cycles"/> cycles.</summary>
    /// <param name="cycles">Cycles the request may run.</param>
    /// <returns><see cref="RequestTimeout"/> plus the time those cycles take at <see cref="MinCyclesPerSecond"/>.</returns>
    public TimeSpan TimeoutFor(ulong cycles) =>
        RequestTimeout + TimeSpan.FromSeconds(Math.Min(cycles / Math.Max(MinCyclesPerSecond, 1), TimeSpan.FromDays(1).TotalSeconds));
}

/// <summary>
/// Client of one harness: typed async ops over wire protocol v1 (docs/protocol.md).
/// </summary>
/// <remarks>
/// The socket has exactly one owner: a dedicated thread that sends queued requests, matches replies
/// to requests by id and expires requests whose wall-clock timeout passed. Every public member is
/// thread-safe. Requests are answered in order by the harness; several may be in flight.
/// </remarks>
public sealed class SimClient : IDisposable
{
    /// <summary>Largest memory op the harness accepts (DESIGN §5).</summary>
    public const int MaxMemoryOp = Wire.Limit.MaxMemOpBytes;

    /// <summary>Largest CPU access (<c>cpu_read</c> / <c>cpu_write</c>) the harness accepts (docs/protocol.md §2).</summary>
    public const int MaxCpuOp = Wire.Limit.MaxCpuOpBytes;

    /// <summary>Most entries in one <c>batch</c> (docs/protocol.md).</summary>
    public const int MaxBatchEntries = Wire.Limit.MaxBatchOps;

    /// <summary>Size of the AXI-Lite register space (offsets 0x0000..0xFFFC).</summary>
    public const uint RegisterSpace = Wire.Limit.RegSpaceBytes;

    private readonly RequestPipeline _pipeline;
    private readonly SimClientOptions _options;
    private long _nextId;
    private int _disposed;

    /// <summary>Creates a client over an already connected transport and takes ownership of it.</summary>
    /// <param name="transport">The frame transport (e.g. <see cref="NetMqDealerTransport"/>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    public SimClient(IFrameTransport transport, SimClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _options = options ?? new SimClientOptions();
        Endpoint = transport.Endpoint;
        _pipeline = new RequestPipeline(transport);
    }

    /// <summary>Connects a client to the harness at <paramref name="endpoint"/> over ZeroMQ (NetMQ), with CURVE.</summary>
    /// <param name="endpoint">A ZeroMQ endpoint, e.g. <c>tcp://127.0.0.1:40123</c>.</param>
    /// <param name="keys">The CURVE keys (e.g. <see cref="CurveKeys.Load"/> of the file the harness printed); null connects without authentication, which only a harness started with <c>--no-curve</c> answers.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="NetMQ.NetMQException">The endpoint is malformed.</exception>
    public static SimClient Connect(string endpoint, CurveKeys? keys, SimClientOptions? options = null) =>
        new(new NetMqDealerTransport(endpoint, keys), options);

    /// <summary>The endpoint of the harness.</summary>
    public string Endpoint { get; }

    /// <summary>Number of requests whose task has not completed yet.</summary>
    public int InFlight => _pipeline.InFlight;

    /// <summary>
    /// True while the harness may be simulating on our behalf: a request is in flight, or one was sent
    /// and its reply has not arrived even though its caller stopped waiting (timeout, cancellation).
    /// Shared DRAM must not be touched meanwhile.
    /// </summary>
    public bool HarnessBusy => _pipeline.HarnessBusy;

    /// <summary>
    /// Sends one request and returns its successful reply.
    /// </summary>
    /// <param name="op">The op name.</param>
    /// <param name="args">The op's parameters (values: integers, strings, bool, byte arrays, maps, lists).</param>
    /// <param name="timeout">Wall-clock timeout; the client's <see cref="SimClientOptions.RequestTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (the harness still runs the request).</param>
    /// <returns>The reply.</returns>
    /// <exception cref="SimRequestException">The harness answered with an error.</exception>
    /// <exception cref="SimTransportTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="HarnessExitedException">The harness is gone or the client was closed.</exception>
    /// <exception cref="SimProtocolException">The reply is malformed.</exception>
    public Task<SimReply> RequestAsync(
        string op,
        IReadOnlyDictionary<string, object?>? args = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(op);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var id = (ulong)Interlocked.Increment(ref _nextId);
        return _pipeline.Enqueue(id, op, Encode(id, op, args), timeout ?? _options.RequestTimeout, cancellationToken);
    }

    /// <summary>
    /// Makes every pending and future request fail with <paramref name="reason"/> (used when the
    /// harness process is seen to exit, so that no caller waits for a reply that cannot come).
    /// </summary>
    /// <param name="reason">The exception the requests fail with.</param>
    public void Fail(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _pipeline.Fail(reason);
    }

    /// <summary>Queries the harness: protocol version, RTL build parameters, DRAM windows, cycle.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What the harness announced.</returns>
    /// <exception cref="SimException">The request failed (see <see cref="RequestAsync"/>).</exception>
    public async Task<HelloInfo> HelloAsync(CancellationToken cancellationToken = default) =>
        HelloInfo.FromReply(await RequestAsync(Wire.Op.Hello, null, null, cancellationToken).ConfigureAwait(false));

    /// <summary>Holds reset for <paramref name="cycles"/> cycles.</summary>
    /// <param name="cycles">Reset cycles, 1..1,000,000.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle after reset.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cycles"/> outside 1..1,000,000.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> ResetAsync(uint cycles = 16, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(cycles);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycles, 1_000_000u);
        var reply = await RequestAsync(Wire.Op.Reset, Args((Wire.Field.Cycles, cycles)), null, cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64(Wire.Field.Cycle);
    }

    /// <summary>Runs the clock for <paramref name="cycles"/> cycles.</summary>
    /// <param name="cycles">Cycles to run.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle afterwards.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> RunAsync(ulong cycles, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Run, Args((Wire.Field.Cycles, cycles)), _options.TimeoutFor(cycles), cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64(Wire.Field.Cycle);
    }

    /// <summary>Runs until <paramref name="simEvent"/> happens, at most <paramref name="maxCycles"/> cycles.</summary>
    /// <param name="simEvent">The event to wait for.</param>
    /// <param name="maxCycles">The cycle budget (≥ 1).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event that fired and the cycle it fired at.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCycles"/> is 0.</exception>
    /// <exception cref="SimRequestException">With <see cref="SimErrorCode.Timeout"/> when the budget ran out;
    /// the message says what the engine was waiting for.</exception>
    /// <exception cref="SimException">The request failed otherwise.</exception>
    public async Task<RunUntilResult> RunUntilAsync(
        SimEvent simEvent, ulong maxCycles, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxCycles);
        var name = simEvent switch
        {
            SimEvent.Irq => Wire.RunEvent.Irq,
            SimEvent.Idle => Wire.RunEvent.Idle,
            SimEvent.Violation => Wire.RunEvent.Violation,
            SimEvent.IommuFault => Wire.RunEvent.IommuFault,
            _ => throw new ArgumentOutOfRangeException(nameof(simEvent), simEvent, "irq, idle, violation or iommu_fault"),
        };
        var reply = await RequestAsync(Wire.Op.RunUntil, Args((Wire.Field.Event, name), (Wire.Field.MaxCycles, maxCycles)), _options.TimeoutFor(maxCycles),
            cancellationToken).ConfigureAwait(false);
        return new RunUntilResult(reply.GetString(Wire.Field.Event), reply.GetUInt64(Wire.Field.Cycle));
    }

    /// <summary>Reads a 32-bit register through the simulated AXI-Lite bus.</summary>
    /// <param name="offset">Byte offset, 4-aligned, below 0x10000.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The register value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Misaligned or outside the register space.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<uint> RegReadAsync(uint offset, CancellationToken cancellationToken = default)
    {
        CheckRegister(offset);
        var reply = await RequestAsync(Wire.Op.RegRead, Args((Wire.Field.Addr, offset)), null, cancellationToken).ConfigureAwait(false);
        var value = reply.GetUInt64(Wire.Field.Value);
        return value <= uint.MaxValue
            ? (uint)value
            : throw new SimProtocolException($"reg_read returned {value}, wider than 32 bits", Wire.Op.RegRead, Endpoint);
    }

    /// <summary>Writes a 32-bit register through the simulated AXI-Lite bus.</summary>
    /// <param name="offset">Byte offset, 4-aligned, below 0x10000.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle at which the write response was taken.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Misaligned or outside the register space.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> RegWriteAsync(uint offset, uint value, CancellationToken cancellationToken = default)
    {
        CheckRegister(offset);
        var reply = await RequestAsync(Wire.Op.RegWrite, Args((Wire.Field.Addr, offset), (Wire.Field.Value, value)), null,
            cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64(Wire.Field.Cycle);
    }

    /// <summary>Reads DRAM through the backdoor (no simulated time).</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="length">Bytes, at most <see cref="MaxMemoryOp"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or too large.</exception>
    /// <exception cref="SimException">The request failed (e.g. <see cref="SimErrorCode.BadAddress"/>).</exception>
    public async Task<byte[]> MemReadAsync(ulong address, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxMemoryOp);
        var reply = await RequestAsync(Wire.Op.MemRead, Args((Wire.Field.Addr, address), (Wire.Field.Len, length)), null,
            cancellationToken).ConfigureAwait(false);
        var data = reply.GetBytes(Wire.Field.Data);
        return data.Length == length
            ? data
            : throw new SimProtocolException($"mem_read returned {data.Length} bytes, asked for {length}",
                Wire.Op.MemRead, Endpoint);
    }

    /// <summary>Writes DRAM through the backdoor (no simulated time).</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="data">The bytes, at most <see cref="MaxMemoryOp"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the harness has written the bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="data"/> is too large.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task MemWriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxMemoryOp, nameof(data));
        await RequestAsync(Wire.Op.MemWrite, Args((Wire.Field.Addr, address), (Wire.Field.Data, data)), null, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>CPU loads through the data cache RTL (or around it), word by word inside the simulator.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes, 1..<see cref="MaxCpuOp"/>.</param>
    /// <param name="cached">False: uncached loads straight to the bus (coherent memory on a non-coherent SoC).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes the CPU saw (possibly stale: that is the point).</returns>
    /// <exception cref="ArgumentOutOfRangeException">Bad length.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<byte[]> CpuReadAsync(ulong address, int length, bool cached = true, CancellationToken cancellationToken = default)
    {
        var load = new CpuReadAccess(address, length, cached);
        var reply = await RequestAsync(Wire.Op.CpuRead, CpuReadArgs(load), null, cancellationToken).ConfigureAwait(false);
        return CpuReadData(reply, load);
    }

    /// <summary>
    /// Several CPU loads in one round trip (a <c>batch</c> of <c>cpu_read</c>; more than one batch only
    /// past 100,000 loads or 16 MiB in all): the same accesses, in the same order and cycles, as one
    /// <see cref="CpuReadAsync"/> after another.
    /// </summary>
    /// <param name="loads">The loads, each 1..<see cref="MaxCpuOp"/> bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes of each load, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A load has a bad length (nothing ran).</exception>
    /// <exception cref="SimBatchException">A load failed; the ones before it ran, the ones after it did not.</exception>
    /// <remarks>Past one batch, a timeout or cancellation of a later batch leaves the earlier batches' loads done.</remarks>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<IReadOnlyList<byte[]>> CpuReadManyAsync(IReadOnlyList<CpuReadAccess> loads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loads);
        var requests = loads.Select(load => new SimRequest(Wire.Op.CpuRead, CpuReadArgs(load))).ToList();
        var replies = await BatchInChunksAsync(requests, loads.Select(load => load.Length).ToList(), cancellationToken).ConfigureAwait(false);
        return replies.Select((reply, index) => CpuReadData(reply, loads[index])).ToList();
    }

    /// <summary>
    /// Several CPU stores in one round trip (a <c>batch</c> of <c>cpu_write</c>; more than one batch only
    /// past 100,000 stores or 16 MiB in all): the same accesses, in the same order and cycles, as one
    /// <see cref="CpuWriteAsync"/> after another.
    /// </summary>
    /// <param name="stores">The stores, each 1..<see cref="MaxCpuOp"/> bytes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle after the last store (the current cycle when there is none).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A store has a bad length (nothing ran).</exception>
    /// <exception cref="SimBatchException">A store failed; the ones before it ran, the ones after it did not.</exception>
    /// <remarks>Past one batch, a timeout or cancellation of a later batch leaves the earlier batches' stores done.</remarks>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> CpuWriteManyAsync(IReadOnlyList<CpuWriteAccess> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var requests = stores.Select(store => new SimRequest(Wire.Op.CpuWrite, CpuWriteArgs(store))).ToList();
        var replies = await BatchInChunksAsync(requests, stores.Select(store => store.Data.Length).ToList(), cancellationToken).ConfigureAwait(false);
        return replies.Count > 0 ? replies[^1].GetUInt64(Wire.Field.Cycle) : await RunAsync(0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>CPU stores through the data cache RTL (or around it).</summary>
    /// <param name="address">First byte.</param>
    /// <param name="data">The bytes, 1..<see cref="MaxCpuOp"/>.</param>
    /// <param name="cached">False: uncached stores straight to the bus.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle after the last store.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Bad length.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> CpuWriteAsync(ulong address, ReadOnlyMemory<byte> data, bool cached = true, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.CpuWrite, CpuWriteArgs(new CpuWriteAccess(address, data, cached)), null, cancellationToken)
            .ConfigureAwait(false);
        return reply.GetUInt64(Wire.Field.Cycle);
    }

    /// <summary>Cache maintenance over an address range, line by line inside the simulator.</summary>
    /// <param name="operation">Clean, invalidate or flush.</param>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cycle afterwards.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Length 0.</exception>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<ulong> CacheAsync(CacheOp operation, ulong address, ulong length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        var reply = await RequestAsync(Wire.Op.Cache, Args((Wire.Field.Action, Wire.CacheAction.Of(operation)), (Wire.Field.Addr, address), (Wire.Field.Len, length)),
            null, cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64(Wire.Field.Cycle);
    }

    /// <summary>Reads the coherency monitor; optionally switches snooping and clears the record.</summary>
    /// <param name="snoop">True: coherent (snooping) mode; false: report only; null: unchanged.</param>
    /// <param name="clear">Clear the recorded violations after reporting them.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mode and the violations.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<CoherencyReport> CoherencyAsync(bool? snoop = null, bool clear = false, CancellationToken cancellationToken = default)
    {
        var args = Args((Wire.Field.Clear, clear));
        if (snoop is { } on)
        {
            args[Wire.Field.Snoop] = on;
        }

        var reply = await RequestAsync(Wire.Op.Coherency, args, null, cancellationToken).ConfigureAwait(false);
        return new CoherencyReport(
            reply.Fields.GetValueOrDefault(Wire.Field.Snoop) is true,
            reply.GetUInt64(Wire.Field.Total),
            reply.GetMaps(Wire.Field.Violations)
                .Select(v => new CoherencyViolation(v.GetUInt64(Wire.Field.Cycle), v.GetString(Wire.Field.Kind), v.GetUInt64(Wire.Field.Addr), v.GetString(Wire.Field.Master),
                    v.Has(Wire.Field.Dir) ? v.GetString(Wire.Field.Dir) : null,
                    v.Fields.GetValueOrDefault(Wire.Field.Nearest) is null ? null : WindowFromReply(v.GetMap(Wire.Field.Nearest))))
                .ToList());
    }

    /// <summary>
    /// Tells the harness's wild-DMA analyser the live DMA mappings and switches it (<c>dma_windows</c>):
    /// one request for the whole set; the harness then checks every DMA beat against it while simulating.
    /// </summary>
    /// <param name="windows">The live windows (replaces the set); null: unchanged.</param>
    /// <param name="enable">True: check DMA beats; false: stop; null: unchanged.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The analyser's state.</returns>
    /// <exception cref="SimRequestException">BAD_REQUEST / BAD_ADDRESS / TOO_LARGE for a bad window; nothing changed.</exception>
    public async Task<DmaWindowsReport> DmaWindowsAsync(
        IReadOnlyCollection<DmaWindow>? windows = null, bool? enable = null, CancellationToken cancellationToken = default)
    {
        var args = Args();
        if (enable is { } on)
        {
            args[Wire.Field.Enable] = on;
        }

        if (windows != null)
        {
            args[Wire.Field.Windows] = windows.Select(w => (object?)new Dictionary<string, object?>
            {
                [Wire.Field.Base] = w.Base,
                [Wire.Field.Size] = w.Size,
                [Wire.Field.Access] = w.Access,
            }).ToList();
        }

        var reply = await RequestAsync(Wire.Op.DmaWindows, args, null, cancellationToken).ConfigureAwait(false);
        return new DmaWindowsReport(
            reply.Fields.GetValueOrDefault(Wire.Field.Enable) is true,
            reply.GetUInt64(Wire.Field.Windows),
            reply.GetUInt64(Wire.Field.BeatsChecked),
            reply.GetUInt64(Wire.Field.BeatsFlagged));
    }

    private static DmaWindow WindowFromReply(SimReply w) =>
        new(w.GetUInt64(Wire.Field.Base), w.GetUInt64(Wire.Field.Size), w.GetString(Wire.Field.Access));

    /// <summary>The IOMMU fault reports the harness logged since the last clear (the <c>iommu</c> op).</summary>
    /// <param name="clear">Empty the log after this reply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reports, oldest first (up to the harness's cap).</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<IReadOnlyList<IommuFaultReport>> IommuFaultsAsync(bool clear = false, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Iommu, Args((Wire.Field.Clear, clear)), null, cancellationToken).ConfigureAwait(false);
        return reply.GetMaps(Wire.Field.Faults)
            .Select(f => new IommuFaultReport(f.GetUInt64(Wire.Field.Cycle), f.GetUInt64(Wire.Field.Addr),
                f.Fields.GetValueOrDefault(Wire.Field.Write) is true, (int)f.GetUInt64(Wire.Field.Kind)))
            .ToList();
    }

    /// <summary>Starts an FST waveform of every signal (and writes a GTKWave save file next to it).</summary>
    /// <param name="path">The .fst file; its directory must exist (relative paths are taken from the harness's --trace-dir).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The absolute path the harness writes.</returns>
    /// <exception cref="SimRequestException">BAD_REQUEST when the path is not allowed or the directory does not exist.</exception>
    /// <exception cref="SimException">The request failed otherwise.</exception>
    public async Task<string> TraceStartAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var reply = await RequestAsync(Wire.Op.Trace, Args((Wire.Field.Path, path)), null, cancellationToken).ConfigureAwait(false);
        return reply.GetString(Wire.Field.Path);
    }

    /// <summary>Stops the waveform (flushes and closes the file); nothing happens when none is open.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The path of the waveform closed (empty if there was none).</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<string> TraceStopAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Trace, Args((Wire.Field.Stop, true)), null, cancellationToken).ConfigureAwait(false);
        return reply.GetString(Wire.Field.Path);
    }

    /// <summary>Changes the DRAM model (latency, outstanding limit, backpressure, seed, fault windows).</summary>
    /// <param name="change">What to change; unset properties stay as they are.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The whole configuration afterwards.</returns>
    /// <exception cref="SimRequestException">BAD_REQUEST naming the field; nothing changed.</exception>
    /// <exception cref="SimException">The request failed otherwise.</exception>
    public async Task<MemConfig> MemConfigAsync(MemConfig change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var reply = await RequestAsync(Wire.Op.MemConfig, change.ToArgs(), null, cancellationToken).ConfigureAwait(false);
        return MemConfig.FromReply(reply);
    }

    /// <summary>Reads the DRAM model's counters.</summary>
    /// <param name="reset">Zero them after reading.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The counters.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<DramStats> StatsAsync(bool reset = false, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Stats, Args((Wire.Field.Reset, reset)), null, cancellationToken).ConfigureAwait(false);
        return DramStats.FromReply(reply);
    }

    /// <summary>Reads what the DMA-port checks measured: in-flight gauges, busy / bus-wait cycles, arbiter grants and waits.</summary>
    /// <param name="reset">Zero every <c>stats</c> counter after reading (all groups, as <see cref="StatsAsync"/> does).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<DmaBusStats> DmaBusStatsAsync(bool reset = false, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Stats, Args((Wire.Field.Reset, reset)), null, cancellationToken).ConfigureAwait(false);
        return DmaBusStats.FromReply(reply);
    }

    /// <summary>Reads the resident DRAM, its cap and the DMA write bursts the cap refused (the <c>dram_cap</c> group of <c>stats</c>).</summary>
    /// <param name="reset">Zero every <c>stats</c> counter after reading (all groups, as <see cref="StatsAsync"/> does); empties the refusals.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<DramCapStats> DramCapStatsAsync(bool reset = false, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Stats, Args((Wire.Field.Reset, reset)), null, cancellationToken).ConfigureAwait(false);
        return DramCapStats.FromReply(reply);
    }

    /// <summary>
    /// Starts (or replaces) the background CPU load: from the next cycle the harness runs on, in every cycle
    /// in which the CPU port is free, an access starts with probability <see cref="CpuLoad.Rate"/> / 100
    /// (explicit CPU reads, writes and cache maintenance take priority). No simulated time passes in this call.
    /// </summary>
    /// <param name="load">The load; <see cref="CpuLoadPattern.None"/> stops it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The current cycle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="load"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A property of <paramref name="load"/> is out of range (nothing is sent).</exception>
    /// <exception cref="SimRequestException">BAD_ADDRESS when the region is not inside one DRAM window; nothing changed.</exception>
    /// <exception cref="SimException">The request failed otherwise.</exception>
    public async Task<ulong> CpuLoadAsync(CpuLoad load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        load.ThrowIfInvalid(nameof(load));
        var reply = await RequestAsync(Wire.Op.CpuLoad, load.ToArgs(), null, cancellationToken).ConfigureAwait(false);
        return reply.GetUInt64(Wire.Field.Cycle);
    }

    /// <summary>Stops the background CPU load (an access in flight still finishes and counts).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The current cycle.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public Task<ulong> StopCpuLoadAsync(CancellationToken cancellationToken = default) =>
        CpuLoadAsync(CpuLoad.Stop, cancellationToken);

    /// <summary>Reads the background CPU load's access and latency statistics (the <c>cpu</c> group of <c>stats</c>).</summary>
    /// <param name="reset">Zero every <c>stats</c> counter after reading (all groups, as <see cref="StatsAsync"/> does).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public async Task<CpuStats> CpuStatsAsync(bool reset = false, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Wire.Op.Stats, Args((Wire.Field.Reset, reset)), null, cancellationToken).ConfigureAwait(false);
        return CpuStats.FromReply(reply);
    }

    /// <summary>
    /// Runs several ops in one round trip, in order, stopping at the first error.
    /// </summary>
    /// <param name="requests">The ops (at most 100,000; no nested batch).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One reply per op.</returns>
    /// <exception cref="SimBatchException">An op failed: its position, code and the replies before it.</exception>
    /// <exception cref="SimException">The batch itself failed.</exception>
    public async Task<IReadOnlyList<SimReply>> BatchAsync(IEnumerable<SimRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var list = requests as IReadOnlyList<SimRequest> ?? requests.ToList();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var reply = await _pipeline.Enqueue(id, Wire.Op.Batch, EncodeBatch(id, list), _options.RequestTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (reply.Fields.GetValueOrDefault(Wire.Field.Results) is not object?[] entries || entries.Length > list.Count)
        {
            throw new SimProtocolException($"reply to a batch of {list.Count}: field 'results' is not an array of at most {list.Count} replies", Wire.Op.Batch, Endpoint);
        }

        // Each entry becomes the reply of its own op, without copying its map.
        var results = new List<SimReply>(entries.Length);
        for (var index = 0; index < entries.Length; index++)
        {
            var op = list[index].Op;
            var entry = entries[index] as IReadOnlyDictionary<string, object?>
                ?? throw new SimProtocolException($"reply to a batch: results[{index}] is not a map", op, Endpoint);
            if (entry.GetValueOrDefault(Wire.Field.Ok) is true)
            {
                results.Add(new SimReply(op, Endpoint, entry));
                continue;
            }

            var error = new SimReply(op, Endpoint, entry).GetMap(Wire.Field.Error);
            throw new SimBatchException(index, results, error.GetString(Wire.Field.Code), error.GetString(Wire.Field.Message), op, Endpoint);
        }

        return results.Count == list.Count
            ? results
            : throw new SimProtocolException($"batch of {list.Count} returned {results.Count} results and no error", Wire.Op.Batch, Endpoint);
    }

    /// <summary>Asks the harness to exit (it replies first).</summary>
    /// <param name="timeout">Wall-clock wait for the reply.</param>
    /// <returns>A task that completes when the harness acknowledged.</returns>
    /// <exception cref="SimException">The request failed.</exception>
    public Task ShutdownAsync(TimeSpan? timeout = null) => RequestAsync(Wire.Op.Shutdown, null, timeout);

    /// <summary>Fails everything pending and closes the socket. Never blocks for long.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pipeline.Dispose();
    }

    internal static Dictionary<string, object?> Args(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    private static Dictionary<string, object?> CpuReadArgs(CpuReadAccess load)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(load.Length, 1, "length");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(load.Length, MaxCpuOp, "length");
        return Args((Wire.Field.Addr, load.Address), (Wire.Field.Len, load.Length), (Wire.Field.Cached, load.Cached));
    }

    private static Dictionary<string, object?> CpuWriteArgs(CpuWriteAccess store)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(store.Data.Length, 1, "data");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(store.Data.Length, MaxCpuOp, "data");
        return Args((Wire.Field.Addr, store.Address), (Wire.Field.Data, store.Data), (Wire.Field.Cached, store.Cached));
    }

    private byte[] CpuReadData(SimReply reply, CpuReadAccess load)
    {
        var data = reply.GetBytes(Wire.Field.Data);
        return data.Length == load.Length
            ? data
            : throw new SimProtocolException($"cpu_read returned {data.Length} bytes, asked for {load.Length}", Wire.Op.CpuRead, Endpoint);
    }

    /// <summary>
    /// Splits entries of <paramref name="bytes"/> bytes each into runs of consecutive entries, in order, as
    /// long as the limits allow: at most <paramref name="maxEntries"/> entries and at most
    /// <paramref name="maxBytes"/> bytes per run (an entry larger than that alone in its run).
    /// </summary>
    /// <returns>Each run's first entry and count; none for no entries.</returns>
    internal static List<(int Start, int Count)> BatchChunks(IReadOnlyList<int> bytes, int maxEntries, long maxBytes)
    {
        var chunks = new List<(int Start, int Count)>();
        var start = 0;
        while (start < bytes.Count)
        {
            var end = start + 1;
            long size = bytes[start];
            while (end < bytes.Count && end - start < maxEntries && size + bytes[end] <= maxBytes)
            {
                size += bytes[end++];
            }

            chunks.Add((start, end - start));
            start = end;
        }

        return chunks;
    }

    /// <summary>
    /// <paramref name="requests"/> in as few batches as <see cref="BatchChunks"/> allows with at most
    /// <see cref="MaxBatchEntries"/> entries and <see cref="MaxMemoryOp"/> bytes each (no reply nears the
    /// frame limit); a failure names the entry's position in <paramref name="requests"/>.
    /// </summary>
    private async Task<List<SimReply>> BatchInChunksAsync(List<SimRequest> requests, List<int> bytes, CancellationToken cancellationToken)
    {
        var replies = new List<SimReply>(requests.Count);
        foreach (var (start, count) in BatchChunks(bytes, MaxBatchEntries, MaxMemoryOp))
        {
            try
            {
                replies.AddRange(await BatchAsync(requests.GetRange(start, count), cancellationToken).ConfigureAwait(false));
            }
            catch (SimBatchException e) when (start > 0)
            {
                throw new SimBatchException(start + e.Index, [.. replies, .. e.Completed], e.Code, e.EntryMessage, e.Op!, e.Endpoint!);
            }
        }

        return replies;
    }

    private static void CheckRegister(uint offset)
    {
        if (offset % 4 != 0 || offset >= RegisterSpace)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"0x{offset:X}",
                "register offsets are 4-aligned and below 0x10000");
        }
    }

    /// <summary>{"id", "op": "batch", "ops": [{"op", ...args}, ...]}, each entry written straight from its request.</summary>
    private static byte[] EncodeBatch(ulong id, IReadOnlyList<SimRequest> requests)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (16 * requests.Count));
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3);
        writer.Write(Wire.Field.Id);
        writer.Write(id);
        writer.Write(Wire.Field.Op);
        writer.Write(Wire.Op.Batch);
        writer.Write(Wire.Field.Ops);
        writer.WriteArrayHeader(requests.Count);
        foreach (var request in requests)
        {
            ArgumentNullException.ThrowIfNull(request, nameof(requests));
            var args = request.Args;
            var extra = args?.ContainsKey(Wire.Field.Op) == true ? 0 : 1; // an "op" in the arguments takes the op's place, as before
            writer.WriteMapHeader(extra + (args?.Count ?? 0));
            if (extra == 1)
            {
                writer.Write(Wire.Field.Op);
                writer.Write(request.Op);
            }

            if (args != null)
            {
                foreach (var (name, value) in args)
                {
                    writer.Write(name);
                    WireObjects.WriteObject(ref writer, name == Wire.Field.Op ? request.Op : value);
                }
            }
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Encode(ulong id, string op, IReadOnlyDictionary<string, object?>? args)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(2 + (args?.Count ?? 0));
        writer.Write(Wire.Field.Id);
        writer.Write(id);
        writer.Write(Wire.Field.Op);
        writer.Write(op);
        if (args != null)
        {
            foreach (var (name, value) in args)
            {
                writer.Write(name);
                WireObjects.WriteObject(ref writer, value);
            }
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
