using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim bench</c>: engine figures from deterministic cycle counts, bridge figures from the
/// wall clock (medians of repeated runs), and the machine they ran on.
/// </summary>
internal static class BenchCommand
{
    private const int CopyBytes = 1 << 20;
    private const ulong Source = 0x0100_0000;
    private const ulong Destination = 0x0200_0000;

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of a table" };
        var command = new Command("bench", "measure engine efficiency and bridge speed") { json };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool json, CancellationToken ct)
    {
        await using var harness = await HarnessProcess.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        var sim = harness.Client;
        var rtl = harness.Hello.Rtl;
        var figures = new Dictionary<string, object>();

        var zero = await CopyAsync(harness, new MemConfig { ReadLatency = 0, WriteLatency = 0 }, ct).ConfigureAwait(false);
        var latency20 = await CopyAsync(harness, new MemConfig { ReadLatency = 20, WriteLatency = 0 }, ct).ConfigureAwait(false);
        await sim.MemConfigAsync(new MemConfig { ReadLatency = 0 }, ct).ConfigureAwait(false);
        figures["engine_efficiency"] = Round(zero.BytesPerCycle / rtl.BytesPerBeat);
        figures["engine_efficiency_cycles"] = zero.Cycles;
        figures["engine_efficiency_latency20"] = Round(latency20.BytesPerCycle / rtl.BytesPerBeat);
        figures["engine_efficiency_latency20_cycles"] = latency20.Cycles;
        figures["engine_bytes"] = CopyBytes;
        figures["bytes_per_beat"] = rtl.BytesPerBeat;

        figures["reg_ops_per_s"] = Round(await MedianRateAsync(2000, async () => await sim.RegReadAsync(0, ct).ConfigureAwait(false)).ConfigureAwait(false));
        var batch = Enumerable.Repeat(new SimRequest("reg_read", new Dictionary<string, object?> { ["addr"] = 0u }), 1000).ToList();
        figures["reg_ops_per_s_batched"] = Round(1000 * await MedianRateAsync(20, async () => await sim.BatchAsync(batch, ct).ConfigureAwait(false)).ConfigureAwait(false));

        var block = SeededPattern.Create(16 << 20, 3);
        figures["shm_mb_per_s"] = Round(32 * await MedianRateAsync(5, async () =>
        {
            await harness.Memory.WriteAsync(Source, block, ct).ConfigureAwait(false);
            await harness.Memory.ReadAsync(Source, block.Length, ct).ConfigureAwait(false);
        }).ConfigureAwait(false));
        figures["mem_op_mb_per_s"] = Round(32 * await MedianRateAsync(5, async () =>
        {
            await sim.MemWriteAsync(Source, block, ct).ConfigureAwait(false);
            await sim.MemReadAsync(Source, block.Length, ct).ConfigureAwait(false);
        }).ConfigureAwait(false));
        figures["sim_cycles_per_s"] = Round(10_000_000 * await MedianRateAsync(5, async () => await sim.RunAsync(10_000_000, ct).ConfigureAwait(false)).ConfigureAwait(false));
        figures["machine"] = new Dictionary<string, object>
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = CpuModel(),
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["rtl"] = $"{rtl.DataWidth}-bit data, {rtl.AddrWidth}-bit address, max burst {rtl.MaxBurst}",
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

    private static async Task<CdmaTransferResult> CopyAsync(HarnessProcess harness, MemConfig config, CancellationToken ct)
    {
        await harness.Client.ResetAsync(cancellationToken: ct).ConfigureAwait(false);
        await harness.Client.MemConfigAsync(config, ct).ConfigureAwait(false);
        var channel = new CdmaChannel(harness.Client, harness.Hello.Rtl);
        await channel.ResetAsync(ct).ConfigureAwait(false);
        await harness.Memory.WriteAsync(Source, SeededPattern.Create(CopyBytes, 1), ct).ConfigureAwait(false);
        return await channel.MemcpyAsync(Destination, Source, CopyBytes, ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="action"/> in 5 rounds of <paramref name="count"/> and returns the median rate per second.</summary>
    private static async Task<double> MedianRateAsync(int count, Func<Task> action)
    {
        await action().ConfigureAwait(false); // warm-up
        var rates = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await action().ConfigureAwait(false);
            }

            rates.Add(count / clock.Elapsed.TotalSeconds);
        }

        rates.Sort();
        return rates[rates.Count / 2];
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static string Describe(object value) =>
        value is Dictionary<string, object> map
            ? string.Join(", ", map.Select(kv => $"{kv.Key}={kv.Value}"))
            : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

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
