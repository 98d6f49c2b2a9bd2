// SPDX-License-Identifier: MIT
using System.Globalization;

namespace DmaCosim.Bridge;

/// <summary>The response a fault window answers with.</summary>
public enum AxiFault
{
    /// <summary>SLVERR.</summary>
    SlvErr,

    /// <summary>DECERR.</summary>
    DecErr,
}

/// <summary>Which accesses a fault window affects.</summary>
public enum FaultDirection
{
    /// <summary>Reads and writes.</summary>
    Both,

    /// <summary>Reads only.</summary>
    Read,

    /// <summary>Writes only.</summary>
    Write,
}

/// <summary>An address range whose bursts answer an error instead of data.</summary>
/// <param name="Address">First address.</param>
/// <param name="Length">Bytes, ≥ 1.</param>
/// <param name="Response">SLVERR or DECERR.</param>
/// <param name="On">Reads, writes or both.</param>
public sealed record FaultWindow(ulong Address, ulong Length, AxiFault Response, FaultDirection On = FaultDirection.Both);

/// <summary>
/// Probability (0..1) per AXI channel that the DRAM model withholds ready/valid in a cycle. Seeded:
/// the same seed and the same requests give the same cycles.
/// </summary>
/// <param name="Ar">AR ready.</param>
/// <param name="R">R valid.</param>
/// <param name="Aw">AW ready.</param>
/// <param name="W">W ready.</param>
/// <param name="B">B valid.</param>
public sealed record Backpressure(double Ar, double R, double Aw, double W, double B)
{
    /// <summary>None on any channel.</summary>
    public static Backpressure None { get; } = All(0);

    /// <summary>The same probability on every channel.</summary>
    /// <param name="probability">0..1.</param>
    /// <returns>The setting.</returns>
    public static Backpressure All(double probability) => new(probability, probability, probability, probability, probability);
}

/// <summary>
/// A change to the DRAM model (<c>mem_config</c>): only the properties that are set change. The
/// reply of <see cref="SimClient.MemConfigAsync"/> is the whole configuration, with every property set.
/// </summary>
public sealed record MemConfig
{
    /// <summary>Cycles between an AR handshake and the first R beat (0..10000).</summary>
    public uint? ReadLatency { get; init; }

    /// <summary>Cycles between the last W beat and B (0..10000).</summary>
    public uint? WriteLatency { get; init; }

    /// <summary>Bursts accepted per direction before AR/AW ready drops (1..256).</summary>
    public uint? MaxOutstanding { get; init; }

    /// <summary>Random backpressure per channel.</summary>
    public Backpressure? Backpressure { get; init; }

    /// <summary>Seed of the backpressure RNG; giving it restarts the RNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Fault windows; replaces the whole list (empty clears it).</summary>
    public IReadOnlyList<FaultWindow>? Faults { get; init; }

    internal Dictionary<string, object?> ToArgs()
    {
        var args = new Dictionary<string, object?>();
        Add(args, Wire.Field.ReadLatency, ReadLatency);
        Add(args, Wire.Field.WriteLatency, WriteLatency);
        Add(args, Wire.Field.MaxOutstanding, MaxOutstanding);
        Add(args, Wire.Field.Seed, Seed);
        if (Backpressure is { } b)
        {
            args[Wire.Field.Backpressure] = new Dictionary<string, object?> { [Wire.Channel.Ar] = b.Ar, [Wire.Channel.R] = b.R, [Wire.Channel.Aw] = b.Aw, [Wire.Channel.W] = b.W, [Wire.Channel.B] = b.B };
        }

        if (Faults != null)
        {
            args[Wire.Field.Faults] = Faults.Select(f => (object?)new Dictionary<string, object?>
            {
                [Wire.Field.Addr] = f.Address,
                [Wire.Field.Len] = f.Length,
                [Wire.Field.Resp] = f.Response == AxiFault.SlvErr ? Wire.Fault.SlvErr : Wire.Fault.DecErr,
                [Wire.Field.On] = f.On.ToString().ToLowerInvariant(),
            }).ToList();
        }

        return args;
    }

    internal static MemConfig FromReply(SimReply reply)
    {
        var b = reply.GetMap(Wire.Field.Backpressure);
        return new MemConfig
        {
            ReadLatency = (uint)reply.GetUInt64(Wire.Field.ReadLatency),
            WriteLatency = (uint)reply.GetUInt64(Wire.Field.WriteLatency),
            MaxOutstanding = (uint)reply.GetUInt64(Wire.Field.MaxOutstanding),
            Seed = reply.GetUInt64(Wire.Field.Seed),
            Backpressure = new Backpressure(b.GetDouble(Wire.Channel.Ar), b.GetDouble(Wire.Channel.R), b.GetDouble(Wire.Channel.Aw), b.GetDouble(Wire.Channel.W), b.GetDouble(Wire.Channel.B)),
            Faults = reply.GetMaps(Wire.Field.Faults).Select(f => new FaultWindow(
                f.GetUInt64(Wire.Field.Addr),
                f.GetUInt64(Wire.Field.Len),
                f.GetString(Wire.Field.Resp) == Wire.Fault.SlvErr ? AxiFault.SlvErr : AxiFault.DecErr,
                Enum.Parse<FaultDirection>(f.GetString(Wire.Field.On), ignoreCase: true))).ToList(),
        };
    }

    private static void Add<T>(Dictionary<string, object?> args, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            args[name] = Convert.ToUInt64(v, CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Counters of the DRAM model (<c>stats</c>).</summary>
/// <param name="Cycle">Cycle of the snapshot.</param>
/// <param name="Reads">Read bursts (AR handshakes).</param>
/// <param name="Writes">Write bursts (AW handshakes).</param>
/// <param name="ReadBeats">R handshakes.</param>
/// <param name="WriteBeats">W handshakes.</param>
/// <param name="ReadBytes">Bytes carried by R beats.</param>
/// <param name="WriteBytes">WSTRB bits set on W beats.</param>
/// <param name="Errors">Bursts answered SLVERR or DECERR.</param>
public sealed record DramStats(ulong Cycle, ulong Reads, ulong Writes, ulong ReadBeats, ulong WriteBeats, ulong ReadBytes, ulong WriteBytes, ulong Errors)
{
    internal static DramStats FromReply(SimReply reply)
    {
        var d = reply.GetMap(Wire.Field.Dram);
        return new DramStats(reply.GetUInt64(Wire.Field.Cycle), d.GetUInt64(Wire.Field.Reads), d.GetUInt64(Wire.Field.Writes), d.GetUInt64(Wire.Field.ReadBeats),
            d.GetUInt64(Wire.Field.WriteBeats), d.GetUInt64(Wire.Field.ReadBytes), d.GetUInt64(Wire.Field.WriteBytes), d.GetUInt64(Wire.Field.Errors));
    }
}

/// <summary>One op of a <see cref="SimClient.BatchAsync"/>.</summary>
/// <param name="Op">The op name.</param>
/// <param name="Args">Its parameters, or null.</param>
public sealed record SimRequest(string Op, IReadOnlyDictionary<string, object?>? Args = null);

/// <summary>An op inside a batch failed; the ops before it ran, the ones after it did not.</summary>
public sealed class SimBatchException : SimRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="index">Position of the failed op.</param>
    /// <param name="completed">Replies of the ops before it.</param>
    /// <param name="code">The wire code.</param>
    /// <param name="harnessMessage">The harness's message.</param>
    /// <param name="op">The failed op.</param>
    /// <param name="endpoint">The harness endpoint.</param>
    public SimBatchException(int index, IReadOnlyList<SimReply> completed, string code, string harnessMessage, string op, string endpoint)
        : base(code, $"batch entry {index}: {harnessMessage}", op, endpoint)
    {
        Index = index;
        Completed = completed;
        EntryMessage = harnessMessage;
    }

    /// <summary>Position of the failed op in the batch.</summary>
    public int Index { get; }

    /// <summary>Replies of the ops that ran before it.</summary>
    public IReadOnlyList<SimReply> Completed { get; }

    /// <summary>The harness's own message for the failed op (<see cref="SimRequestException.HarnessMessage"/> is this with <c>batch entry N: </c> in front).</summary>
    public string EntryMessage { get; }
}
