// SPDX-License-Identifier: MIT
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>The test-framework option: record each test, keep the waveform only when it fails.</summary>
[Collection(SharedHarness.Name)]
public sealed class WaveformTests(HarnessFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dmacosim-waves-");

    [Fact]
    public async Task Record_FailingBody_KeepsFstAndGtkwAndTheMessageNamesThePath()
    {
        var error = await Assert.ThrowsAsync<WaveformAttachedException>(() => Waveforms.RecordAsync(
            fixture.Sim, _dir.FullName, "failing test", WaveformMode.Failing, async () =>
            {
                await fixture.Sim.RunAsync(100, TestContext.Current.CancellationToken);
                throw new InvalidOperationException("expected 1, found 2");
            }));

        Assert.Equal(Path.Combine(_dir.FullName, "failing_test.fst"), error.WaveformPath);
        Assert.Contains("expected 1, found 2", error.Message, StringComparison.Ordinal);
        Assert.Contains($"waveform: {error.WaveformPath}", error.Message, StringComparison.Ordinal);
        Assert.True(new FileInfo(error.WaveformPath).Length > 0);
        Assert.True(File.Exists(Path.ChangeExtension(error.WaveformPath, ".gtkw")));
    }

    [Fact]
    public async Task Record_PassingBody_DeletesTheFiles()
    {
        var kept = await Waveforms.RecordAsync(fixture.Sim, _dir.FullName, "passing", WaveformMode.Failing,
            () => fixture.Sim.RunAsync(100, TestContext.Current.CancellationToken));

        Assert.Null(kept);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task Record_ModeAll_KeepsThePassingWaveform()
    {
        var kept = await Waveforms.RecordAsync(fixture.Sim, _dir.FullName, "kept", WaveformMode.All,
            () => fixture.Sim.RunAsync(100, TestContext.Current.CancellationToken));

        Assert.NotNull(kept);
        Assert.True(new FileInfo(kept).Length > 0);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
