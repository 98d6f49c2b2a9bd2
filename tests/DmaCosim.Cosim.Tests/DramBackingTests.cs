// SPDX-License-Identifier: MIT
using System.Diagnostics;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The DRAM's backing and its resident cap (issue 15): a harness whose /dev/shm is a 64 MiB tmpfs moves far more than
/// that, a harness with <c>--dram-cap 32M</c> refuses the 33rd MiB with DRAM_CAP (and a DMA write beyond it with
/// SLVERR, recorded), and bad options stop it at start naming the option. Each test starts its own harness.
/// </summary>
public sealed class DramBackingTests
{
    private const int MiB = 1 << 20;
    private const int Chunk = 16 * MiB;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SmallDevShm_MoreThan128MiBThroughMemWriteAndDma_ExactBytesAndHarnessAlive()
    {
        Assert.SkipUnless(Environment.UserName == "root",
            "needs root: the test mounts a 64 MiB tmpfs on /dev/shm in a private mount namespace (unshare -m)");
        Assert.SkipUnless(await CanUnshareAsync(), "unshare -m with a tmpfs mount is not available here (no CAP_SYS_ADMIN, or no unshare(1))");
        await using var harness = await HarnessProcess.StartAsync(new HarnessOptions
        {
            Launcher = ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=64m tmpfs /dev/shm && exec \"$0\" \"$@\""],
        }, Ct);
        // the harness really sees a 64 MiB /dev/shm (otherwise this test would prove nothing)
        // the last mount on /dev/shm is the one the harness sees (ours, stacked on the host's)
        var shm = File.ReadLines($"/proc/{harness.ProcessId}/mounts").Last(l => l.Split(' ')[1] == "/dev/shm");
        Assert.Contains("size=65536k", shm, StringComparison.Ordinal);
        var sim = harness.Client;

        // 8 x 16 MiB through mem_write (128 MiB), then two 16 MiB DMA copies of it (32 MiB more): 160 MiB in DRAM
        for (var i = 0; i < 8; i++)
        {
            await sim.MemWriteAsync((ulong)i * Chunk, SeededPattern.Create(Chunk, (ulong)i + 1), Ct);
        }

        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ResetAsync(Ct);
        for (var i = 0; i < 2; i++)
        {
            await channel.MemcpyAsync((ulong)(8 + i) * Chunk, (ulong)i * Chunk, Chunk, Ct);
        }

        for (var i = 0; i < 10; i++)
        {
            var expected = SeededPattern.Create(Chunk, (ulong)(i < 8 ? i + 1 : i - 8 + 1));
            var actual = await sim.MemReadAsync((ulong)i * Chunk, Chunk, Ct);
            Assert.True(expected.SequenceEqual(actual), $"16 MiB chunk {i} differs");
        }

        var cap = await sim.DramCapStatsAsync(cancellationToken: Ct);
        Assert.True(cap.Resident >= 160UL * MiB, $"resident {cap.Resident} bytes after writing 160 MiB");
        Assert.False(harness.HasExited);
    }

    [Fact]
    public async Task DramCap32M_The33rdMiB_DramCapErrorNothingWrittenHarnessAlive()
    {
        await using var harness = await StartCappedAsync();
        var sim = harness.Client;
        var written = 0;
        SimRequestException? refused = null;
        for (var i = 0; i < 40 && refused == null; i++)
        {
            try
            {
                await sim.MemWriteAsync((ulong)i * MiB, SeededPattern.Create(MiB, (ulong)i), Ct);
                written++;
            }
            catch (SimRequestException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(SimErrorCode.DramCap, refused.ErrorCode);
        Assert.Equal(32, written);
        Assert.All(await sim.MemReadAsync(32UL * MiB, MiB, Ct), b => Assert.Equal(0, b)); // nothing of it written
        var cap = await sim.DramCapStatsAsync(cancellationToken: Ct);
        Assert.Equal(32UL * MiB, cap.Cap);
        Assert.InRange(cap.Resident, 32UL * MiB, 32UL * MiB); // the refused write took nothing, reading the hole neither
        // alive: a write to pages it holds already still works, and so does the rest
        await sim.MemWriteAsync(5UL * MiB, SeededPattern.Create(MiB, 99), Ct);
        Assert.Equal(SeededPattern.Create(MiB, 99), await sim.MemReadAsync(5UL * MiB, MiB, Ct));
        Assert.False(harness.HasExited);
    }

    [Fact]
    public async Task DramCap32M_DmaCopyBeyondIt_DmaSlvErrAndRecordedRefusal()
    {
        await using var harness = await StartCappedAsync();
        var sim = harness.Client;
        for (var i = 0; i < 31; i++)
        {
            await sim.MemWriteAsync((ulong)i * MiB, SeededPattern.Create(MiB, (ulong)i), Ct);
        }

        var channel = new CdmaChannel(sim, harness.Hello.Rtl);
        await channel.ResetAsync(Ct);
        const ulong destination = 64UL * MiB;
        var before = await sim.DramCapStatsAsync(cancellationToken: Ct);

        // 2 MiB to fresh pages: the first MiB fits under the cap, the rest does not
        var error = await Assert.ThrowsAsync<CdmaTransferException>(() => channel.MemcpyAsync(destination, 0, 2 * MiB, Ct));

        var after = await sim.DramCapStatsAsync(cancellationToken: Ct);
        Assert.Equal("DMASlvErr", error.Status.Errors);
        Assert.Equal(0UL, before.Refused);
        Assert.True(after.Refused >= 1, "no refusal recorded");
        var first = after.Refusals[0];
        Assert.InRange(first.Address, destination, destination + (2 * MiB) - 1);
        Assert.InRange(first.Cycle, before.Cycle + 1, after.Cycle);
        Assert.True(after.Resident <= after.Cap, $"resident {after.Resident} above the cap {after.Cap}");
        Assert.All(await sim.MemReadAsync(first.Address & ~0xFFFUL, 4096, Ct), b => Assert.Equal(0, b)); // the refused burst wrote nothing
        await channel.ResetAsync(Ct);
        await channel.MemcpyAsync(2 * MiB, 0, 4096, Ct); // alive, and copies into pages it holds still work
        Assert.Equal(SeededPattern.Create(MiB, 0)[..4096], await sim.MemReadAsync(2 * MiB, 4096, Ct));
    }

    [Theory]
    [InlineData("--dram-cap", "4K")]
    [InlineData("--dram-cap", "32Q")]
    [InlineData("--dram-cap", "1000000")]
    [InlineData("--dram-dir", "/nonexistent/dmacosim")]
    [InlineData("--dram-dir", "/proc/self/status")]
    public Task HarnessCommandLine_BadDramOption_ExitsTwoNamingTheOption(string option, string value) =>
        HarnessCommandLine.FailsAsync(option, option, value);

    [Fact]
    public async Task DramDir_FilesThereMode0600_RemovedAtExit()
    {
        var dir = Directory.CreateTempSubdirectory("dmacosim-dramdir-");
        try
        {
            string path;
            await using (var harness = await HarnessProcess.StartAsync(new HarnessOptions { ExtraArguments = ["--dram-dir", dir.FullName] }, Ct))
            {
                path = harness.Hello.Dram[0].Shm;
                Assert.Equal(dir.FullName, Path.GetDirectoryName(path));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                await harness.Memory.WriteAsync(4096, new byte[] { 1, 2, 3 }, Ct);
                Assert.Equal(new byte[] { 1, 2, 3 }, await harness.Client.MemReadAsync(4096, 3, Ct));
            }

            Assert.False(File.Exists(path), $"{path} left behind");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Task<HarnessProcess> StartCappedAsync() =>
        HarnessProcess.StartAsync(new HarnessOptions { ExtraArguments = ["--dram-cap", "32M"] }, Ct);

    private static async Task<bool> CanUnshareAsync()
    {
        try
        {
            var info = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=64m tmpfs /dev/shm" })
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no unshare(1)
        }
    }
}
