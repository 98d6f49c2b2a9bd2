// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Testing;
using DmaCosim.Testing.Models;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// What the tests of the harness options that change how the register interface is driven (<c>--axil-skew</c>,
/// <c>--axil-pipeline</c>) run on such a harness.
/// </summary>
internal static class RegisterInterfaceRuns
{
    /// <summary>The register-map phase for seeds 1..<paramref name="seeds"/>: fails listing every failing seed.</summary>
    public static async Task RegisterMapPhaseAsync(HarnessProcess harness, int seeds, CancellationToken ct)
    {
        var failures = new List<PhaseFailureException>();
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            try
            {
                var result = await RegisterMapPhase.RunAsync(harness, seed, ct);
                Assert.True(result.Checks >= RegisterMapPhase.Accesses / 2, $"seed {seed}: only {result.Checks} checks");
            }
            catch (PhaseFailureException e)
            {
                failures.Add(e);
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {seeds} seeds failed (seeds {string.Join(", ", failures.Select(f => f.Seed))}); the first:\n{failures.FirstOrDefault()?.Message}");
    }

    /// <summary>Regress seeds 1..<paramref name="seeds"/>: fails listing every failing seed, saying under what (<paramref name="master"/>).</summary>
    public static async Task RegressAsync(HarnessProcess harness, int seeds, string master, CancellationToken ct)
    {
        var failed = new List<string>();
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            var result = await ScenarioRunner.RunAsync(harness, ScenarioGenerator.Generate(seed, harness.Hello.Rtl), cancellationToken: ct);
            if (!result.Passed)
            {
                failed.Add($"seed {seed}: {result.Failure}");
            }
        }

        Assert.True(failed.Count == 0, $"{failed.Count} of {seeds} seeds failed under {master}:\n{string.Join("\n", failed)}");
    }
}
