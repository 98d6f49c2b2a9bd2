using System.CommandLine;
using DmaCosim.Cli;

var root = new RootCommand("dmacosim: DMA co-simulation bridge (Verilated AXI CDMA + C# driver)");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(RegressCommand.Create());
root.Subcommands.Add(PerfCommand.Create());
root.Subcommands.Add(CoverageCommand.Create());
root.Subcommands.Add(SoakCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
