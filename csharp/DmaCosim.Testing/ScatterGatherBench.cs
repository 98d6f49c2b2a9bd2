// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>
/// One scatter-gather copy for <c>dmacosim bench</c>'s bridge_overhead: <see cref="Bytes"/> bytes from
/// <see cref="Source"/> to <see cref="Destination"/> in <see cref="Segments"/> descriptors, one
/// transaction per segment (segments of Bytes / Segments, the last one takes the remainder).
/// </summary>
/// <param name="Bytes">Bytes copied in all.</param>
/// <param name="Segments">Descriptors, 1..255 (one coalesced interrupt).</param>
/// <param name="Source">First source byte (64-byte aligned).</param>
/// <param name="Destination">First destination byte (64-byte aligned).</param>
public sealed record ScatterGatherPlan(ulong Bytes = 4 << 20, int Segments = 64, ulong Source = 0x0100_0000, ulong Destination = 0x0200_0000)
{
    /// <summary>The cycle budget of the wait, as CdmaChannelOptions' defaults compute it for the whole copy.</summary>
    public ulong BudgetCycles => ScatterGatherBench.ChannelDefaults.BaseTimeoutCycles + (ScatterGatherBench.ChannelDefaults.TimeoutCyclesPerByte * Bytes);
}

/// <summary>One timed copy: its simulated cycles, its wall time and the CPU time it took.</summary>
/// <param name="Cycles">Cycles from the first descriptor store to the completion.</param>
/// <param name="Wall">Wall time of the same span.</param>
/// <param name="Cpu">CPU time of the same span: of the C# process and the harness together, or of the C++ driver.</param>
public sealed record ScatterGatherRound(ulong Cycles, TimeSpan Wall, TimeSpan Cpu);

/// <summary>What the C++ bench driver reported.</summary>
/// <param name="Driver">The binary that ran.</param>
/// <param name="Rounds">Its rounds, in order.</param>
public sealed record NativeBenchResult(string Driver, IReadOnlyList<ScatterGatherRound> Rounds);

/// <summary>
/// The scatter-gather copy driven two ways on the same verilated model (docs/performance.md,
/// bridge_overhead): from C# through the bridge with the normal driver path
/// (<see cref="RunAsync"/>: CdmaChannel probe; prep and submit per segment, whose descriptors are
/// uncached CPU stores through the cache RTL; issue pending; wait), and by the pure C++ driver
/// <c>dmacosim-bench-driver</c> (<see cref="RunNativeAsync"/>), which builds the harness's rig without
/// a socket and does the same simulated work in the same order. Both must count the same cycles.
/// </summary>
public static class ScatterGatherBench
{
    /// <summary>Environment variable that names the C++ bench driver binary.</summary>
    public const string DriverVariable = "DMACOSIM_BENCH_DRIVER";

    /// <summary>
    /// The channel settings both drivers use (the defaults): the C++ driver gets the reset budget, the poll
    /// step and the copy's budget from here on its command line, as it gets the plan and the descriptor
    /// pool's address; it keeps no copy of them.
    /// </summary>
    public static readonly CdmaChannelOptions ChannelDefaults = new();

    /// <summary>Wall-clock limit of one run of the C++ driver (its own waits are bounded in cycles).</summary>
    public static readonly TimeSpan NativeTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Finds the C++ driver built with <paramref name="harnessPath"/>: <c>$DMACOSIM_BENCH_DRIVER</c>, else
    /// next to the harness with <c>dmacosim-harness</c> in its name replaced by <c>dmacosim-bench-driver</c>.
    /// </summary>
    /// <param name="harnessPath">The harness binary (<see cref="HarnessProcess.Locate"/>).</param>
    /// <returns>The full path.</returns>
    /// <exception cref="FileNotFoundException">No driver binary exists there.</exception>
    public static string LocateDriver(string harnessPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(harnessPath);
        var fromEnv = Environment.GetEnvironmentVariable(DriverVariable);
        var path = !string.IsNullOrEmpty(fromEnv)
            ? fromEnv
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(harnessPath)) ?? ".",
                Path.GetFileName(harnessPath).Replace("dmacosim-harness", "dmacosim-bench-driver", StringComparison.Ordinal));
        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new FileNotFoundException($"bench driver {path} not found: run `make harness` (or `make bench-driver`), or set {DriverVariable}", path);
    }

    /// <summary>
    /// One round through the bridge: seeds the source and clears the destination (shared memory) and
    /// probes the channel, untimed; then times prep + submit of every segment, issue pending and the
    /// wait; then checks that the destination equals the source.
    /// </summary>
    /// <param name="harness">The harness (its DRAM is written through shared memory).</param>
    /// <param name="channel">A channel on the harness; its descriptor pool must be empty.</param>
    /// <param name="plan">The copy.</param>
    /// <param name="seed">Seed of the source pattern.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The round, and the address of the first descriptor (the others follow every 64 bytes).</returns>
    /// <exception cref="InvalidOperationException">The descriptors are not contiguous, or the copy is wrong.</exception>
    /// <exception cref="SimException">A request failed.</exception>
    public static async Task<(ScatterGatherRound Round, ulong Descriptors)> RunAsync(
        HarnessProcess harness, CdmaChannel channel, ScatterGatherPlan plan, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(plan);
        var length = checked((int)plan.Bytes);
        var pattern = SeededPattern.Create(length, seed);
        await harness.Memory.WriteAsync(plan.Source, pattern, cancellationToken).ConfigureAwait(false);
        await harness.Memory.FillAsync(plan.Destination, length, 0, cancellationToken).ConfigureAwait(false);
        await channel.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var sim = harness.Client;
        var first = await sim.RunAsync(0, cancellationToken).ConfigureAwait(false);

        // The previous copy's 4 MiB buffers are garbage now: collect them before the clock starts, so
        // that no background collection takes a core from the harness during the timed copy.
        GC.Collect();
        var cpu = CpuTime(Environment.ProcessId) + CpuTime(harness.ProcessId);
        var clock = Stopwatch.StartNew();
        var segment = plan.Bytes / (ulong)plan.Segments;
        var transactions = new List<CdmaTransaction>(plan.Segments);
        for (var i = 0; i < plan.Segments; i++)
        {
            var offset = (ulong)i * segment;
            var size = i + 1 == plan.Segments ? plan.Bytes - offset : segment;
            var transaction = await channel.PrepMemcpyAsync(plan.Destination + offset, plan.Source + offset, size, cancellationToken)
                .ConfigureAwait(false);
            await channel.SubmitAsync(transaction, cancellationToken).ConfigureAwait(false);
            transactions.Add(transaction);
        }

        await channel.IssuePendingAsync(cancellationToken).ConfigureAwait(false);
        await channel.WaitAsync(transactions[^1], plan.BudgetCycles, cancellationToken).ConfigureAwait(false);
        clock.Stop();
        cpu = CpuTime(Environment.ProcessId) + CpuTime(harness.ProcessId) - cpu;

        var last = await sim.RunAsync(0, cancellationToken).ConfigureAwait(false);
        var descriptors = transactions[0].Descriptors[0];
        for (var i = 0; i < transactions.Count; i++)
        {
            if (transactions[i].State != CdmaTransactionState.Complete)
            {
                throw new InvalidOperationException($"segment {i} of the bench copy is {transactions[i].State} after the wait");
            }

            if (transactions[i].Descriptors is not [var address] || address != descriptors + ((ulong)i * CdmaDescriptor.Size))
            {
                throw new InvalidOperationException(
                    $"segment {i}: descriptors {string.Join(", ", transactions[i].Descriptors.Select(d => $"0x{d:X}"))} " +
                    $"are not one descriptor at 0x{descriptors + ((ulong)i * CdmaDescriptor.Size):X}, as the C++ driver lays them out");
            }
        }

        var copied = await harness.Memory.ReadAsync(plan.Destination, length, cancellationToken).ConfigureAwait(false);
        if (!copied.AsSpan().SequenceEqual(pattern))
        {
            var at = copied.AsSpan().CommonPrefixLength(pattern);
            throw new InvalidOperationException($"bench copy: the destination differs from the source at byte {at}");
        }

        return (new ScatterGatherRound(last - first, clock.Elapsed, cpu), descriptors);
    }

    /// <summary>
    /// The C++ driver's command line for <paramref name="rounds"/> rounds of <paramref name="plan"/>: every
    /// figure of the copy comes from here (the plan, the pool's first descriptor, <see cref="ChannelDefaults"/>'s
    /// budgets); the driver has no defaults for them.
    /// </summary>
    /// <param name="plan">The copy.</param>
    /// <param name="descriptors">Address of the first descriptor.</param>
    /// <param name="rounds">Rounds.</param>
    /// <returns>Option, value, option, value, ...</returns>
    public static IReadOnlyList<string> NativeArguments(ScatterGatherPlan plan, ulong descriptors, int rounds)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return
        [
            "--bytes", Number(plan.Bytes), "--segments", Number((ulong)plan.Segments), "--src", Number(plan.Source),
            "--dst", Number(plan.Destination), "--desc", Number(descriptors), "--budget", Number(plan.BudgetCycles),
            "--reset-timeout", Number(ChannelDefaults.ResetTimeoutCycles), "--reset-poll", Number(ChannelDefaults.ResetPollCycles),
            "--rounds", Number((ulong)rounds),
        ];
    }

    /// <summary>
    /// Runs the C++ driver for <paramref name="rounds"/> rounds of <paramref name="plan"/> and returns what it
    /// measured. It must have been built for the same RTL parameters as <paramref name="rtl"/>.
    /// </summary>
    /// <param name="driver">The binary (<see cref="LocateDriver"/>).</param>
    /// <param name="plan">The copy.</param>
    /// <param name="descriptors">Address of the first descriptor (the C# pool's, from <see cref="RunAsync"/>).</param>
    /// <param name="rounds">Rounds, 1..1000.</param>
    /// <param name="rtl">The RTL parameters the C# side runs on.</param>
    /// <param name="cancellationToken">Cancels the run (the process is killed).</param>
    /// <returns>The rounds.</returns>
    /// <exception cref="InvalidOperationException">The driver failed, timed out, printed something else, or was built for other parameters.</exception>
    public static async Task<NativeBenchResult> RunNativeAsync(
        string driver, ScatterGatherPlan plan, ulong descriptors, int rounds, RtlInfo rtl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(driver);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rtl);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var info = new ProcessStartInfo(driver)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in NativeArguments(plan, descriptors, rounds))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {driver}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(NativeTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"{driver} still running after {NativeTimeout.TotalMinutes:0} min; killed");
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = (await stderr.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{driver} exited with {process.ExitCode}: {errors}");
        }

        try
        {
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            var built = (root.GetProperty("data_width").GetInt32(), root.GetProperty("addr_width").GetInt32(), root.GetProperty("max_burst").GetInt32());
            if (built != (rtl.DataWidth, rtl.AddrWidth, rtl.MaxBurst))
            {
                throw new InvalidOperationException(
                    $"{driver} was built for DATA_WIDTH={built.Item1} ADDR_WIDTH={built.Item2} MAX_BURST={built.Item3}, " +
                    $"the harness for {rtl.DataWidth}/{rtl.AddrWidth}/{rtl.MaxBurst}: build the matching variant");
            }

            var measured = root.GetProperty("rounds").EnumerateArray()
                .Select(r => new ScatterGatherRound(
                    r.GetProperty("cycles").GetUInt64(),
                    TimeSpan.FromSeconds(r.GetProperty("wall_s").GetDouble()),
                    TimeSpan.FromSeconds(r.GetProperty("cpu_s").GetDouble())))
                .ToList();
            return measured.Count == rounds
                ? new NativeBenchResult(driver, measured)
                : throw new InvalidOperationException($"{driver} reported {measured.Count} rounds, asked for {rounds}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException)
        {
            throw new InvalidOperationException($"{driver} printed no result: {e.Message}; output: {output.Trim()}", e);
        }
    }

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// CPU time of every live thread of process <paramref name="pid"/> (the first field of
    /// /proc/PID/task/TID/schedstat, in nanoseconds); zero where /proc has no such figures.
    /// </summary>
    /// <param name="pid">The process.</param>
    /// <returns>Its threads' CPU time so far.</returns>
    public static TimeSpan CpuTime(int pid)
    {
        long nanoseconds = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    nanoseconds += long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is IOException or FormatException or ArgumentOutOfRangeException)
                {
                    // the thread is gone, or the kernel keeps no schedstat
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromTicks(nanoseconds / 100);
    }
}
