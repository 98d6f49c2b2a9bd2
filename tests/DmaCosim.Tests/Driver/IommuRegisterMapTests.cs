// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using DmaCosim.Driver;

namespace DmaCosim.Tests.Driver;

/// <summary>
/// <see cref="IommuRegisters"/> and <see cref="IommuFaultKind"/> are rtl/dma_pkg.sv's IOMMU_* and PTE_*
/// localparams, both ways: every package name has its C# twin (IOMMU_FAULT_INFO_WRITE_BIT ↔
/// FaultInfoWriteBit, PTE_V_BIT ↔ Pte.VBit, IOMMU_FAULT_NOT_PRESENT ↔ IommuFaultKind.NotPresent) with
/// the same value, and every C# constant has its package twin.
/// </summary>
public sealed partial class IommuRegisterMapTests
{
    private static Dictionary<string, ulong> CSharp()
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var field in typeof(IommuRegisters).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            values["IOMMU_" + Snake(field.Name)] = Convert.ToUInt64(field.GetValue(null), CultureInfo.InvariantCulture);
        }

        foreach (var field in typeof(IommuRegisters.Pte).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            values["PTE_" + Snake(field.Name)] = Convert.ToUInt64(field.GetValue(null), CultureInfo.InvariantCulture);
        }

        foreach (var kind in Enum.GetValues<IommuFaultKind>())
        {
            values["IOMMU_FAULT_" + Snake(kind.ToString())] = (ulong)kind;
        }

        return values;
    }

    private static Dictionary<string, ulong> Rtl() =>
        RegisterMapTests.Package.Value.Where(p => p.Key.StartsWith("IOMMU_", StringComparison.Ordinal) || p.Key.StartsWith("PTE_", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    [Fact]
    public void Package_EveryIommuLocalparam_HasTheSameValueInCSharp()
    {
        var csharp = CSharp();
        var rtl = Rtl();
        Assert.True(rtl.Count >= 30, $"only {rtl.Count} IOMMU_* / PTE_* localparams parsed");

        Assert.All(rtl, p =>
        {
            Assert.True(csharp.TryGetValue(p.Key, out var value), $"no C# twin of {p.Key}");
            Assert.Equal(p.Value, value);
        });
    }

    [Fact]
    public void CSharp_EveryIommuConstant_IsInThePackage()
    {
        var rtl = Rtl();

        Assert.All(CSharp().Keys, name => Assert.True(rtl.ContainsKey(name), $"rtl/dma_pkg.sv has no {name}"));
    }

    [Theory]
    [InlineData("FaultIovaMsbOffset", "FAULT_IOVA_MSB_OFFSET")]
    [InlineData("CtrlTlbLog2Lsb", "CTRL_TLB_LOG2_LSB")]
    [InlineData("NotPresent", "NOT_PRESENT")]
    [InlineData("VBit", "V_BIT")]
    public void Snake_PascalCase_UpperSnake(string pascal, string snake) => Assert.Equal(snake, Snake(pascal));

    private static string Snake(string pascal) => Boundary().Replace(pascal, "_").ToUpperInvariant();

    [GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial Regex Boundary();
}
