// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// An engine without a realigner (issue #14 item 4): the <c>nodre</c> build's data path against
/// <see cref="NoDreModel"/>, the driver's copy_align refusal, and the two remedies. These run on every
/// build (`make test` runs this class on nodre too): with the realigner, copy_align is 0 and a raw
/// misaligned copy is exact.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class NodreTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int Bpb => fixture.Rtl.BytesPerBeat;

    [Fact]
    public async Task Hello_HasDre_MatchesExtCaps()
    {
        // the build's own word (EXT_CAPS) and hello agree; the nodre harness says false
        var caps = await fixture.Sim.RegReadAsync(CdmaRegisters.ExtCapsOffset, Ct);
        Assert.Equal(fixture.Rtl.HasDre, (caps & (1u << RegisterBlocks.CapsDreBit)) != 0);
        Assert.Equal(fixture.Rtl.HasDre, !Path.GetFileName(Environment.GetEnvironmentVariable("DMACOSIM_HARNESS") ?? "").EndsWith("-nodre", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 0, 200)]
    [InlineData(0, 3, 77)]
    [InlineData(5, 2, 1000)]
    [InlineData(7, 7, 333)]
    [InlineData(0, 0, 64)]
    [InlineData(0, 7, 100)]     // the destination needs one beat more than the source: the last source beat twice on nodre
    [InlineData(2, 6, 300)]
    public async Task RawRegisterCopy_AnyOffsets_DestinationIsWhatTheBuildsModelSays(int srcOff, int dstOff, int length)
    {
        // register-level simple-mode copy, below the driver (which would refuse it on nodre)
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        var source = 0x0300_0000UL + (ulong)srcOff;
        var destination = 0x0340_0000UL + (ulong)dstOff;
        var (start, count) = NoDreModel.SourceBeats(source, length, Bpb);
        await fixture.Memory.WriteAsync(start, SeededPattern.Create(count, (ulong)((srcOff * 31) + dstOff)), Ct);
        var guard = SeededPattern.Create(length + (2 * Bpb), 99);
        await fixture.Memory.WriteAsync(destination - (ulong)Bpb, guard, Ct);
        var beats = await fixture.Memory.ReadAsync(start, count, Ct);

        await fixture.Sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, 1u << CdmaRegisters.Cr.IocIrqEnBit, Ct);
        await fixture.Sim.RegWriteAsync(CdmaRegisters.SaOffset, (uint)source, Ct);
        await fixture.Sim.RegWriteAsync(CdmaRegisters.DaOffset, (uint)destination, Ct);
        await fixture.Sim.RegWriteAsync(CdmaRegisters.BttOffset, (uint)length, Ct);
        await fixture.Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);

        var expected = fixture.Rtl.HasDre
            ? beats.AsSpan(srcOff % Bpb, length).ToArray()
            : NoDreModel.Destination(beats, source, destination, length, Bpb);
        var all = await fixture.Memory.ReadAsync(destination - (ulong)Bpb, length + (2 * Bpb), Ct);
        Assert.Equal(guard.AsSpan(0, Bpb).ToArray(), all.AsSpan(0, Bpb).ToArray());
        Assert.Equal(expected, all.AsSpan(Bpb, length).ToArray());
        Assert.Equal(guard.AsSpan(Bpb + length).ToArray(), all.AsSpan(Bpb + length).ToArray());
        var status = await fixture.Sim.RegReadAsync(CdmaRegisters.CdmasrOffset, Ct);
        Assert.Equal(0u, status & 0x70u);   // no DMA error: the engine did not trip over the offsets
        await fixture.Sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, 1u << CdmaRegisters.Cr.ResetBit, Ct);
        await fixture.Sim.RunAsync(100, Ct);
        // a second, aligned copy right after is exact: no source beat was left in the FIFO
        await fixture.Sim.RegWriteAsync(CdmaRegisters.CdmacrOffset, 1u << CdmaRegisters.Cr.IocIrqEnBit, Ct);
        await fixture.Sim.RegWriteAsync(CdmaRegisters.SaOffset, (uint)start, Ct);
        await fixture.Sim.RegWriteAsync(CdmaRegisters.DaOffset, 0x0380_0000u, Ct);
        await fixture.Sim.RegWriteAsync(CdmaRegisters.BttOffset, (uint)count, Ct);
        await fixture.Sim.RunUntilAsync(SimEvent.Irq, 100_000, Ct);
        Assert.Equal(beats, await fixture.Memory.ReadAsync(0x0380_0000, count, Ct));
    }

    [Fact]
    public async Task PrepMemcpy_Misaligned_RefusedOnNodreNamingTheAlignment_ExactWithDre()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        var data = SeededPattern.Create(500, 3);
        await fixture.Memory.WriteAsync(0x0300_0001, data, Ct);
        if (!fixture.Rtl.HasDre)
        {
            Assert.Equal(System.Numerics.BitOperations.Log2((uint)Bpb), channel.CopyAlign);
            var error = await Assert.ThrowsAsync<CdmaAlignmentException>(() => channel.PrepMemcpyAsync(0x0340_0000, 0x0300_0001, 500, Ct));
            Assert.Equal(Bpb, error.Alignment);
            Assert.Contains($"{Bpb}-byte aligned", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, channel.DescriptorPool.InUse);   // nothing prepared
            await Assert.ThrowsAsync<CdmaAlignmentException>(() => channel.MemcpyAsync(0x0340_0000, 0x0300_0000, 501, Ct));
            Assert.True(channel.IsCopyAligned(0x0340_0000, 0x0300_0000, (ulong)Bpb * 3));
        }
        else
        {
            Assert.Equal(0, channel.CopyAlign);
            await channel.MemcpyAsync(0x0340_0000, 0x0300_0001, 500, Ct);
            Assert.Equal(data, await fixture.Memory.ReadAsync(0x0340_0000, 500, Ct));
        }
    }

    public static TheoryData<AlignmentRemedy, int, int, int> Remedies() => new()
    {
        { AlignmentRemedy.Bounce, 1, 6, 700 },
        { AlignmentRemedy.Bounce, 0, 0, 13 },
        { AlignmentRemedy.Bounce, 3, 0, 4097 },
        { AlignmentRemedy.PioHeadTail, 5, 5, 1000 },
        { AlignmentRemedy.PioHeadTail, 3, 3, 6 },
        { AlignmentRemedy.PioHeadTail, 0, 0, 129 },
        { AlignmentRemedy.PioHeadTail, 1, 1, 4096 },
    };

    [Theory]
    [MemberData(nameof(Remedies))]
    public async Task AlignedCopy_Remedy_ByteExactWithNeighboursKept(AlignmentRemedy remedy, int srcOff, int dstOff, int length)
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        await fixture.Sim.CoherencyAsync(clear: true, cancellationToken: Ct);
        var device = channel.Device;
        var source = device.Allocate(length + 64);
        var destination = device.Allocate(length + 64);
        var data = SeededPattern.Create(length + 64, (ulong)length);
        var before = SeededPattern.Create(length + 64, (ulong)length + 1);
        await device.CpuWriteAsync(source, 0, data, Ct);
        await device.CpuWriteAsync(destination, 0, before, Ct);
        // written back (a FromDevice mapping's partial lines are invalidated: Linux's ARCH_DMA_MINALIGN rule)
        await device.UnmapAsync(await device.MapSingleAsync(destination, DmaDirection.ToDevice, cancellationToken: Ct), length + 64, DmaDirection.ToDevice, Ct);

        await AlignedCopy.CopyAsync(channel, destination, dstOff, source, srcOff, length, remedy, Ct);

        var expected = before.ToArray();
        data.AsSpan(srcOff, length).CopyTo(expected.AsSpan(dstOff));
        Assert.Equal(expected, await device.CpuReadAsync(destination, 0, length + 64, Ct));
        Assert.Empty(device.Mappings);
        Assert.Empty((await fixture.Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
        device.Free(source);
        device.Free(destination);
    }

    [Fact]
    public async Task AlignedCopy_PioWithDifferentOffsets_RefusedOnNodre()
    {
        var channel = await fixture.FreshChannelAsync();
        await channel.ProbeAsync(Ct);
        var device = channel.Device;
        var source = device.Allocate(256);
        var destination = device.Allocate(256);
        if (fixture.Rtl.HasDre)
        {
            Assert.Equal(0, await AlignedCopy.CopyAsync(channel, destination, 2, source, 1, 100, AlignmentRemedy.PioHeadTail, Ct));
        }
        else
        {
            await Assert.ThrowsAsync<CdmaAlignmentException>(
                () => AlignedCopy.CopyAsync(channel, destination, 2, source, 1, 100, AlignmentRemedy.PioHeadTail, Ct));
        }

        device.Free(source);
        device.Free(destination);
    }
}
