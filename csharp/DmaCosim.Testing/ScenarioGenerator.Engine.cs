// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Testing;

/// <summary>The register-level scenarios of generator version 2: the engine's configuration space, weighted so each stays short.</summary>
public static partial class ScenarioGenerator
{
    /// <summary>Share of seeds (percent) that take the dmaengine-driver path (version 1's scenarios).</summary>
    internal const int DriverPathPercent = 40;

    /// <summary>Share of seeds (percent) that are coherency-hazard scenarios (<see cref="HazardScenario"/>; builds with a CPU cache).</summary>
    internal const int HazardPercent = 6;

    private const ulong DescriptorArena = 0x3000_0000; // 4096 slots of 64 bytes, clear of every data arena
    private const ulong LoadArena = 0x3A00_0000; // the background CPU load's region
    private const int MaxEngineBytes = 96 * 1024;

    private static Scenario GenerateEngine(ulong seed, RtlInfo rtl, Random r)
    {
        var bpb = rtl.BytesPerBeat;
        var simple = r.Next(5) == 0;
        var cyclic = !simple && r.Next(8) == 0;
        var keyholeRead = r.Next(7) == 0;
        var keyholeWrite = r.Next(7) == 0;
        var delay = !simple && !cyclic && r.Next(5) == 0 ? (uint)r.Next(1, 4) : 0;
        // now and then a threshold of 8 or more, whose chains end with a partial group (an IOC of fewer descriptors)
        var thresholdWritten = r.Next(20) == 0 ? 0u : r.Next(3) == 0 ? 1u : r.Next(6) == 0 ? (uint)r.Next(8, 12) : (uint)r.Next(2, 7);
        var threshold = Math.Max(thresholdWritten, 1);
        int count;
        if (simple)
        {
            count = r.Next(1, 5);
        }
        else if (cyclic)
        {
            count = r.Next(2, 6);
            thresholdWritten = threshold = (uint)Math.Min(threshold, count - 1); // at most one completion per descriptor between interrupts
        }
        else
        {
            count = r.Next(1, 11);
            if (threshold > 1)
            {
                count = Math.Max(count, ((int)threshold * r.Next(2, 4)) + r.Next(0, 2)); // long enough to coalesce several times
            }

            count = Math.Min(count, 24);
        }

        var snoop = !simple && !cyclic && rtl.CacheLine != 0 && r.Next(4) == 0 ? r.Next(2) == 0 : (bool?)null;
        var softResetAfter = !simple && !cyclic && count >= 3 && r.Next(8) == 0 ? r.Next(1, count - 1) : -1;
        var firstTail = !simple && !cyclic && count >= 2 && r.Next(6) == 0 ? r.Next(0, count - 1) : -1;
        var perfClearAfter = !simple && r.Next(5) == 0 ? r.Next(1, count + 1) : -1;

        // copies: keyhole ones beat-aligned and many FIXED bursts long; the others from 1 byte to 32 KiB
        var copies = new List<ScenarioCopy>(count);
        ulong sourceCursor = SourceArena, destinationCursor = DestinationArena;
        var total = 0L;
        for (var i = 0; i < count; i++)
        {
            uint length;
            ulong source, destination;
            if (keyholeRead || keyholeWrite)
            {
                // mostly several FIXED bursts; sometimes one burst or less, or more than 256 beats
                length = (uint)(bpb * (r.Next(6) switch
                {
                    0 => r.Next(1, AxiMaxFixedBurst + 1),
                    1 => r.Next(257, 400),
                    _ => r.Next(AxiMaxFixedBurst + 1, AxiMaxFixedBurst * 8),
                }));
                source = sourceCursor + (ulong)(bpb * r.Next(0, 4096 / bpb));
                destination = destinationCursor + (ulong)(bpb * r.Next(0, 4096 / bpb));
            }
            else
            {
                length = r.Next(10) switch
                {
                    0 when i == 0 && r.Next(4) == 0 => (uint)r.Next(65536, 73729), // 64 KiB and more, in every mode
                    0 => (uint)r.Next(1, (4 * bpb) + 1),
                    1 => (uint)(4096 + r.Next(-1, 2)),
                    2 => (uint)r.Next(8192, 32769),
                    _ => (uint)r.Next(1, 3001),
                };
                source = sourceCursor + (ulong)r.Next(0, 4096);
                destination = destinationCursor + (ulong)r.Next(0, 4096);
            }

            if (total + length > MaxEngineBytes && i > 0)
            {
                count = i;
                break;
            }

            total += length;
            copies.Add(new ScenarioCopy(source, destination, length));
            sourceCursor = (source + length + 4096 + 63) & ~63UL;
            destinationCursor = (destination + length + 4096 + 63) & ~63UL;
        }

        if (softResetAfter >= count - 1)
        {
            softResetAfter = -1;
        }

        if (firstTail >= count - 1)
        {
            firstTail = -1;
        }

        perfClearAfter = Math.Min(perfClearAfter, count);

        // a descriptor with BTT = 0 (DMAIntErr) now and then
        if (!cyclic && softResetAfter < 0 && r.Next(15) == 0)
        {
            var z = r.Next(count);
            copies[z] = copies[z] with { Length = 0 };
        }

        var descriptors = DescriptorAddresses(r, simple ? 0 : count);
        var reserved = Enumerable.Range(0, count).Select(_ => r.Next(3) == 0 ? (uint)r.Next(0, 1 << 28) : 0u).ToList();
        var faults = !cyclic && softResetAfter < 0 && r.Next(4) == 0
            ? Faults(r, rtl, copies, descriptors, simple || snoop != null, keyholeRead, keyholeWrite)
            : [];

        var mode = (TransferMode)(r.Next(4) switch { 0 or 1 => 0, 2 => 1, _ => 2 });
        CpuLoad? load = null;
        if (rtl.CacheLine != 0 && r.Next(4) == 0)
        {
            load = new CpuLoad(
                r.Next(2) == 0 ? CpuLoadPattern.Random : CpuLoadPattern.Stream, r.Next(5, mode == TransferMode.Transparent ? 30 : 60),
                LoadArena + (ulong)(4 * r.Next(0, 1024)), (ulong)(4 * r.Next(1, 4097)), seed, r.Next(0, 61), r.Next(4) != 0);
        }

        var engine = new EngineScenario
        {
            Mode = mode,
            MaxBurstM1Written = r.Next(2) == 0 ? (uint)(rtl.MaxBurst - 1) : (uint)(r.Next(6) switch { 0 => 0, 1 => 1, 2 => 3, 3 => 7, 4 => 15, _ => r.Next(0, 256) }),
            MaxOutstandingWritten = r.Next(2) == 0 ? (uint)rtl.MaxOutstanding : (uint)r.Next(0, rtl.MaxOutstanding + 3),
            BeatsPerGrantWritten = r.Next(10) == 0 ? (uint)r.Next(0, 256) : (uint)r.Next(0, 17),
            IdleGap = (uint)r.Next(0, 9),
            Simple = simple,
            KeyholeRead = keyholeRead,
            KeyholeWrite = keyholeWrite,
            CyclicWraps = cyclic ? r.Next(1, 4) : 0,
            IrqThresholdWritten = thresholdWritten,
            IrqDelay = delay,
            Descriptors = descriptors,
            ReservedStatus = reserved,
            Faults = faults,
            SoftResetAfter = softResetAfter,
            FirstTail = firstTail,
            PerfClearAfter = perfClearAfter,
            Snoop = snoop,
            CpuLoad = load,
        };

        var backpressure = r.Next(3) == 0 ? 0.0 : Math.Round(r.NextDouble() * 0.4, 3);
        var memory = new MemConfig
        {
            ReadLatency = (uint)(r.Next(3) == 0 ? 0 : r.Next(0, 30)),
            WriteLatency = (uint)(r.Next(3) == 0 ? 0 : r.Next(0, 30)),
            MaxOutstanding = 8,
            // the delay window is measured from STATUS landing in memory: no B backpressure after it
            Backpressure = new Backpressure(backpressure, backpressure, backpressure, backpressure, delay > 0 ? 0 : backpressure),
            Seed = seed,
            Faults = [],
        };
        return new Scenario(seed, copies, memory, null, -1, null, engine);
    }

    private const int AxiMaxFixedBurst = 16;

    /// <summary>
    /// A scenario of the hazard share, of one of four variants: one driver mistake, or two on one copy (a destination
    /// mistake and a dirty source window) — the copy inside a 4 KiB page (one burst), either within one beat (narrow
    /// beats at both ends: fewer bytes than the bus carries) or beat-aligned and a whole number of beats (full-width
    /// beats), each CPU window inside the buffer its mistake concerns; a CPU-side mistake made while the copy's DMA reads
    /// a dirty source (<see cref="HazardScenario.During"/>: a copy of 4 lines to 2 KiB in one burst, dirty over at least
    /// half of it; on builds whose line holds at least two beats, so the monitor's two report paths together never make
    /// more than one report a cycle and its queue never overflows); or a snoop-mode copy (<see cref="GenerateSnoop"/>).
    /// The buffers the CPU caches stay within one cache way each, so no line is evicted before the DMA meets it.
    /// </summary>
    private static Scenario GenerateHazard(ulong seed, RtlInfo rtl, Random r)
    {
        var bpb = rtl.BytesPerBeat;
        var way = rtl.CacheSets * rtl.CacheLine;
        var variant = r.Next(4);
        if (variant == 3 && way >= 4096)
        {
            return GenerateSnoop(seed, rtl, r);
        }

        var concurrent = variant == 2 && rtl.CacheLine >= 2 * bpb && way >= 4096;
        var kind = concurrent ? HazardKind.StaleDmaRead : variant == 1 ? (HazardKind)r.Next(2) : (HazardKind)r.Next(3);
        var narrow = !concurrent && r.Next(2) == 0;
        var length = concurrent ? (uint)(bpb * r.Next(4 * rtl.CacheLine / bpb, (Math.Min(2048, rtl.MaxBurst * bpb) / bpb) + 1))
            : narrow ? (uint)r.Next(1, bpb) : (uint)(bpb * r.Next(1, (3 * rtl.CacheLine / bpb) + 1));
        ulong Place(ulong arena)
        {
            var page = arena + (4096UL * (ulong)r.Next(1, 1024));
            var beat = (ulong)bpb * (ulong)r.Next(0, (int)((4096 - length) / (uint)bpb));
            return page + beat + (narrow ? (ulong)r.Next(0, bpb - (int)length + 1) : 0);
        }

        var copy = new ScenarioCopy(Place(SourceArena), Place(DestinationArena), length);
        var buffer = kind == HazardKind.StaleDmaRead ? copy.Source : copy.Destination;
        HazardScenario hazard;
        if (concurrent)
        {
            var skip = r.Next(0, (int)length / 4);
            var window = r.Next((int)length / 2, (int)length - skip + 1);
            var words = r.Next(32, 257);
            var at = (ulong)(4 * r.Next(0, (4096 - (4 * words)) / 4 + 1));
            hazard = new HazardScenario(kind, buffer + (ulong)skip, window)
            {
                During = new ConcurrentHazard(r.Next(2) == 0 ? HazardKind.StaleCpuRead : HazardKind.LostDmaWrite,
                    SourceArena + (4096UL * (ulong)r.Next(1024, 2048)) + at, DestinationArena + (4096UL * (ulong)r.Next(1024, 2048)) + at, 4 * words),
            };
        }
        else
        {
            var window = r.Next(1, (int)length + 1);
            hazard = new HazardScenario(kind, buffer + (ulong)r.Next(0, (int)length - window + 1), window);
            if (variant == 1)
            {
                var dirty = r.Next(1, (int)length + 1);
                hazard = hazard with { DirtySource = new HazardWindow(copy.Source + (ulong)r.Next(0, (int)length - dirty + 1), dirty) };
            }
        }

        return new Scenario(seed, [copy], HazardMemory(seed, r), null, -1) { Hazard = hazard };
    }

    /// <summary>
    /// A snoop-mode scenario (<see cref="SnoopScenario"/>): one copy of up to 6 KiB (less than a cache way, minus two
    /// lines) at any byte offset, so it often spans several bursts and 4 KiB pages; 1–4 dirty windows of the source,
    /// 0–3 dirty and 0–2 loaded windows of the destination, each up to 3 lines anywhere in its buffer (one in four at
    /// the first byte of one of the engine's bursts, so that a burst's first line is hit as often as its later ones).
    /// </summary>
    private static Scenario GenerateSnoop(ulong seed, RtlInfo rtl, Random r)
    {
        var line = rtl.CacheLine;
        var max = Math.Min(6144, (rtl.CacheSets * line) - (2 * line));
        var length = (uint)(r.Next(2) == 0 ? r.Next(1, max + 1) : r.Next(max / 2, max + 1));
        var sourceOffset = r.Next(0, 4096);
        var destinationOffset = rtl.HasDre ? r.Next(0, 4096) : sourceOffset;
        var copy = new ScenarioCopy(SourceArena + (4096UL * (ulong)r.Next(1, 1024)) + (ulong)sourceOffset,
            DestinationArena + (4096UL * (ulong)r.Next(1, 1024)) + (ulong)destinationOffset, length);
        List<HazardWindow> Windows(ulong start, int min, int most)
        {
            var bursts = SnoopScenario.BurstStarts(start, length, rtl.BytesPerBeat, rtl.MaxBurst);
            var windows = new List<HazardWindow>();
            for (var n = r.Next(min, most + 1); n > 0; n--)
            {
                // one window in four starts at a burst's first byte (that burst's first line), the others anywhere
                var l = r.Next(1, (int)Math.Min(length, 3 * (uint)line) + 1);
                var at = r.Next(4) == 0 ? Math.Min(bursts[r.Next(bursts.Count)] - start, length - (ulong)l) : (ulong)r.Next(0, (int)length - l + 1);
                windows.Add(new HazardWindow(start + at, l));
            }

            return windows;
        }

        var snoop = new SnoopScenario(Windows(copy.Source, 1, 4), Windows(copy.Destination, 0, 3), Windows(copy.Destination, 0, 2));
        return new Scenario(seed, [copy], HazardMemory(seed, r), null, -1) { Snoop = snoop };
    }

    private static MemConfig HazardMemory(ulong seed, Random r) => new()
    {
        ReadLatency = (uint)r.Next(0, 30),
        WriteLatency = (uint)r.Next(0, 30),
        MaxOutstanding = 8,
        Backpressure = Backpressure.None,
        Seed = seed,
        Faults = [],
    };

    /// <summary>64-byte aligned descriptor slots: one after the other, or scattered over the pool.</summary>
    private static List<ulong> DescriptorAddresses(Random r, int count)
    {
        if (r.Next(2) == 0)
        {
            var first = r.Next(0, 4096 - count);
            return [.. Enumerable.Range(first, count).Select(s => DescriptorArena + ((ulong)s * CdmaDescriptor.Size))];
        }

        var slots = new HashSet<int>();
        var list = new List<ulong>(count);
        while (list.Count < count)
        {
            var slot = r.Next(0, 4096);
            if (slots.Add(slot))
            {
                list.Add(DescriptorArena + ((ulong)slot * CdmaDescriptor.Size));
            }
        }

        return list;
    }

    /// <summary>One to three fault windows, sometimes a data error and a failed STATUS write-back on the same descriptor.</summary>
    private static List<InjectedFault> Faults(
        Random r, RtlInfo rtl, List<ScenarioCopy> copies, List<ulong> descriptors, bool dataOnly, bool keyholeRead, bool keyholeWrite)
    {
        var faults = new List<InjectedFault>();
        void Add(int d, FaultSite site)
        {
            if (faults.Any(f => f.Descriptor == d && (f.Site == site || (IsData(f.Site) && IsData(site)))))
            {
                return; // one data error per descriptor: which of a read and a write error comes first is timing
            }

            var copy = copies[d];
            var span = Math.Max(1, (int)copy.Length);
            var response = r.Next(2) == 0 ? AxiFault.SlvErr : AxiFault.DecErr;
            var window = site switch
            {
                FaultSite.DataRead => new FaultWindow(copy.Source + (ulong)r.Next(0, keyholeRead ? rtl.BytesPerBeat : span), 1, response, FaultDirection.Read),
                FaultSite.DataWrite => new FaultWindow(copy.Destination + (ulong)r.Next(0, keyholeWrite ? rtl.BytesPerBeat : span), 1, response, FaultDirection.Write),
                FaultSite.DescriptorFetch => new FaultWindow(descriptors[d], CdmaDescriptor.HardwareSize, response, FaultDirection.Read),
                _ => new FaultWindow(descriptors[d] + CdmaDescriptor.StatusOffset, 4, response, FaultDirection.Write),
            };
            faults.Add(new InjectedFault(d, site, response, window));
        }

        for (var n = r.Next(1, 4); n > 0; n--)
        {
            Add(r.Next(copies.Count), (FaultSite)r.Next(dataOnly ? 2 : 4));
        }

        if (!dataOnly && r.Next(2) == 0)
        {
            // a data error and a failed STATUS write-back on one descriptor, mostly the first faulted one (the one the engine meets)
            var d = r.Next(3) == 0 ? r.Next(copies.Count) : faults.Min(f => f.Descriptor);
            Add(d, r.Next(2) == 0 ? FaultSite.DataRead : FaultSite.DataWrite);
            Add(d, FaultSite.StatusWrite);
        }

        return faults;
    }

    private static bool IsData(FaultSite site) => site is FaultSite.DataRead or FaultSite.DataWrite;
}
