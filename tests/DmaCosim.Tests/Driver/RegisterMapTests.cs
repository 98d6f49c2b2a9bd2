// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Driver;

/// <summary>The C# register constants are the numbers in rtl/dma_pkg.sv: parsed, not trusted.</summary>
public sealed partial class RegisterMapTests
{
    /// <summary>Every single-line localparam of rtl/dma_pkg.sv with a literal value, by name.</summary>
    internal static readonly Lazy<Dictionary<string, ulong>> Package = new(ParsePackage);

    public static TheoryData<string, string> Pairs() => new()
    {
        { nameof(CdmaRegisters.CdmacrOffset), "CDMACR_OFFSET" },
        { nameof(CdmaRegisters.CdmasrOffset), "CDMASR_OFFSET" },
        { nameof(CdmaRegisters.CurdescOffset), "CURDESC_OFFSET" },
        { nameof(CdmaRegisters.CurdescMsbOffset), "CURDESC_MSB_OFFSET" },
        { nameof(CdmaRegisters.TaildescOffset), "TAILDESC_OFFSET" },
        { nameof(CdmaRegisters.TaildescMsbOffset), "TAILDESC_MSB_OFFSET" },
        { nameof(CdmaRegisters.SaOffset), "SA_OFFSET" },
        { nameof(CdmaRegisters.SaMsbOffset), "SA_MSB_OFFSET" },
        { nameof(CdmaRegisters.DaOffset), "DA_OFFSET" },
        { nameof(CdmaRegisters.DaMsbOffset), "DA_MSB_OFFSET" },
        { nameof(CdmaRegisters.BttOffset), "BTT_OFFSET" },
        { nameof(CdmaRegisters.ExtIdOffset), "EXT_ID_OFFSET" },
        { nameof(CdmaRegisters.ExtVersionOffset), "EXT_VERSION_OFFSET" },
        { nameof(CdmaRegisters.ExtCapsOffset), "EXT_CAPS_OFFSET" },
        { nameof(CdmaRegisters.ExtXferCtrlOffset), "EXT_XFER_CTRL_OFFSET" },
        { nameof(CdmaRegisters.ExtStealCfgOffset), "EXT_STEAL_CFG_OFFSET" },
        { nameof(CdmaRegisters.ExtPerfCtrlOffset), "EXT_PERF_CTRL_OFFSET" },
        { nameof(CdmaRegisters.ExtPerfBusyOffset), "EXT_PERF_BUSY_OFFSET" },
        { nameof(CdmaRegisters.ExtPerfRdBeatsOffset), "EXT_PERF_RD_BEATS_OFFSET" },
        { nameof(CdmaRegisters.ExtPerfWrBeatsOffset), "EXT_PERF_WR_BEATS_OFFSET" },
        { nameof(CdmaRegisters.ExtPerfBusWaitOffset), "EXT_PERF_BUS_WAIT_OFFSET" },
        { nameof(CdmaRegisters.ExtPerfCpuWaitOffset), "EXT_PERF_CPU_WAIT_OFFSET" },
        { nameof(CdmaRegisters.ExtVersionValue), "EXT_VERSION_VALUE" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.ModeBurst), "XFER_MODE_BURST" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.ModeCycleStealing), "XFER_MODE_CYCLE_STEALING" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.ModeTransparent), "XFER_MODE_TRANSPARENT" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.ModeKeep), "XFER_MODE_KEEP" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.ModeLsb), "EXT_XFER_CTRL_MODE_LSB" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.ModeWidth), "EXT_XFER_CTRL_MODE_WIDTH" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.MaxBurstM1Lsb), "EXT_XFER_CTRL_MAX_BURST_M1_LSB" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.MaxBurstM1Width), "EXT_XFER_CTRL_MAX_BURST_M1_WIDTH" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.MaxOutLsb), "EXT_XFER_CTRL_MAX_OUT_LSB" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.MaxOutWidth), "EXT_XFER_CTRL_MAX_OUT_WIDTH" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.StealBeatsLsb), "EXT_STEAL_CFG_BEATS_LSB" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.StealBeatsWidth), "EXT_STEAL_CFG_BEATS_WIDTH" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.StealIdleLsb), "EXT_STEAL_CFG_IDLE_LSB" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.StealIdleWidth), "EXT_STEAL_CFG_IDLE_WIDTH" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.StealBeatsReset), "EXT_STEAL_BEATS_RESET" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.StealIdleReset), "EXT_STEAL_IDLE_RESET" },
        { "Xfer." + nameof(CdmaRegisters.Xfer.PerfClearBit), "EXT_PERF_CTRL_CLEAR_BIT" },
        { nameof(CdmaRegisters.CdmacrResetValue), "CDMACR_RESET_VALUE" },
        { nameof(CdmaRegisters.CdmasrResetValue), "CDMASR_RESET_VALUE" },
        { nameof(CdmaRegisters.ExtIdValue), "EXT_ID_VALUE" },
        { nameof(CdmaRegisters.BttWidth), "BTT_WIDTH" },
        { "Cr." + nameof(CdmaRegisters.Cr.TailPntrEnBit), "CDMACR_TAILPNTREN_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.ResetBit), "CDMACR_RESET_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.SgModeBit), "CDMACR_SGMODE_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.KeyHoleRdBit), "CDMACR_KEYHOLERD_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.KeyHoleWrBit), "CDMACR_KEYHOLEWR_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.CyclicBit), "CDMACR_CYCLIC_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.IocIrqEnBit), "CDMACR_IOC_IRQEN_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.DlyIrqEnBit), "CDMACR_DLY_IRQEN_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.ErrIrqEnBit), "CDMACR_ERR_IRQEN_BIT" },
        { "Cr." + nameof(CdmaRegisters.Cr.IrqThresholdLsb), "CDMACR_IRQTHRESHOLD_LSB" },
        { "Cr." + nameof(CdmaRegisters.Cr.IrqDelayLsb), "CDMACR_IRQDELAY_LSB" },
        { "Sr." + nameof(CdmaRegisters.Sr.IdleBit), "CDMASR_IDLE_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.SgIncldBit), "CDMASR_SGINCLD_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.DmaIntErrBit), "CDMASR_DMAINTERR_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.DmaSlvErrBit), "CDMASR_DMASLVERR_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.DmaDecErrBit), "CDMASR_DMADECERR_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.SgIntErrBit), "CDMASR_SGINTERR_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.SgSlvErrBit), "CDMASR_SGSLVERR_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.SgDecErrBit), "CDMASR_SGDECERR_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.IocIrqBit), "CDMASR_IOC_IRQ_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.DlyIrqBit), "CDMASR_DLY_IRQ_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.ErrIrqBit), "CDMASR_ERR_IRQ_BIT" },
        { "Sr." + nameof(CdmaRegisters.Sr.IrqThresholdStsLsb), "CDMASR_IRQTHRESHOLDSTS_LSB" },
        { "Sr." + nameof(CdmaRegisters.Sr.IrqDelayStsLsb), "CDMASR_IRQDELAYSTS_LSB" },
        { nameof(CdmaRegisters.IrqDelayUnitCycles), "IRQ_DELAY_UNIT_CYCLES" },
        { "Desc." + nameof(CdmaDescriptor.NextOffset), "DESC_NXTDESC_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.NextMsbOffset), "DESC_NXTDESC_MSB_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.SourceOffset), "DESC_SA_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.SourceMsbOffset), "DESC_SA_MSB_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.DestinationOffset), "DESC_DA_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.DestinationMsbOffset), "DESC_DA_MSB_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.ControlOffset), "DESC_CONTROL_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.StatusOffset), "DESC_STATUS_OFFSET" },
        { "Desc." + nameof(CdmaDescriptor.StatusCompleteBit), "DESC_STATUS_CMPLT_BIT" },
        { "Desc." + nameof(CdmaDescriptor.StatusDecErrBit), "DESC_STATUS_DMADECERR_BIT" },
        { "Desc." + nameof(CdmaDescriptor.StatusSlvErrBit), "DESC_STATUS_DMASLVERR_BIT" },
        { "Desc." + nameof(CdmaDescriptor.StatusIntErrBit), "DESC_STATUS_DMAINTERR_BIT" },
        { "Blocks." + nameof(RegisterBlocks.RegSpaceEnd), "REG_SPACE_END" },
        { "Blocks." + nameof(RegisterBlocks.CapsDataBytesLsb), "EXT_CAPS_DATA_BYTES_LSB" },
        { "Blocks." + nameof(RegisterBlocks.CapsAddrWidthLsb), "EXT_CAPS_ADDR_WIDTH_LSB" },
        { "Blocks." + nameof(RegisterBlocks.CapsMaxBurstM1Lsb), "EXT_CAPS_MAX_BURST_M1_LSB" },
        { "Blocks." + nameof(RegisterBlocks.CapsBttWidthLsb), "EXT_CAPS_BTT_WIDTH_LSB" },
        { "Blocks." + nameof(RegisterBlocks.CapsDreBit), "EXT_CAPS_DRE_BIT" },
        { "Blocks." + nameof(RegisterBlocks.CapsSgBit), "EXT_CAPS_SG_BIT" },
        { "Mon." + nameof(RegisterBlocks.Monitor.BaseOffset), "MON_BASE_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CtrlOffset), "MON_CTRL_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CountOffset), "MON_COUNT_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.LastAddrOffset), "MON_LAST_ADDR_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.LastKindOffset), "MON_LAST_KIND_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.SnoopStallOffset), "MON_SNOOP_STALL_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.LastAddrMsbOffset), "MON_LAST_ADDR_MSB_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CountStaleCpuOffset), "MON_COUNT_STALE_CPU_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CountLostDmaOffset), "MON_COUNT_LOST_DMA_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CountStaleDmaOffset), "MON_COUNT_STALE_DMA_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.SnoopsOffset), "MON_SNOOPS_OFFSET" },
        { "Mon." + nameof(RegisterBlocks.Monitor.SpaceEnd), "MON_SPACE_END" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CtrlSnoopEnBit), "MON_CTRL_SNOOP_EN_BIT" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CtrlClearBit), "MON_CTRL_CLEAR_BIT" },
        { "Mon." + nameof(RegisterBlocks.Monitor.CtrlOverflowBit), "MON_CTRL_OVERFLOW_BIT" },
        { "Mon." + nameof(RegisterBlocks.Monitor.LastKindLsb), "MON_LAST_KIND_LSB" },
        { "Mon." + nameof(RegisterBlocks.Monitor.LastKindWidth), "MON_LAST_KIND_WIDTH" },
        { "Mon." + nameof(RegisterBlocks.Monitor.LastKindMasterBit), "MON_LAST_KIND_MASTER_BIT" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Constant_ComparedWithDmaPkg_HasTheSameValue(string csharpName, string packageName)
    {
        Assert.True(Package.Value.TryGetValue(packageName, out var rtlValue), $"rtl/dma_pkg.sv has no localparam {packageName}");

        Assert.Equal(rtlValue, CSharpValue(csharpName));
    }

    [Fact]
    public void MonitorKindNames_ComparedWithMonViolE_TheSameValueForEachName()
    {
        // mon_viol_e (MON_LAST_KIND's kind field) against the names the harness puts on the wire for each value
        var text = File.ReadAllText(SourceTree.Find("rtl/dma_pkg.sv"));
        var values = MonViol().Matches(text).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

        Assert.Equal(4, values.Count);
        Assert.All(values, v => Assert.Equal(v.Key, MonitorRegisters.KindName(v.Value)));
        Assert.Equal("?", MonitorRegisters.KindName(4));
    }

    [Fact]
    public void Parser_KnownLiteralForms_ParsesEach()
    {
        Assert.Equal(0x1_000AUL, ParseLiteral("32'h0001_000A"));
        Assert.Equal(12UL, ParseLiteral("12"));
        Assert.Equal(5UL, ParseLiteral("3'd5"));
        Assert.Equal(6UL, ParseLiteral("4'b0110"));
    }

    private static ulong CSharpValue(string name)
    {
        var type = typeof(CdmaRegisters);
        if (name.StartsWith("Blocks.", StringComparison.Ordinal))
        {
            type = typeof(RegisterBlocks);
            name = name[7..];
        }
        else if (name.StartsWith("Mon.", StringComparison.Ordinal))
        {
            type = typeof(RegisterBlocks.Monitor);
            name = name[4..];
        }
        else if (name.StartsWith("Desc.", StringComparison.Ordinal))
        {
            type = typeof(CdmaDescriptor);
            name = name[5..];
        }
        else if (name.StartsWith("Cr.", StringComparison.Ordinal) || name.StartsWith("Sr.", StringComparison.Ordinal))
        {
            type = type.GetNestedType(name[..2])!;
            name = name[3..];
        }
        else if (name.StartsWith("Xfer.", StringComparison.Ordinal))
        {
            type = type.GetNestedType("Xfer")!;
            name = name[5..];
        }

        var value = type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return Convert.ToUInt64(value, CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, ulong> ParsePackage()
    {
        var path = SourceTree.Find("rtl/dma_pkg.sv");
        var values = new Dictionary<string, ulong>();
        foreach (Match match in LocalParam().Matches(File.ReadAllText(path)))
        {
            if (TryParseLiteral(match.Groups[2].Value.Trim(), out var value))
            {
                values[match.Groups[1].Value] = value;
            }
        }

        return values;
    }


    private static ulong ParseLiteral(string text) =>
        TryParseLiteral(text, out var value) ? value : throw new FormatException(text);

    private static bool TryParseLiteral(string text, out ulong value)
    {
        var match = Literal().Match(text);
        value = 0;
        if (!match.Success)
        {
            return false;
        }

        var digits = match.Groups[2].Value.Replace("_", "", StringComparison.Ordinal);
        var radix = char.ToLowerInvariant(match.Groups[1].Value is "" ? 'd' : match.Groups[1].Value[0]) switch
        {
            'h' => 16,
            'b' => 2,
            'o' => 8,
            _ => 10,
        };
        value = Convert.ToUInt64(digits, radix);
        return true;
    }

    [GeneratedRegex(@"MON_VIOL_(\w+)\s*=\s*2'd(\d)")]
    private static partial Regex MonViol();

    [GeneratedRegex(@"localparam\s+(?:int\s+unsigned\s+|int\s+|logic\s*\[[^\]]*\]\s*)?(\w+)\s*=\s*([^;]+);")]
    private static partial Regex LocalParam();

    [GeneratedRegex(@"^(?:\d*'([hHdDbBoO]))?([0-9a-fA-F_]+)$")]
    private static partial Regex Literal();
}
