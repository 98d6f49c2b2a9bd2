// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DmaCosim.Bridge;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The <c>trace</c> op: FST waveforms and their GTKWave save files, against a private harness
/// with its own <c>--trace-dir</c>.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private const uint Cdmacr = 0x00;
    private const uint Sa = 0x18;
    private const uint Da = 0x20;
    private const uint Btt = 0x28;
    private const uint IocIrqEn = 1u << 12;

    private readonly string _dir = Directory.CreateTempSubdirectory("dmacosim-trace-").FullName;
    private HarnessProcess? _harness;

    private HarnessProcess Harness => _harness ?? throw new InvalidOperationException("harness not started");

    private SimClient Sim => Harness.Client;

    public async ValueTask InitializeAsync() =>
        _harness = await HarnessProcess.StartAsync(new HarnessOptions { TraceDirectory = _dir }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_harness != null)
        {
            await _harness.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Trace_SmallCopy_WritesAnFstAndAGtkwNamingItsSignals()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = await Trace(new() { ["path"] = "copy.fst" }, ct);
        Assert.Equal(Path.Combine(_dir, "copy.fst"), started.GetString("path"));
        Assert.True((bool)started.Fields["active"]!);

        await CopyAsync(0x0001_0000, 0x0002_0000, 256, ct);
        var stopped = await Trace(new() { ["stop"] = true }, ct);

        Assert.False((bool)stopped.Fields["active"]!);
        Assert.Equal(Path.Combine(_dir, "copy.fst"), stopped.GetString("path"));
        var fst = Path.Combine(_dir, "copy.fst");
        Assert.True(FstFile.HasHeader(fst), $"{fst} does not start with an FST header block");
        var signals = FstFile.SignalNames(fst);
        Assert.Contains("TOP.clk", signals);
        var gtkw = File.ReadAllLines(Path.Combine(_dir, "copy.gtkw"));
        Assert.Contains($"[dumpfile] \"{fst}\"", gtkw);
        foreach (var group in new[] { "-CDMA registers", "-CDMA control", "-CDMA scatter-gather", "-Read engine", "-Write engine", "-m_axi AR", "-m_axi R", "-m_axi AW", "-m_axi W", "-m_axi B" })
        {
            Assert.Contains(group, gtkw);
        }

        var named = gtkw.Where(l => l.StartsWith("TOP.", StringComparison.Ordinal)).ToList();
        Assert.True(named.Count > 40, $"only {named.Count} signals in the save file");
        Assert.All(named, n => Assert.Contains(n, signals));
    }

    [Fact]
    public async Task Trace_Copy_RecordsBothClockEdgesOfEveryCycle()
    {
        var ct = TestContext.Current.CancellationToken;
        await Trace(new() { ["path"] = "edges.fst" }, ct);
        var first = await Sim.RunAsync(0, ct);
        var last = await Sim.RunAsync(100, ct);
        await Trace(new() { ["stop"] = true }, ct);

        var (start, end) = FstFile.TimeRange(Path.Combine(_dir, "edges.fst"));

        Assert.Equal(2 * first, start);
        Assert.Equal((2 * last) - 1, end);
    }

    [Fact]
    public async Task Trace_NoFields_ReportsTheStateWithoutChangingIt()
    {
        var ct = TestContext.Current.CancellationToken;

        var idle = await Trace(new(), ct);
        Assert.False((bool)idle.Fields["active"]!);
        Assert.Equal(string.Empty, idle.GetString("path"));

        await Trace(new() { ["path"] = "state.fst" }, ct);
        var active = await Trace(new(), ct);
        Assert.True((bool)active.Fields["active"]!);
        Assert.Equal(Path.Combine(_dir, "state.fst"), active.GetString("path"));
    }

    [Fact]
    public async Task Trace_NewPathWhileTracing_ClosesTheFirstFileAndStartsTheSecond()
    {
        var ct = TestContext.Current.CancellationToken;
        await Trace(new() { ["path"] = "one.fst" }, ct);
        await Sim.RunAsync(10, ct);

        await Trace(new() { ["path"] = "two.fst" }, ct);
        await Sim.RunAsync(10, ct);
        await Trace(new() { ["stop"] = true }, ct);

        Assert.Contains("TOP.clk", FstFile.SignalNames(Path.Combine(_dir, "one.fst")));
        Assert.Contains("TOP.clk", FstFile.SignalNames(Path.Combine(_dir, "two.fst")));
    }

    [Theory]
    [InlineData("missing/wave.fst")] // the directory does not exist: nothing is created
    [InlineData("/nonexistent-dmacosim-dir/wave.fst")]
    [InlineData("../outside.fst")] // outside --trace-dir
    [InlineData("/tmp/outside.fst")]
    [InlineData("")]
    [InlineData("sub/")]
    public async Task Trace_BadPath_FailsWithBadRequestAndKeepsTracingOff(string path)
    {
        var ct = TestContext.Current.CancellationToken;

        var error = await Assert.ThrowsAsync<SimRequestException>(() => Trace(new() { ["path"] = path }, ct));

        Assert.Equal(SimErrorCode.BadRequest, error.ErrorCode);
        Assert.False((bool)(await Trace(new(), ct)).Fields["active"]!);
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public async Task Trace_StopAndPathTogether_FailsWithBadRequest()
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Trace(new() { ["path"] = "x.fst", ["stop"] = true }, TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BadRequest, error.ErrorCode);
    }

    [Fact]
    public async Task Trace_SigtermWhileTracing_ClosesTheFile()
    {
        var ct = TestContext.Current.CancellationToken;
        var fst = Path.Combine(_dir, "killed.fst");
        await Trace(new() { ["path"] = fst }, ct);
        await Sim.RunAsync(1000, ct);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Harness.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(ct);
        }

        Assert.Equal(0, await Harness.WaitForExitAsync(TimeSpan.FromSeconds(5)));

        Assert.True(new FileInfo(fst).Length > 0);
        Assert.True(FstFile.HasHeader(fst));
        // The hierarchy is written by the close: its presence proves the file was closed.
        Assert.Contains("TOP.clk", FstFile.SignalNames(fst));
        Assert.False(File.Exists(fst + ".hier"), "the FST writer's temporary file is left behind");
    }

    private Task<SimReply> Trace(Dictionary<string, object?> args, CancellationToken ct) => Sim.RequestAsync("trace", args, cancellationToken: ct);

    private async Task CopyAsync(ulong destination, ulong source, uint length, CancellationToken ct)
    {
        await Sim.MemWriteAsync(source, Enumerable.Range(0, (int)length).Select(i => (byte)i).ToArray(), ct);
        await Sim.RegWriteAsync(Cdmacr, IocIrqEn, ct);
        await Sim.RegWriteAsync(Sa, (uint)source, ct);
        await Sim.RegWriteAsync(Da, (uint)destination, ct);
        await Sim.RegWriteAsync(Btt, length, ct);
        await Sim.RunUntilAsync(SimEvent.Irq, 100_000, ct);
    }
}

/// <summary>
/// The run_until watchdog: a run that reaches max_cycles says what the engine was waiting for.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class WatchdogTests(HarnessFixture fixture)
{
    [Fact]
    public async Task RunUntil_ArNeverReady_TimeoutNamesTheStuckArHandshake()
    {
        var ct = TestContext.Current.CancellationToken;
        var sim = fixture.Sim;
        await sim.ResetAsync(cancellationToken: ct);
        await using (await fixture.MemConfigScopeAsync(new MemConfig { Backpressure = new Backpressure(1, 0, 0, 0, 0) }))
        {
            await sim.RegWriteAsync(0x00, 1u << 12, ct); // CDMACR.IOC_IrqEn
            await sim.RegWriteAsync(0x18, 0x0001_0000, ct); // SA
            await sim.RegWriteAsync(0x20, 0x0002_0000, ct); // DA
            await sim.RegWriteAsync(0x28, 4096, ct); // BTT: starts the copy

            var error = await Assert.ThrowsAsync<SimRequestException>(() => sim.RunUntilAsync(SimEvent.Irq, 2000, ct));

            Assert.Equal(SimErrorCode.Timeout, error.ErrorCode);
            Assert.Contains("dma_idle=0", error.HarnessMessage, StringComparison.Ordinal);
            Assert.Matches(@"AR: ARVALID=1 ARREADY=0 for \d+ cycles \(AR id=\d+ addr=0x0*10000 ", error.HarnessMessage);
            Assert.Contains("DRAM queues: 0 of 8 reads in flight;", error.HarnessMessage, StringComparison.Ordinal);
        }

        await sim.ResetAsync(cancellationToken: ct);
    }

    [Fact]
    public async Task RunUntil_IdleEngine_TimeoutShowsAQuietBus()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Sim.ResetAsync(cancellationToken: ct);

        var error = await Assert.ThrowsAsync<SimRequestException>(() => fixture.Sim.RunUntilAsync(SimEvent.Irq, 100, ct));

        Assert.Contains("AR: ARVALID=0 ARREADY=1, R: RVALID=0", error.HarnessMessage, StringComparison.Ordinal);
        Assert.Contains("DRAM queues: 0 of 8 reads in flight; 0 writes waiting for W beats; 0 writes waiting for B", error.HarnessMessage, StringComparison.Ordinal);
    }
}

/// <summary>Just enough of the FST format to check a waveform: the header block and the signal names.</summary>
internal static class FstFile
{
    private const byte HeaderBlock = 0;
    private const int HeaderSectionLength = 329;
    private const byte HierGzip = 4;
    private const byte HierLz4 = 6;
    private const byte HierLz4Duo = 7;

    /// <summary>True when the file starts with an FST header block (type 0, section length 329).</summary>
    public static bool HasHeader(string path)
    {
        var head = new byte[9];
        using var file = File.OpenRead(path);
        return file.Read(head) == 9 && head[0] == HeaderBlock && BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(1)) == HeaderSectionLength;
    }

    /// <summary>The first and last time stamps in the header block.</summary>
    public static (ulong Start, ulong End) TimeRange(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return (BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(9)), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(17)));
    }

    /// <summary>Every variable's full name as GTKWave shows it: <c>TOP.cosim_top.m_axi_araddr[31:0]</c>.</summary>
    public static HashSet<string> SignalNames(string path)
    {
        var bytes = File.ReadAllBytes(path);
        for (var pos = 0; pos + 9 <= bytes.Length;)
        {
            var type = bytes[pos];
            var length = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(pos + 1));
            if (type is HierGzip or HierLz4 or HierLz4Duo)
            {
                var uncompressed = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(pos + 9));
                var payload = bytes.AsSpan(pos + 17, length - 16);
                return ParseHierarchy(type switch
                {
                    HierGzip => Gunzip(payload.ToArray()),
                    HierLz4 => Lz4(payload, uncompressed),
                    _ => Lz4Duo(payload, uncompressed),
                });
            }

            pos += 1 + length;
        }

        throw new InvalidDataException($"{path}: no hierarchy block (was the file closed?)");
    }

    private static HashSet<string> ParseHierarchy(byte[] h)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var scopes = new List<string>();
        var pos = 0;
        while (pos < h.Length)
        {
            var token = h[pos++];
            switch (token)
            {
                case 254: // scope: type, name, component
                    pos++;
                    scopes.Add(CString(h, ref pos));
                    CString(h, ref pos);
                    break;
                case 255: // upscope
                    scopes.RemoveAt(scopes.Count - 1);
                    break;
                case 252: // attribute begin: type, subtype, name, varint
                    pos += 2;
                    CString(h, ref pos);
                    Varint(h, ref pos);
                    break;
                case 253: // attribute end
                    break;
                default: // a variable: type (this byte), direction, name, length, alias
                    pos++;
                    var name = CString(h, ref pos).Replace(" [", "[", StringComparison.Ordinal);
                    Varint(h, ref pos);
                    Varint(h, ref pos);
                    names.Add(string.Join('.', scopes.Append(name)));
                    break;
            }
        }

        return names;
    }

    private static string CString(byte[] h, ref int pos)
    {
        var end = Array.IndexOf(h, (byte)0, pos);
        var s = Encoding.ASCII.GetString(h, pos, end - pos);
        pos = end + 1;
        return s;
    }

    private static ulong Varint(ReadOnlySpan<byte> h, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = h[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Lz4Duo(ReadOnlySpan<byte> data, int uncompressed)
    {
        var pos = 0;
        var once = (int)Varint(data, ref pos);
        return Lz4(Lz4(data[pos..], once), uncompressed);
    }

    /// <summary>An LZ4 block (no frame): sequences of literals and back-references.</summary>
    private static byte[] Lz4(ReadOnlySpan<byte> src, int length)
    {
        var dst = new byte[length];
        int s = 0, d = 0;
        while (s < src.Length)
        {
            var token = src[s++];
            var literals = token >> 4;
            if (literals == 15)
            {
                byte b;
                do
                {
                    b = src[s++];
                    literals += b;
                }
                while (b == 255);
            }

            src.Slice(s, literals).CopyTo(dst.AsSpan(d));
            s += literals;
            d += literals;
            if (s >= src.Length)
            {
                break;
            }

            var offset = src[s] | (src[s + 1] << 8);
            s += 2;
            var match = token & 15;
            if (match == 15)
            {
                byte b;
                do
                {
                    b = src[s++];
                    match += b;
                }
                while (b == 255);
            }

            for (var i = 0; i < match + 4; i++, d++)
            {
                dst[d] = dst[d - offset];
            }
        }

        return d == length ? dst : throw new InvalidDataException($"LZ4 block: {d} bytes, expected {length}");
    }
}
