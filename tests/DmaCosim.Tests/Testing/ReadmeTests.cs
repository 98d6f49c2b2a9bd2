// SPDX-License-Identifier: MIT
using System.Text.RegularExpressions;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>The README's "Write a test" is the dmacosim-test template's test file (compiled and run by the co-simulation tests), line for line.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void ReadmeExample_EqualsTheTemplatesCompiledTest()
    {
        // the whole file but its licence line: what `dotnet new dmacosim-test` writes
        var template = File.ReadAllLines(SourceTree.Find("csharp/DmaCosim.Templates/content/dmacosim-test/DmaCopyTests.cs"));
        Assert.StartsWith("// SPDX-License-Identifier:", template[0], StringComparison.Ordinal);
        var compiled = template[1..];

        var readme = File.ReadAllText(SourceTree.Find("README.md"));
        var block = readme[(readme.IndexOf("## Write a test", StringComparison.Ordinal))..];
        block = block[(block.IndexOf("```csharp\n", StringComparison.Ordinal) + 10)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];

        Assert.Equal(string.Join('\n', compiled).Trim(), block.Trim());
    }

    [Fact]
    public void ReadmeTemplateCommand_NamesThePackageOfTheVersionInDirectoryBuildProps()
    {
        var props = File.ReadAllText(SourceTree.Find("Directory.Build.props"));
        var version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.NotEmpty(version);
        var readme = File.ReadAllText(SourceTree.Find("README.md"));
        var named = Regex.Matches(readme, @"DmaCosim\.Templates\.(\d[^ ]*)\.nupkg").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, v => Assert.Equal(version, v));
    }
}
