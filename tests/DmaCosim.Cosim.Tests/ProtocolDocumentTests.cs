// SPDX-License-Identifier: MIT
using System.Text.RegularExpressions;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>docs/protocol.md is the authority for protocol v1: its op set is the harness's op set.</summary>
[Collection(SharedHarness.Name)]
public sealed partial class ProtocolDocumentTests(HarnessFixture fixture)
{
    [Fact]
    public void ProtocolMd_OpHeadings_EqualTheOpsTheHarnessServes()
    {
        var documented = OpHeading().Matches(File.ReadAllText(SourceTree.Find("docs/protocol.md")))
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(fixture.Harness.Hello.Ops.Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public async Task Hello_EveryAnnouncedOp_IsKnownToTheHarness()
    {
        foreach (var op in fixture.Harness.Hello.Ops.Where(o => o != "shutdown"))
        {
            // An announced op may reject these (empty) arguments, but never as UNKNOWN_OP.
            var error = await Record.ExceptionAsync(() => fixture.Sim.RequestAsync(op, cancellationToken: TestContext.Current.CancellationToken));
            Assert.False(error is DmaCosim.Bridge.SimRequestException { ErrorCode: DmaCosim.Bridge.SimErrorCode.UnknownOp }, op);
        }
    }


    [GeneratedRegex(@"^### `(\w+)`$", RegexOptions.Multiline)]
    private static partial Regex OpHeading();
}
