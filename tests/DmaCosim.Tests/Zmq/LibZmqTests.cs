// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using DmaCosim.Bridge.Zmq;
using Xunit;

namespace DmaCosim.Tests.Zmq;

public partial class LibZmqTests
{
    private const string Header = "/usr/include/zmq.h";

    [Fact]
    public void LibraryVersion_Loaded_Reports4x() =>
        Assert.Equal(4, ZmqContext.LibraryVersion.Major);

    [Fact]
    public void ZmqMsg_Layout_Is64Bytes() =>
        Assert.Equal(64, Unsafe.SizeOf<ZmqMsg>());

    [Fact]
    public void ZmqPollItem_Layout_MatchesPosixZmqPollItemT() =>
        Assert.Equal(16, Unsafe.SizeOf<ZmqPollItem>());

    [Fact]
    public void StrError_Einval_ReturnsLibzmqText() =>
        Assert.Equal("Invalid argument", LibZmq.StrError(LibZmq.EINVAL));

    [Fact]
    public void Constants_ComparedWithZmqHeader_Match()
    {
        Assert.SkipUnless(File.Exists(Header), $"{Header} is not installed (libzmq3-dev)");
        var defines = new Dictionary<string, long>();
        foreach (Match match in DefinePattern().Matches(File.ReadAllText(Header)))
        {
            defines[match.Groups[1].Value] = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        Assert.Equal((long)ZmqSocketType.Pair, defines["ZMQ_PAIR"]);
        Assert.Equal((long)ZmqSocketType.Pub, defines["ZMQ_PUB"]);
        Assert.Equal((long)ZmqSocketType.Sub, defines["ZMQ_SUB"]);
        Assert.Equal((long)ZmqSocketType.Req, defines["ZMQ_REQ"]);
        Assert.Equal((long)ZmqSocketType.Rep, defines["ZMQ_REP"]);
        Assert.Equal((long)ZmqSocketType.Dealer, defines["ZMQ_DEALER"]);
        Assert.Equal((long)ZmqSocketType.Router, defines["ZMQ_ROUTER"]);
        Assert.Equal(LibZmq.ZMQ_RCVMORE, defines["ZMQ_RCVMORE"]);
        Assert.Equal(LibZmq.ZMQ_LINGER, defines["ZMQ_LINGER"]);
        Assert.Equal(LibZmq.ZMQ_MAXMSGSIZE, defines["ZMQ_MAXMSGSIZE"]);
        Assert.Equal(LibZmq.ZMQ_LAST_ENDPOINT, defines["ZMQ_LAST_ENDPOINT"]);
        Assert.Equal(LibZmq.ZMQ_DONTWAIT, defines["ZMQ_DONTWAIT"]);
        Assert.Equal(LibZmq.ZMQ_SNDMORE, defines["ZMQ_SNDMORE"]);
        Assert.Equal(LibZmq.ZMQ_POLLIN, defines["ZMQ_POLLIN"]);
        Assert.Equal(LibZmq.ZMQ_HAUSNUMERO, defines["ZMQ_HAUSNUMERO"]);
    }

    [GeneratedRegex(@"^#define (ZMQ_\w+) (\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex DefinePattern();
}
