// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>Finds files of the DmaCosim source tree (rtl/, docs/) from a test's output directory.</summary>
public static class SourceTree
{
    /// <summary>Walks up from the application directory to the first directory holding <paramref name="relative"/>.</summary>
    /// <param name="relative">A path relative to the repository root, e.g. <c>rtl/dma_pkg.sv</c>.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="FileNotFoundException">No parent directory holds it.</exception>
    public static string Find(string relative) =>
        HarnessProcess.FindUpwards(relative, AppContext.BaseDirectory)
        ?? throw new FileNotFoundException($"{relative} not found in any parent of {AppContext.BaseDirectory}", relative);
}
