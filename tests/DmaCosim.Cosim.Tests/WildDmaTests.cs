// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The wild-DMA bus analyser (issue #14 item 5): the DMA API announces its live mappings
/// (<c>dma_windows</c>), the harness checks every DMA beat against them while it simulates and
/// reports the ones outside as WILD_DMA violations; the DMA API explains each with the history of the
/// mapping that was unmapped too early.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class WildDmaTests(HarnessFixture fixture) : IAsyncDisposable
{
    private const int Length = 1000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Copy_EveryBeatInsideLiveMappings_NoViolationAndBeatsChecked()
    {
        var (channel, device) = await ChannelAsync();
        var source = device.Allocate(Length);
        var destination = device.Allocate(Length);
        var before = await fixture.Sim.DmaWindowsAsync(cancellationToken: Ct);

        await channel.CopyAsync(destination, source, cancellationToken: Ct);

        var report = await fixture.Sim.DmaWindowsAsync(cancellationToken: Ct);
        Assert.True(report.Enabled);
        Assert.Equal(1UL, report.Windows);              // only the coherent region is left after the unmaps
        var checkedBeats = report.BeatsChecked - before.BeatsChecked;
        Assert.True(checkedBeats >= (ulong)(2 * Length / fixture.Rtl.BytesPerBeat), $"{checkedBeats} beats checked");
        Assert.Equal(before.BeatsFlagged, report.BeatsFlagged);
        Assert.Empty((await fixture.Sim.CoherencyAsync(cancellationToken: Ct)).Violations);
    }

    [Fact]
    public async Task Copy_DestinationUnmappedTooEarly_EveryWrittenBeatFlaggedAndExplainedWithItsHistory()
    {
        var (channel, device) = await ChannelAsync();
        var source = device.Allocate(Length);
        var destination = device.Allocate(Length);
        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, cancellationToken: Ct);
        var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, cancellationToken: Ct);
        var transaction = await channel.PrepMemcpyAsync(to, from, Length, Ct);
        await device.UnmapAsync(to, Length, DmaDirection.FromDevice, Ct);   // the driver's bug: unmapped before the DMA ran

        await channel.SubmitAsync(transaction, Ct);
        await channel.IssuePendingAsync(Ct);
        await channel.WaitAsync(transaction, cancellationToken: Ct);

        var violations = (await fixture.Sim.CoherencyAsync(cancellationToken: Ct)).Violations;
        var bpb = (ulong)fixture.Rtl.BytesPerBeat;
        var beats = ((destination.Address + Length - 1) / bpb) - (destination.Address / bpb) + 1;
        Assert.Equal((int)beats, violations.Count);
        Assert.All(violations, v =>
        {
            Assert.Equal(Wire.Violation.WildDma, v.Kind);
            Assert.Equal(Wire.DmaAccess.Write, v.Direction);
            Assert.Equal(Wire.Violation.Dma, v.Master);
            Assert.InRange(v.Address, destination.Address, destination.Address + Length - 1);
            Assert.NotNull(v.Nearest);
        });
        var accesses = await device.DeviceAccessesOutsideMappingsAsync(Ct);
        Assert.All(accesses, a => Assert.Same(to, a.Mapping));
        Assert.Equal(["MapSingle", "Unmap"], to.History.Select(e => e.Call));
        var error = await Assert.ThrowsAsync<DmaDeviceAccessException>(() => device.VerifyDeviceAccessesAsync(Ct));
        Assert.Contains("after unmap of mapping", error.Message, StringComparison.Ordinal);
        Assert.Contains("MapSingle", error.Message, StringComparison.Ordinal);
        await device.UnmapAsync(from, Length, DmaDirection.ToDevice, Ct);
    }

    [Fact]
    public async Task Read_OfAFromDeviceOnlyMapping_FlaggedWithItsDirection()
    {
        var (channel, device) = await ChannelAsync();
        var a = device.Allocate(256);
        var b = device.Allocate(256);
        var from = await device.MapSingleAsync(a, DmaDirection.FromDevice, cancellationToken: Ct);   // wrong direction for a source
        var to = await device.MapSingleAsync(b, DmaDirection.FromDevice, cancellationToken: Ct);

        await channel.MemcpyAsync(to.DmaAddress, from.DmaAddress, 256, Ct);

        var violations = (await fixture.Sim.CoherencyAsync(cancellationToken: Ct)).Violations;
        Assert.NotEmpty(violations);
        Assert.All(violations, v =>
        {
            Assert.Equal(Wire.DmaAccess.Read, v.Direction);
            Assert.Equal(new DmaWindow(a.Address, 256, Wire.DmaAccess.Write), v.Nearest);
        });
        await device.UnmapAsync(from, 256, DmaDirection.FromDevice, Ct);
        await device.UnmapAsync(to, 256, DmaDirection.FromDevice, Ct);
    }

    [Fact]
    public async Task DmaWindows_BadWindow_TypedErrorAndNothingChanged()
    {
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        await fixture.Sim.DmaWindowsAsync([new DmaWindow(0x1000, 0x100, Wire.DmaAccess.Read)], enable: false, cancellationToken: Ct);

        var zero = await Assert.ThrowsAsync<SimRequestException>(() => fixture.Sim.DmaWindowsAsync([new DmaWindow(0x2000, 0, Wire.DmaAccess.Read)], true, Ct));
        var access = await Assert.ThrowsAsync<SimRequestException>(() => fixture.Sim.DmaWindowsAsync([new DmaWindow(0x2000, 1, "x")], true, Ct));
        var wrap = await Assert.ThrowsAsync<SimRequestException>(() => fixture.Sim.DmaWindowsAsync([new DmaWindow(ulong.MaxValue - 1, 16, Wire.DmaAccess.Read)], true, Ct));

        Assert.Equal(Wire.ErrorCode.BadRequest, zero.Code);
        Assert.Equal(Wire.ErrorCode.BadRequest, access.Code);
        Assert.Equal(Wire.ErrorCode.BadAddress, wrap.Code);
        var report = await fixture.Sim.DmaWindowsAsync(cancellationToken: Ct);
        Assert.Equal(new DmaWindowsReport(false, 1, report.BeatsChecked, report.BeatsFlagged), report);
        // reset: off and empty again, as at power-on
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        Assert.Equal(0UL, (await fixture.Sim.DmaWindowsAsync(cancellationToken: Ct)).Windows);
    }

    /// <summary>The analyser off again for the next test on the shared harness.</summary>
    public async ValueTask DisposeAsync() => await fixture.Sim.DmaWindowsAsync([], false);

    private async Task<(CdmaChannel Channel, DmaDevice Device)> ChannelAsync()
    {
        await fixture.Sim.ResetAsync(cancellationToken: Ct);
        var cpu = new SimCpu(fixture.Sim);
        var device = new DmaDevice(cpu, cpu, new DmaDeviceOptions { CheckDeviceAccesses = true });
        var channel = new CdmaChannel(fixture.Sim, device, fixture.Rtl);
        await channel.ProbeAsync(Ct);
        await device.EnableDeviceAccessCheckAsync(Ct);
        await fixture.Sim.CoherencyAsync(clear: true, cancellationToken: Ct);
        return (channel, device);
    }
}
