// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>Which waveforms to keep.</summary>
public enum WaveformMode
{
    /// <summary>Record nothing (tracing costs about 10× in speed).</summary>
    None,

    /// <summary>Record every test; keep the file only when the test fails.</summary>
    Failing,

    /// <summary>Record and keep every test's waveform.</summary>
    All,
}

/// <summary>A test failed; its message ends with the path of the waveform recorded while it ran.</summary>
public sealed class WaveformAttachedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="inner">The test's failure.</param>
    /// <param name="path">The kept waveform.</param>
    public WaveformAttachedException(Exception inner, string path)
        : base($"{inner?.Message}\nwaveform: {path} (open with: gtkwave {Path.ChangeExtension(path, ".gtkw")})", inner)
    {
        WaveformPath = path;
    }

    /// <summary>The kept waveform.</summary>
    public string WaveformPath { get; }
}

/// <summary>Records an FST waveform around a piece of a test, kept according to a <see cref="WaveformMode"/>.</summary>
public static class Waveforms
{
    /// <summary>
    /// Runs <paramref name="body"/> with a waveform at <c>directory/name.fst</c>. When the body throws
    /// (and the mode is not <see cref="WaveformMode.None"/>) the file and its .gtkw are kept and the
    /// failure is rethrown as <see cref="WaveformAttachedException"/> naming the path; when it passes,
    /// the files are deleted unless the mode is <see cref="WaveformMode.All"/>.
    /// </summary>
    /// <param name="sim">The client of the harness.</param>
    /// <param name="directory">An existing directory the harness can write.</param>
    /// <param name="name">File name without extension (e.g. the test name); characters outside [A-Za-z0-9._-] become '_'.</param>
    /// <param name="mode">What to keep.</param>
    /// <param name="body">The part of the test to record.</param>
    /// <returns>The path of the kept waveform, or null when none was kept.</returns>
    /// <exception cref="WaveformAttachedException">The body failed and its waveform was kept.</exception>
    public static async Task<string?> RecordAsync(SimClient sim, string directory, string name, WaveformMode mode, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(body);
        if (mode == WaveformMode.None)
        {
            await body().ConfigureAwait(false);
            return null;
        }

        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        var path = await sim.TraceStartAsync(Path.Combine(Path.GetFullPath(directory), safe + ".fst")).ConfigureAwait(false);
        try
        {
            await body().ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            await StopQuietlyAsync(sim).ConfigureAwait(false);
            throw new WaveformAttachedException(failure, path);
        }

        await sim.TraceStopAsync().ConfigureAwait(false);
        if (mode == WaveformMode.All)
        {
            return path;
        }

        File.Delete(path);
        File.Delete(Path.ChangeExtension(path, ".gtkw"));
        return null;
    }

    private static async Task StopQuietlyAsync(SimClient sim)
    {
        try
        {
            await sim.TraceStopAsync().ConfigureAwait(false);
        }
        catch (SimException)
        {
            // The harness is gone: its exit path closed the file already.
        }
    }
}
