// SPDX-License-Identifier: MIT
using System.Collections;
using System.Reflection;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Tests.Testing;

/// <summary>Saved scenarios: every generated scenario survives the file unchanged; a bad file is a typed error.</summary>
public sealed class ScenarioFileTests
{
    /// <summary>The shapes of the CI builds (default, dw32, dw128, aw64, nodre).</summary>
    public static TheoryData<int, int, bool> Builds => new() { { 64, 32, true }, { 32, 32, true }, { 128, 32, true }, { 64, 64, true }, { 64, 32, false } };

    [Theory]
    [MemberData(nameof(Builds))]
    public void FromJson_EveryScenarioOfTwoThousandSeeds_IsTheScenarioThatWasSaved(int dataWidth, int addrWidth, bool dre)
    {
        var rtl = new RtlInfo(dataWidth, addrWidth, 256, 64, 256, 2, HasDre: dre);
        for (ulong seed = 1; seed <= 2000; seed++)
        {
            var scenario = ScenarioGenerator.Generate(seed, rtl);
            var json = ScenarioFile.ToJson(scenario, rtl, "test");

            var saved = ScenarioFile.FromJson(json, "mem");

            Assert.Equal(ScenarioGenerator.Version, saved.Generator);
            Assert.Equal(rtl, saved.Rtl);
            Assert.Equal("test", saved.Found);
            AssertSame(scenario with { Rtl = rtl }, saved.Scenario, $"seed {seed}: Scenario");
            Assert.Equal(json, ScenarioFile.ToJson(saved.Scenario, rtl, "test"));
        }
    }

    [Fact]
    public void FromJson_EveryKindOfScenario_IsAmongTheSeedsRoundTripped()
    {
        // the round trip above covers every part a scenario can have, each with its optional parts set
        var rtl = new RtlInfo(64, 32, 256, 64, 256, 2);
        var scenarios = Enumerable.Range(1, 2000).Select(s => ScenarioGenerator.Generate((ulong)s, rtl)).ToList();

        Assert.Contains(scenarios, s => s.Hazard != null);
        Assert.Contains(scenarios, s => s.Address is { BusOffset: > 0 });
        Assert.Contains(scenarios, s => s.Engine is { CpuLoad: not null, Faults.Count: > 0, Snoop: not null });
        Assert.Contains(scenarios, s => s.Cpu != null && s.Fault != null);
        Assert.Contains(scenarios, s => s.Memory.Backpressure is { Ar: > 0 });
    }

    [Fact]
    public void FromJson_UnknownField_ThrowsNamingIt()
    {
        var json = Json().Replace("\"Seed\":", "\"Sead\": 1, \"Seed\":", StringComparison.Ordinal);

        var e = Assert.Throws<ScenarioFileException>(() => ScenarioFile.FromJson(json, "x.json"));

        Assert.Contains("Sead", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("x.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_MissingField_Throws()
    {
        var json = Json();
        var start = json.IndexOf("\"FaultedCopy\":", StringComparison.Ordinal);
        var end = json.IndexOf('\n', start);

        var e = Assert.Throws<ScenarioFileException>(() => ScenarioFile.FromJson(json.Remove(start, end - start + 1), "x.json"));

        Assert.Contains("FaultedCopy", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"Format\": \"dmacosim-scenario/2\", \"Saved\": null}")]
    [InlineData("{\"Saved\": null}")]
    public void FromJson_NotAScenarioFile_Throws(string json)
    {
        var e = Assert.Throws<ScenarioFileException>(() => ScenarioFile.FromJson(json, "x.json"));

        Assert.StartsWith("x.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_EnumAsNumber_Throws()
    {
        var json = Json(s => s.Hazard != null);
        var kind = json.IndexOf("\"Kind\": \"", StringComparison.Ordinal);
        var end = json.IndexOf('"', kind + 9);

        Assert.Throws<ScenarioFileException>(() => ScenarioFile.FromJson(json[..(kind + 8)] + "1" + json[(end + 1)..], "x.json"));
    }

    [Fact]
    public void Load_NoSuchFile_ThrowsNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}{ScenarioFile.Extension}");

        var e = Assert.Throws<ScenarioFileException>(() => ScenarioFile.Load(path));

        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void SaveLoad_File_RunsOnlyOnItsBuild()
    {
        var rtl = new RtlInfo(64, 32, 256, 64, 256, 2);
        var path = Path.Combine(Path.GetTempPath(), $"saved-{Guid.NewGuid():N}{ScenarioFile.Extension}");
        try
        {
            ScenarioFile.Save(path, ScenarioGenerator.Generate(7, rtl), rtl);

            var saved = ScenarioFile.Load(path);

            Assert.True(saved.RunsOn(rtl));
            Assert.False(saved.RunsOn(rtl with { DataWidth = 32 }));
            Assert.False(saved.RunsOn(rtl with { HasDre = false }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Json(Func<Scenario, bool>? which = null)
    {
        var rtl = new RtlInfo(64, 32, 256, 64, 256, 2);
        var seed = Enumerable.Range(1, 2000).Select(s => (ulong)s).First(s => which?.Invoke(ScenarioGenerator.Generate(s, rtl)) ?? true);
        return ScenarioFile.ToJson(ScenarioGenerator.Generate(seed, rtl), rtl);
    }

    /// <summary>Structural equality: every public property, lists element by element, down to values.</summary>
    private static void AssertSame(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        Assert.True(type == actual.GetType() || (expected is IEnumerable && actual is IEnumerable), $"{path}: {type} vs {actual.GetType()}"); // any list type
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal))
        {
            Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}");
        }
        else if (expected is IEnumerable list)
        {
            var a = list.Cast<object?>().ToList();
            var b = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(a.Count == b.Count, $"{path}: {a.Count} vs {b.Count} elements");
            for (var i = 0; i < a.Count; i++)
            {
                AssertSame(a[i], b[i], $"{path}[{i}]");
            }
        }
        else
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").ToList();
            Assert.True(properties.Count > 0 || expected.Equals(actual), $"{path}: {expected} vs {actual}"); // a tuple: its fields
            foreach (var property in properties)
            {
                AssertSame(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
            }
        }
    }
}
