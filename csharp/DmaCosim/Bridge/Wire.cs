// SPDX-License-Identifier: MIT
// The wire vocabulary of protocol v1, spelled once on the C# side. cosim/protocol.h spells it for the
// harness; WireVocabularyTests parses that file and checks both are equal.
namespace DmaCosim.Bridge;

/// <summary>
/// Every name protocol v1 puts on the wire (docs/protocol.md), as in <c>cosim/protocol.h</c>: one nested
/// class per namespace of that file, one constant per <c>k</c> name (without the <c>k</c>).
/// </summary>
public static class Wire
{
    /// <summary>Op names (<c>proto::op</c>).</summary>
    public static class Op
    {
        /// <summary><c>hello</c>.</summary>
        public const string Hello = "hello";

        /// <summary><c>reset</c>.</summary>
        public const string Reset = "reset";

        /// <summary><c>run</c>.</summary>
        public const string Run = "run";

        /// <summary><c>run_until</c>.</summary>
        public const string RunUntil = "run_until";

        /// <summary><c>reg_read</c>.</summary>
        public const string RegRead = "reg_read";

        /// <summary><c>reg_write</c>.</summary>
        public const string RegWrite = "reg_write";

        /// <summary><c>mem_read</c>.</summary>
        public const string MemRead = "mem_read";

        /// <summary><c>mem_write</c>.</summary>
        public const string MemWrite = "mem_write";

        /// <summary><c>shutdown</c>.</summary>
        public const string Shutdown = "shutdown";

        /// <summary><c>mem_config</c>.</summary>
        public const string MemConfig = "mem_config";

        /// <summary><c>batch</c>.</summary>
        public const string Batch = "batch";

        /// <summary><c>stats</c>.</summary>
        public const string Stats = "stats";

        /// <summary><c>trace</c>.</summary>
        public const string Trace = "trace";

        /// <summary><c>cpu_read</c>.</summary>
        public const string CpuRead = "cpu_read";

        /// <summary><c>cpu_write</c>.</summary>
        public const string CpuWrite = "cpu_write";

        /// <summary><c>cache</c>.</summary>
        public const string Cache = "cache";

        /// <summary><c>coherency</c>.</summary>
        public const string Coherency = "coherency";

        /// <summary><c>dma_windows</c>.</summary>
        public const string DmaWindows = "dma_windows";

        /// <summary><c>cpu_load</c>.</summary>
        public const string CpuLoad = "cpu_load";

        /// <summary><c>iommu</c>.</summary>
        public const string Iommu = "iommu";
    }

    /// <summary>Field names of requests and replies (<c>proto::field</c>).</summary>
    public static class Field
    {
        /// <summary><c>id</c>.</summary>
        public const string Id = "id";

        /// <summary><c>op</c>.</summary>
        public const string Op = "op";

        /// <summary><c>ok</c>.</summary>
        public const string Ok = "ok";

        /// <summary><c>error</c>.</summary>
        public const string Error = "error";

        /// <summary><c>code</c>.</summary>
        public const string Code = "code";

        /// <summary><c>message</c>.</summary>
        public const string Message = "message";

        /// <summary><c>cycles</c>.</summary>
        public const string Cycles = "cycles";

        /// <summary><c>event</c>.</summary>
        public const string Event = "event";

        /// <summary><c>max_cycles</c>.</summary>
        public const string MaxCycles = "max_cycles";

        /// <summary><c>addr</c>.</summary>
        public const string Addr = "addr";

        /// <summary><c>value</c>.</summary>
        public const string Value = "value";

        /// <summary><c>len</c>.</summary>
        public const string Len = "len";

        /// <summary><c>data</c>.</summary>
        public const string Data = "data";

        /// <summary><c>read_latency</c>.</summary>
        public const string ReadLatency = "read_latency";

        /// <summary><c>write_latency</c>.</summary>
        public const string WriteLatency = "write_latency";

        /// <summary><c>max_outstanding</c>.</summary>
        public const string MaxOutstanding = "max_outstanding";

        /// <summary><c>backpressure</c>.</summary>
        public const string Backpressure = "backpressure";

        /// <summary><c>seed</c>.</summary>
        public const string Seed = "seed";

        /// <summary><c>faults</c>.</summary>
        public const string Faults = "faults";

        /// <summary><c>resp</c>.</summary>
        public const string Resp = "resp";

        /// <summary><c>on</c>.</summary>
        public const string On = "on";

        /// <summary><c>reset</c>.</summary>
        public const string Reset = "reset";

        /// <summary><c>cached</c>.</summary>
        public const string Cached = "cached";

        /// <summary><c>action</c>.</summary>
        public const string Action = "action";

        /// <summary><c>snoop</c>.</summary>
        public const string Snoop = "snoop";

        /// <summary><c>enable</c> (dma_windows).</summary>
        public const string Enable = "enable";

        /// <summary><c>windows</c> (dma_windows).</summary>
        public const string Windows = "windows";

        /// <summary><c>access</c> (a dma_windows window).</summary>
        public const string Access = "access";

        /// <summary><c>beats_checked</c> (dma_windows).</summary>
        public const string BeatsChecked = "beats_checked";

        /// <summary><c>beats_flagged</c> (dma_windows).</summary>
        public const string BeatsFlagged = "beats_flagged";

        /// <summary><c>dir</c> (a WILD_DMA violation).</summary>
        public const string Dir = "dir";

        /// <summary><c>nearest</c> (a WILD_DMA violation).</summary>
        public const string Nearest = "nearest";

        /// <summary><c>clear</c>.</summary>
        public const string Clear = "clear";

        /// <summary><c>total</c>.</summary>
        public const string Total = "total";

        /// <summary><c>violations</c>.</summary>
        public const string Violations = "violations";

        /// <summary><c>dropped</c>.</summary>
        public const string Dropped = "dropped";

        /// <summary><c>kind</c>.</summary>
        public const string Kind = "kind";

        /// <summary><c>master</c>.</summary>
        public const string Master = "master";

        /// <summary><c>write</c>.</summary>
        public const string Write = "write";

        /// <summary><c>pattern</c>.</summary>
        public const string Pattern = "pattern";

        /// <summary><c>rate</c>.</summary>
        public const string Rate = "rate";

        /// <summary><c>store_percent</c>.</summary>
        public const string StorePercent = "store_percent";

        /// <summary><c>results</c>.</summary>
        public const string Results = "results";

        /// <summary><c>path</c>.</summary>
        public const string Path = "path";

        /// <summary><c>stop</c>.</summary>
        public const string Stop = "stop";

        /// <summary><c>active</c>.</summary>
        public const string Active = "active";

        /// <summary><c>cycle</c>.</summary>
        public const string Cycle = "cycle";

        /// <summary><c>protocol</c>.</summary>
        public const string Protocol = "protocol";

        /// <summary><c>harness</c>.</summary>
        public const string Harness = "harness";

        /// <summary><c>rtl</c>.</summary>
        public const string Rtl = "rtl";

        /// <summary><c>data_width</c>.</summary>
        public const string DataWidth = "data_width";

        /// <summary><c>addr_width</c>.</summary>
        public const string AddrWidth = "addr_width";

        /// <summary><c>max_burst</c>.</summary>
        public const string MaxBurst = "max_burst";

        /// <summary><c>cache_line</c>.</summary>
        public const string CacheLine = "cache_line";

        /// <summary><c>cache_sets</c>.</summary>
        public const string CacheSets = "cache_sets";

        /// <summary><c>cache_ways</c>.</summary>
        public const string CacheWays = "cache_ways";

        /// <summary><c>hash</c> (in hello's <c>rtl</c>: the hash of the RTL sources the harness was built from).</summary>
        public const string Hash = "hash";

        /// <summary><c>has_dre</c> (hello rtl: false on the nodre build).</summary>
        public const string HasDre = "has_dre";

        /// <summary><c>dram</c>.</summary>
        public const string Dram = "dram";

        /// <summary><c>base</c>.</summary>
        public const string Base = "base";

        /// <summary><c>size</c>.</summary>
        public const string Size = "size";

        /// <summary><c>shm</c>.</summary>
        public const string Shm = "shm";

        /// <summary><c>bus_offset</c> (hello: the host bridge's offset, DMA bus address = CPU physical + it).</summary>
        public const string BusOffset = "bus_offset";

        /// <summary><c>ops</c>.</summary>
        public const string Ops = "ops";

        /// <summary><c>axil</c>.</summary>
        public const string Axil = "axil";

        /// <summary><c>reads</c>.</summary>
        public const string Reads = "reads";

        /// <summary><c>writes</c>.</summary>
        public const string Writes = "writes";

        /// <summary><c>read_beats</c>.</summary>
        public const string ReadBeats = "read_beats";

        /// <summary><c>write_beats</c>.</summary>
        public const string WriteBeats = "write_beats";

        /// <summary><c>read_bytes</c>.</summary>
        public const string ReadBytes = "read_bytes";

        /// <summary><c>write_bytes</c>.</summary>
        public const string WriteBytes = "write_bytes";

        /// <summary><c>ar_stall_cycles</c>.</summary>
        public const string ArStallCycles = "ar_stall_cycles";

        /// <summary><c>aw_stall_cycles</c>.</summary>
        public const string AwStallCycles = "aw_stall_cycles";

        /// <summary><c>w_stall_cycles</c>.</summary>
        public const string WStallCycles = "w_stall_cycles";

        /// <summary><c>errors</c>.</summary>
        public const string Errors = "errors";

        /// <summary><c>dma</c>.</summary>
        public const string Dma = "dma";

        /// <summary><c>max_read_burst</c>.</summary>
        public const string MaxReadBurst = "max_read_burst";

        /// <summary><c>max_write_burst</c>.</summary>
        public const string MaxWriteBurst = "max_write_burst";

        /// <summary><c>min_read_gap</c>.</summary>
        public const string MinReadGap = "min_read_gap";

        /// <summary><c>min_write_gap</c>.</summary>
        public const string MinWriteGap = "min_write_gap";

        /// <summary><c>cache</c>.</summary>
        public const string Cache = "cache";

        /// <summary><c>hits</c>.</summary>
        public const string Hits = "hits";

        /// <summary><c>misses</c>.</summary>
        public const string Misses = "misses";

        /// <summary><c>writebacks</c>.</summary>
        public const string Writebacks = "writebacks";

        /// <summary><c>bus</c>.</summary>
        public const string Bus = "bus";

        /// <summary><c>cpu_wait_cycles</c>.</summary>
        public const string CpuWaitCycles = "cpu_wait_cycles";

        /// <summary><c>monitor</c>.</summary>
        public const string Monitor = "monitor";

        /// <summary><c>snoop_stall_cycles</c>.</summary>
        public const string SnoopStallCycles = "snoop_stall_cycles";

        /// <summary><c>checker</c>.</summary>
        public const string Checker = "checker";

        /// <summary><c>findings</c>.</summary>
        public const string Findings = "findings";

        /// <summary><c>cpu</c>.</summary>
        public const string Cpu = "cpu";

        /// <summary><c>accesses</c>.</summary>
        public const string Accesses = "accesses";

        /// <summary><c>loads</c>.</summary>
        public const string Loads = "loads";

        /// <summary><c>stores</c>.</summary>
        public const string Stores = "stores";

        /// <summary><c>latency_mean</c>.</summary>
        public const string LatencyMean = "latency_mean";

        /// <summary><c>latency_p50</c>.</summary>
        public const string LatencyP50 = "latency_p50";

        /// <summary><c>latency_p99</c>.</summary>
        public const string LatencyP99 = "latency_p99";

        /// <summary><c>latency_max</c>.</summary>
        public const string LatencyMax = "latency_max";

        /// <summary><c>stall_cycles</c>.</summary>
        public const string StallCycles = "stall_cycles";

        /// <summary><c>dram_cap</c>.</summary>
        public const string DramCap = "dram_cap";

        /// <summary><c>resident</c>.</summary>
        public const string Resident = "resident";

        /// <summary><c>cap</c>.</summary>
        public const string Cap = "cap";

        /// <summary><c>refused</c>.</summary>
        public const string Refused = "refused";

        /// <summary><c>refusals</c>.</summary>
        public const string Refusals = "refusals";

        /// <summary><c>transport</c>.</summary>
        public const string Transport = "transport";

        /// <summary><c>refused_handshakes</c>.</summary>
        public const string RefusedHandshakes = "refused_handshakes";

        /// <summary><c>max_in_flight</c> (stats <c>axil</c>: the most register accesses presented and not yet answered at once).</summary>
        public const string MaxInFlight = "max_in_flight";

        /// <summary><c>reads_in_flight</c>.</summary>
        public const string ReadsInFlight = "reads_in_flight";

        /// <summary><c>writes_in_flight</c>.</summary>
        public const string WritesInFlight = "writes_in_flight";

        /// <summary><c>max_reads_in_flight</c>.</summary>
        public const string MaxReadsInFlight = "max_reads_in_flight";

        /// <summary><c>max_writes_in_flight</c>.</summary>
        public const string MaxWritesInFlight = "max_writes_in_flight";

        /// <summary><c>busy_cycles</c>.</summary>
        public const string BusyCycles = "busy_cycles";

        /// <summary><c>bus_wait_cycles</c>.</summary>
        public const string BusWaitCycles = "bus_wait_cycles";

        /// <summary><c>arbiter</c>.</summary>
        public const string Arbiter = "arbiter";

        /// <summary><c>ar</c>.</summary>
        public const string Ar = "ar";

        /// <summary><c>aw</c>.</summary>
        public const string Aw = "aw";

        /// <summary><c>cpu_grants</c>.</summary>
        public const string CpuGrants = "cpu_grants";

        /// <summary><c>dma_grants</c>.</summary>
        public const string DmaGrants = "dma_grants";

        /// <summary><c>cpu_max_wait</c>.</summary>
        public const string CpuMaxWait = "cpu_max_wait";

        /// <summary><c>dma_max_wait</c>.</summary>
        public const string DmaMaxWait = "dma_max_wait";
    }

    /// <summary><c>run_until</c> events (<c>proto::event</c>).</summary>
    public static class RunEvent
    {
        /// <summary><c>irq</c>.</summary>
        public const string Irq = "irq";

        /// <summary><c>idle</c>.</summary>
        public const string Idle = "idle";

        /// <summary><c>violation</c>.</summary>
        public const string Violation = "violation";

        /// <summary><c>iommu_fault</c>.</summary>
        public const string IommuFault = "iommu_fault";
    }

    /// <summary>AXI port names of the protocol checkers (<c>proto::port</c>).</summary>
    public static class Port
    {
        /// <summary><c>dram</c>.</summary>
        public const string Dram = "dram";

        /// <summary><c>dma</c>.</summary>
        public const string Dma = "dma";
    }

    /// <summary>AXI channel names (<c>proto::channel</c>).</summary>
    public static class Channel
    {
        /// <summary><c>ar</c>.</summary>
        public const string Ar = "ar";

        /// <summary><c>r</c>.</summary>
        public const string R = "r";

        /// <summary><c>aw</c>.</summary>
        public const string Aw = "aw";

        /// <summary><c>w</c>.</summary>
        public const string W = "w";

        /// <summary><c>b</c>.</summary>
        public const string B = "b";
    }

    /// <summary>Fault-window values of <c>mem_config</c> (<c>proto::fault</c>).</summary>
    public static class Fault
    {
        /// <summary><c>SLVERR</c>.</summary>
        public const string SlvErr = "SLVERR";

        /// <summary><c>DECERR</c>.</summary>
        public const string DecErr = "DECERR";

        /// <summary><c>read</c>.</summary>
        public const string Read = "read";

        /// <summary><c>write</c>.</summary>
        public const string Write = "write";

        /// <summary><c>both</c>.</summary>
        public const string Both = "both";
    }

    /// <summary><c>cpu_load</c> patterns (<c>proto::cpu_load_pattern</c>).</summary>
    public static class CpuLoadPattern
    {
        /// <summary><c>none</c>.</summary>
        public const string None = "none";

        /// <summary><c>stream</c>.</summary>
        public const string Stream = "stream";

        /// <summary><c>random</c>.</summary>
        public const string Random = "random";
    }

    /// <summary><c>cache</c> actions (<c>proto::cache_action</c>).</summary>
    public static class CacheAction
    {
        /// <summary><c>clean</c>.</summary>
        public const string Clean = "clean";

        /// <summary><c>invalidate</c>.</summary>
        public const string Invalidate = "invalidate";

        /// <summary><c>flush</c>.</summary>
        public const string Flush = "flush";

        /// <summary>The wire name of a <see cref="CacheOp"/>.</summary>
        /// <param name="operation">The maintenance operation.</param>
        /// <returns><see cref="Clean"/>, <see cref="Invalidate"/> or <see cref="Flush"/>.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="operation"/> is not a defined value.</exception>
        public static string Of(CacheOp operation) => operation switch
        {
            CacheOp.Clean => Clean,
            CacheOp.Invalidate => Invalidate,
            CacheOp.Flush => Flush,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "not a cache operation"),
        };
    }

    /// <summary>What the device may do in a <c>dma_windows</c> window, and a WILD_DMA beat's dir (<c>proto::dma_access</c>).</summary>
    public static class DmaAccess
    {
        /// <summary><c>r</c>: the device reads.</summary>
        public const string Read = "r";

        /// <summary><c>w</c>: the device writes.</summary>
        public const string Write = "w";

        /// <summary><c>rw</c>: both.</summary>
        public const string ReadWrite = "rw";
    }

    /// <summary>Coherency violation kinds and masters (<c>proto::violation</c>).</summary>
    public static class Violation
    {
        /// <summary><c>NONE</c>.</summary>
        public const string None = "NONE";

        /// <summary><c>STALE_CPU_READ</c>.</summary>
        public const string StaleCpuRead = "STALE_CPU_READ";

        /// <summary><c>LOST_DMA_WRITE</c>.</summary>
        public const string LostDmaWrite = "LOST_DMA_WRITE";

        /// <summary><c>STALE_DMA_READ</c>.</summary>
        public const string StaleDmaRead = "STALE_DMA_READ";

        /// <summary><c>WILD_DMA</c>: a DMA beat outside every live window (the harness's analyser).</summary>
        public const string WildDma = "WILD_DMA";

        /// <summary><c>cpu</c>.</summary>
        public const string Cpu = "cpu";

        /// <summary><c>dma</c>.</summary>
        public const string Dma = "dma";
    }

    /// <summary>Error codes (<c>proto::ErrorCodeName</c>).</summary>
    public static class ErrorCode
    {
        /// <summary><c>BAD_REQUEST</c>.</summary>
        public const string BadRequest = "BAD_REQUEST";

        /// <summary><c>UNKNOWN_OP</c>.</summary>
        public const string UnknownOp = "UNKNOWN_OP";

        /// <summary><c>BAD_ADDRESS</c>.</summary>
        public const string BadAddress = "BAD_ADDRESS";

        /// <summary><c>TOO_LARGE</c>.</summary>
        public const string TooLarge = "TOO_LARGE";

        /// <summary><c>BUS_ERROR</c>.</summary>
        public const string BusError = "BUS_ERROR";

        /// <summary><c>SIM_ERROR</c>.</summary>
        public const string SimError = "SIM_ERROR";

        /// <summary><c>TIMEOUT</c>.</summary>
        public const string Timeout = "TIMEOUT";

        /// <summary><c>DRAM_CAP</c>.</summary>
        public const string DramCap = "DRAM_CAP";
    }

    /// <summary>Limits of protocol v1 that the client checks before sending (<c>proto::k*</c> numbers).</summary>
    public static class Limit
    {
        /// <summary>The protocol version (<c>kProtocolVersion</c>).</summary>
        public const int ProtocolVersion = 1;

        /// <summary>The largest frame either side accepts (<c>kMaxFrameBytes</c>, ZMQ_MAXMSGSIZE): 64 MiB.</summary>
        public const long MaxFrameBytes = 64L << 20;

        /// <summary>The largest memory op (<c>kMaxMemOpBytes</c>): 16 MiB.</summary>
        public const int MaxMemOpBytes = 16 << 20;

        /// <summary>The largest CPU access (<c>kMaxCpuOpBytes</c>): 1 MiB.</summary>
        public const int MaxCpuOpBytes = 1 << 20;

        /// <summary>The most entries in one batch (<c>kMaxBatchOps</c>).</summary>
        public const int MaxBatchOps = 100_000;

        /// <summary>The AXI-Lite register space in bytes (<c>kRegSpaceBytes</c>).</summary>
        public const uint RegSpaceBytes = 0x1_0000;

        /// <summary>The most reset cycles (<c>kResetCyclesMax</c>).</summary>
        public const uint ResetCyclesMax = 1_000_000;
    }
}
