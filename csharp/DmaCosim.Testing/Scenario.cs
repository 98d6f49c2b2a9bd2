// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>One copy of a scenario: a descriptor-chain entry.</summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="Length">Bytes.</param>
public sealed record ScenarioCopy(ulong Source, ulong Destination, uint Length)
{
    /// <summary>Whether the source or the destination range crosses a 4 KiB boundary.</summary>
    public bool CrossesPage => Length > 0 && (Source / 4096 != (Source + Length - 1) / 4096 || Destination / 4096 != (Destination + Length - 1) / 4096);

    /// <summary>The source's byte offset within a data beat.</summary>
    /// <param name="bytesPerBeat">The build's bytes per beat.</param>
    /// <returns>The offset.</returns>
    public int SourceOffsetInBeat(int bytesPerBeat) => (int)(Source % (ulong)bytesPerBeat);

    /// <summary>The destination's byte offset within a data beat.</summary>
    /// <param name="bytesPerBeat">The build's bytes per beat.</param>
    /// <returns>The offset.</returns>
    public int DestinationOffsetInBeat(int bytesPerBeat) => (int)(Destination % (ulong)bytesPerBeat);
}

/// <summary>
/// A constrained-random regression scenario, fully determined by (seed, build): a chain of copies,
/// the DRAM model's latency and backpressure, possibly a fault window — then the expected outcome
/// is the error, not data — and possibly CPU activity around and during the transfer.
/// </summary>
/// <param name="Seed">The seed.</param>
/// <param name="Copies">The copies, submitted as one batch.</param>
/// <param name="Memory">The DRAM model's configuration.</param>
/// <param name="Fault">The fault window, or null.</param>
/// <param name="FaultedCopy">Index of the copy the fault hits, or −1.</param>
/// <param name="Cpu">The CPU's loads and stores, or null when the CPU stays idle.</param>
/// <param name="Engine">The register-level knobs (the runner then drives the engine at register level and checks it
/// against <see cref="Pg034Model"/>), or null for the dmaengine-driver path.</param>
public sealed record Scenario(
    ulong Seed, IReadOnlyList<ScenarioCopy> Copies, MemConfig Memory, FaultWindow? Fault, int FaultedCopy, CpuActivity? Cpu = null, EngineScenario? Engine = null)
{
    /// <summary>The build the scenario was generated for (for <see cref="Describe"/>), or null.</summary>
    public RtlInfo? Rtl { get; init; }

    /// <summary>The scenario-generator version that drew it: <see cref="ScenarioGenerator.Version"/>, or the saved one's (<see cref="ScenarioFile"/>).</summary>
    public int Generator { get; init; } = ScenarioGenerator.Version;

    /// <summary>A coherency-hazard scenario: the driver's deliberate mistake and the expected violation, or null.</summary>
    public HazardScenario? Hazard { get; init; }

    /// <summary>A snoop-mode scenario: the CPU's lines anywhere in the copy's range, no maintenance, the monitor's snoops make it coherent; or null.</summary>
    public SnoopScenario? Snoop { get; init; }

    /// <summary>An address-space scenario (bounce, misaligned on nodre, unmap too early), or null.</summary>
    public AddressScenario? Address { get; init; }

    /// <summary>Total bytes copied.</summary>
    public long Bytes => Copies.Sum(c => (long)c.Length);

    /// <summary>One line describing it.</summary>
    public string Describe() =>
        $"generator v{Generator} seed {Seed}: " + (Hazard is { } h ? h.Describe() + "; " : "") + (Snoop is { } sn ? sn.Describe() + "; " : "") + (Address is { } a ? a.Describe() + "; " : "") + (Engine is { } e && Rtl is { } rtl ? e.Describe(rtl) + "; " : "") + $"{Copies.Count} descriptors, {Bytes} bytes, read latency {Memory.ReadLatency}, write latency {Memory.WriteLatency}, " +
        $"backpressure {Memory.Backpressure?.Ar:0.##}" + (Fault is { } f ? $", {f.Response} on {f.On} at copy {FaultedCopy}" : "") +
        (Cpu is { } cpu ? $"; {cpu.Describe()}" : "");

    /// <summary>What copy <paramref name="copy"/>'s source holds before the CPU acts (written through the backdoor).</summary>
    /// <param name="copy">Index of the copy.</param>
    /// <returns>The bytes.</returns>
    public byte[] InitialSource(int copy) => SeededPattern.Create((int)Copies[copy].Length, (Seed * 1000) + (ulong)copy);

    /// <summary>The bytes CPU action <paramref name="action"/> stores (for a load: what it would store).</summary>
    /// <param name="action">Index into <see cref="CpuActivity.Actions"/>.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="InvalidOperationException">The scenario has no CPU activity.</exception>
    public byte[] CpuStoreData(int action) =>
        SeededPattern.Create(CpuOrThrow.Actions[action].Length, (Seed * 1000) + 500 + (ulong)action);

    /// <summary>What the unrelated region holds before the CPU touches it (written through the backdoor).</summary>
    /// <returns>The bytes (empty when no action touches it).</returns>
    /// <exception cref="InvalidOperationException">The scenario has no CPU activity.</exception>
    public byte[] InitialUnrelated() => SeededPattern.Create(CpuOrThrow.UnrelatedLength, (Seed * 1000) + 499);

    /// <summary>
    /// The reference model of a source: its initial bytes with the CPU's stores over them, in program order
    /// (the driver cleaned them to memory when it mapped the source ToDevice, so the device copies these).
    /// </summary>
    /// <param name="copy">Index of the copy.</param>
    /// <returns>The bytes.</returns>
    public byte[] SourceData(int copy)
    {
        var data = InitialSource(copy);
        var actions = Cpu?.Actions ?? [];
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions[i] is { Kind: CpuActionKind.StoreSource } store && store.Copy == copy)
            {
                CpuStoreData(i).CopyTo(data.AsSpan((int)(store.Address - Copies[copy].Source)));
            }
        }

        return data;
    }

    /// <summary>
    /// The reference model of a destination after the scenario: the source's bytes when the copy completes,
    /// the guard value when a fault stopped the chain before it, null for the faulted copy itself (partly written).
    /// </summary>
    /// <param name="copy">Index of the copy.</param>
    /// <returns>The bytes, or null when they are not determined.</returns>
    public byte[]? ExpectedDestination(int copy)
    {
        if (FaultedCopy < 0 || copy < FaultedCopy)
        {
            return SourceData(copy);
        }

        if (copy == FaultedCopy)
        {
            return null;
        }

        var untouched = new byte[Copies[copy].Length];
        Array.Fill(untouched, Guards.Value);
        return untouched;
    }

    private CpuActivity CpuOrThrow => Cpu ?? throw new InvalidOperationException($"seed {Seed}: the scenario has no CPU activity");
}

/// <summary>Generates <see cref="Scenario"/>s from seeds; the same seed and build always give the same scenario.</summary>
public static partial class ScenarioGenerator
{
    /// <summary>
    /// The generator's version: a seed means the same scenario only under the same version (it is printed in
    /// <see cref="Scenario.Describe"/>, the repro lines and the JUnit properties). 1: the dmaengine-driver path
    /// only; 2: also the register-level path over the whole configuration space (<see cref="EngineScenario"/>); 3: thresholds of 8+,
    /// keyhole copies of one FIXED burst or less and of more than 256 beats, 64 KiB copies in every mode, 1-wrap cyclic rings,
    /// more data + STATUS error pairs, and coherency-hazard scenarios; 4: address-space scenarios (swiotlb bouncing,
    /// misaligned copies on the nodre build, a destination unmapped too early), and on nodre only those; 5: among them,
    /// IOMMU scenarios (a copy through IOMMU mappings, a destination unmapped too early caught as an IOMMU fault); 6: a
    /// quarter of the address-space scenarios behind a host-bridge offset (a harness started with <c>--bus-offset</c>),
    /// half the IOMMU copies through SG descriptors mapped in the IOMMU domain; 7: the IOMMU fault scenarios draw the
    /// mistake (<see cref="IommuMistake"/>: the source or the destination unmapped, or mapped for the wrong direction), so
    /// read and permission faults are reached too; 8: the hazard share draws a variant — one mistake (as before), two on one
    /// copy (a destination mistake and a dirty source), a CPU-side mistake made while the copy's DMA reads a dirty source
    /// (<see cref="HazardScenario.During"/>), or a snoop-mode copy with the CPU's lines anywhere in its bursts
    /// (<see cref="SnoopScenario"/>).
    /// </summary>
    public const int Version = 8;

    /// <summary>First byte of the sources' arena: sources and destinations all lie in [ArenaBase, ArenaEnd).</summary>
    internal const ulong ArenaBase = SourceArena;

    /// <summary>End of the destinations' arena.</summary>
    internal const ulong ArenaEnd = DestinationArena + ArenaSize;

    private const ulong SourceArena = 0x0400_0000;
    private const ulong DestinationArena = 0x1C00_0000;
    private const ulong ArenaSize = 0x1400_0000; // 320 MiB each
    private const ulong UnrelatedArena = 0x3800_0000; // far from every DMA buffer and the descriptor pool (0x3FF0_0000)
    private const int CpuWindowMax = 2048;

    /// <summary>Generates the scenario of <paramref name="seed"/> for a build.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="rtl">The build's parameters.</param>
    /// <returns>The scenario.</returns>
    public static Scenario Generate(ulong seed, RtlInfo rtl)
    {
        ArgumentNullException.ThrowIfNull(rtl);
        var path = new Random(BitConverter.ToInt32(SeededPattern.Create(sizeof(int), seed ^ 0x2E61)));
        var roll = path.Next(100);
        if (IsAddress(seed, rtl))
        {
            return GenerateAddress(seed, rtl);
        }

        return roll < HazardPercent && rtl.CacheLine != 0 ? GenerateHazard(seed, rtl, path) with { Rtl = rtl }
            : roll < HazardPercent + DriverPathPercent ? GenerateDriverPath(seed, rtl)
            : GenerateEngine(seed, rtl, path) with { Rtl = rtl };
    }

    /// <summary>The version-1 scenario of <paramref name="seed"/>: the dmaengine driver's path.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="rtl">The build's parameters.</param>
    /// <returns>The scenario.</returns>
    public static Scenario GenerateDriverPath(ulong seed, RtlInfo rtl)
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

        return new Scenario(seed, copies, memory, fault, faulted, GenerateCpu(seed, rtl, copies, faulted));
    }

    /// <summary>
    /// CPU activity for about half the seeds: a non-empty mix of (a) stores into up to three sources before
    /// they are mapped ToDevice, (b) loads of up to three destinations before they are mapped FromDevice and
    /// again after they are unmapped, (c) up to eight loads and stores to an unrelated region while the DMA
    /// runs. The faulted copy is left alone (the fault window answers the CPU's line fills too). It draws from
    /// a stream of its own, so the rest of each seed's scenario is what it was before CPU activity existed.
    /// </summary>
    private static CpuActivity? GenerateCpu(ulong seed, RtlInfo rtl, List<ScenarioCopy> copies, int faulted)
    {
        // Random(int)'s first draws follow the seed's low bits, so the seed goes through SplitMix64 first
        var random = new Random(BitConverter.ToInt32(SeededPattern.Create(sizeof(int), seed ^ 0xC0DE)));
        if (rtl.CacheLine == 0 || random.Next(2) == 0)
        {
            return null;
        }

        var touchable = Enumerable.Range(0, copies.Count).Where(i => i != faulted).ToList();
        var mix = touchable.Count == 0 ? 4 : random.Next(1, 8); // bit 0: (a), bit 1: (b), bit 2: (c)
        var actions = new List<CpuAction>();
        if ((mix & 1) != 0)
        {
            foreach (var i in Pick(random, touchable))
            {
                var (offset, length) = Window(random, copies[i].Length);
                actions.Add(new CpuAction(CpuActionKind.StoreSource, i, copies[i].Source + offset, length));
            }
        }

        if ((mix & 2) != 0)
        {
            foreach (var i in Pick(random, touchable))
            {
                var (offset, length) = Window(random, copies[i].Length);
                actions.Add(new CpuAction(CpuActionKind.LoadDestination, i, copies[i].Destination + offset, length));
            }
        }

        actions = [.. actions.OrderBy(a => a.Copy)]; // program order: each copy's accesses just before it is mapped
        ulong unrelated = 0;
        var unrelatedLength = 0;
        if ((mix & 4) != 0)
        {
            unrelated = UnrelatedArena + (ulong)random.Next(0, 4096);
            unrelatedLength = random.Next(64, 16385);
            for (var n = random.Next(1, 9); n > 0; n--)
            {
                var (offset, length) = Window(random, (uint)unrelatedLength);
                var kind = random.Next(2) == 0 ? CpuActionKind.LoadUnrelated : CpuActionKind.StoreUnrelated;
                actions.Add(new CpuAction(kind, -1, unrelated + offset, length));
            }
        }

        return new CpuActivity(actions, unrelated, unrelatedLength);
    }

    /// <summary>One to three distinct entries of <paramref name="from"/>, in ascending order.</summary>
    private static List<int> Pick(Random random, List<int> from)
    {
        var count = random.Next(1, Math.Min(3, from.Count) + 1);
        var picked = new SortedSet<int>();
        while (picked.Count < count)
        {
            picked.Add(from[random.Next(from.Count)]);
        }

        return [.. picked];
    }

    /// <summary>A window of at most 2 KiB inside [0, length): the whole range a quarter of the time it fits.</summary>
    private static (ulong Offset, int Length) Window(Random random, uint length)
    {
        var max = (int)Math.Min(length, CpuWindowMax);
        var size = random.Next(4) == 0 ? max : random.Next(1, max + 1);
        return ((ulong)random.Next(0, (int)length - size + 1), size);
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
