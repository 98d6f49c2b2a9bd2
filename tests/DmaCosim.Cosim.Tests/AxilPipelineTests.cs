// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Bridge;
using DmaCosim.Driver;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// The register interface under a pipelining AXI-Lite master (<c>--axil-pipeline N</c>, with <c>--axil-skew</c>): a
/// batch's consecutive <c>reg_write</c> / <c>reg_read</c> entries go out with up to N in flight — the next write's AW / W
/// before the previous B, as a CPU posts writes back to back — so the slave's handling of a request that arrives while
/// the previous one still waits for its response is exercised (with one access in flight it never is). Every cycle the
/// harness checks the AXI-Lite port's protocol (responses only for what is owed, held until taken); the register-map
/// phase's reference model checks every value, and regress's first seeds check the rest.
/// </summary>
public sealed class AxilPipelineTests
{
    private const int Depth = 4;
    private const int PhaseSeeds = 30;
    private const int RegressSeeds = 12;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HarnessProcess> StartPipeliningAsync(ulong seed, bool skew = true)
    {
        List<string> args = ["--axil-pipeline", Depth.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture)];
        if (skew)
        {
            args.Add("--axil-skew");
        }

        return HarnessProcess.StartAsync(new HarnessOptions { ExtraArguments = args }, Ct);
    }

    private static SimRequest Write(uint offset, uint value) =>
        new(Wire.Op.RegWrite, new Dictionary<string, object?> { [Wire.Field.Addr] = offset, [Wire.Field.Value] = value });

    private static SimRequest Read(uint offset) => new(Wire.Op.RegRead, new Dictionary<string, object?> { [Wire.Field.Addr] = offset });

    private static async Task<ulong> MaxInFlightAsync(SimClient sim) =>
        (await sim.RequestAsync(Wire.Op.Stats, cancellationToken: Ct)).GetMap(Wire.Field.Axil).GetUInt64(Wire.Field.MaxInFlight);

    [Fact]
    public async Task Pipeline_BatchOfWritesThenReads_OverlapsAccessesAndAnswersInOrder()
    {
        var requests = new List<SimRequest>();
        for (uint i = 0; i < 12; i++)
        {
            requests.Add(Write(CdmaRegisters.SaOffset, 0x1000u * (i + 1)));
        }

        requests.Add(Write(CdmaRegisters.DaOffset, 0xD0));
        requests.Add(Read(CdmaRegisters.SaOffset));
        requests.Add(Read(CdmaRegisters.DaOffset));
        requests.Add(Read(CdmaRegisters.SaOffset));

        foreach (var pipelining in new[] { true, false })
        {
            await using var harness = pipelining ? await StartPipeliningAsync(5, skew: false) : await HarnessProcess.StartAsync(cancellationToken: Ct);
            await harness.Client.RequestAsync(Wire.Op.Stats, new Dictionary<string, object?> { [Wire.Field.Reset] = true }, cancellationToken: Ct);

            var replies = await harness.Client.BatchAsync(requests, Ct);

            Assert.Equal(requests.Count, replies.Count);
            Assert.Equal([0xC000ul, 0xD0ul, 0xC000ul], replies.Skip(13).Select(r => r.GetUInt64(Wire.Field.Value)));
            var cycles = replies.Select(r => r.GetUInt64(Wire.Field.Cycle)).ToList();
            Assert.True(cycles.Zip(cycles.Skip(1)).All(p => p.First < p.Second), $"answered out of order: cycles {string.Join(",", cycles)}");
            var inFlight = await MaxInFlightAsync(harness.Client);
            if (pipelining)
            {
                Assert.InRange(inFlight, 2ul, (ulong)Depth);
            }
            else
            {
                Assert.Equal(1ul, inFlight);
            }
        }
    }

    [Fact]
    public async Task Pipeline_BatchStopsAtADecerr_PostedWriteBehindItCompletesAndTheBusStaysUsable()
    {
        await using var harness = await StartPipeliningAsync(9, skew: false);
        var sim = harness.Client;
        await sim.RequestAsync(Wire.Op.Stats, new Dictionary<string, object?> { [Wire.Field.Reset] = true }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<SimBatchException>(() => sim.BatchAsync(
            [Write(CdmaRegisters.SaOffset, 0x11), Write(0x200, 1), Write(CdmaRegisters.SaOffset, 0x22), Read(CdmaRegisters.SaOffset)], Ct));

        // the batch reports up to the DECERR; the write posted behind it was already on the bus (as a CPU's posted
        // write is: presented while the DECERR write waited for its B) and completed; the read behind it would have
        // waited for that write's B, so it never went out and was dropped
        Assert.Equal(1, error.Index);
        Assert.Equal(SimErrorCode.BusError, error.ErrorCode);
        Assert.Contains("DECERR", error.EntryMessage, StringComparison.Ordinal);
        var stats = (await sim.RequestAsync(Wire.Op.Stats, cancellationToken: Ct)).GetMap(Wire.Field.Axil);
        Assert.Equal(3ul, stats.GetUInt64(Wire.Field.Writes));
        Assert.Equal(0ul, stats.GetUInt64(Wire.Field.Reads));
        Assert.Equal(0x22u, await sim.RegReadAsync(CdmaRegisters.SaOffset, Ct));
    }

    [Fact]
    public async Task RegisterMapPhase_PipeliningSkewedMaster_EveryValueAndResponseAsTheModelPredicts()
    {
        await using var harness = await StartPipeliningAsync(7);
        await RegisterInterfaceRuns.RegisterMapPhaseAsync(harness, PhaseSeeds, Ct);
        Assert.True(await MaxInFlightAsync(harness.Client) >= 2, "the phase's batches never had two accesses in flight");
    }

    [Fact]
    public async Task Regress_PipeliningSkewedMaster_FirstSeedsPass()
    {
        await using var harness = await StartPipeliningAsync(11);
        await RegisterInterfaceRuns.RegressAsync(harness, RegressSeeds, "a pipelining AXI-Lite master", Ct);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    [InlineData("two")]
    public Task HarnessCommandLine_AxilPipelineOutOfRange_ExitsTwoNamingTheOption(string value) =>
        HarnessCommandLine.FailsAsync($"--axil-pipeline: '{value}' is not a number of accesses in 1..16", "--axil-pipeline", value);
}
