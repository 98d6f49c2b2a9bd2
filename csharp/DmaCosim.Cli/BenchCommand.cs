// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;
using DmaCosim.Testing.Perf;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim bench</c>: engine figures from deterministic cycle counts, bridge figures from the
/// wall clock (each the median of <see cref="BenchClock.Rounds"/> rounds bounded in time), the
/// bridge overhead against the C++ bench driver, and the machine they ran on. docs/performance.md
/// says what each figure means.
/// </summary>
internal static class BenchCommand
{
    private const int CopyBytes = 1 << 20;
    private const ulong Source = 0x0100_0000;
    private const ulong Destination = 0x0200_0000;
    private const int BatchSize = 1000;
    private const int BackdoorBytes = 16 << 20;
    private const ulong RunChunkCycles = 100_000;
    private const double MiB = 1 << 20;

    // Timed copies per side and round of the bridge overhead; each side counts its fastest.
    private const int CopiesPerSide = 2;

    // Least wall time of the bridge overhead's warm-up copies (small ones, through the bridge).
    private static readonly TimeSpan BridgeWarmUp = TimeSpan.FromSeconds(1.5);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of a table" };
        var command = new Command("bench", "measure engine efficiency, bridge speed and bridge overhead") { json };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(json), cancellationToken));
        return command;
    }

    /// <summary>Single <c>reg_read</c> round trips, awaited one after another: the median rate of the bench's rounds.</summary>
    private static Task<double> RegOpsPerSecondAsync(SimClient sim, CancellationToken ct) =>
        BenchClock.MedianRateAsync(async () =>
        {
            await sim.RegReadAsync(CdmaRegisters.CdmasrOffset, ct).ConfigureAwait(false);
            return 1;
        });

    /// <summary>
    /// The C++ twin of <c>reg_ops_per_s</c>: the bench driver's <c>--reg-ops</c> mode, the same single
    /// <c>reg_read</c> round trips over libzmq to the same harness (its client keys on the driver's
    /// standard input); the median of its rounds.
    /// </summary>
    private static async Task<double> CppRegOpsPerSecondAsync(string driver, HarnessProcess harness, CancellationToken ct)
    {
        var info = new ProcessStartInfo(driver)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--reg-ops", harness.Endpoint, "--count", "2000", "--rounds", "5" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {driver}");
        await process.StandardInput.WriteAsync(harness.Keys?.ToClientKeyFile() ?? "").ConfigureAwait(false);
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{driver} --reg-ops exited {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
            }

            using var json = JsonDocument.Parse(await stdout.ConfigureAwait(false));
            var rates = json.RootElement.GetProperty("reg_ops_rounds").EnumerateArray().Select(r => r.GetDouble()).Order().ToList();
            return rates[rates.Count / 2];
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{driver} --reg-ops did not finish within 2 minutes");
        }
    }

    private static async Task<int> RunAsync(bool json, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var loadBefore = LoadAverage();
        var harnessPath = CliEnvironment.Harness();
        string driver;
        try
        {
            driver = ScatterGatherBench.LocateDriver(harnessPath);
        }
        catch (FileNotFoundException e)
        {
            throw new CliUsageException(e.Message);
        }

        await using var harness = await HarnessProcess.StartAsync(new HarnessOptions { HarnessPath = harnessPath }, ct).ConfigureAwait(false);
        var header = HarnessHeader.Of(harnessPath, harness);
        if (!json)
        {
            Console.WriteLine(header.Line);
        }

        var sim = harness.Client;
        var rtl = harness.Hello.Rtl;
        var figures = new Dictionary<string, object>();

        // Engine: cycle counts of a 1 MiB simple-mode copy (deterministic).
        var zero = await CopyAsync(harness, new MemConfig { ReadLatency = 0, WriteLatency = 0 }, ct).ConfigureAwait(false);
        var latency20 = await CopyAsync(harness, new MemConfig { ReadLatency = 20, WriteLatency = 0 }, ct).ConfigureAwait(false);
        await sim.MemConfigAsync(new MemConfig { ReadLatency = 0, WriteLatency = 0 }, ct).ConfigureAwait(false);
        figures["engine_efficiency"] = Round(zero.BytesPerCycle / rtl.BytesPerBeat);
        figures["engine_efficiency_cycles"] = zero.Cycles;
        figures["engine_efficiency_latency20"] = Round(latency20.BytesPerCycle / rtl.BytesPerBeat);
        figures["engine_efficiency_latency20_cycles"] = latency20.Cycles;
        // The same copy through the IOMMU: warm IOTLB (the target), cold, and the cost of a miss.
        var (cold, warm) = await IommuCopyBench.RunAsync(sim, rtl, (int)CopyBytes, cancellationToken: ct).ConfigureAwait(false);
        figures["engine_efficiency_iommu"] = Round(warm.Efficiency);
        figures["engine_efficiency_iommu_cycles"] = warm.Cycles;
        figures["engine_efficiency_iommu_cold"] = Round(cold.Efficiency);
        figures["iommu_miss_walk_cycles"] = Round(cold.CyclesPerMiss);
        figures["iommu_misses_cold"] = cold.Counters.Misses;
        figures["engine_bytes"] = CopyBytes;
        figures["bytes_per_beat"] = rtl.BytesPerBeat;

        // Bridge speed: wall-clock rates.
        var regOps = await RegOpsPerSecondAsync(sim, ct).ConfigureAwait(false);
        var regOpsCpp = await CppRegOpsPerSecondAsync(driver, harness, ct).ConfigureAwait(false);
        figures["reg_ops_per_s"] = Round(regOps);
        figures["reg_ops_per_s_cpp"] = Round(regOpsCpp);
        figures["reg_ops_ratio"] = Round(regOps / regOpsCpp);

        // What CURVE costs: the same round trips to a second harness started with --no-curve.
        await using (var plain = await HarnessProcess.StartAsync(new HarnessOptions { HarnessPath = harnessPath, Curve = false }, ct).ConfigureAwait(false))
        {
            figures["reg_ops_per_s_no_curve"] = Round(await RegOpsPerSecondAsync(plain.Client, ct).ConfigureAwait(false));
        }

        var batch = Enumerable.Repeat(new SimRequest(Wire.Op.RegRead, new Dictionary<string, object?> { [Wire.Field.Addr] = CdmaRegisters.CdmasrOffset }), BatchSize).ToList();
        figures["reg_ops_per_s_batched"] = Round(await BenchClock.MedianRateAsync(async () =>
        {
            await sim.BatchAsync(batch, ct).ConfigureAwait(false);
            return BatchSize;
        }).ConfigureAwait(false));

        var block = SeededPattern.Create(BackdoorBytes, 3);
        figures["shm_mb_per_s"] = Round(await BenchClock.MedianRateAsync(async () =>
        {
            await harness.Memory.WriteAsync(Source, block, ct).ConfigureAwait(false);
            await harness.Memory.ReadAsync(Source, block.Length, ct).ConfigureAwait(false);
            return 2 * block.Length / MiB;
        }).ConfigureAwait(false));
        figures["mem_op_mb_per_s"] = Round(await BenchClock.MedianRateAsync(async () =>
        {
            await sim.MemWriteAsync(Source, block, ct).ConfigureAwait(false);
            await sim.MemReadAsync(Source, block.Length, ct).ConfigureAwait(false);
            return 2 * block.Length / MiB;
        }).ConfigureAwait(false));
        figures["sim_cycles_per_s"] = Round(await BenchClock.MedianRateAsync(async () =>
        {
            await sim.RunAsync(RunChunkCycles, ct).ConfigureAwait(false);
            return RunChunkCycles;
        }).ConfigureAwait(false));

        // Bridge overhead: the same scatter-gather copy through the bridge and from C++ (last: the JIT is warm).
        var overhead = await BridgeOverheadAsync(harness, driver, ct).ConfigureAwait(false);
        foreach (var (name, value) in overhead)
        {
            figures[name] = value;
        }

        figures["machine"] = new Dictionary<string, object>
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = CpuModel(),
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["rtl"] = $"{rtl.DataWidth}-bit data, {rtl.AddrWidth}-bit address, max burst {rtl.MaxBurst}",
            ["harness"] = header.Path,
            ["rtl_hash"] = header.RtlHash,
            ["load_avg_1m"] = new[] { loadBefore, LoadAverage() },
            ["bench_s"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(figures));
        }
        else
        {
            foreach (var (name, value) in figures)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} {Describe(value)}"));
            }
        }

        return 0;
    }

    /// <summary>
    /// bridge_overhead: after a warm-up of the scatter-gather copy through the bridge,
    /// <see cref="BenchClock.Rounds"/> pairs of rounds in alternating order, so that both sides see the same
    /// load: <see cref="CopiesPerSide"/> copies through the bridge, and a run of the C++ driver making one
    /// more than that (its first copy is never timed: the scheduler gives a new process less CPU in its
    /// first second). Each side of a pair is its faster timed copy — both sides alike, which keeps out a
    /// burst of the host taking a core for part of one copy — and the figure is the median of the pairs'
    /// wall-time ratios. Every copy of both must count the same cycles.
    /// </summary>
    private static async Task<Dictionary<string, object>> BridgeOverheadAsync(HarnessProcess harness, string driver, CancellationToken ct)
    {
        var plan = new ScatterGatherPlan();
        await harness.Client.ResetAsync(cancellationToken: ct).ConfigureAwait(false);
        var channel = new CdmaChannel(harness.Client, harness.Hello.Rtl);

        // Warm-up: the same requests on a small copy until the JIT has compiled the driver path's final
        // code (its background compiler otherwise takes a tenth of the first big copies' CPU), then one
        // full-size copy, untimed.
        var small = plan with { Bytes = (ulong)plan.Segments * 4096 };
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < BridgeWarmUp)
        {
            await ScatterGatherBench.RunAsync(harness, channel, small, 0, ct).ConfigureAwait(false);
        }

        var (_, descriptors) = await ScatterGatherBench.RunAsync(harness, channel, plan, 0, ct).ConfigureAwait(false);
        var bridge = new List<ScatterGatherRound>(); // every copy of both sides
        var native = new List<ScatterGatherRound>();
        var pairs = new List<(ScatterGatherRound Bridge, ScatterGatherRound Native)>();
        for (var round = 1; round <= BenchClock.Rounds; round++)
        {
            var cppFirst = round % 2 == 0;
            IReadOnlyList<ScatterGatherRound> nativeRun = [];
            if (cppFirst)
            {
                nativeRun = await NativeRunAsync().ConfigureAwait(false);
            }

            var bridgeRun = new List<ScatterGatherRound>();
            for (var copy = 0; copy < CopiesPerSide; copy++)
            {
                bridgeRun.Add((await ScatterGatherBench.RunAsync(harness, channel, plan, (ulong)((round * CopiesPerSide) + copy), ct).ConfigureAwait(false)).Round);
            }

            if (!cppFirst)
            {
                nativeRun = await NativeRunAsync().ConfigureAwait(false);
            }

            bridge.AddRange(bridgeRun);
            native.AddRange(nativeRun);
            pairs.Add((Fastest(bridgeRun), Fastest(nativeRun.Skip(1))));
        }

        var cycles = bridge[0].Cycles;
        if (bridge.Concat(native).Any(r => r.Cycles != cycles))
        {
            throw new InvalidOperationException(
                $"bridge_overhead: the C# driver counted {string.Join("/", bridge.Select(r => r.Cycles))} cycles, " +
                $"{driver} {string.Join("/", native.Select(r => r.Cycles))}: the two drivers no longer do the same work");
        }

        var csharp = BenchClock.Median(pairs.Select(p => p.Bridge.Wall.TotalSeconds));
        var cpp = BenchClock.Median(pairs.Select(p => p.Native.Wall.TotalSeconds));
        var cpuRatios = pairs.Where(p => p.Native.Cpu > TimeSpan.Zero).Select(p => p.Bridge.Cpu / p.Native.Cpu).ToList();
        var figures = new Dictionary<string, object>
        {
            ["bridge_overhead"] = Round(BenchClock.Median(pairs.Select(p => p.Bridge.Wall / p.Native.Wall))),
            ["bridge_copy_bytes"] = plan.Bytes,
            ["bridge_copy_segments"] = plan.Segments,
            ["bridge_copy_cycles"] = cycles,
            ["bridge_copy_s"] = Round(csharp),
            ["bridge_copy_s_cpp"] = Round(cpp),
        };
        if (cpuRatios.Count > 0)
        {
            // CPU time of the C# process and the harness over that of the C++ driver: the same comparison,
            // much less sensitive to what else the machine runs
            figures["bridge_overhead_cpu"] = Round(BenchClock.Median(cpuRatios));
        }

        return figures;

        // a run of the C++ driver: one untimed copy, then CopiesPerSide timed ones
        async Task<IReadOnlyList<ScatterGatherRound>> NativeRunAsync() =>
            (await ScatterGatherBench.RunNativeAsync(driver, plan, descriptors, CopiesPerSide + 1, harness.Hello.Rtl, ct).ConfigureAwait(false)).Rounds;
    }

    private static ScatterGatherRound Fastest(IEnumerable<ScatterGatherRound> copies) => copies.MinBy(copy => copy.Wall)!;

    private static async Task<CdmaTransferResult> CopyAsync(HarnessProcess harness, MemConfig config, CancellationToken ct)
    {
        await harness.Client.ResetAsync(cancellationToken: ct).ConfigureAwait(false);
        await harness.Client.MemConfigAsync(config, ct).ConfigureAwait(false);
        var channel = new CdmaChannel(harness.Client, harness.Hello.Rtl);
        await channel.ResetAsync(ct).ConfigureAwait(false);
        await harness.Memory.WriteAsync(Source, SeededPattern.Create(CopyBytes, 1), ct).ConfigureAwait(false);
        return await channel.MemcpyAsync(Destination, Source, CopyBytes, ct).ConfigureAwait(false);
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static string Describe(object value) => value switch
    {
        Dictionary<string, object> map => string.Join(", ", map.Select(kv => $"{kv.Key}={Describe(kv.Value)}")),
        double[] values => string.Join(" ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The 1-minute load average (/proc/loadavg), or -1 when unknown: how busy the machine was.</summary>
    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
