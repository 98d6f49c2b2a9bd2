// SPDX-License-Identifier: MIT
using System.CommandLine;
using System.Globalization;
using DmaCosim.Testing.Coverage;
using DmaCosim.Testing.Sharding;

namespace DmaCosim.Cli;

/// <summary>
/// <c>dmacosim merge DIR|FILES… --junit OUT [--coverage OUT]</c>: one JUnit file, one summary and one coverage file
/// from the shards of a regression, after checking the set is complete and disjoint for the seed list it declares.
/// Exit 0 when every seed passed, 1 when some failed, 2 when the set cannot be merged (nothing is written then).
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("shards")
        {
            Description = "shard JUnit files of regress --junit, or directories of them (every *.xml in it)", Arity = ArgumentArity.ZeroOrMore,
        };
        var junit = new Option<string?>("--junit") { Description = "write the merged JUnit XML here (required)" };
        var coverage = new Option<string?>("--coverage")
        {
            Description = "also merge the shards' functional coverage (each shard's regress --coverage file) into this JSON, and its .html next to it",
        };
        var command = new Command("merge", "merge regress shards (--shard K/N or auto) into one result, checking none is missing or run twice")
        {
            inputs, junit, coverage,
        };
        command.SetAction((r, _) => RunAsync(r.GetValue(inputs) ?? [], r.GetValue(junit), r.GetValue(coverage)));
        return command;
    }

    private static async Task<int> RunAsync(string[] inputs, string? junit, string? coverage)
    {
        var error = inputs.Length == 0 ? "give shard JUnit files or a directory of them"
            : string.IsNullOrWhiteSpace(junit) ? "--junit FILE is required"
            : Directory.Exists(junit) ? $"--junit '{junit}' is a directory"
            : coverage != null && (string.IsNullOrWhiteSpace(coverage) || Directory.Exists(coverage)) ? $"--coverage '{coverage}' is not a file name"
            : coverage != null && Path.GetExtension(coverage).Equals(".html", StringComparison.OrdinalIgnoreCase) ? $"--coverage '{coverage}': give the JSON file's name"
            : null;
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("merge", error).ConfigureAwait(false);
        }

        ShardMerge merged;
        CoverageDatabase? database = null;
        try
        {
            var files = Expand(inputs, Path.GetFullPath(junit!));
            merged = ShardMerge.Merge([.. files.Select(ShardFile.Load)]);
            if (coverage != null)
            {
                database = merged.MergeCoverage();
            }
        }
        catch (ShardMergeException e)
        {
            return await CliConsole.UsageErrorAsync("merge", e.Message).ConfigureAwait(false);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(junit!))!;
        Directory.CreateDirectory(directory);
        if (database != null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(coverage!))!);
            database.Save(coverage!);
            await File.WriteAllTextAsync(Path.ChangeExtension(coverage!, ".html"), CoverageReport.Html(database)).ConfigureAwait(false);
        }

        merged.ToJUnit(coverage == null ? null : Path.GetRelativePath(directory, Path.GetFullPath(coverage))).Save(junit!);
        Summarize(merged, database);
        Console.WriteLine($"junit: {Path.GetFullPath(junit!)} ({merged.Cases.Count} testcases)"
            + (coverage != null ? $"; coverage: {Path.GetFullPath(coverage)}, {Path.GetFullPath(Path.ChangeExtension(coverage, ".html"))}" : ""));
        return merged.Cases.All(c => c.Passed) ? 0 : 1;
    }

    // directories give their *.xml (not the output itself), in name order; files are taken as given
    private static List<string> Expand(string[] inputs, string output)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.GetFiles(input, "*.xml").Where(f => Path.GetFullPath(f) != output).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    throw new ShardMergeException($"{input} holds no *.xml shard files");
                }

                files.AddRange(found);
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new ShardMergeException($"{input}: no such file or directory");
            }
        }

        return files;
    }

    private static void Summarize(ShardMerge merged, CoverageDatabase? database)
    {
        var d = merged.Declared;
        var passed = merged.Cases.Count(c => c.Passed);
        Console.WriteLine($"merge: {merged.Shards.Count} shards of {d.Selection} (build {d.Build}, generator {d.Generator}), complete and disjoint");
        foreach (var shard in merged.Shards)
        {
            var wall = shard.WallSeconds is { } w ? string.Create(CultureInfo.InvariantCulture, $", wall {w:0.0} s") : "";
            var source = shard.Source != null ? $", {shard.Source}" : "";
            Console.WriteLine($"  shard {shard.Declared.Shard}: {shard.Cases.Count} seeds, {shard.Passed} passed{wall}  {shard.Path}{source}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"merged: {merged.Cases.Count} seeds, {passed} passed, {merged.Cases.Count - passed} failed, {merged.Cases.Sum(c => (decimal)c.Cycles)} simulated cycles"));
        foreach (var failure in merged.Cases.Where(c => !c.Passed))
        {
            var message = (string?)failure.Element.Element("failure")?.Attribute("message") ?? (string?)failure.Element.Element("error")?.Attribute("message") ?? "";
            Console.WriteLine($"FAIL seed {failure.Seed}: {message}");
            var repro = failure.Element.Element("failure")?.Value.Split('\n').FirstOrDefault(l => l.StartsWith("repro: ", StringComparison.Ordinal));
            if (repro != null)
            {
                Console.WriteLine($"  {repro}");
            }
        }

        if (database != null)
        {
            Console.Write(CoverageReport.Table(database));
        }
    }
}
