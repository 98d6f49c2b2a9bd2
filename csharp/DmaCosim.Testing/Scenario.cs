using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>One copy of a scenario: a descriptor-chain entry.</summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="Length">Bytes.</param>
public sealed record ScenarioCopy(ulong Source, ulong Destination, uint Length);

/// <summary>
/// A constrained-random regression scenario, fully determined by (seed, build): a chain of copies,
/// the DRAM model's latency and backpressure, and possibly a fault window — then the expected outcome
/// is the error, not data.
/// </summary>
/// <param name="Seed">The seed.</param>
/// <param name="Copies">The copies, submitted as one batch.</param>
/// <param name="Memory">The DRAM model's configuration.</param>
/// <param name="Fault">The fault window, or null.</param>
/// <param name="FaultedCopy">Index of the copy the fault hits, or −1.</param>
public sealed record Scenario(ulong Seed, IReadOnlyList<ScenarioCopy> Copies, MemConfig Memory, FaultWindow? Fault, int FaultedCopy)
{
    /// <summary>Total bytes copied.</summary>
    public long Bytes => Copies.Sum(c => (long)c.Length);

    /// <summary>One line describing it.</summary>
    public string Describe() =>
        $"seed {Seed}: {Copies.Count} descriptors, {Bytes} bytes, read latency {Memory.ReadLatency}, write latency {Memory.WriteLatency}, " +
        $"backpressure {Memory.Backpressure?.Ar:0.##}" + (Fault is { } f ? $", {f.Response} on {f.On} at copy {FaultedCopy}" : "");
}

/// <summary>Generates <see cref="Scenario"/>s from seeds; the same seed and build always give the same scenario.</summary>
public static class ScenarioGenerator
{
    private const ulong SourceArena = 0x0400_0000;
    private const ulong DestinationArena = 0x1C00_0000;
    private const ulong ArenaSize = 0x1400_0000; // 320 MiB each

    /// <summary>Generates the scenario of <paramref name="seed"/> for a build.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="rtl">The build's parameters.</param>
    /// <returns>The scenario.</returns>
    public static Scenario Generate(ulong seed, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(rtl);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32) ^ 0x5EED)));
        var count = random.Next(4) == 0 ? random.Next(17, 65) : random.Next(1, 17);
        var copies = new List<ScenarioCopy>(count);
        ulong sourceCursor = SourceArena, destinationCursor = DestinationArena;
        for (var i = 0; i < count; i++)
        {
            var length = Length(random, rtl.BytesPerBeat);
            var source = sourceCursor + (ulong)random.Next(0, 4096);
            var destination = destinationCursor + (ulong)random.Next(0, 4096);
            if (source + length > SourceArena + ArenaSize || destination + length > DestinationArena + ArenaSize)
            {
                break; // the arenas are full: the chain ends here
            }

            copies.Add(new ScenarioCopy(source, destination, length));
            sourceCursor = (source + length + 4096 + 63) & ~63UL; // a gap for guards
            destinationCursor = (destination + length + 4096 + 63) & ~63UL;
        }

        var backpressure = random.Next(3) switch { 0 => 0.0, 1 => random.NextDouble() * 0.3, _ => random.NextDouble() * 0.7 };
        var memory = new MemConfig
        {
            ReadLatency = (uint)(random.Next(3) == 0 ? 0 : random.Next(0, 40)),
            WriteLatency = (uint)(random.Next(3) == 0 ? 0 : random.Next(0, 40)),
            MaxOutstanding = 8,
            Backpressure = Backpressure.All(Math.Round(backpressure, 3)),
            Seed = seed,
        };

        FaultWindow? fault = null;
        var faulted = -1;
        if (random.Next(10) == 0)
        {
            faulted = random.Next(copies.Count);
            var target = copies[faulted];
            var onRead = random.Next(2) == 0;
            var offset = (ulong)random.Next(0, (int)Math.Min(target.Length, int.MaxValue));
            fault = new FaultWindow(
                (onRead ? target.Source : target.Destination) + offset, 1,
                random.Next(2) == 0 ? AxiFault.SlvErr : AxiFault.DecErr,
                onRead ? FaultDirection.Read : FaultDirection.Write);
            memory = memory with { Faults = [fault] };
        }
        else
        {
            memory = memory with { Faults = [] };
        }

        return new Scenario(seed, copies, memory, fault, faulted);
    }

    /// <summary>Lengths from 1 B to 1 MiB, biased to the edges: 1, bytes-per-beat ± 1, 4 KiB ± 1.</summary>
    private static uint Length(Random random, int bytesPerBeat) => random.Next(10) switch
    {
        0 => 1,
        1 => (uint)(bytesPerBeat + random.Next(-1, 2)),
        2 => (uint)(4096 + random.Next(-1, 2)),
        3 => (uint)random.Next(1, 4 * bytesPerBeat + 1),
        4 => (uint)random.Next(65536, (1 << 20) + 1),
        _ => (uint)random.Next(1, 16385),
    };
}
