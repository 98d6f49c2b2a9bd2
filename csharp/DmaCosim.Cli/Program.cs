// SPDX-License-Identifier: MIT
using DmaCosim.Cli;

return await Cli.RunAsync(args).ConfigureAwait(false);
