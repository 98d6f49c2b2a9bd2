// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Cosim.Tests;

/// <summary>CDMA register behaviour of DESIGN §3.1 (simple mode), through the real RTL.</summary>
[Collection(SharedHarness.Name)]
public sealed class RegisterTests(HarnessFixture fixture)
{
    private SimClient Sim => fixture.Sim;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cdmacr_AfterReset_Reads0x00010002()
    {
        await Sim.ResetAsync(cancellationToken: Ct);

        Assert.Equal(CdmacrResetValue, await Sim.RegReadAsync(CdmacrOffset, Ct));
    }

    [Fact]
    public async Task Cdmasr_AfterReset_Reads0x0001000A()
    {
        await Sim.ResetAsync(cancellationToken: Ct);

        Assert.Equal(CdmasrResetValue, await Sim.RegReadAsync(CdmasrOffset, Ct));
    }

    [Fact]
    public async Task ExtId_Always_ReadsCdmx()
    {
        Assert.Equal(ExtIdValue, await Sim.RegReadAsync(ExtIdOffset, Ct));
    }

    [Fact]
    public async Task Btt_Zero_SetsDmaIntErrAndErrIrqAndRaisesIrq()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);

        await Sim.RegWriteAsync(BttOffset, 0, Ct);
        var irq = await Sim.RunUntilAsync(SimEvent.Irq, 100, Ct);
        var status = await channel.ReadStatusAsync(Ct);

        Assert.Equal("irq", irq.Event);
        Assert.True(status.ErrIrq);
        Assert.Equal("DMAIntErr", status.Errors);
        Assert.True(status.Idle);
    }

    [Fact]
    public async Task DmaIntErr_WriteOne_StaysSetUntilReset()
    {
        var channel = await fixture.FreshChannelAsync();
        await Sim.RegWriteAsync(BttOffset, 0, Ct);

        await Sim.RegWriteAsync(CdmasrOffset, 1u << Sr.DmaIntErrBit, Ct);
        var afterWrite = await channel.ReadStatusAsync(Ct);
        await channel.ResetAsync(Ct);
        var afterReset = await channel.ReadStatusAsync(Ct);

        Assert.Equal("DMAIntErr", afterWrite.Errors);
        Assert.False(afterReset.HasError);
    }

    [Fact]
    public async Task IocIrq_WriteOne_ClearsItAndDropsIrq()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await fixture.Memory.FillAsync(0x0050_0000, 64, 0x5A, Ct);
        await Sim.RegWriteAsync(SaOffset, 0x0050_0000, Ct);
        await Sim.RegWriteAsync(DaOffset, 0x0051_0000, Ct);
        await Sim.RegWriteAsync(BttOffset, 64, Ct);
        await Sim.RunUntilAsync(SimEvent.Irq, 10_000, Ct);
        var raised = await channel.ReadStatusAsync(Ct);

        await Sim.RegWriteAsync(CdmasrOffset, 1u << Sr.IocIrqBit, Ct);
        var cleared = await channel.ReadStatusAsync(Ct);
        var timeout = await Assert.ThrowsAsync<SimRequestException>(() => Sim.RunUntilAsync(SimEvent.Irq, 50, Ct));

        Assert.True(raised.IocIrq);
        Assert.False(cleared.IocIrq);
        Assert.Equal(SimErrorCode.Timeout, timeout.ErrorCode);
    }

    [Fact]
    public async Task IocIrqEn_Clear_CompletionSetsIocIrqButNoIrq()
    {
        var channel = await fixture.FreshChannelAsync();
        await Sim.RegWriteAsync(SaOffset, 0x0050_0000, Ct);
        await Sim.RegWriteAsync(DaOffset, 0x0051_0000, Ct);
        await Sim.RegWriteAsync(BttOffset, 64, Ct);

        var idle = await Sim.RunUntilAsync(SimEvent.Idle, 10_000, Ct);
        var timeout = await Assert.ThrowsAsync<SimRequestException>(() => Sim.RunUntilAsync(SimEvent.Irq, 50, Ct));
        var status = await channel.ReadStatusAsync(Ct);

        Assert.Equal("idle", idle.Event);
        Assert.Equal(SimErrorCode.Timeout, timeout.ErrorCode);
        Assert.True(status.IocIrq);
    }

    [Fact]
    public async Task Idle_DuringTransfer_ReadsZero()
    {
        var channel = await fixture.FreshChannelAsync();
        await Sim.RegWriteAsync(SaOffset, 0x0050_0000, Ct);
        await Sim.RegWriteAsync(DaOffset, 0x0060_0000, Ct);
        await Sim.RegWriteAsync(BttOffset, 256 * 1024, Ct);

        var during = await channel.ReadStatusAsync(Ct);
        await Sim.RunUntilAsync(SimEvent.Idle, 1_000_000, Ct);
        var after = await channel.ReadStatusAsync(Ct);

        Assert.False(during.Idle);
        Assert.True(after.Idle);
    }

    [Fact]
    public async Task Memcpy_AfterError_RefusedUntilReset()
    {
        var channel = await fixture.FreshChannelAsync();
        await Sim.RegWriteAsync(BttOffset, 0, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => channel.MemcpyAsync(0x0051_0000, 0x0050_0000, 64, Ct));
        await channel.ResetAsync(Ct);
        var result = await channel.MemcpyAsync(0x0051_0000, 0x0050_0000, 64, Ct);

        Assert.Equal(64UL, result.Bytes);
    }

    [Fact]
    public async Task Memcpy_StaleIocFromAnEarlierCopy_WaitsForItsOwnCompletion()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await Sim.RegWriteAsync(SaOffset, 0x0050_0000, Ct);
        await Sim.RegWriteAsync(DaOffset, 0x0051_0000, Ct);
        await Sim.RegWriteAsync(BttOffset, 64, Ct);
        await Sim.RunUntilAsync(SimEvent.Idle, 10_000, Ct); // IOC_Irq now set and never acknowledged
        var data = DmaCosim.Testing.SeededPattern.Create(64 * 1024, 9);
        await fixture.Memory.WriteAsync(0x0060_0000, data, Ct);

        var result = await channel.MemcpyAsync(0x0070_0000, 0x0060_0000, (uint)data.Length, Ct);

        Assert.True(result.Cycles >= (ulong)(data.Length / fixture.Rtl.BytesPerBeat), $"{result.Cycles} cycles");
        Assert.Equal(data, await fixture.Memory.ReadAsync(0x0070_0000, data.Length, Ct));
    }

    [Fact]
    public async Task Reset_DuringTransfer_DrainsThenTheNextCopyIsExact()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        await Sim.RegWriteAsync(SaOffset, 0x0050_0000, Ct);
        await Sim.RegWriteAsync(DaOffset, 0x0060_0000, Ct);
        await Sim.RegWriteAsync(BttOffset, 1 << 20, Ct);
        await Sim.RunAsync(5_000, Ct);

        await channel.ResetAsync(Ct);
        var status = await channel.ReadStatusAsync(Ct);
        var data = DmaCosim.Testing.SeededPattern.Create(10_000, 11);
        await fixture.Memory.WriteAsync(0x0080_0000, data, Ct);
        await channel.MemcpyAsync(0x0090_0000, 0x0080_0000, (uint)data.Length, Ct);

        Assert.Equal(CdmasrResetValue, status.Raw);
        Assert.Equal(data, await fixture.Memory.ReadAsync(0x0090_0000, data.Length, Ct));
    }

    [Fact]
    public async Task Memcpy_TwentyBackToBackWithoutReset_AllExact()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        var random = new Random(3);
        for (var i = 0; i < 20; i++)
        {
            var length = random.Next(1, 20_000);
            var source = 0x0100_0000UL + (ulong)random.Next(0, 4096);
            var destination = 0x0200_0000UL + (ulong)random.Next(0, 4096);
            var data = DmaCosim.Testing.SeededPattern.Create(length, (ulong)i);
            await fixture.Memory.WriteAsync(source, data, Ct);

            await channel.MemcpyAsync(destination, source, (uint)length, Ct);

            Assert.Equal(data, await fixture.Memory.ReadAsync(destination, length, Ct));
        }
    }

    [Fact]
    public async Task Memcpy_SourceOutsideDram_DmaDecErrThenResetRecovers()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);

        var error = await Assert.ThrowsAsync<CdmaTransferException>(() => channel.MemcpyAsync(0x0051_0000, 0x5000_0000, 4096, Ct));
        await channel.ResetAsync(Ct);
        var after = await channel.MemcpyAsync(0x0051_0000, 0x0050_0000, 4096, Ct);

        Assert.Equal("DMADecErr", error.Status.Errors);
        Assert.True(error.Status.ErrIrq);
        Assert.Equal(4096UL, after.Bytes);
    }

    [Fact]
    public async Task Memcpy_MaximumBtt_CopiesEveryByte()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ResetAsync(Ct);
        var length = (int)BttMax;
        var data = DmaCosim.Testing.SeededPattern.Create(length, 26);
        await fixture.Memory.WriteAsync(0x0400_0000, data, Ct);

        await channel.MemcpyAsync(0x0900_0001, 0x0400_0000, BttMax, Ct);

        Assert.Equal(data, await fixture.Memory.ReadAsync(0x0900_0001, length, Ct));
        await fixture.Memory.FillAsync(0x0400_0000, length, 0, Ct); // give the pages back to the zero state
        await fixture.Memory.FillAsync(0x0900_0001, length, 0, Ct);
    }
}
