// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing.Models;

/// <summary>
/// Reference model of the CPU data cache (DESIGN §3.3, docs/protocol.md <c>cpu_read</c> /
/// <c>cpu_write</c> / <c>cache</c>) over one region of DRAM that it also models: set-associative,
/// write-back, write-allocate, LRU replacement (an invalid way first); one 32-bit access per word
/// touched, stores with byte strobes; uncached loads and stores go to DRAM and leave the cache alone;
/// CLEAN / INVALIDATE / FLUSH per line touched (a line not cached: nothing). A write-back writes the
/// whole line. It counts what <c>stats</c> <c>cache</c> counts: cached accesses that hit or missed, and
/// dirty lines written back.
/// </summary>
public sealed class CacheModel
{
    private readonly Line[][] _sets;
    private readonly byte[] _dram;
    private long _clock;

    /// <summary>Creates an empty (all-invalid) cache over <paramref name="dram"/>, which it copies.</summary>
    /// <param name="lineBytes">Line size (a power of two, ≥ 4).</param>
    /// <param name="sets">Sets (a power of two).</param>
    /// <param name="ways">Ways per set.</param>
    /// <param name="dramBase">Address of <paramref name="dram"/>'s first byte (line-aligned).</param>
    /// <param name="dram">The region's contents.</param>
    public CacheModel(int lineBytes, int sets, int ways, ulong dramBase, ReadOnlySpan<byte> dram)
    {
        if (lineBytes < 4 || !int.IsPow2(lineBytes) || !int.IsPow2(sets) || ways < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(lineBytes), $"geometry {lineBytes} B x {sets} sets x {ways} ways");
        }

        if (dramBase % (ulong)lineBytes != 0 || dram.Length % lineBytes != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dramBase), "the region must be whole lines");
        }

        LineBytes = lineBytes;
        Sets = sets;
        Ways = ways;
        DramBase = dramBase;
        _dram = dram.ToArray();
        _sets = Enumerable.Range(0, sets).Select(_ => Enumerable.Range(0, ways).Select(_ => new Line(lineBytes)).ToArray()).ToArray();
    }

    /// <summary>Line size in bytes.</summary>
    public int LineBytes { get; }

    /// <summary>Sets.</summary>
    public int Sets { get; }

    /// <summary>Ways per set.</summary>
    public int Ways { get; }

    /// <summary>The modelled region's first address.</summary>
    public ulong DramBase { get; }

    /// <summary>Cached accesses (word loads and stores) that hit.</summary>
    public ulong Hits { get; private set; }

    /// <summary>Cached accesses that missed.</summary>
    public ulong Misses { get; private set; }

    /// <summary>Dirty lines written back (eviction, clean, flush).</summary>
    public ulong Writebacks { get; private set; }

    /// <summary>Line addresses that are cached and dirty, ascending.</summary>
    public IEnumerable<ulong> DirtyLines =>
        _sets.SelectMany(set => set).Where(l => l.Valid && l.Dirty).Select(l => l.Address).Order();

    /// <summary>Whether the line holding <paramref name="address"/> is cached.</summary>
    /// <param name="address">An address in the region.</param>
    /// <returns>True when cached.</returns>
    public bool IsCached(ulong address) => Find(address) is not null;

    /// <summary>What DRAM holds (not the cache).</summary>
    /// <param name="address">First byte, in the region.</param>
    /// <param name="length">Bytes.</param>
    /// <returns>A copy.</returns>
    public byte[] Dram(ulong address, int length) => _dram.AsSpan(Index(address, length), length).ToArray();

    /// <summary>CPU loads of <c>[address, address + length)</c>, one per word touched.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes, ≥ 1.</param>
    /// <param name="cached">False: uncached loads from DRAM.</param>
    /// <returns>The bytes the CPU sees.</returns>
    public byte[] Read(ulong address, int length, bool cached)
    {
        Index(address, length);
        var data = new byte[length];
        for (var word = address & ~3UL; word < address + (ulong)length; word += 4)
        {
            var line = cached ? Access(word) : null;
            for (var a = Math.Max(word, address); a < Math.Min(word + 4, address + (ulong)length); a++)
            {
                data[a - address] = line is null ? _dram[Index(a, 1)] : line.Data[(int)(a - line.Address)];
            }
        }

        return data;
    }

    /// <summary>CPU stores of <paramref name="data"/> at <paramref name="address"/>, one per word touched, with exact strobes.</summary>
    /// <param name="address">First byte.</param>
    /// <param name="data">The bytes, ≥ 1.</param>
    /// <param name="cached">False: uncached stores to DRAM (a cached copy of the line is left as it is).</param>
    public void Write(ulong address, ReadOnlySpan<byte> data, bool cached)
    {
        Index(address, data.Length);
        var end = address + (ulong)data.Length;
        for (var word = address & ~3UL; word < end; word += 4)
        {
            var line = cached ? Access(word) : null;
            for (var a = Math.Max(word, address); a < Math.Min(word + 4, end); a++)
            {
                if (line is null)
                {
                    _dram[Index(a, 1)] = data[(int)(a - address)];
                }
                else
                {
                    line.Data[(int)(a - line.Address)] = data[(int)(a - address)];
                    line.Dirty = true;
                }
            }
        }
    }

    /// <summary>Cache maintenance of every line <c>[address, address + length)</c> touches.</summary>
    /// <param name="operation">Clean, invalidate or flush.</param>
    /// <param name="address">First byte.</param>
    /// <param name="length">Bytes, ≥ 1.</param>
    public void Maintain(CacheOp operation, ulong address, ulong length)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        var mask = (ulong)LineBytes - 1;
        for (var lineAddress = address & ~mask; lineAddress < address + length; lineAddress += (ulong)LineBytes)
        {
            if (Find(lineAddress) is not { } line)
            {
                continue;
            }

            if (operation != CacheOp.Invalidate && line.Dirty)
            {
                WriteBack(line);
            }

            if (operation != CacheOp.Clean)
            {
                line.Valid = false;
                line.Dirty = false;
            }
        }
    }

    // one cached word access: hit, or miss (the victim written back if dirty, then the fill); LRU updated
    private Line Access(ulong word)
    {
        var line = Find(word);
        if (line is not null)
        {
            Hits++;
        }
        else
        {
            Misses++;
            var set = _sets[SetOf(word)];
            line = set.FirstOrDefault(l => !l.Valid) ?? set.MinBy(l => l.LastUse)!;
            if (line.Valid && line.Dirty)
            {
                WriteBack(line);
            }

            line.Address = word & ~((ulong)LineBytes - 1);
            line.Valid = true;
            line.Dirty = false;
            _dram.AsSpan(Index(line.Address, LineBytes), LineBytes).CopyTo(line.Data);
        }

        line.LastUse = ++_clock;
        return line;
    }

    private void WriteBack(Line line)
    {
        line.Data.CopyTo(_dram.AsSpan(Index(line.Address, LineBytes), LineBytes));
        line.Dirty = false;
        Writebacks++;
    }

    private Line? Find(ulong address)
    {
        var lineAddress = address & ~((ulong)LineBytes - 1);
        return _sets[SetOf(address)].FirstOrDefault(l => l.Valid && l.Address == lineAddress);
    }

    private int SetOf(ulong address) => (int)((address / (ulong)LineBytes) % (ulong)Sets);

    private int Index(ulong address, int length) =>
        address >= DramBase && address - DramBase + (ulong)length <= (ulong)_dram.Length
            ? (int)(address - DramBase)
            : throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+{length} is outside the modelled region 0x{DramBase:X}+{_dram.Length}");

    private sealed class Line(int bytes)
    {
        public ulong Address { get; set; }

        public bool Valid { get; set; }

        public bool Dirty { get; set; }

        public long LastUse { get; set; }

        public byte[] Data { get; } = new byte[bytes];
    }
}
