// SPDX-License-Identifier: MIT
namespace DmaCosim.Testing.Coverage;

/// <summary>One bin of a coverage model: the group, the coverpoint (or cross) and the bin's name.</summary>
/// <param name="Group">The covergroup.</param>
/// <param name="Point">The coverpoint or cross.</param>
/// <param name="Name">The bin.</param>
public sealed record CoverageBinKey(string Group, string Point, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Group} / {Point} / {Name}";
}

/// <summary>
/// A covergroup over <typeparamref name="TFacts"/>: each sample yields items, and each item falls in at most one
/// bin of every coverpoint and cross. Bins are declared up front, so a bin never hit is visible.
/// </summary>
/// <typeparam name="TFacts">What is sampled (a scenario's facts).</typeparam>
public sealed class CoverGroup<TFacts>
{
    private readonly Func<TFacts, IEnumerable<int[]>> _hits;

    internal CoverGroup(string name, string description, IReadOnlyList<(string Point, IReadOnlyList<string> Bins)> points, Func<TFacts, IEnumerable<int[]>> hits)
    {
        Name = name;
        Description = description;
        Points = points;
        _hits = hits;
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>What it measures, one line.</summary>
    public string Description { get; }

    /// <summary>Its coverpoints and crosses with their declared bins, in declaration order.</summary>
    public IReadOnlyList<(string Point, IReadOnlyList<string> Bins)> Points { get; }

    /// <summary>The bins <paramref name="facts"/> hits: per item, one bin index per point (−1: none).</summary>
    internal IEnumerable<int[]> Hits(TFacts facts) => _hits(facts);
}

/// <summary>Declares a <see cref="CoverGroup{TFacts}"/> whose items are <typeparamref name="TItem"/>s.</summary>
/// <typeparam name="TFacts">What is sampled.</typeparam>
/// <typeparam name="TItem">What one sample yields zero or more of (a copy, an error, the scenario itself).</typeparam>
public sealed class CoverGroupBuilder<TFacts, TItem>
{
    private readonly string _name;
    private readonly string _description;
    private readonly Func<TFacts, IEnumerable<TItem>> _items;
    private readonly List<(string Name, IReadOnlyList<string> Bins, Func<TItem, int> Classify)> _points = [];

    /// <summary>Starts a group.</summary>
    /// <param name="name">The group's name.</param>
    /// <param name="description">What it measures.</param>
    /// <param name="items">The items one sample yields.</param>
    public CoverGroupBuilder(string name, string description, Func<TFacts, IEnumerable<TItem>> items)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(items);
        _name = name;
        _description = description;
        _items = items;
    }

    /// <summary>A coverpoint: its bins, and which bin an item falls in (null: none of them).</summary>
    /// <param name="name">The coverpoint's name.</param>
    /// <param name="bins">The bins, declared up front.</param>
    /// <param name="classify">The bin of an item; a name not among <paramref name="bins"/> is a model error.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is taken, or the bins are empty or repeat.</exception>
    public CoverGroupBuilder<TFacts, TItem> Point(string name, IReadOnlyList<string> bins, Func<TItem, string?> classify)
    {
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentNullException.ThrowIfNull(classify);
        CheckNew(name, bins);
        var index = bins.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i, StringComparer.Ordinal);
        _points.Add((name, bins, item => classify(item) is { } bin
            ? index.TryGetValue(bin, out var i) ? i : throw new InvalidOperationException($"coverage group {_name}, point {name}: bin '{bin}' is not declared")
            : -1));
        return this;
    }

    /// <summary>
    /// A cross of coverpoints declared before: one bin per combination of their bins ("a, b"), except the
    /// combinations <paramref name="ignore"/> names unreachable (an item in one of them counts in no bin of the cross).
    /// </summary>
    /// <param name="points">The coverpoints crossed (two or more).</param>
    /// <param name="ignore">True for a combination (one bin name per point) that cannot happen, or null.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A point is not declared, or fewer than two are given.</exception>
    public CoverGroupBuilder<TFacts, TItem> Cross(IReadOnlyList<string> points, Func<IReadOnlyList<string>, bool>? ignore = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            throw new ArgumentException($"coverage group {_name}: a cross needs two or more points", nameof(points));
        }

        var parts = points.Select(p => _points.FindIndex(q => q.Name == p) is var i and >= 0
            ? _points[i]
            : throw new ArgumentException($"coverage group {_name}: cross of undeclared point '{p}'", nameof(points))).ToList();
        IEnumerable<IReadOnlyList<int>> combinations = [[]];
        foreach (var part in parts)
        {
            combinations = combinations.SelectMany(c => Enumerable.Range(0, part.Bins.Count).Select(b => (IReadOnlyList<int>)[.. c, b]));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var bins = new List<string>();
        foreach (var combination in combinations)
        {
            var names = combination.Select((b, i) => parts[i].Bins[b]).ToList();
            if (ignore?.Invoke(names) != true)
            {
                index[Key(combination)] = bins.Count;
                bins.Add(string.Join(", ", names));
            }
        }

        var name = string.Join(" × ", points);
        CheckNew(name, bins);
        _points.Add((name, bins, item =>
        {
            var combination = parts.Select(p => p.Classify(item)).ToList();
            return combination.Contains(-1) ? -1 : index.GetValueOrDefault(Key(combination), -1);
        }));
        return this;
    }

    /// <summary>The group.</summary>
    /// <returns>The group.</returns>
    public CoverGroup<TFacts> Build()
    {
        var points = _points.ToList();
        return new CoverGroup<TFacts>(
            _name, _description, [.. points.Select(p => (p.Name, p.Bins))],
            facts => _items(facts).Select(item => points.Select(p => p.Classify(item)).ToArray()));
    }

    private static string Key(IEnumerable<int> combination) => string.Join(',', combination);

    private void CheckNew(string name, IReadOnlyList<string> bins)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_points.Any(p => p.Name == name))
        {
            throw new ArgumentException($"coverage group {_name}: point '{name}' declared twice", nameof(name));
        }

        if (bins.Count == 0 || bins.Distinct(StringComparer.Ordinal).Count() != bins.Count)
        {
            throw new ArgumentException($"coverage group {_name}, point {name}: bins must be non-empty and distinct", nameof(bins));
        }
    }
}

/// <summary>A functional coverage model: named covergroups over <typeparamref name="TFacts"/>.</summary>
/// <typeparam name="TFacts">What is sampled.</typeparam>
public sealed class CoverageModel<TFacts>
{
    /// <summary>Creates the model.</summary>
    /// <param name="name">Name and version, e.g. "regression/1"; a coverage file carries it with its bin set.</param>
    /// <param name="groups">The groups.</param>
    /// <exception cref="ArgumentException">Two groups share a name.</exception>
    public CoverageModel(string name, IReadOnlyList<CoverGroup<TFacts>> groups)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Select(g => g.Name).Distinct(StringComparer.Ordinal).Count() != groups.Count)
        {
            throw new ArgumentException($"coverage model {name}: group names must be distinct", nameof(groups));
        }

        Name = name;
        Groups = groups;
        Bins = [.. groups.SelectMany(g => g.Points.SelectMany(p => p.Bins.Select(b => new CoverageBinKey(g.Name, p.Point, b))))];
    }

    /// <summary>Name and version.</summary>
    public string Name { get; }

    /// <summary>The groups.</summary>
    public IReadOnlyList<CoverGroup<TFacts>> Groups { get; }

    /// <summary>Every bin, group by group, point by point, in declaration order.</summary>
    public IReadOnlyList<CoverageBinKey> Bins { get; }

    /// <summary>An empty database of this model's bins.</summary>
    /// <returns>The database.</returns>
    public CoverageDatabase CreateDatabase() => new(Name, Bins, Groups.Select(g => (g.Name, g.Description)).ToList());

    /// <summary>Samples <paramref name="facts"/> into <paramref name="database"/> (thread-safe).</summary>
    /// <param name="database">A database of this model.</param>
    /// <param name="facts">What one scenario exercised.</param>
    /// <param name="seed">The scenario's seed (a bin remembers the lowest seed that hit it).</param>
    /// <exception cref="CoverageMismatchException">The database is of another model.</exception>
    public void Sample(CoverageDatabase database, TFacts facts, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!database.Bins.SequenceEqual(Bins))
        {
            throw new CoverageMismatchException($"the database holds the bins of {database.Model}, not of {Name}");
        }

        var hits = new List<int>();
        var offset = 0;
        foreach (var group in Groups)
        {
            var starts = new int[group.Points.Count];
            for (var p = 0; p < starts.Length; p++)
            {
                starts[p] = offset;
                offset += group.Points[p].Bins.Count;
            }

            foreach (var item in group.Hits(facts))
            {
                hits.AddRange(item.Select((bin, p) => bin < 0 ? -1 : starts[p] + bin).Where(b => b >= 0));
            }
        }

        database.Record(hits, seed);
    }
}
