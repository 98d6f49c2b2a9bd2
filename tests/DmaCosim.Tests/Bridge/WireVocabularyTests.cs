// SPDX-License-Identifier: MIT
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

    /// <summary>
    /// Outside csharp/DmaCosim/Bridge, no wire name is written as a string literal where the wire is
    /// spoken: a reply's field accessors, a request's op and argument keys, an op comparison. Every
    /// such literal that is a wire name must be a <see cref="Wire"/> constant instead.
    /// </summary>
    [Fact]
    public void Sources_OutsideBridge_SpeakTheWireOnlyThroughWireConstants()
    {
        var wireNames = typeof(Wire).GetNestedTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        var root = Path.GetDirectoryName(SourceTree.Find("csharp/DmaCosim/DmaCosim.csproj"))!;
        var csharp = Path.GetDirectoryName(root)!;
        var bridge = Path.Combine(root, "Bridge") + Path.DirectorySeparatorChar;
        var findings = new List<string>();
        foreach (var file in Directory.EnumerateFiles(csharp, "*.cs", SearchOption.AllDirectories))
        {
            if (file.StartsWith(bridge, StringComparison.Ordinal) || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                // a dictionary key counts where a request's arguments are built: on this line or the three before
                var inRequestArgs = lines[Math.Max(0, i - 3)..(i + 1)].Any(l => l.Contains("Dictionary<string, object?>", StringComparison.Ordinal));
                foreach (Match m in WireUse().Matches(lines[i]))
                {
                    var literal = m.Groups["name"].Value;
                    var isKey = m.Groups["key"].Success;
                    if (wireNames.Contains(literal) && (!isKey || inRequestArgs))
                    {
                        findings.Add($"{Path.GetRelativePath(csharp, file)}:{i + 1}: \"{literal}\" (use the Wire constant)");
                    }
                }
            }
        }

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Theory]
    [InlineData("var c = reply.GetUInt64(\"cycle\");", "cycle")]
    [InlineData("if (r.Has(\"value\"))", "value")]
    [InlineData("new(\"stats\", new Dictionary<string, object?>())", "stats")]
    [InlineData("new SimRequest(\"run\", args)", "run")]
    [InlineData("{ [\"addr\"] = offset }", "addr")]
    [InlineData("if (request.Op is \"reg_read\" or \"reg_write\")", "reg_read")]
    [InlineData("new SimRequest(\"cpu_read\", new Dictionary<string, object?>())", "cpu_read")]
    public void WireUse_TheShapesOfAWireLiteral_AreFound(string line, string name) =>
        Assert.Contains(WireUse().Matches(line), m => m.Groups["name"].Value == name);

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

    // a reply accessor's, a request's (op, argument key) or an op test's string literal; "key" marks a
    // dictionary key
    [GeneratedRegex(@"(?:\.(?:Has|Get(?:UInt64|Double|String|Bytes|Map|Strings|Maps))\(|new SimRequest\(|\bOp is |(?<key>\[))""(?<name>[a-z_0-9]+)""(?(key)\] =|)|\bnew\(""(?<name>[a-z_0-9]+)"", new Dictionary")]
    private static partial Regex WireUse();
}
