using DmaCosim.Bridge;
using DmaCosim.Driver;

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

    /// <summary>Resets the RTL and the channel: every test starts from power-on state.</summary>
    public async Task<CdmaChannel> FreshChannelAsync()
    {
        await Sim.ResetAsync();
        return new CdmaChannel(Sim, Memory, Rtl);
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
