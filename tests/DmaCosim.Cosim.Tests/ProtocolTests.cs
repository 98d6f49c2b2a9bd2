// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using MessagePack;

namespace DmaCosim.Cosim.Tests;

/// <summary>Wire protocol v1 against a real harness: every op, every error code, hostile frames.</summary>
[Collection(SharedHarness.Name)]
public sealed class ProtocolTests(HarnessFixture fixture)
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private SimClient Sim => fixture.Sim;

    [Fact]
    public async Task Hello_Always_AnnouncesProtocolRtlAndSharedMemoryDram()
    {
        var hello = await Sim.HelloAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, hello.Protocol);
        Assert.True(hello.Rtl.DataWidth is 32 or 64 or 128, $"data width {hello.Rtl.DataWidth}");
        Assert.True(hello.Rtl.AddrWidth is 32 or 64, $"address width {hello.Rtl.AddrWidth}");
        Assert.InRange(hello.Rtl.MaxBurst, 2, 256);
        var dram = Assert.Single(hello.Dram);
        Assert.Equal(0UL, dram.Base);
        Assert.Equal(1UL << 30, dram.Size);
        Assert.True(File.Exists(dram.Shm), $"shm file {dram.Shm} missing");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dram.Shm));
    }

    [Fact]
    public async Task Run_Cycles_AdvancesByExactlyThatMany()
    {
        var before = await Sim.RunAsync(0, TestContext.Current.CancellationToken);
        var after = await Sim.RunAsync(1234, TestContext.Current.CancellationToken);

        Assert.Equal(before + 1234, after);
    }

    [Fact]
    public async Task Reset_Cycles_HoldsResetThatManyCycles()
    {
        var before = await Sim.RunAsync(0, TestContext.Current.CancellationToken);
        var after = await Sim.ResetAsync(20, TestContext.Current.CancellationToken);

        Assert.Equal(before + 20, after);
    }

    [Fact]
    public async Task RunUntil_IdleWhileIdle_ReturnsIdleImmediately()
    {
        await Sim.ResetAsync(cancellationToken: TestContext.Current.CancellationToken);
        var now = await Sim.RunAsync(0, TestContext.Current.CancellationToken);

        var result = await Sim.RunUntilAsync(SimEvent.Idle, 1000, TestContext.Current.CancellationToken);

        Assert.Equal("idle", result.Event);
        Assert.InRange(result.Cycle, now, now + 1);
    }

    [Fact]
    public async Task RunUntil_IrqThatNeverComes_TimesOutAfterMaxCycles()
    {
        await Sim.ResetAsync(cancellationToken: TestContext.Current.CancellationToken);
        var before = await Sim.RunAsync(0, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.RunUntilAsync(SimEvent.Irq, 5000, TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.Timeout, error.ErrorCode);
        Assert.Contains("irq", error.HarnessMessage, StringComparison.Ordinal);
        Assert.Equal(before + 5000, await Sim.RunAsync(0, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task MemWriteThenMemRead_AnyBytes_RoundTripThroughTheSocketAndSharedMemory()
    {
        var data = Enumerable.Range(0, 777).Select(i => (byte)(i * 7)).ToArray();

        await Sim.MemWriteAsync(0x0030_0003, data, TestContext.Current.CancellationToken);

        Assert.Equal(data, await Sim.MemReadAsync(0x0030_0003, data.Length, TestContext.Current.CancellationToken));
        Assert.Equal(data, await fixture.Memory.ReadAsync(0x0030_0003, data.Length, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task MemRead_ZeroLength_ReturnsEmpty()
    {
        Assert.Empty(await Sim.MemReadAsync(0x1000, 0, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RegWriteThenRegRead_Sa_ReadsBackTheValue()
    {
        await Sim.ResetAsync(cancellationToken: TestContext.Current.CancellationToken);

        await Sim.RegWriteAsync(0x18, 0x1234_5678, TestContext.Current.CancellationToken);

        Assert.Equal(0x1234_5678u, await Sim.RegReadAsync(0x18, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(0x4000_0000UL, 16)] // first byte past the 1 GiB window
    [InlineData(0x3FFF_FFF8UL, 16)] // straddles the end of the window
    [InlineData(ulong.MaxValue, 1)]
    public async Task MemRead_OutsideDram_FailsWithBadAddress(ulong address, int length)
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.MemReadAsync(address, length, TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BadAddress, error.ErrorCode);
    }

    [Fact]
    public async Task MemWrite_OutsideDram_FailsWithBadAddressAndWritesNothing()
    {
        var lastBytes = await Sim.MemReadAsync(0x3FFF_FFF0, 16, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.MemWriteAsync(0x3FFF_FFF0, new byte[32], TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BadAddress, error.ErrorCode);
        Assert.Equal(lastBytes, await Sim.MemReadAsync(0x3FFF_FFF0, 16, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task MemRead_Above16MiB_FailsWithTooLarge()
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(() => Sim.RequestAsync("mem_read",
            Args(("addr", 0), ("len", (16 << 20) + 1)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.TooLarge, error.ErrorCode);
    }

    [Theory]
    [InlineData(0x2U)] // misaligned
    [InlineData(0x1_0000U)] // past the 64 KiB register space
    public async Task RegRead_InvalidOffset_FailsWithBadAddress(uint offset)
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(() => Sim.RequestAsync("reg_read",
            Args(("addr", offset)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BadAddress, error.ErrorCode);
    }

    [Fact]
    public async Task RegRead_UnmappedRegion_FailsWithBusError()
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.RegReadAsync(0x8000, TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BusError, error.ErrorCode);
    }

    [Fact]
    public async Task UnknownOp_Always_FailsWithUnknownOp()
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.RequestAsync("frobnicate", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.UnknownOp, error.ErrorCode);
        Assert.Contains("frobnicate", error.HarnessMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "cycles", "many")] // wrong type
    [InlineData("run", "cycles", -1)] // negative
    [InlineData("reg_write", "addr", null)] // nil instead of uint
    [InlineData("run_until", "event", "lunch")] // unknown event
    public async Task Request_BadField_FailsWithBadRequestNamingTheField(string op, string field, object? value)
    {
        var args = op switch
        {
            "reg_write" => Args(("addr", value), ("value", 1)),
            "run_until" => Args(("event", value), ("max_cycles", 10)),
            _ => Args((field, value)),
        };

        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.RequestAsync(op, args, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BadRequest, error.ErrorCode);
        Assert.Contains(field, error.HarnessMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_MissingField_FailsWithBadRequest()
    {
        var error = await Assert.ThrowsAsync<SimRequestException>(
            () => Sim.RequestAsync("mem_read", Args(("addr", 0)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(SimErrorCode.BadRequest, error.ErrorCode);
        Assert.Contains("len", error.HarnessMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBytes_ThenHello_ErrorReplyThenHarnessStillServes()
    {
        using var raw = new NetMqDealerTransport(fixture.Harness.Endpoint, fixture.Harness.Keys);
        var random = new Random(42);
        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[random.Next(1, 200)];
            random.NextBytes(junk);
            junk[0] = (byte)(0xc1 - (i % 2)); // never a map: 0xc1 (reserved) or 0xc0 (nil)

            var reply = RawFrames.Exchange(raw, junk);

            Assert.Equal(false, reply["ok"]);
            Assert.Equal("BAD_REQUEST", RawFrames.ErrorCode(reply));
        }

        Assert.Equal(true, RawFrames.Exchange(raw, EncodeHello(9))["ok"]);
    }

    [Fact]
    public void TruncatedFrame_ThenHello_BadRequestThenHelloWorks()
    {
        using var raw = new NetMqDealerTransport(fixture.Harness.Endpoint, fixture.Harness.Keys);
        var hello = EncodeHello(7);

        var truncated = RawFrames.Exchange(raw, hello.AsSpan(0, hello.Length - 3).ToArray());
        var whole = RawFrames.Exchange(raw, hello);

        Assert.Equal(false, truncated["ok"]);
        Assert.Equal("BAD_REQUEST", RawFrames.ErrorCode(truncated));
        Assert.Equal(true, whole["ok"]);
        Assert.Equal(7L, whole["id"]);
    }

    [Fact]
    public void EmptyFrame_Always_FailsWithBadRequest()
    {
        using var raw = new NetMqDealerTransport(fixture.Harness.Endpoint, fixture.Harness.Keys);

        var reply = RawFrames.Exchange(raw, []);

        Assert.Equal("BAD_REQUEST", RawFrames.ErrorCode(reply));
    }

    [Fact]
    public async Task ClientValidation_MisalignedRegister_ThrowsBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Sim.RegReadAsync(0x6, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Sim.MemReadAsync(0, SimClient.MaxMemoryOp + 1, TestContext.Current.CancellationToken));
    }

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    private static byte[] EncodeHello(long id) => RawFrames.Encode(2, (ref MessagePackWriter writer) =>
    {
        writer.Write("id");
        writer.Write(id);
        writer.Write("op");
        writer.Write("hello");
    });
}
