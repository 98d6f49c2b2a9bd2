// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using MessagePack;

namespace DmaCosim.Cosim.Tests;

/// <summary>
/// Our MessagePack codec against msgpack-cxx in the harness: every integer encoding the C# writer
/// does not choose by itself is hand-built here and must be accepted; bin8/16/32 travel both ways.
/// </summary>
[Collection(SharedHarness.Name)]
public sealed class InteropTests(HarnessFixture fixture)
{
    public static TheoryData<string, byte[]> IntegerEncodingsOf100() => new()
    {
        { "positive fixint", [0x64] },
        { "uint8", [0xcc, 100] },
        { "uint16", [0xcd, 0, 100] },
        { "uint32", [0xce, 0, 0, 0, 100] },
        { "uint64", [0xcf, 0, 0, 0, 0, 0, 0, 0, 100] },
        { "int8", [0xd0, 100] },
        { "int16", [0xd1, 0, 100] },
        { "int32", [0xd2, 0, 0, 0, 100] },
        { "int64", [0xd3, 0, 0, 0, 0, 0, 0, 0, 100] },
    };

    [Theory]
    [MemberData(nameof(IntegerEncodingsOf100))]
    public async Task Run_CyclesInAnyIntegerEncoding_RunsExactly100Cycles(string family, byte[] encoded)
    {
        using var raw = new NetMqDealerTransport(fixture.Harness.Endpoint, fixture.Harness.Keys);
        var before = await fixture.Sim.RunAsync(0, TestContext.Current.CancellationToken);

        var reply = RawFrames.Exchange(raw, RunRequest(encoded));

        Assert.True(reply["ok"] is true, $"{family}: {RawFrames.Describe(reply)}");
        Assert.Equal((long)(before + 100), reply["cycle"]);
    }

    [Theory]
    [InlineData(255)] // bin8
    [InlineData(256)] // bin16
    [InlineData(65536)] // bin32
    public async Task MemWriteThenMemRead_BinFamilies_BytesSurviveBothCodecs(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i ^ (i >> 8))).ToArray();

        await fixture.Sim.MemWriteAsync(0x0070_0000, data, TestContext.Current.CancellationToken);

        Assert.Equal(data, await fixture.Sim.MemReadAsync(0x0070_0000, length, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Request_KeysAsStr8_AreAcceptedLikeFixstr()
    {
        using var raw = new NetMqDealerTransport(fixture.Harness.Endpoint, fixture.Harness.Keys);
        var frame = RawFrames.Encode(2, (ref MessagePackWriter writer) =>
        {
            writer.WriteRaw(new byte[] { 0xd9, 2, (byte)'i', (byte)'d' }); // str8 "id"
            writer.Write(3);
            writer.WriteRaw(new byte[] { 0xd9, 2, (byte)'o', (byte)'p' }); // str8 "op"
            writer.WriteRaw(new byte[] { 0xda, 0, 5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }); // str16 "hello"
        });

        var reply = RawFrames.Exchange(raw, frame);

        Assert.True(reply["ok"] is true, RawFrames.Describe(reply));
    }

    private static byte[] RunRequest(byte[] encodedCycles) => RawFrames.Encode(3, (ref MessagePackWriter writer) =>
    {
        writer.Write("id");
        writer.Write(1);
        writer.Write("op");
        writer.Write("run");
        writer.Write("cycles");
        writer.WriteRaw(encodedCycles);
    });
}
