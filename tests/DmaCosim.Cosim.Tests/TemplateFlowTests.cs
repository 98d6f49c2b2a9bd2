// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Text;
using DmaCosim.Bridge;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// What README "Write a test" tells a user to do, outside the repository: pack, install the template,
/// create a project from it, `dotnet test` it against the harness. It restores xunit.v3 from the
/// registry: DMACOSIM_OFFLINE=1 skips it (or `--filter Category!=Registry`).
/// </summary>
public sealed class TemplateFlowTests
{
    /// <summary>Set to 1 where the package registry cannot be reached.</summary>
    public const string OfflineVariable = "DMACOSIM_OFFLINE";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "Registry")]
    public async Task Template_PackedInstalledCreatedAndTested_ItsExampleTestPassesAndTheFailingOneIsSkipped()
    {
        Assert.SkipWhen(
            Environment.GetEnvironmentVariable(OfflineVariable) == "1",
            $"{OfflineVariable}=1: the template's project restores xunit.v3 from the package registry");
        var harness = HarnessProcess.Locate();
        Assert.SkipUnless(
            Path.GetFileName(harness) == HarnessProcess.HarnessFileName,
            "the template flow runs once, against the default build");

        // outside the repository: no Directory.Build.props or Directory.Packages.props of ours applies
        var root = Directory.CreateTempSubdirectory("dmacosim-template-").FullName;
        try
        {
            var packages = Path.Combine(root, "packages");
            var hive = Path.Combine(root, "hive");   // a private template store: the user's is not touched
            var project = Path.Combine(root, "src", "MyDriverTests");
            var solution = SourceTree.Find("DmaCosim.slnx");

            await RunAsync(root, root, "dotnet", "pack", solution, "-c", Configuration, "--no-build", "--nologo", "-o", packages);
            var template = Directory.GetFiles(packages, "DmaCosim.Templates.*.nupkg").Single();
            await RunAsync(root, root, "dotnet", "new", "install", template, "--debug:custom-hive", hive);
            await RunAsync(root, root, "dotnet", "new", "dmacosim-test", "-o", project, "--debug:custom-hive", hive);

            // the template's package source is the folder it was packed into
            Assert.Contains(packages, await File.ReadAllTextAsync(Path.Combine(project, "nuget.config"), Ct), StringComparison.Ordinal);
            var output = await RunAsync(root, project, "dotnet", "test", "--nologo");
            Assert.Matches(@"Failed:\s+0, Passed:\s+1, Skipped:\s+1, Total:\s+2", output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs a command in <paramref name="directory"/> to its end (at most <see cref="StepTimeout"/>); fails with its output when it exits non-zero.</summary>
    private static async Task<string> RunAsync(string root, string directory, string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // a clean SDK environment: not the test host's MSBuild and VSTest settings; a private NuGet cache,
        // so a re-packed version is restored again; the harness this test runs against
        foreach (var name in info.Environment.Keys.Where(k =>
                     k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["NUGET_PACKAGES"] = Path.Combine(root, "nuget-cache");
        info.Environment[HarnessOptions.HarnessVariable] = HarnessProcess.Locate();
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{program} {string.Join(' ', arguments)}` did not finish within {StepTimeout.TotalMinutes} minutes");
        }

        output.Append(await stdout).Append(await stderr);
        Assert.True(process.ExitCode == 0, $"`{program} {string.Join(' ', arguments)}` in {directory} exited {process.ExitCode}:\n{output}");
        return output.ToString();
    }
}
