// SPDX-License-Identifier: MIT
using System.Text.Json;
using System.Text.Json.Serialization;
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>
/// A scenario as it was generated, saved to a file (<see cref="ScenarioFile"/>). A seed names a scenario only
/// under the generator version that drew it; the saved scenario replays the same stimulus and checks under any
/// later version, so a failure found once stays reproducible (and, banked under tests/regress/banked, a test)
/// when the generator changes.
/// </summary>
/// <param name="Rtl">The build it was generated for: it replays only on a build with these parameters.</param>
/// <param name="Found">What it found (why it was kept), or null.</param>
/// <param name="Scenario">The scenario.</param>
public sealed record SavedScenario(RtlInfo Rtl, string? Found, Scenario Scenario)
{
    /// <summary>The scenario-generator version that drew it.</summary>
    public int Generator => Scenario.Generator;

    /// <summary>The host-bridge offset its harness must be started with (0: none).</summary>
    public ulong BusOffset => Scenario.Address?.BusOffset ?? 0;

    /// <summary>Whether it can run on a build with parameters <paramref name="rtl"/>.</summary>
    /// <param name="rtl">The build's parameters (from <c>hello</c>).</param>
    /// <returns>True when every parameter equals the one it was generated for.</returns>
    public bool RunsOn(RtlInfo rtl) => Rtl.Equals(rtl);
}

/// <summary>A scenario file that cannot be read: not JSON, another format, a missing or unknown field. Names the file and what is wrong.</summary>
public sealed class ScenarioFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="inner">The parser's exception, or null.</param>
    public ScenarioFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner) => FilePath = path;

    /// <summary>The file.</summary>
    public string FilePath { get; }
}

/// <summary>
/// Reads and writes <see cref="SavedScenario"/> files: indented JSON, property names as in the C# records,
/// enums by name, computed properties left out. Reading is strict — a field the records do not have, or a
/// missing one, is an error — so a file never half-replays a scenario after the records changed.
/// </summary>
public static class ScenarioFile
{
    /// <summary>The value of the files' <c>Format</c> field.</summary>
    public const string Format = "dmacosim-scenario/1";

    /// <summary>The extension <c>dmacosim regress</c> gives the files it saves.</summary>
    public const string Extension = ".scenario.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IgnoreReadOnlyProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        MaxDepth = 32,
    };

    /// <summary>The file's text for <paramref name="scenario"/> generated for <paramref name="rtl"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="rtl">The build it was generated for.</param>
    /// <param name="found">What it found, or null.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(Scenario scenario, RtlInfo rtl, string? found = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rtl);
        return JsonSerializer.Serialize(new Envelope(Format, new SavedScenario(rtl, found, scenario with { Rtl = null })), Options);
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (replacing it).</summary>
    /// <param name="path">The file.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="rtl">The build it was generated for.</param>
    /// <param name="found">What it found, or null.</param>
    public static void Save(string path, Scenario scenario, RtlInfo rtl, string? found = null) =>
        File.WriteAllText(path, ToJson(scenario, rtl, found) + "\n");

    /// <summary>Parses a file's text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="path">Its file, for messages.</param>
    /// <returns>The saved scenario, its <see cref="Scenario.Rtl"/> set to the build it was generated for.</returns>
    /// <exception cref="ScenarioFileException">Not a scenario file of this format, or a field missing, unknown or of the wrong type.</exception>
    public static SavedScenario FromJson(string json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ScenarioFileException(path, $"not a scenario file of {Format}: {e.Message}", e);
        }

        if (envelope?.Format != Format)
        {
            throw new ScenarioFileException(path, $"Format is '{envelope?.Format}', expected '{Format}'");
        }

        var saved = envelope.Saved ?? throw new ScenarioFileException(path, "no Saved scenario");
        return saved with { Scenario = saved.Scenario with { Rtl = saved.Rtl } };
    }

    /// <summary>Reads a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The saved scenario.</returns>
    /// <exception cref="ScenarioFileException">The file cannot be read, or is not a scenario file (see <see cref="FromJson"/>).</exception>
    public static SavedScenario Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFileException(path, e.Message, e);
        }

        return FromJson(json, path);
    }

    private sealed record Envelope(string Format, SavedScenario Saved);
}
