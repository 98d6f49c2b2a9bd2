// SPDX-License-Identifier: MIT
using DmaCosim.Cli;

// Socket completions inline on .NET's epoll thread instead of a hop through the thread pool: NetMQ's
// I/O thread only queues them, so nothing blocks there, and a round trip saves one thread wake-up
// (docs/performance.md, "Tuning the NetMQ client"). Read once, when the first socket is created: so
// set here, before any; a value the user set is kept (=0 measures without it).
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) == null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

return await Cli.RunAsync(args).ConfigureAwait(false);
