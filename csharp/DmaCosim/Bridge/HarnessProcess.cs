// SPDX-License-Identifier: MIT
using System.Diagnostics;

namespace DmaCosim.Bridge;

/// <summary>Settings for starting a harness process.</summary>
public sealed record HarnessOptions
{
    /// <summary>Environment variable that names the harness binary.</summary>
    public const string HarnessVariable = "DMACOSIM_HARNESS";

    /// <summary>Path of <c>dmacosim-harness</c>; found by <see cref="HarnessProcess.Locate"/> when null.</summary>
    public string? HarnessPath { get; init; }

    /// <summary>Endpoint to bind; null lets the harness pick a free loopback TCP port (<c>tcp://127.0.0.1:0</c>).</summary>
    public string? Endpoint { get; init; }

    /// <summary>Directory for waveforms (passed as <c>--trace-dir</c>), or null.</summary>
    public string? TraceDirectory { get; init; }

    /// <summary>Seed of the harness's random models, or null for its default.</summary>
    public ulong? Seed { get; init; }

    /// <summary>
    /// How long the harness polls for the next request without blocking after a reply to a client that
    /// asks again quickly (passed as <c>--spin-us</c>, whole microseconds, at most 100 ms); null for the
    /// harness's default (200 µs), <see cref="TimeSpan.Zero"/> to always block. docs/performance.md
    /// says what it buys and costs.
    /// </summary>
    public TimeSpan? ReplySpin { get; init; }

    /// <summary>
    /// Whether the harness authenticates its client with CURVE (default true: a fresh key pair per
    /// harness, handed to it on its standard input, never on the command line). False starts it with
    /// <c>--no-curve</c>, which it accepts on loopback endpoints only; for measuring what CURVE costs.
    /// </summary>
    public bool Curve { get; init; } = true;

    /// <summary>
    /// The host bridge's offset (passed as <c>--bus-offset</c>): the DMA's bus address = CPU physical + it
    /// (Linux <c>dma-ranges</c>); a multiple of 4 KiB, and every DRAM window must stay inside the bus's
    /// address space (the harness refuses to start otherwise). Null for the harness's default, 0.
    /// </summary>
    public ulong? BusOffset { get; init; }

    /// <summary>More harness options, appended after the ones above (e.g. <c>--dram-cap 32M</c>); empty by default.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// A command the harness is started through, its path and arguments first (e.g. <c>unshare -m sh -c '… exec "$0" "$@"'</c>);
    /// it must end by exec-ing the harness so the process stays the harness (same pid, same parent). Empty by default.
    /// </summary>
    public IReadOnlyList<string> Launcher { get; init; } = [];

    /// <summary>How long to wait for the <c>READY</c> line.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Settings of the client.</summary>
    public SimClientOptions Client { get; init; } = new();
}

/// <summary>
/// A harness process started for real: it binds its endpoint, prints <c>READY &lt;endpoint&gt;</c>,
/// and is watched; if it exits, every pending request fails at once with
/// <see cref="HarnessExitedException"/>. <see cref="DisposeAsync"/> asks it to shut down, then kills it:
/// no process is ever left behind. The harness also exits by itself when this process dies.
/// </summary>
public sealed class HarnessProcess : IAsyncDisposable
{
    /// <summary>The longest <see cref="HarnessOptions.ReplySpin"/> the harness accepts, in microseconds.</summary>
    public const long MaxReplySpinMicroseconds = 100_000;

    private readonly Process _process;
    private readonly LineTail _stderr;
    private int _disposed;

    private HarnessProcess(Process process, LineTail stderr, string endpoint, CurveKeys? keys, SimClient client, HelloInfo hello, ISimMemory memory)
    {
        Keys = keys;
        _process = process;
        _stderr = stderr;
        Endpoint = endpoint;
        Client = client;
        Hello = hello;
        Memory = memory;
    }

    /// <summary>The endpoint the harness bound.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// The CURVE keys of its client (made for this harness alone), for further connections to it; null
    /// when it was started without authentication (<see cref="HarnessOptions.Curve"/> false).
    /// </summary>
    public CurveKeys? Keys { get; }

    /// <summary>The client connected to it.</summary>
    public SimClient Client { get; }

    /// <summary>What the harness announced at start.</summary>
    public HelloInfo Hello { get; }

    /// <summary>Its DRAM, mapped through shared memory.</summary>
    public ISimMemory Memory { get; }

    /// <summary>The harness's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => ExitCode.HasValue || (Volatile.Read(ref _disposed) == 0 && _process.HasExited);

    /// <summary>The exit code (128 + signal when killed by a signal) once it has exited and was waited for.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Waits until the process exits (e.g. after <see cref="SimClient.ShutdownAsync"/>).</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The exit code (128 + signal when killed by a signal).</returns>
    /// <exception cref="TimeoutException">It is still running after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        if (ExitCode is { } code)
        {
            return code;
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"harness pid {ProcessId} still running after {timeout.TotalSeconds:0.#} s");
        }

        ExitCode = _process.ExitCode;
        return ExitCode.Value;
    }

    /// <summary>The last lines the harness wrote to stderr.</summary>
    public string StderrTail => _stderr.Last(int.MaxValue, "\n");

    /// <summary>File name of the harness binary (of the default build; variants add <c>-name</c>).</summary>
    public const string HarnessFileName = "dmacosim-harness";

    /// <summary>
    /// Finds the harness binary, in this order: <c>$DMACOSIM_HARNESS</c> (which must exist when set);
    /// <c>dmacosim-harness</c> next to the application and next to DmaCosim.dll (an installed CLI);
    /// <c>build/dmacosim-harness</c> in the current directory, the application directory or a parent
    /// (a source tree); <c>PREFIX/lib/dmacosim/dmacosim-harness</c> for each <c>dmacosim</c> on
    /// <c>PATH</c> in <c>PREFIX/bin</c>, then for the prefixes <c>/usr/local</c> and <c>~/.local</c>
    /// (<c>make install PREFIX=…</c>).
    /// </summary>
    /// <returns>The full path.</returns>
    /// <exception cref="FileNotFoundException">No harness binary was found: the message names every place tried.</exception>
    public static string Locate() => Search(
        Environment.GetEnvironmentVariable(HarnessOptions.HarnessVariable),
        [AppContext.BaseDirectory, Path.GetDirectoryName(typeof(HarnessProcess).Assembly.Location) ?? AppContext.BaseDirectory],
        [Environment.CurrentDirectory, AppContext.BaseDirectory],
        Environment.GetEnvironmentVariable("PATH"),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><see cref="Locate"/> with its inputs given (the environment variable, the directories, PATH and home).</summary>
    internal static string Search(
        string? fromEnv, IReadOnlyList<string> besides, IReadOnlyList<string> sourceTreeStarts, string? pathVariable, string home)
    {
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv)
                ? Path.GetFullPath(fromEnv)
                : throw new FileNotFoundException($"{HarnessOptions.HarnessVariable}={fromEnv} does not exist", fromEnv);
        }

        var tried = new List<string> { $"${HarnessOptions.HarnessVariable} (not set)" };
        foreach (var directory in Distinct(besides))
        {
            var candidate = Path.Combine(directory, HarnessFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            tried.Add(candidate);
        }

        var relative = Path.Combine("build", HarnessFileName);
        var starts = Distinct(sourceTreeStarts);
        if (FindUpwards(relative, [.. starts]) is { } found)
        {
            return found;
        }

        tried.AddRange(starts.Select(d => $"{relative} in {d} and its parents"));
        foreach (var prefix in InstallPrefixes(pathVariable, home))
        {
            var candidate = Path.Combine(prefix, "lib", "dmacosim", HarnessFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            tried.Add(candidate);
        }

        throw new FileNotFoundException(
            $"{HarnessFileName} not found; tried {string.Join("; ", tried)}. Build it (`make harness`), install it " +
            $"(`make install PREFIX=…`) or set {HarnessOptions.HarnessVariable} to its path");
    }

    /// <summary>The directories as full paths without a trailing separator, each once, in order.</summary>
    private static List<string> Distinct(IEnumerable<string> directories) =>
        [.. directories.Where(d => !string.IsNullOrEmpty(d))
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct()];

    /// <summary>The install prefixes to search: the parent of each PATH directory holding <c>dmacosim</c>, then /usr/local and ~/.local.</summary>
    private static IEnumerable<string> InstallPrefixes(string? pathVariable, string home)
    {
        var fromPath = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(d => Path.IsPathFullyQualified(d) && File.Exists(Path.Combine(d, "dmacosim")))
            .Select(d => Path.GetFullPath(Path.Combine(d, "..")));
        var usual = new[] { "/usr/local", string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".local") };
        return fromPath.Concat(usual.OfType<string>()).Select(p => p.Length > 1 ? p.TrimEnd('/') : p).Distinct();
    }

    /// <summary>Starts a harness, waits for <c>READY</c>, connects, says hello and maps its DRAM.</summary>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start (the process is killed).</param>
    /// <returns>The running harness.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="HarnessOptions.ReplySpin"/> is negative or longer than <see cref="MaxReplySpinMicroseconds"/> µs, or <see cref="HarnessOptions.BusOffset"/> is not page-aligned.</exception>
    /// <exception cref="FileNotFoundException">The binary was not found.</exception>
    /// <exception cref="HarnessExitedException">The harness exited or did not get ready in time.</exception>
    /// <exception cref="SimException">The hello request failed.</exception>
    public static async Task<HarnessProcess> StartAsync(HarnessOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new HarnessOptions();
        var spinArgument = SpinArgument(options); // checked before anything starts
        if (options.BusOffset is { } offset && offset % 4096 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"0x{offset:X}", "HarnessOptions.BusOffset must be a multiple of 4 KiB (page-aligned)");
        }

        var path = options.HarnessPath ?? Locate();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"harness binary {path} does not exist: run `make harness`", path);
        }

        var info = new ProcessStartInfo(options.Launcher.Count > 0 ? options.Launcher[0] : path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (options.Launcher.Count > 0)
        {
            foreach (var argument in options.Launcher.Skip(1).Append(path))
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.ArgumentList.Add("--parent-pid");
        info.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddOption(info, "--endpoint", options.Endpoint);
        AddOption(info, "--trace-dir", options.TraceDirectory);
        AddOption(info, "--seed", options.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddOption(info, "--spin-us", spinArgument);
        AddOption(info, "--bus-offset", options.BusOffset is { } busOffset ? $"0x{busOffset:X}" : null);
        var (keys, harnessKeys) = options.Curve ? CurveKeys.Generate() : default;
        info.ArgumentList.Add(options.Curve ? "--keys=-" : "--no-curve");
        foreach (var argument in options.ExtraArguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var stderr = new LineTail(40);
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        await HandKeysAsync(process, harnessKeys).ConfigureAwait(false);

        SimClient? client = null;
        try
        {
            var endpoint = await ReadReadyAsync(process, options.StartTimeout, stderr, cancellationToken).ConfigureAwait(false);
            client = SimClient.Connect(endpoint, keys, options.Client);
            var exitWatch = client;
            process.Exited += (_, _) => exitWatch.Fail(new HarnessExitedException(Describe(process, stderr), endpoint));
            if (process.HasExited)
            {
                client.Fail(new HarnessExitedException(Describe(process, stderr), endpoint));
            }

            var hello = await client.HelloAsync(cancellationToken).ConfigureAwait(false);
            var memory = new SharedDram(client, hello.Dram);
            return new HarnessProcess(process, stderr, endpoint, keys, client, hello, memory);
        }
        catch
        {
            client?.Dispose();
            await StopAsync(process, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would. For tests of crash handling.</summary>
    public void Kill() => Kill(_process);

    /// <summary>
    /// Stops the harness: <c>shutdown</c> (1 s), wait for exit (1 s), then kill. Never throws, never
    /// blocks longer than about 2 s.
    /// </summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                await Client.ShutdownAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SimException or ObjectDisposedException)
        {
            // Dead, stuck or already closed by the caller: the stop below handles all of them.
        }
        finally
        {
            (Memory as IDisposable)?.Dispose();
            Client.Dispose();
            ExitCode = await StopAsync(_process, ExitGrace).ConfigureAwait(false);
            _process.Dispose();
            RemoveLeftovers();
        }
    }

    /// <summary>
    /// A harness killed with SIGKILL cannot remove its DRAM files (with <c>--dram-dir</c>) and private ipc directory:
    /// remove them here, after the process is gone.
    /// </summary>
    private void RemoveLeftovers()
    {
        foreach (var window in Hello.Dram)
        {
            // a memfd (/proc/<pid>/fd/<n>) went with the process; a file in a backing directory did not
            if (!window.Shm.StartsWith("/proc/", StringComparison.Ordinal))
            {
                DeleteIfExists(window.Shm);
            }
        }

        const string ipc = "ipc://";
        if (Endpoint.StartsWith(ipc, StringComparison.Ordinal))
        {
            var socket = Endpoint[ipc.Length..];
            DeleteIfExists(socket);
            var dir = Path.GetDirectoryName(socket);
            if (dir != null && Path.GetFileName(dir).StartsWith("dmacosim-", StringComparison.Ordinal)
                && Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    // Something appeared in it meanwhile: not ours to remove.
                }
            }
        }
    }

    /// <summary>The first existing <paramref name="relative"/> in any of the start directories or their parents.</summary>
    internal static string? FindUpwards(string relative, params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path); // no error when it does not exist
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup is best effort: never let it turn a dispose into an error.
        }
    }

    /// <summary>The value of <c>--spin-us</c>, or null to leave the harness's default.</summary>
    private static string? SpinArgument(HarnessOptions options)
    {
        if (options.ReplySpin is not { } spin)
        {
            return null;
        }

        var microseconds = spin.Ticks / TimeSpan.TicksPerMicrosecond;
        return spin >= TimeSpan.Zero && microseconds <= MaxReplySpinMicroseconds
            ? microseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(options), spin, $"HarnessOptions.ReplySpin must be 0 to {MaxReplySpinMicroseconds} µs");
    }

    /// <summary>Writes the harness's keys (if any) to its standard input and closes it: never on argv, which every user can read.</summary>
    private static async Task HandKeysAsync(Process process, string? harnessKeys)
    {
        try
        {
            if (harnessKeys != null)
            {
                await process.StandardInput.WriteAsync(harnessKeys).ConfigureAwait(false);
                await process.StandardInput.FlushAsync().ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited already: the READY wait reports how.
        }
    }

    private static void AddOption(ProcessStartInfo info, string name, string? value)
    {
        if (value != null)
        {
            info.ArgumentList.Add(name);
            info.ArgumentList.Add(value);
        }
    }

    private static async Task<string> ReadReadyAsync(
        Process process, TimeSpan timeout, LineTail stderr, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false);
                if (line == null)
                {
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    throw new HarnessExitedException($"harness exited before READY: {Describe(process, stderr)}", null);
                }

                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    return line["READY ".Length..].Trim().Split(' ')[0]; // a key file path may follow
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HarnessExitedException(
                $"harness {process.StartInfo.FileName} printed no READY line within {timeout.TotalSeconds:0} s; " +
                $"stderr: {Tail(stderr)}", null);
        }
    }

    private static string Describe(Process process, LineTail stderr)
    {
        var how = process.HasExited
            ? process.ExitCode > 128 ? $"killed by signal {process.ExitCode - 128}" : $"exit code {process.ExitCode}"
            : "still running";
        return $"harness (pid {process.Id}) is gone: {how}; last stderr: {Tail(stderr)}";
    }

    private static string Tail(LineTail stderr) => stderr.Last(5, " | ");

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(1000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// How long a harness may take to exit after shutdown before it is sent SIGTERM (and as long again before SIGKILL):
    /// 1 s, or 30 s when <c>DMACOSIM_COVERAGE_DIR</c> is set — a coverage build (make coverage) writes its coverage
    /// data as it exits, which takes about a second on a loaded machine.
    /// </summary>
    private static TimeSpan ExitGrace =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DMACOSIM_COVERAGE_DIR")) ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits for the process to exit; if it does not within <paramref name="grace"/>, SIGTERM (the harness
    /// then removes its own shared memory and ipc directory), and after another grace period SIGKILL.
    /// </summary>
    /// <returns>The exit code, 128 + signal when a signal ended it.</returns>
    private static async Task<int> StopAsync(Process process, TimeSpan grace)
    {
        foreach (var step in new[] { 0, Posix.SigTerm, Posix.SigKill })
        {
            if (step == Posix.SigKill)
            {
                Kill(process);
            }
            else if (step == Posix.SigTerm && !process.HasExited)
            {
                Posix.Signal(process.Id, Posix.SigTerm);
            }

            using var deadline = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                // Still running: next step.
            }
        }

        return -1;
    }

    /// <summary>The last lines of a stream, kept for error messages.</summary>
    private sealed class LineTail(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line == null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public string Last(int count, string separator)
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "(none)" : string.Join(separator, _lines.TakeLast(count));
            }
        }
    }
}
