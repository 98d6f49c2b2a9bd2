using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Bridge;

/// <summary>
/// The C# wire vocabulary (<see cref="Wire"/>) is cosim/protocol.h: every namespace of names there is
/// a nested class here with the same constants, both ways, and the limits are the same numbers.
/// </summary>
public sealed partial class WireVocabularyTests
{
    private static readonly Lazy<string> Header = new(() => File.ReadAllText(SourceTree.Find("cosim/protocol.h")));

    public static TheoryData<string, string> Namespaces() => new()
    {
        { "op", nameof(Wire.Op) },
        { "field", nameof(Wire.Field) },
        { "event", nameof(Wire.RunEvent) },
        { "port", nameof(Wire.Port) },
        { "channel", nameof(Wire.Channel) },
        { "fault", nameof(Wire.Fault) },
        { "cpu_load_pattern", nameof(Wire.CpuLoadPattern) },
        { "cache_action", nameof(Wire.CacheAction) },
        { "violation", nameof(Wire.Violation) },
        { "dma_access", nameof(Wire.DmaAccess) },
    };

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void Names_EveryNamespaceOfProtocolH_EqualsItsCSharpClass(string cppNamespace, string csharpClass)
    {
        var body = Regex.Match(Header.Value, $@"\nnamespace {cppNamespace} \{{(.*?)\n\}}  // namespace {cppNamespace}", RegexOptions.Singleline);
        Assert.True(body.Success, $"cosim/protocol.h has no namespace {cppNamespace}");
        var cpp = Constant().Matches(body.Groups[1].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

        Assert.Equal(Sorted(cpp), Sorted(Constants(csharpClass)));
    }

    [Fact]
    public void ErrorCodes_EqualErrorCodeNameOfProtocolH()
    {
        var cpp = ErrorName().Matches(Header.Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

        Assert.NotEmpty(cpp);
        Assert.Equal(Sorted(cpp), Sorted(Constants(nameof(Wire.ErrorCode))));
    }

    [Theory]
    [InlineData("kProtocolVersion", Wire.Limit.ProtocolVersion)]
    [InlineData("kMaxFrameBytes", Wire.Limit.MaxFrameBytes)]
    [InlineData("kMaxMemOpBytes", Wire.Limit.MaxMemOpBytes)]
    [InlineData("kMaxCpuOpBytes", Wire.Limit.MaxCpuOpBytes)]
    [InlineData("kMaxBatchOps", Wire.Limit.MaxBatchOps)]
    [InlineData("kRegSpaceBytes", Wire.Limit.RegSpaceBytes)]
    [InlineData("kResetCyclesMax", Wire.Limit.ResetCyclesMax)]
    public void Limits_EqualProtocolH(string cppName, long expected)
    {
        var match = Regex.Match(Header.Value, $@"inline constexpr \w+ {cppName} = ([^;]+);");
        Assert.True(match.Success, $"cosim/protocol.h has no {cppName}");

        Assert.Equal(expected, Evaluate(match.Groups[1].Value));
    }

    /// <summary>A C++ integer expression of protocol.h: a literal (with ' separators, u suffix) or <c>a &lt;&lt; b</c>.</summary>
    private static long Evaluate(string expression)
    {
        var parts = expression.Split("<<", StringSplitOptions.TrimEntries);
        var value = Literal(parts[0]);
        return parts.Length == 2 ? value << (int)Literal(parts[1]) : value;

        static long Literal(string text)
        {
            text = Regex.Replace(text, @"uint64_t\{(\w+)\}", "$1").Replace("'", "", StringComparison.Ordinal).TrimEnd('u', 'U');
            return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? long.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : long.Parse(text, CultureInfo.InvariantCulture);
        }
    }

    private static Dictionary<string, string> Constants(string nestedClass) =>
        typeof(Wire).GetNestedType(nestedClass)!.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);

    private static List<string> Sorted(Dictionary<string, string> names) =>
        [.. names.Select(n => $"{n.Key}={n.Value}").Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"inline constexpr std::string_view k(\w+) = ""([^""]*)"";")]
    private static partial Regex Constant();

    [GeneratedRegex(@"case ErrorCode::k(\w+):\s*return ""([A-Z_]+)"";")]
    private static partial Regex ErrorName();
}
