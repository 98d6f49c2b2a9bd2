// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Tests.Bridge;

/// <summary>
/// Where <see cref="HarnessProcess.Locate"/> looks, in order: the environment variable, next to the
/// application, a source tree's build/, an install prefix (from PATH, /usr/local, ~/.local).
/// </summary>
public sealed class HarnessLocateTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dmacosim-locate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string relative) => Directory.CreateDirectory(Path.Combine(_root, relative)).FullName;

    private string Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        return path;
    }

    // the application directory twice, as AppContext.BaseDirectory (trailing slash) and the assembly's directory
    private string Locate(string? env = null, string? pathVariable = null) => HarnessProcess.Search(
        env, [Dir("app") + "/", Dir("app")], [Dir("repo/sub"), Dir("repo/sub") + "/"], pathVariable ?? Dir("bin-empty"), Dir("home"));

    [Fact]
    public void Locate_EveryPlaceHoldsOne_TheEnvironmentVariableWins()
    {
        var env = Touch("env/my-harness");
        Touch("app/dmacosim-harness");
        Touch("repo/build/dmacosim-harness");
        Assert.Equal(env, Locate(env));
    }

    [Fact]
    public void Locate_EnvironmentVariableNamesNothing_ErrorNamesIt()
    {
        Touch("app/dmacosim-harness");
        var error = Assert.Throws<FileNotFoundException>(() => Locate(Path.Combine(_root, "nope")));
        Assert.Contains($"DMACOSIM_HARNESS={_root}/nope does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_NextToTheApplicationAndInTheSourceTree_TheApplicationsWins()
    {
        var app = Touch("app/dmacosim-harness");
        Touch("repo/build/dmacosim-harness");
        Assert.Equal(app, Locate());
    }

    [Fact]
    public void Locate_SourceTreeAndPrefix_TheSourceTreesBuildWins()
    {
        var built = Touch("repo/build/dmacosim-harness");
        Touch("prefix/bin/dmacosim");
        Touch("prefix/lib/dmacosim/dmacosim-harness");
        Assert.Equal(built, Locate(pathVariable: Path.Combine(_root, "prefix/bin")));
    }

    [Fact]
    public void Locate_InstalledCliOnPath_ThePrefixsLibDirectory()
    {
        Touch("other/bin/dmacosim");   // a dmacosim on PATH whose prefix has no harness: skipped
        Touch("prefix/bin/dmacosim");
        var installed = Touch("prefix/lib/dmacosim/dmacosim-harness");
        var path = string.Join(':', Dir("bin-empty"), Path.Combine(_root, "other/bin"), Path.Combine(_root, "prefix/bin"));
        Assert.Equal(installed, Locate(pathVariable: path));
    }

    [Fact]
    public void Locate_InstalledInTheHomePrefix_Found()
    {
        var installed = Touch("home/.local/lib/dmacosim/dmacosim-harness");
        Assert.Equal(installed, Locate());
    }

    [Fact]
    public void Locate_NowhereAtAll_ErrorNamesEveryPlaceTriedInOrder()
    {
        Touch("prefix/bin/dmacosim");
        var error = Assert.Throws<FileNotFoundException>(() => Locate(pathVariable: Path.Combine(_root, "prefix/bin")));
        string[] places =
        [
            "$DMACOSIM_HARNESS (not set)",
            $"{_root}/app/dmacosim-harness",
            $"build/dmacosim-harness in {_root}/repo/sub and its parents",
            $"{_root}/prefix/lib/dmacosim/dmacosim-harness",
            "/usr/local/lib/dmacosim/dmacosim-harness",
            $"{_root}/home/.local/lib/dmacosim/dmacosim-harness",
        ];
        var at = places.Select(p => error.Message.IndexOf(p, StringComparison.Ordinal)).ToArray();
        Assert.All(at, i => Assert.True(i >= 0, error.Message));
        Assert.Equal(at.Order(), at);
        Assert.All(places, p => Assert.Equal(at[Array.IndexOf(places, p)], error.Message.LastIndexOf(p, StringComparison.Ordinal)));
        Assert.Contains("make install PREFIX=", error.Message, StringComparison.Ordinal);
    }
}
