// SPDX-License-Identifier: MIT
// The README example is written for readers, without xunit cancellation plumbing.
#pragma warning disable xUnit1051

using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>The README's "write a test" example, compiled and run; a unit test keeps the README's copy identical.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task ReadmeExample_AsWritten_CopiesAndVerifies()
    {
        // README example begins
        await using var harness = await HarnessProcess.StartAsync();
        var channel = new CdmaChannel(harness.Client, harness.Hello.Rtl);
        await channel.ProbeAsync();

        var data = SeededPattern.Create(4096, seed: 1);
        var expected = new ExpectedMemory();
        await harness.Memory.WriteAsync(0x10_0000, data);
        await Guards.PlaceAsync(harness.Memory, expected, 0x20_0000, data.Length);
        expected.Expect(0x20_0000, data, "destination");

        await channel.MemcpyAsync(0x20_0000, 0x10_0000, (uint)data.Length);
        await Scoreboard.AssertMemoryAsync(harness.Memory, expected);   // first wrong byte + hexdump on failure
        // README example ends
    }
}
