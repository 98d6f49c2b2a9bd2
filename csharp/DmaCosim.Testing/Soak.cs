// SPDX-License-Identifier: MIT
using System.Globalization;

namespace DmaCosim.Testing;

/// <summary>
/// One sample of a soak run (<c>dmacosim soak</c>, <c>make soak</c>): the pool's harnesses and the client, at one moment.
/// Harness memory is split as /proc reports it: <c>RssAnon</c> (the process's own heap: what a leak grows) and
/// <c>RssShmem</c> (the DRAM pages it has touched, bounded by <c>--dram-cap</c>).
/// </summary>
/// <param name="ElapsedSeconds">Seconds since the run started.</param>
/// <param name="SeedsDone">Seeds with a verdict so far.</param>
/// <param name="Harnesses">Harness processes alive.</param>
/// <param name="HarnessRssAnonKibMax">The largest harness heap (RssAnon, KiB).</param>
/// <param name="HarnessRssShmemKibSum">The DRAM pages the harnesses map, summed (RssShmem, KiB).</param>
/// <param name="HarnessFdsMax">The most open descriptors of one harness.</param>
/// <param name="ClientRssKib">The client process's resident set (KiB).</param>
/// <param name="ClientFds">The client's open descriptors.</param>
/// <param name="ClientManagedHeapBytes">The client's managed heap after a full collection.</param>
public sealed record SoakSample(
    double ElapsedSeconds, int SeedsDone, int Harnesses, long HarnessRssAnonKibMax, long HarnessRssShmemKibSum, int HarnessFdsMax,
    long ClientRssKib, int ClientFds, long ClientManagedHeapBytes)
{
    /// <summary>The CSV header line.</summary>
    public const string CsvHeader =
        "elapsed_s,seeds_done,harnesses,harness_rss_anon_kib_max,harness_rss_shmem_kib_sum,harness_fds_max,client_rss_kib,client_fds,client_managed_heap_bytes";

    /// <summary>This sample as a CSV line.</summary>
    /// <returns>The line.</returns>
    public string ToCsv() => string.Join(',', new object[]
    {
        ElapsedSeconds.ToString("0", CultureInfo.InvariantCulture), SeedsDone, Harnesses, HarnessRssAnonKibMax, HarnessRssShmemKibSum,
        HarnessFdsMax, ClientRssKib, ClientFds, ClientManagedHeapBytes,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    /// <summary>Takes a sample of this process and of its child processes named <paramref name="harnessName"/>.</summary>
    /// <param name="elapsedSeconds">Seconds since the run started.</param>
    /// <param name="seedsDone">Seeds with a verdict so far.</param>
    /// <param name="harnessName">The harnesses' <c>comm</c> (the first 15 characters of the binary's name).</param>
    /// <returns>The sample.</returns>
    public static SoakSample Take(double elapsedSeconds, int seedsDone, string harnessName)
    {
        var self = Environment.ProcessId;
        var harnesses = new List<(long Anon, long Shmem, int Fds)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var close = stat.LastIndexOf(')');
                var comm = stat[(stat.IndexOf('(') + 1)..close];
                var ppid = int.Parse(stat[(close + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (ppid == self && comm.StartsWith(harnessName, StringComparison.Ordinal))
                {
                    harnesses.Add((StatusKib(pid, "RssAnon:"), StatusKib(pid, "RssShmem:"), Fds(pid)));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // gone meanwhile, or not ours to read
            }
        }

        return new SoakSample(
            elapsedSeconds, seedsDone, harnesses.Count,
            harnesses.Count == 0 ? 0 : harnesses.Max(h => h.Anon),
            harnesses.Sum(h => h.Shmem),
            harnesses.Count == 0 ? 0 : harnesses.Max(h => h.Fds),
            StatusKib(self, "VmRSS:"), Fds(self), GC.GetTotalMemory(forceFullCollection: true));
    }

    private static long StatusKib(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int Fds(int pid) => Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
}

/// <summary>
/// The pass criteria of a soak: every seed a verdict, and no growth beyond stated bounds between the first and the
/// second half of the samples taken while harnesses ran (the first sample, taken before anything ran, is left out).
/// </summary>
public static class SoakCriteria
{
    /// <summary>Harness heap: the second half's peak may exceed the first half's by this factor plus <see cref="HeapSlackKib"/>.</summary>
    public const double GrowthFactor = 1.25;

    /// <summary>Absolute slack on the harness heap (KiB).</summary>
    public const long HeapSlackKib = 16 * 1024;

    /// <summary>Absolute slack on the client's managed heap (bytes).</summary>
    public const long ManagedSlackBytes = 32L << 20;

    /// <summary>Descriptors: the second half's peak may exceed the first half's by this many.</summary>
    public const int FdSlack = 8;

    /// <summary>What fails the criteria (empty: passed).</summary>
    /// <param name="samples">The samples in time order.</param>
    /// <param name="seeds">Seeds asked for.</param>
    /// <param name="verdicts">Seeds that got a verdict (passed or failed, not a crash).</param>
    /// <returns>One line per violated criterion.</returns>
    public static IReadOnlyList<string> Check(IReadOnlyList<SoakSample> samples, int seeds, int verdicts)
    {
        var problems = new List<string>();
        if (verdicts != seeds)
        {
            problems.Add($"{seeds - verdicts} of {seeds} seeds have no verdict (their harness crashed)");
        }

        // the first sample is taken before anything ran, and samples after the pool wound down see no harness
        var measured = samples.Skip(1).Where(s => s.Harnesses > 0).ToList();
        if (measured.Count < 2)
        {
            problems.Add($"{measured.Count} samples after the first: too few to measure growth (run longer or sample more often)");
            return problems;
        }

        var first = measured.Take(measured.Count / 2).ToList();
        var second = measured.Skip(measured.Count / 2).ToList();
        Bound("harness heap (RssAnon KiB)", first.Max(s => s.HarnessRssAnonKibMax), second.Max(s => s.HarnessRssAnonKibMax), GrowthFactor, HeapSlackKib);
        Bound("harness descriptors", first.Max(s => s.HarnessFdsMax), second.Max(s => s.HarnessFdsMax), 1, FdSlack);
        Bound("client descriptors", first.Max(s => s.ClientFds), second.Max(s => s.ClientFds), 1, FdSlack);
        Bound("client managed heap (bytes)", first.Max(s => s.ClientManagedHeapBytes), second.Max(s => s.ClientManagedHeapBytes), GrowthFactor, ManagedSlackBytes);
        return problems;

        void Bound(string what, long early, long late, double factor, long slack)
        {
            var limit = (long)(early * factor) + slack;
            if (late > limit)
            {
                problems.Add($"{what} grew from a peak of {early} in the first half to {late} in the second (bound {limit})");
            }
        }
    }
}
