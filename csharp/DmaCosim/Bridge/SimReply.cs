// SPDX-License-Identifier: MIT
namespace DmaCosim.Bridge;

/// <summary>
/// A successful reply of the harness: the decoded MessagePack map, with typed accessors that raise
/// <see cref="SimProtocolException"/> when a field is missing or has the wrong type.
/// </summary>
public sealed class SimReply
{
    private readonly IReadOnlyDictionary<string, object?> _fields;

    internal SimReply(string op, string endpoint, IReadOnlyDictionary<string, object?> fields)
    {
        Op = op;
        Endpoint = endpoint;
        _fields = fields;
    }

    /// <summary>The op this reply answers.</summary>
    public string Op { get; }

    /// <summary>The harness endpoint that sent it.</summary>
    public string Endpoint { get; }

    /// <summary>Every field of the reply map, as decoded.</summary>
    public IReadOnlyDictionary<string, object?> Fields => _fields;

    /// <summary>True when the reply holds <paramref name="name"/>.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>Whether the field is present.</returns>
    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>Reads a non-negative integer field.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SimProtocolException">Missing, not an integer, or negative.</exception>
    public ulong GetUInt64(string name) => ToUInt64(Get(name), name);

    /// <summary>Reads a number field (float or integer).</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SimProtocolException">Missing or not a number.</exception>
    public double GetDouble(string name) => Get(name) switch
    {
        double d => d,
        long l => l,
        ulong u => u,
        _ => throw Bad(name, "a number"),
    };

    /// <summary>Reads a string field.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SimProtocolException">Missing or not a string.</exception>
    public string GetString(string name) =>
        Get(name) as string ?? throw Bad(name, "a string");

    /// <summary>Reads a bin field.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="SimProtocolException">Missing or not bin.</exception>
    public byte[] GetBytes(string name) =>
        Get(name) as byte[] ?? throw Bad(name, "bin");

    /// <summary>Reads a map field.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The nested map.</returns>
    /// <exception cref="SimProtocolException">Missing or not a map.</exception>
    public SimReply GetMap(string name) =>
        Get(name) is IReadOnlyDictionary<string, object?> map
            ? new SimReply(Op, Endpoint, map)
            : throw Bad(name, "a map");

    /// <summary>Reads an array-of-strings field.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The strings, in order.</returns>
    /// <exception cref="SimProtocolException">Missing, not an array, or an element that is not a string.</exception>
    public IReadOnlyList<string> GetStrings(string name) =>
        Get(name) is object?[] items
            ? items.Select(i => i as string ?? throw Bad(name, "an array of strings")).ToList()
            : throw Bad(name, "an array");

    /// <summary>Reads an array-of-maps field.</summary>
    /// <param name="name">Field name.</param>
    /// <returns>The maps, in order.</returns>
    /// <exception cref="SimProtocolException">Missing, not an array, or an element that is not a map.</exception>
    public IReadOnlyList<SimReply> GetMaps(string name)
    {
        if (Get(name) is not object?[] items)
        {
            throw Bad(name, "an array");
        }

        return items.Select(i => i is IReadOnlyDictionary<string, object?> map
            ? new SimReply(Op, Endpoint, map)
            : throw Bad(name, "an array of maps")).ToList();
    }

    internal static ulong ToUInt64(object? value, string name, string? op = null, string? endpoint = null) =>
        AsUInt64(value) ?? throw new SimProtocolException(
            $"reply field '{name}' is not a non-negative integer (got {Describe(value)})", op, endpoint);

    /// <summary>A decoded MessagePack integer as a non-negative value, or null when it is not one.</summary>
    internal static ulong? AsUInt64(object? value) => value switch
    {
        long l when l >= 0 => (ulong)l,
        ulong u => u,
        _ => null,
    };

    private object? Get(string name) =>
        _fields.TryGetValue(name, out var value)
            ? value
            : throw new SimProtocolException($"reply to '{Op}' has no field '{name}'", Op, Endpoint);

    private SimProtocolException Bad(string name, string expected) =>
        new($"reply to '{Op}': field '{name}' is not {expected} (got {Describe(_fields.GetValueOrDefault(name))})",
            Op, Endpoint);

    private static string Describe(object? value) => value?.GetType().Name ?? "nil";
}
