// SPDX-License-Identifier: MIT
using System.CommandLine;
using DmaCosim.Testing.Coverage;

namespace DmaCosim.Cli;

/// <summary><c>dmacosim coverage merge FILES... --out FILE [--html FILE]</c>: sums coverage files (shards, runs).</summary>
internal static class CoverageCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "coverage files (JSON, as regress --coverage writes them)", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--out") { Description = "write the merged coverage here (JSON)" };
        var html = new Option<string?>("--html") { Description = "also write the merged coverage as an HTML page here" };
        var merge = new Command("merge", "sum coverage files of the same model (e.g. regress --shard K/N runs) into one") { files, output, html };
        merge.SetAction((r, _) => MergeAsync(r.GetValue(files) ?? [], r.GetValue(output), r.GetValue(html)));
        return new Command("coverage", "functional coverage files") { merge };
    }

    private static async Task<int> MergeAsync(string[] files, string? output, string? html)
    {
        var error = files.Length == 0 ? "give one or more coverage files"
            : string.IsNullOrWhiteSpace(output) ? "--out FILE is required"
            : Directory.Exists(output) ? $"--out '{output}' is a directory"
            : html != null && (string.IsNullOrWhiteSpace(html) || Directory.Exists(html)) ? $"--html '{html}' is not a file name"
            : null;
        if (error != null)
        {
            return await CliConsole.UsageErrorAsync("coverage merge", error).ConfigureAwait(false);
        }

        CoverageDatabase? merged = null;
        foreach (var file in files)
        {
            try
            {
                var database = CoverageDatabase.Load(file);
                if (merged == null)
                {
                    merged = database;
                }
                else
                {
                    merged.Merge(database);
                }
            }
            catch (CoverageFileException e)
            {
                return await CliConsole.UsageErrorAsync("coverage merge", e.Message).ConfigureAwait(false);
            }
            catch (CoverageMismatchException e)
            {
                return await CliConsole.UsageErrorAsync("coverage merge", $"{file} does not match {files[0]}: {e.Message}").ConfigureAwait(false);
            }
        }

        merged!.Save(output!);
        if (html != null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(html));
            Directory.CreateDirectory(directory!);
            await File.WriteAllTextAsync(html, CoverageReport.Html(merged)).ConfigureAwait(false);
        }

        Console.Write(CoverageReport.Table(merged));
        Console.WriteLine($"coverage: {files.Length} files merged into {Path.GetFullPath(output!)}" + (html != null ? $", {Path.GetFullPath(html)}" : ""));
        return 0;
    }
}
