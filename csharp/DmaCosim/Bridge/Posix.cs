// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace DmaCosim.Bridge;

/// <summary>The one POSIX call .NET lacks here: sending a signal other than SIGKILL.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it failed (e.g. already gone).</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int kill(int pid, int sig);
}
