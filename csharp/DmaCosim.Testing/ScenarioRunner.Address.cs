// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;
using DmaCosim.Driver;

namespace DmaCosim.Testing;

/// <summary>The address-space scenarios (<see cref="AddressScenario"/>): one copy through the DMA API, with the wild-DMA analyser on.</summary>
public static partial class ScenarioRunner
{
    /// <summary>
    /// Runs an address-space scenario: a device with the scenario's mask and the analyser on, one copy between
    /// two heap buffers at the scenario's offsets, and the outcome its kind expects — byte-exact data with the
    /// engine inside the live mappings (bounce, misaligned: after the driver's copy_align refusal on nodre), or
    /// exactly the destination's beats flagged WILD_DMA and explained by the mapping's history (unmap too early;
    /// the record is cleared afterwards, so the end-of-scenario check sees no violation).
    /// </summary>
    /// <returns>The cycles and the DMA part's bus counters.</returns>
    private static async Task<(ulong Cycles, DmaBusStats Bus)> ExecuteAddressAsync(
        HarnessProcess harness, Scenario scenario, ExpectedMemory expected, CancellationToken ct)
    {
        var a = scenario.Address!;
        if (harness.Hello.BusOffset != a.BusOffset)
        {
            throw new ArgumentException(
                $"{scenario.Describe()} needs a harness started with --bus-offset 0x{a.BusOffset:X}; this one has 0x{harness.Hello.BusOffset:X}", nameof(harness));
        }

        if (a.Kind is AddressKind.Iommu or AddressKind.IommuUnmapTooEarly)
        {
            return await ExecuteIommuAsync(harness, scenario, expected, ct).ConfigureAwait(false);
        }

        var sim = harness.Client;
        var rtl = harness.Hello.Rtl;
        var cpu = new SimCpu(sim);
        var device = new DmaDevice(cpu, cpu, DmaDevice.OptionsFor(harness.Hello) with
        {
            MaskBits = a.MaskBits,
            CoherentMaskBits = 32,
            CheckDeviceAccesses = true,
        });
        var channel = new CdmaChannel(sim, device, rtl);
        await channel.ProbeAsync(ct).ConfigureAwait(false);
        await device.EnableDeviceAccessCheckAsync(ct).ConfigureAwait(false);
        await sim.CoherencyAsync(snoop: false, clear: true, cancellationToken: ct).ConfigureAwait(false);
        await sim.DmaBusStatsAsync(reset: true, ct).ConfigureAwait(false);

        var source = device.Allocate(a.Length + 128);
        var destination = device.Allocate(a.Length + 128);
        var data = scenario.InitialSource(0);
        var destinationAddress = destination.Address + (ulong)a.DestinationOffset;
        await harness.Memory.WriteAsync(source.Address + (ulong)a.SourceOffset, data, ct).ConfigureAwait(false);
        await Guards.PlaceAsync(harness.Memory, expected, destinationAddress, a.Length, Guard, ct).ConfigureAwait(false);
        expected.Expect(destinationAddress, data, $"address scenario's destination ({a.KindName()})");
        var start = await sim.RunAsync(0, ct).ConfigureAwait(false);
        try
        {
            switch (a.Kind)
            {
                case AddressKind.Bounce:
                    await AlignedCopy.CopyAsync(channel, destination, a.DestinationOffset, source, a.SourceOffset, a.Length, AlignmentRemedy.Bounce, ct)
                        .ConfigureAwait(false);
                    if (device.BounceStats.Mappings < 2)
                    {
                        throw Fail(scenario, $"{device.BounceStats.Mappings} mappings bounced under a {a.MaskBits}-bit mask, expected at least 2");
                    }

                    break;
                case AddressKind.Misaligned:
                    if (!rtl.HasDre)
                    {
                        await ExpectRefusalAsync(scenario, channel, destinationAddress, source.Address + (ulong)a.SourceOffset, a.Length, rtl.BytesPerBeat, ct)
                            .ConfigureAwait(false);
                    }

                    await AlignedCopy.CopyAsync(channel, destination, a.DestinationOffset, source, a.SourceOffset, a.Length, a.Remedy, ct).ConfigureAwait(false);
                    break;
                default:
                    await UnmapTooEarlyAsync(sim, scenario, device, channel, source, destination, rtl.BytesPerBeat, ct).ConfigureAwait(false);
                    break;
            }

            if (a.Kind != AddressKind.UnmapTooEarly)
            {
                await device.VerifyDeviceAccessesAsync(ct).ConfigureAwait(false);

                // a bounce or a remedy's PIO leaves the bytes the CPU copied dirty in its cache, where the CPU sees
                // them; write them back so that memory (what the scoreboard reads) holds them too
                await sim.CacheAsync(CacheOp.Clean, destinationAddress, (ulong)a.Length, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is DmaDeviceAccessException or CdmaAlignmentException or DmaBounceException or DmaMaskException or CdmaTransferException)
        {
            throw Fail(scenario, e.Message);
        }

        var end = await sim.RunAsync(0, ct).ConfigureAwait(false);
        var bus = await sim.DmaBusStatsAsync(cancellationToken: ct).ConfigureAwait(false);
        return (end - start, bus);
    }

    private static async Task ExpectRefusalAsync(
        Scenario scenario, CdmaChannel channel, ulong destination, ulong source, int length, int bytesPerBeat, CancellationToken ct)
    {
        try
        {
            await channel.PrepMemcpyAsync(destination, source, (ulong)length, ct).ConfigureAwait(false);
        }
        catch (CdmaAlignmentException refusal) when (refusal.Alignment == bytesPerBeat)
        {
            return;
        }

        throw Fail(scenario, $"the driver accepted a misaligned copy 0x{source:X} -> 0x{destination:X} of {length} bytes on a build without DRE");
    }

    /// <summary>The driver's bug: the destination is unmapped after the copy was prepared and before it ran.</summary>
    private static async Task UnmapTooEarlyAsync(
        SimClient sim, Scenario scenario, DmaDevice device, CdmaChannel channel, DmaBuffer source, DmaBuffer destination, int bytesPerBeat, CancellationToken ct)
    {
        var a = scenario.Address!;
        var from = await device.MapSingleAsync(source, DmaDirection.ToDevice, a.SourceOffset, a.Length, ct).ConfigureAwait(false);
        var to = await device.MapSingleAsync(destination, DmaDirection.FromDevice, a.DestinationOffset, a.Length, ct).ConfigureAwait(false);
        var transaction = await channel.PrepMemcpyAsync(to, from, a.Length, ct).ConfigureAwait(false);
        await device.UnmapAsync(to, a.Length, DmaDirection.FromDevice, ct).ConfigureAwait(false);
        await channel.SubmitAsync(transaction, ct).ConfigureAwait(false);
        await channel.IssuePendingAsync(ct).ConfigureAwait(false);
        await channel.WaitAsync(transaction, 100_000 + ((ulong)a.Length * 16), ct).ConfigureAwait(false);
        await device.UnmapAsync(from, a.Length, DmaDirection.ToDevice, ct).ConfigureAwait(false);

        var first = to.DmaAddress / (ulong)bytesPerBeat;
        var beats = ((to.DmaAddress + (ulong)a.Length - 1) / (ulong)bytesPerBeat) - first + 1;
        // the harness's log keeps the first reports and counts the rest (a long copy on a narrow bus has more beats
        // than it keeps): every report counts, and every one kept must be a WILD_DMA write explained by the mapping
        var report = await sim.CoherencyAsync(cancellationToken: ct).ConfigureAwait(false);
        var accesses = await device.DeviceAccessesOutsideMappingsAsync(ct).ConfigureAwait(false);
        var wrong = accesses.FirstOrDefault(x => x.Mapping != to || x.Report.Direction != Wire.DmaAccess.Write);
        if (report.Total != beats || accesses.Count != report.Violations.Count || wrong != null)
        {
            throw Fail(scenario, $"expected {beats} WILD_DMA writes explained by {to}, got {report.Total} reports ({report.Violations.Count} kept, {accesses.Count} of them WILD_DMA)" +
                (wrong != null ? $"; e.g. {wrong}" : ""));
        }

        // found as expected: the record is emptied so that the end-of-scenario check sees no violation
        await sim.CoherencyAsync(clear: true, cancellationToken: ct).ConfigureAwait(false);
    }

    private static ScenarioException Fail(Scenario scenario, string problem) =>
        new($"seed {scenario.Seed}: {problem}\nscenario: {scenario.Describe()}");
}
