// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>The regress mix's IOMMU scenarios (<see cref="AddressKind.Iommu"/>, <see cref="AddressKind.IommuUnmapTooEarly"/>) through the real RTL.</summary>
[Collection(SharedHarness.Name)]
public sealed class IommuScenarioTests(HarnessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Generate_IommuKinds_AFewPercentOfTheSeedsWithBothSourceShapesAndTheFault()
    {
        var scenarios = Enumerable.Range(1, 3000).Select(s => ScenarioGenerator.Generate((ulong)s, fixture.Rtl)).ToList();
        var iommu = scenarios.Where(s => s.Address?.Kind is AddressKind.Iommu or AddressKind.IommuUnmapTooEarly).ToList();

        var share = (double)iommu.Count / scenarios.Count;
        Assert.InRange(share, fixture.Rtl.HasDre ? 0.01 : 0.2, fixture.Rtl.HasDre ? 0.06 : 0.6);
        Assert.Contains(iommu, s => s.Address!.Scattered);
        Assert.Contains(iommu, s => !s.Address!.Scattered);
        Assert.InRange((double)iommu.Count(s => s.Address!.Kind == AddressKind.IommuUnmapTooEarly) / iommu.Count, 0.2, 0.5); // a third
        Assert.Equal(["iommu", "iommu-fault"], iommu.Select(ScenarioRunner.KindOf).Distinct().Order());
        Assert.InRange((double)iommu.Count(s => s.Address!.ScatterGather) / iommu.Count, 0.3, 0.7); // half in SG mode
        Assert.Equal(Enum.GetValues<IommuMistake>(), iommu.Where(s => s.Address!.Kind == AddressKind.IommuUnmapTooEarly).Select(s => s.Address!.Fault).Distinct().Order());
    }

    [Fact]
    public void Generate_AddressKinds_AQuarterBehindTheRegressBusOffsetEveryKindAmongThem()
    {
        var address = Enumerable.Range(1, 4000).Select(s => ScenarioGenerator.Generate((ulong)s, fixture.Rtl)).Where(s => s.Address != null).ToList();
        var offset = address.Where(s => s.Address!.BusOffset != 0).ToList();

        Assert.InRange((double)offset.Count / address.Count, 0.15, 0.35);
        Assert.All(offset, s => Assert.Equal(ScenarioGenerator.RegressBusOffset, s.Address!.BusOffset));
        Assert.All(offset, s => Assert.Equal(s.Address!.BusOffset, ScenarioGenerator.BusOffsetOf(s.Seed, fixture.Rtl)));
        Assert.Equal(5, offset.Select(s => s.Address!.Kind).Distinct().Count());
        Assert.All(offset.Where(s => s.Address!.Kind == AddressKind.Bounce), s => Assert.True(s.Address!.MaskBits >= 25, s.Describe()));
        Assert.All(offset, s => Assert.Contains($"bus offset 0x{ScenarioGenerator.RegressBusOffset:X}", s.Describe(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(IommuMistake.DestinationUnmapped)]
    [InlineData(IommuMistake.SourceUnmapped)]
    [InlineData(IommuMistake.SourceMappedFromDevice)]
    [InlineData(IommuMistake.DestinationMappedToDevice)]
    public async Task Run_IommuFaultScenario_EachMistakeCaughtAsItsFaultAndNothingWritten(IommuMistake mistake)
    {
        // the runner checks the transfer error, the fault record, every logged fault and the untouched destination;
        // no bus offset (the shared harness has none: BusOffsetTests runs those)
        var scenario = Enumerable.Range(1, 20000).Select(s => ScenarioGenerator.Generate((ulong)s, fixture.Rtl))
            .First(s => s.Address is { Kind: AddressKind.IommuUnmapTooEarly, BusOffset: 0 } a && a.Fault == mistake);

        var result = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

        Assert.True(result.Passed, result.Failure);
        Assert.Equal("iommu-fault", result.Kind);
    }

    [Theory]
    [InlineData(AddressKind.Iommu, true)]
    [InlineData(AddressKind.Iommu, false)]
    [InlineData(AddressKind.IommuUnmapTooEarly, true)]
    [InlineData(AddressKind.IommuUnmapTooEarly, false)]
    public async Task Run_IommuScenarios_PassTwiceWithTheSameCyclesAndChecksum(AddressKind kind, bool scattered)
    {
        // the first seed of the kind and shape, and the first one more than two pages long; the scattered ones in SG
        // mode (descriptors from a pool mapped in the IOMMU domain), the others in simple mode; no bus offset (the
        // shared harness has none: BusOffsetTests runs those)
        var matching = Enumerable.Range(1, 20000).Select(s => ScenarioGenerator.Generate((ulong)s, fixture.Rtl))
            .Where(s => s.Address is { } a && a.Kind == kind && a.Scattered == scattered && a.ScatterGather == scattered && a.BusOffset == 0);
        var scenarios = matching.Take(1).Concat(matching.Where(s => s.Address!.Length > 8192).Take(1)).ToList();
        Assert.Equal(2, scenarios.Count);

        foreach (var scenario in scenarios)
        {
            var first = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);
            var second = await ScenarioRunner.RunAsync(fixture.Harness, scenario, cancellationToken: Ct);

            Assert.True(first.Passed, first.Failure);
            Assert.Equal(first.Cycles, second.Cycles);
            Assert.Equal(first.Checksum, second.Checksum);
            Assert.Equal(kind == AddressKind.Iommu ? "iommu" : "iommu-fault", first.Kind);
        }
    }
}
