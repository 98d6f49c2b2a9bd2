// SPDX-License-Identifier: MIT
using System.IO.MemoryMappedFiles;

namespace DmaCosim.Bridge;

/// <summary>
/// The DRAM of a local harness, mapped from its shared-memory files: reads and writes are plain
/// memory copies, with no round trip. The harness simulates only inside a request, so access is
/// refused while a request is in flight (the two sides never touch memory at the same time).
/// </summary>
public sealed unsafe class SharedDram : ISimMemory, IDisposable
{
    private readonly SimClient _client;
    private readonly List<Mapping> _mappings = [];

    /// <summary>Maps every window announced in <c>hello</c>.</summary>
    /// <param name="client">The client of the harness (to know when a request is in flight).</param>
    /// <param name="windows">The windows from <see cref="HelloInfo.Dram"/>.</param>
    /// <exception cref="IOException">A shared-memory file cannot be opened or is smaller than its window.</exception>
    public SharedDram(SimClient client, IReadOnlyList<DramWindowInfo> windows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(windows);
        _client = client;
        Windows = windows;
        try
        {
            foreach (var window in windows)
            {
                _mappings.Add(new Mapping(window));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DramWindowInfo> Windows { get; }

    /// <summary>Copies bytes out of DRAM into <paramref name="destination"/>.</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="destination">Where the bytes go; its length is the length read.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside one DRAM window.</exception>
    /// <exception cref="InvalidOperationException">A simulation request is running.</exception>
    public void Read(ulong address, Span<byte> destination) =>
        Locate(address, destination.Length).CopyTo(destination);

    /// <summary>Copies <paramref name="source"/> into DRAM.</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="source">The bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside one DRAM window.</exception>
    /// <exception cref="InvalidOperationException">A simulation request is running.</exception>
    public void Write(ulong address, ReadOnlySpan<byte> source) =>
        source.CopyTo(Locate(address, source.Length));

    /// <summary>Fills DRAM with one byte value.</summary>
    /// <param name="address">Bus address.</param>
    /// <param name="length">Bytes to fill.</param>
    /// <param name="value">Fill byte.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside one DRAM window.</exception>
    /// <exception cref="InvalidOperationException">A simulation request is running.</exception>
    public void Fill(ulong address, int length, byte value) => Locate(address, length).Fill(value);

    /// <inheritdoc />
    public Task<byte[]> ReadAsync(ulong address, int length, CancellationToken cancellationToken = default)
    {
        var bytes = new byte[length];
        Read(address, bytes);
        return Task.FromResult(bytes);
    }

    /// <inheritdoc />
    public Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Write(address, data.Span);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task FillAsync(ulong address, int length, byte value, CancellationToken cancellationToken = default)
    {
        Fill(address, length, value);
        return Task.CompletedTask;
    }

    /// <summary>Unmaps every window.</summary>
    public void Dispose()
    {
        foreach (var mapping in _mappings)
        {
            mapping.Dispose();
        }

        _mappings.Clear();
    }

    private Span<byte> Locate(ulong address, int length)
    {
        var window = DramRange.Find(Windows, address, length);
        if (_client.HarnessBusy)
        {
            throw new InvalidOperationException(
                $"DRAM at 0x{address:X} is being simulated: a request is in flight or its reply has not arrived " +
                "(await requests before touching memory; after a timeout or cancellation, wait for the harness)");
        }

        var mapping = _mappings.Find(m => m.Window == window)
            ?? throw new ObjectDisposedException(nameof(SharedDram));
        return new Span<byte>(mapping.Pointer + (long)(address - window.Base), length);
    }

    private sealed class Mapping : IDisposable
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private bool _acquired;

        public Mapping(DramWindowInfo window)
        {
            Window = window;
            // Opened first, its size taken from the open file: the path may be a /proc/<pid>/fd/<n> link to a memfd,
            // whose own size (as the path's metadata reports it) is not the file's.
            var stream = new FileStream(window.Shm, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            try
            {
                if ((ulong)stream.Length < window.Size)
                {
                    throw new IOException($"shared-memory file {window.Shm} has {stream.Length} bytes, the window needs {window.Size}");
                }

                _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            }
            catch
            {
                stream.Dispose();
                throw;
            }

            _view = _file.CreateViewAccessor(0, (long)window.Size, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _acquired = true;
            Pointer = pointer + _view.PointerOffset;
        }

        public DramWindowInfo Window { get; }

        public byte* Pointer { get; }

        public void Dispose()
        {
            if (_acquired)
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
                _acquired = false;
            }

            _view.Dispose();
            _file.Dispose();
        }
    }
}

/// <summary>
/// The DRAM of a harness reached only through the socket (another host): every access is a
/// <c>mem_read</c> / <c>mem_write</c> request, split into chunks of at most 16 MiB.
/// </summary>
public sealed class RemoteDram : ISimMemory
{
    private readonly SimClient _client;

    /// <summary>Creates the accessor.</summary>
    /// <param name="client">The client of the harness.</param>
    /// <param name="windows">The windows from <see cref="HelloInfo.Dram"/>.</param>
    public RemoteDram(SimClient client, IReadOnlyList<DramWindowInfo> windows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(windows);
        _client = client;
        Windows = windows;
    }

    /// <inheritdoc />
    public IReadOnlyList<DramWindowInfo> Windows { get; }

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(ulong address, int length, CancellationToken cancellationToken = default)
    {
        DramRange.Find(Windows, address, length);
        var bytes = new byte[length];
        for (var done = 0; done < length; done += SimClient.MaxMemoryOp)
        {
            var chunk = Math.Min(SimClient.MaxMemoryOp, length - done);
            var part = await _client.MemReadAsync(address + (ulong)done, chunk, cancellationToken).ConfigureAwait(false);
            part.CopyTo(bytes, done);
        }

        return bytes;
    }

    /// <inheritdoc />
    public async Task WriteAsync(ulong address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        DramRange.Find(Windows, address, data.Length);
        for (var done = 0; done < data.Length; done += SimClient.MaxMemoryOp)
        {
            var chunk = data.Slice(done, Math.Min(SimClient.MaxMemoryOp, data.Length - done));
            await _client.MemWriteAsync(address + (ulong)done, chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task FillAsync(ulong address, int length, byte value, CancellationToken cancellationToken = default)
    {
        DramRange.Find(Windows, address, length);
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return WriteAsync(address, bytes, cancellationToken);
    }
}
