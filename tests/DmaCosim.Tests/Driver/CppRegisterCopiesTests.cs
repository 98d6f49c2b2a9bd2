// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text.RegularExpressions;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Driver;

/// <summary>
/// The C++ side's copies of the register map are rtl/dma_pkg.sv: the constants of the bench
/// driver's <c>namespace cdma</c>, parsed from the C++ source and evaluated, against the package's
/// localparams. Every constant of that block must be listed here, so a new copy cannot slip in
/// unchecked. The harness's own copy, cosim/reg_map.h (the limit checks, the violation log's
/// MON_CTRL), is checked the same way by the C++ unit test tests/cpp/reg_map_test.cpp.
/// </summary>
public sealed partial class CppRegisterCopiesTests
{
    private static ulong P(string name) =>
        RegisterMapTests.Package.Value.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"rtl/dma_pkg.sv has no localparam {name}");

    private static ulong Bit(string name) => 1UL << (int)P(name);

    private static readonly Dictionary<string, Func<ulong>> Expected = new(StringComparer.Ordinal)
    {
        ["kCdmacr"] = () => P("CDMACR_OFFSET"),
        ["kCdmasr"] = () => P("CDMASR_OFFSET"),
        ["kCurdesc"] = () => P("CURDESC_OFFSET"),
        ["kCurdescMsb"] = () => P("CURDESC_MSB_OFFSET"),
        ["kTaildesc"] = () => P("TAILDESC_OFFSET"),
        ["kTaildescMsb"] = () => P("TAILDESC_MSB_OFFSET"),
        ["kCrReset"] = () => Bit("CDMACR_RESET_BIT"),
        ["kCrSgMode"] = () => Bit("CDMACR_SGMODE_BIT"),
        ["kCrIrqEnables"] = () => Bit("CDMACR_IOC_IRQEN_BIT") | Bit("CDMACR_DLY_IRQEN_BIT") | Bit("CDMACR_ERR_IRQEN_BIT"),
        ["kCrIrqThresholdLsb"] = () => P("CDMACR_IRQTHRESHOLD_LSB"),
        ["kSrIdle"] = () => Bit("CDMASR_IDLE_BIT"),
        ["kSrSgIncld"] = () => Bit("CDMASR_SGINCLD_BIT"),
        ["kSrErrIrq"] = () => Bit("CDMASR_ERR_IRQ_BIT"),
        ["kSrIrqMask"] = () => Bit("CDMASR_IOC_IRQ_BIT") | Bit("CDMASR_DLY_IRQ_BIT") | Bit("CDMASR_ERR_IRQ_BIT"),
        ["kDescBytes"] = () => Bit("DESC_ALIGN_BITS"),
        ["kDescHardwareBytes"] = () => P("DESC_STATUS_OFFSET") + 4,
        ["kDescStatusOffset"] = () => P("DESC_STATUS_OFFSET"),
        ["kStatusCmplt"] = () => Bit("DESC_STATUS_CMPLT_BIT"),
        ["kStatusErrors"] = () => Bit("DESC_STATUS_DMADECERR_BIT") | Bit("DESC_STATUS_DMASLVERR_BIT") | Bit("DESC_STATUS_DMAINTERR_BIT"),
        ["kBttMax"] = () => Bit("BTT_WIDTH") - 1,
        ["kCoalesceMax"] = () => Bit("CDMACR_IRQTHRESHOLD_WIDTH") - 1,
    };

    public static TheoryData<string, string> Blocks() => new()
    {
        { "cosim/bench/bench_driver.cpp", @"\nnamespace cdma \{(.*?)\n\}  // namespace cdma" },
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Constants_EveryCopyOfTheRegisterMap_EqualsDmaPkg(string file, string block)
    {
        var text = Regex.Match(File.ReadAllText(SourceTree.Find(file)), block, RegexOptions.Singleline);
        Assert.True(text.Success, $"{file}: the block of register constants was not found");
        var constants = Definition().Matches(text.Groups[1].Value).ToList();
        Assert.NotEmpty(constants);

        foreach (var constant in constants)
        {
            var name = constant.Groups[1].Value;
            Assert.True(Expected.TryGetValue(name, out var expected), $"{file}: {name} is not checked against rtl/dma_pkg.sv (add it here)");
            Assert.True(expected() == Evaluate(constant.Groups[2].Value), $"{file}: {name} = {constant.Groups[2].Value} = 0x{Evaluate(constant.Groups[2].Value):X}, rtl/dma_pkg.sv says 0x{expected():X}");
        }
    }

    [Theory]
    [InlineData("0x1C", 0x1C)]
    [InlineData("(1u << 12) | (1u << 13)", 0x3000)]
    [InlineData("(uint64_t{1} << 26) - 1", (1 << 26) - 1)]
    [InlineData("7u << 28", 0x7000_0000)]
    public void Evaluate_ExpressionsOfTheCppCopies_AsCpp(string expression, long expected) =>
        Assert.Equal((ulong)expected, Evaluate(expression));

    /// <summary>Evaluates the C++ integer expressions these blocks use: literals, ( ), &lt;&lt;, |, -.</summary>
    private static ulong Evaluate(string expression)
    {
        var tokens = Token().Matches(Regex.Replace(expression, @"uint64_t\{(\w+)\}", "$1")).Select(m => m.Value).ToList();
        var at = 0;
        var value = Or();
        return at == tokens.Count ? value : throw new FormatException($"cannot evaluate '{expression}'");

        ulong Or()
        {
            var left = Minus();
            while (at < tokens.Count && tokens[at] == "|")
            {
                at++;
                left |= Minus();
            }

            return left;
        }

        ulong Minus()
        {
            var left = Shift();
            while (at < tokens.Count && tokens[at] == "-")
            {
                at++;
                left -= Shift();
            }

            return left;
        }

        ulong Shift()
        {
            var left = Atom();
            while (at < tokens.Count && tokens[at] == "<<")
            {
                at++;
                left <<= (int)Atom();
            }

            return left;
        }

        ulong Atom()
        {
            var token = tokens[at++];
            if (token == "(")
            {
                var inner = Or();
                at++; // ")"
                return inner;
            }

            token = token.TrimEnd('u', 'U').Replace("'", "", StringComparison.Ordinal);
            return token.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.Parse(token[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : ulong.Parse(token, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>One <c>kName = expression</c> of a <c>constexpr</c> definition (several may share a line).</summary>
    [GeneratedRegex(@"\b(k\w+) = ([^,;]+)[,;]")]
    private static partial Regex Definition();

    [GeneratedRegex(@"0x[0-9A-Fa-f']+|[0-9']+[uU]?|<<|[()|-]")]
    private static partial Regex Token();
}
