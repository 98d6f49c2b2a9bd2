// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Cli;

/// <summary>Which harness a command runs: its binary and the RTL it was built from (hello's <c>rtl.hash</c>).</summary>
/// <param name="Path">The harness binary, absolute.</param>
/// <param name="RtlHash">Its build's RTL hash, or why it is unknown.</param>
/// <param name="Rtl">Its build's parameters (null when it did not start).</param>
internal sealed record HarnessHeader(string Path, string RtlHash, RtlInfo? Rtl = null)
{
    /// <summary>The console header's line.</summary>
    public string Line => $"harness  {Path}, RTL {RtlHash}";

    /// <summary>From a running harness.</summary>
    /// <param name="path">Its binary.</param>
    /// <param name="harness">The harness.</param>
    /// <returns>The header.</returns>
    public static HarnessHeader Of(string path, HarnessProcess harness) => new(path, harness.Hello.RtlHash, harness.Hello.Rtl);

    /// <summary>Starts the harness once to ask it (a harness that does not start is reported in the hash, and the run goes on to fail its seeds).</summary>
    /// <param name="options">How harnesses are started (<see cref="HarnessOptions.HarnessPath"/> set).</param>
    /// <param name="ct">Cancels the probe.</param>
    /// <returns>The header.</returns>
    public static async Task<HarnessHeader> ProbeAsync(HarnessOptions options, CancellationToken ct)
    {
        var path = options.HarnessPath!;
        try
        {
            await using var harness = await HarnessProcess.StartAsync(options, ct).ConfigureAwait(false);
            return Of(path, harness);
        }
        catch (SimException e)
        {
            return new HarnessHeader(path, $"unknown (the harness did not start: {e.Message.Split('\n')[0]})");
        }
    }
}
