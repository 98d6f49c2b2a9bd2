// SPDX-License-Identifier: MIT
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DmaCosim.Testing.Coverage;

/// <summary>
/// Hit counts per bin of a coverage model, the lowest seed that hit each bin, and how many scenarios were
/// sampled. Merging sums counts (shards, jobs); it requires the same model name and the same bin set.
/// Written and read as JSON (<see cref="FormatVersion"/>).
/// </summary>
public sealed class CoverageDatabase
{
    /// <summary>The JSON format's name and version.</summary>
    public const string FormatVersion = "dmacosim-coverage/1";

    private readonly Lock _lock = new();
    private readonly long[] _hits;
    private readonly ulong?[] _firstSeed;
    private long _scenarios;

    internal CoverageDatabase(string model, IReadOnlyList<CoverageBinKey> bins, IReadOnlyList<(string Name, string Description)> groups)
    {
        Model = model;
        Bins = bins;
        Groups = groups;
        _hits = new long[bins.Count];
        _firstSeed = new ulong?[bins.Count];
    }

    /// <summary>The model's name and version.</summary>
    public string Model { get; }

    /// <summary>Every bin, in the model's order.</summary>
    public IReadOnlyList<CoverageBinKey> Bins { get; }

    /// <summary>The groups: name and description, in the model's order.</summary>
    public IReadOnlyList<(string Name, string Description)> Groups { get; }

    /// <summary>Scenarios sampled.</summary>
    public long Scenarios => Interlocked.Read(ref _scenarios);

    /// <summary>Bins hit at least once.</summary>
    public int BinsHit => Enumerable.Range(0, Bins.Count).Count(i => Hits(i) > 0);

    /// <summary>True when every bin was hit.</summary>
    public bool GoalMet => BinsHit == Bins.Count;

    /// <summary>Hits of bin <paramref name="index"/>.</summary>
    /// <param name="index">Index into <see cref="Bins"/>.</param>
    /// <returns>The count.</returns>
    public long Hits(int index)
    {
        lock (_lock)
        {
            return _hits[index];
        }
    }

    /// <summary>Hits of a bin.</summary>
    /// <param name="group">Group.</param>
    /// <param name="point">Coverpoint or cross.</param>
    /// <param name="bin">Bin.</param>
    /// <returns>The count.</returns>
    /// <exception cref="KeyNotFoundException">No such bin.</exception>
    public long Hits(string group, string point, string bin) => Hits(IndexOf(new CoverageBinKey(group, point, bin)));

    /// <summary>The lowest seed that hit bin <paramref name="index"/>, or null.</summary>
    /// <param name="index">Index into <see cref="Bins"/>.</param>
    /// <returns>The seed.</returns>
    public ulong? FirstSeed(int index)
    {
        lock (_lock)
        {
            return _firstSeed[index];
        }
    }

    /// <summary>The bins never hit, in the model's order.</summary>
    /// <returns>The bins.</returns>
    public IReadOnlyList<CoverageBinKey> EmptyBins() => [.. Bins.Where((_, i) => Hits(i) == 0)];

    /// <summary>Adds <paramref name="other"/>'s counts to this database.</summary>
    /// <param name="other">A database of the same model and bin set.</param>
    /// <exception cref="CoverageMismatchException">The model or the bin set differs; nothing is changed.</exception>
    public void Merge(CoverageDatabase other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Model != Model)
        {
            throw new CoverageMismatchException($"coverage of model {other.Model} cannot be merged into coverage of model {Model}");
        }

        if (!other.Bins.SequenceEqual(Bins))
        {
            var difference = Bins.Except(other.Bins).FirstOrDefault() is { } missing ? $"bin '{missing}' is missing from the other"
                : other.Bins.Except(Bins).FirstOrDefault() is { } extra ? $"the other has bin '{extra}', which this model lacks"
                : "the same bins in another order";
            throw new CoverageMismatchException(
                $"the bin sets of {Model} differ ({Bins.Count} and {other.Bins.Count} bins): {difference}; coverage of different model versions cannot be merged");
        }

        lock (_lock)
        {
            for (var i = 0; i < Bins.Count; i++)
            {
                _hits[i] += other.Hits(i);
                if (other.FirstSeed(i) is { } seed && (_firstSeed[i] is not { } mine || seed < mine))
                {
                    _firstSeed[i] = seed;
                }
            }

            _scenarios += other.Scenarios;
        }
    }

    /// <summary>The database as JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var groups = new JsonArray();
        var index = 0;
        foreach (var (name, description) in Groups)
        {
            var points = new JsonArray();
            foreach (var point in Bins.Where(b => b.Group == name).Select(b => b.Point).Distinct())
            {
                var bins = new JsonArray();
                for (; index < Bins.Count && Bins[index].Group == name && Bins[index].Point == point; index++)
                {
                    var bin = new JsonObject { ["name"] = Bins[index].Name, ["hits"] = Hits(index) };
                    if (FirstSeed(index) is { } seed)
                    {
                        bin["firstSeed"] = seed;
                    }

                    bins.Add(bin);
                }

                points.Add(new JsonObject { ["name"] = point, ["bins"] = bins });
            }

            groups.Add(new JsonObject { ["name"] = name, ["description"] = description, ["points"] = points });
        }

        var root = new JsonObject
        {
            ["format"] = FormatVersion,
            ["model"] = Model,
            ["scenarios"] = Scenarios,
            ["bins"] = Bins.Count,
            ["binsHit"] = BinsHit,
            ["groups"] = groups,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a database from JSON.</summary>
    /// <param name="json">The text.</param>
    /// <returns>The database.</returns>
    /// <exception cref="CoverageFileException">Not JSON, not this format, or a field is missing or wrong.</exception>
    public static CoverageDatabase FromJson(string json)
    {
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new CoverageFileException("empty JSON");
            var format = (string?)root["format"];
            if (format != FormatVersion)
            {
                throw new CoverageFileException($"format '{format}' is not {FormatVersion}");
            }

            var model = (string?)root["model"] ?? throw new CoverageFileException("no model");
            var keys = new List<CoverageBinKey>();
            var counts = new List<(long Hits, ulong? Seed)>();
            var groups = new List<(string, string)>();
            foreach (var group in Array(root, "groups"))
            {
                var groupName = Text(group, "name");
                groups.Add((groupName, (string?)group!["description"] ?? ""));
                foreach (var point in Array(group!, "points"))
                {
                    var pointName = Text(point, "name");
                    foreach (var bin in Array(point!, "bins"))
                    {
                        keys.Add(new CoverageBinKey(groupName, pointName, Text(bin, "name")));
                        var hits = (long?)bin!["hits"] ?? throw new CoverageFileException($"bin {keys[^1]}: no hits");
                        counts.Add((hits >= 0 ? hits : throw new CoverageFileException($"bin {keys[^1]}: hits {hits} < 0"), (ulong?)bin["firstSeed"]));
                    }
                }
            }

            if (keys.Distinct().Count() != keys.Count)
            {
                throw new CoverageFileException("a bin appears twice");
            }

            var database = new CoverageDatabase(model, keys, groups) { _scenarios = (long?)root["scenarios"] ?? 0 };
            for (var i = 0; i < counts.Count; i++)
            {
                (database._hits[i], database._firstSeed[i]) = counts[i];
            }

            return database;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CoverageFileException($"not a coverage file: {e.Message}", e);
        }
    }

    /// <summary>Writes the JSON to <paramref name="path"/> (creating its directory).</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(directory!);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>Reads a coverage file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The database.</returns>
    /// <exception cref="CoverageFileException">Missing, unreadable or not a coverage file (the message names the path).</exception>
    public static CoverageDatabase Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CoverageFileException($"{path}: cannot read: {e.Message}", e);
        }

        try
        {
            return FromJson(text);
        }
        catch (CoverageFileException e)
        {
            throw new CoverageFileException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Counts one scenario's hits (bin indices, repeats allowed).</summary>
    internal void Record(IEnumerable<int> bins, ulong seed)
    {
        lock (_lock)
        {
            foreach (var bin in bins)
            {
                _hits[bin]++;
                if (_firstSeed[bin] is not { } first || seed < first)
                {
                    _firstSeed[bin] = seed;
                }
            }

            _scenarios++;
        }
    }

    private int IndexOf(CoverageBinKey key)
    {
        for (var i = 0; i < Bins.Count; i++)
        {
            if (Bins[i] == key)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"no bin {key}");
    }

    private static JsonArray Array(JsonNode? node, string name) =>
        node?[name] as JsonArray ?? throw new CoverageFileException($"no array '{name}'");

    private static string Text(JsonNode? node, string name) =>
        (string?)node?[name] ?? throw new CoverageFileException($"no '{name}'");
}

/// <summary>Two coverage databases of different models or bin sets.</summary>
public sealed class CoverageMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differs.</param>
    public CoverageMismatchException(string message)
        : base(message)
    {
    }
}

/// <summary>A coverage file that is missing, unreadable or not a coverage file.</summary>
public sealed class CoverageFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="inner">The cause, or null.</param>
    public CoverageFileException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
