// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing.Models;
using static DmaCosim.Driver.CdmaRegisters;

namespace DmaCosim.Tests.Testing;

/// <summary>The reference models of the phases, on their own: what PG034 / DESIGN §3.1 / §3.3 say, without a harness.</summary>
public sealed class ReferenceModelTests
{
    private static readonly RtlInfo Rtl = new(DataWidth: 64, AddrWidth: 32, MaxBurst: 256, CacheLine: 64, CacheSets: 4, CacheWays: 2, MaxOutstanding: 4);

    [Fact]
    public void RegisterModel_AfterHardReset_ReadsTheDocumentedResetValues()
    {
        var model = new RegisterMapModel(Rtl);

        Assert.Equal(CdmacrResetValue, model.Read(CdmacrOffset));
        Assert.Equal(CdmasrResetValue, model.Read(CdmasrOffset));
        Assert.Equal(ExtIdValue, model.Read(ExtIdOffset));
        Assert.Equal(0x434D_4458u, model.Read(ExtIdOffset));
        Assert.Equal((255u << Xfer.MaxBurstM1Lsb) | (4u << Xfer.MaxOutLsb), model.Read(ExtXferCtrlOffset));
        Assert.Equal(0x7AFF_2008u, model.Read(ExtCapsOffset)); // 8 bytes, 32-bit, 255, BTT 26, DRE, SG
    }

    [Fact]
    public void RegisterModel_ControlWrites_ThresholdZeroStoresOneAndSgModeOffClearsThePointers()
    {
        var model = new RegisterMapModel(Rtl);
        model.Write(CdmacrOffset, 1u << Cr.SgModeBit);
        model.Write(CurdescOffset, 0x1234_5678);
        model.Write(TaildescMsbOffset, 0xFFFF_FFFF);

        Assert.Equal(0x1234_5640u, model.Read(CurdescOffset)); // the low six bits read 0
        Assert.Equal(0u, model.Read(TaildescMsbOffset)); // no address bits above 31 in this build
        Assert.Equal(1u, RegisterFieldOf(model.Read(CdmacrOffset)!.Value, Cr.IrqThresholdLsb));
        Assert.Equal(1u, RegisterFieldOf(model.Read(CdmasrOffset)!.Value, Sr.IrqThresholdStsLsb));

        model.Write(CdmacrOffset, 7u << Cr.IrqThresholdLsb);
        Assert.Equal(0u, model.Read(CurdescOffset));
        Assert.Equal(7u, RegisterFieldOf(model.Read(CdmasrOffset)!.Value, Sr.IrqThresholdStsLsb));
    }

    [Fact]
    public void RegisterModel_BttZeroInSimpleMode_StickyErrorW1cIrqAndHaltUntilSoftReset()
    {
        var model = new RegisterMapModel(Rtl);
        model.Write(ExtStealCfgOffset, 0); // beats 0 stores 1
        Assert.True(model.WouldStart(BttOffset, 5));

        model.Write(BttOffset, 0);
        model.Write(CdmasrOffset, 0xFFFF_FFFF);

        Assert.True(model.Halted);
        Assert.False(model.WouldStart(BttOffset, 5));
        Assert.Equal(CdmasrResetValue | (1u << Sr.DmaIntErrBit), model.Read(CdmasrOffset));
        Assert.Null(model.Read(ExtPerfBusyOffset)); // the busy cycles of the error are not specified

        model.Write(CdmacrOffset, 1u << Cr.ResetBit);
        Assert.False(model.Halted);
        Assert.Equal(CdmasrResetValue, model.Read(CdmasrOffset));
        Assert.Equal(1u << Xfer.StealBeatsLsb, model.Read(ExtStealCfgOffset) & 0xFF); // the extension block keeps its values
        Assert.Throws<InvalidOperationException>(() => model.Write(BttOffset, 5));
    }

    [Theory]
    [InlineData(0x02Cu, true)]
    [InlineData(0x1FCu, true)]
    [InlineData(0x200u, false)]
    [InlineData(0xFFCu, false)]
    [InlineData(0x1000u, true)]
    [InlineData(0x10FCu, true)]
    [InlineData(0x1100u, false)]
    [InlineData(0xFFFCu, false)]
    public void RegisterModel_BlockEdges_AnswerOkayInsideAndDecerrOutside(uint offset, bool answers)
    {
        Assert.Equal(answers, RegisterMapModel.Answers(offset));
        Assert.Equal(answers ? 0u : (uint?)null, new RegisterMapModel(Rtl).Read(offset));
    }

    [Fact]
    public void RegisterModel_Describe_NamesTheFirstDifferingField()
    {
        var text = RegisterMapModel.Describe(CdmasrOffset, CdmasrResetValue, CdmasrResetValue | (1u << Sr.ErrIrqBit));

        Assert.Contains("CDMASR", text, StringComparison.Ordinal);
        Assert.Contains("Err_Irq[14:14] expected 0, actual 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CacheModel_AliasingLines_LeastRecentlyUsedDirtyVictimIsWrittenBack()
    {
        var (model, stride) = Cache();
        model.Write(0, [0xAA], cached: true);         // miss: line A, dirty
        model.Read(stride, 4, cached: true);          // miss: line B
        model.Read(0, 4, cached: true);               // hit: A is now the most recent
        model.Read(2 * stride, 4, cached: true);      // miss: evicts B (clean), not A

        Assert.Equal((1ul, 3ul, 0ul), (model.Hits, model.Misses, model.Writebacks));
        Assert.True(model.IsCached(0));
        Assert.False(model.IsCached(stride));
        Assert.Equal(0x00, model.Dram(0, 1)[0]); // write-back: DRAM not written yet

        model.Read(3 * stride, 4, cached: true);      // evicts A (dirty): written back
        Assert.Equal((1ul, 4ul, 1ul), (model.Hits, model.Misses, model.Writebacks));
        Assert.Equal(0xAA, model.Dram(0, 1)[0]);
    }

    [Fact]
    public void CacheModel_UncachedAndMaintenance_BypassInvalidateLosesAndCleanKeeps()
    {
        var (model, _) = Cache();
        model.Write(4, [1, 2, 3, 4], cached: true);
        model.Write(4, [9, 9, 9, 9], cached: false);  // DRAM only: the cached line still has 1 2 3 4

        Assert.Equal([1, 2, 3, 4], model.Read(4, 4, cached: true));
        Assert.Equal([9, 9, 9, 9], model.Read(4, 4, cached: false));

        model.Maintain(CacheOp.Clean, 0, 1);           // whole line written back over the uncached store
        Assert.Equal([1, 2, 3, 4], model.Dram(4, 4));
        Assert.True(model.IsCached(4));

        model.Write(4, [7], cached: true);
        model.Maintain(CacheOp.Invalidate, 4, 1);      // the dirty byte is lost
        Assert.Equal([1, 2, 3, 4], model.Read(4, 4, cached: true));
        Assert.Equal((2ul, 2ul, 1ul), (model.Hits, model.Misses, model.Writebacks));
    }

    private static (CacheModel Model, ulong Stride) Cache()
    {
        var stride = (ulong)(Rtl.CacheLine * Rtl.CacheSets);
        return (new CacheModel(Rtl.CacheLine, Rtl.CacheSets, Rtl.CacheWays, 0, new byte[4 * (int)stride]), stride);
    }

    private static uint RegisterFieldOf(uint value, int lsb) => (value >> lsb) & 0xFF;
}
