// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>The README's example is the code that ReadmeExampleTests compiles and runs, line for line.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void ReadmeExample_EqualsTheCompiledTest()
    {
        var test = File.ReadAllLines(SourceTree.Find("tests/DmaCosim.Cosim.Tests/ReadmeExampleTests.cs"));
        var start = Array.FindIndex(test, l => l.Contains("// README example begins", StringComparison.Ordinal)) + 1;
        var end = Array.FindIndex(test, l => l.Contains("// README example ends", StringComparison.Ordinal));
        var compiled = test[start..end].Select(l => l.Length >= 8 ? l[8..] : l.Trim());

        var readme = File.ReadAllText(SourceTree.Find("README.md"));
        var block = readme[(readme.IndexOf("## Write a test", StringComparison.Ordinal))..];
        block = block[(block.IndexOf("```csharp\n", StringComparison.Ordinal) + 10)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];

        Assert.Equal(string.Join('\n', compiled).Trim(), block.Trim());
    }
}
