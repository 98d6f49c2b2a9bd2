// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>One real harness process per test collection, started once and shut down at the end.</summary>
public sealed class HarnessFixture : IAsyncLifetime
{
    private HarnessProcess? _harness;

    public HarnessProcess Harness => _harness ?? throw new InvalidOperationException("harness not started");

    public SimClient Sim => Harness.Client;

    public ISimMemory Memory => Harness.Memory;

    public RtlInfo Rtl => Harness.Hello.Rtl;

    public async ValueTask InitializeAsync() => _harness = await HarnessProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_harness != null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>The DRAM model's power-on configuration.</summary>
    public static MemConfig DefaultMemConfig { get; } = new()
    {
        ReadLatency = 0,
        WriteLatency = 0,
        MaxOutstanding = 8,
        Backpressure = Backpressure.None,
        Seed = 0,
        Faults = [],
    };

    /// <summary>Applies <paramref name="change"/> until the returned scope is disposed, then restores the defaults.</summary>
    public async Task<IAsyncDisposable> MemConfigScopeAsync(MemConfig change)
    {
        await Sim.MemConfigAsync(change);
        return new Restore(this);
    }

    /// <summary>
    /// One checked copy: a seeded source, 0xAA guards around the destination, a simple-mode copy, then
    /// the scoreboard over destination, guards and source.
    /// </summary>
    public async Task<CdmaTransferResult> CopyAndCheckAsync(
        CdmaChannel channel, ulong source, ulong destination, int length, ulong seed, string? repro = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var pattern = SeededPattern.Create(length, seed);
        var expected = new ExpectedMemory();
        await Memory.WriteAsync(source, pattern, ct);
        await Guards.PlaceAsync(Memory, expected, destination, length, cancellationToken: ct);
        expected.Expect(destination, pattern, "destination").Expect(source, pattern, "source");

        var result = await channel.MemcpyAsync(destination, source, (uint)length, ct);

        await Scoreboard.AssertMemoryAsync(Memory, expected,
            new ScoreboardContext { Seed = seed, Repro = repro }, ct);
        return result;
    }

    /// <summary>Resets the RTL and the channel: every test starts from power-on state.</summary>
    public async Task<CdmaChannel> FreshChannelAsync()
    {
        await Sim.ResetAsync();
        return new CdmaChannel(Sim, Rtl);
    }
}

internal sealed class Restore(HarnessFixture fixture) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await fixture.Sim.MemConfigAsync(HarnessFixture.DefaultMemConfig);
}

[CollectionDefinition(Name)]
public sealed class SharedHarness : ICollectionFixture<HarnessFixture>
{
    public const string Name = "harness";
}
