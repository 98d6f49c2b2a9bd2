// SPDX-License-Identifier: MIT
using System.Globalization;

namespace DmaCosim.Testing;

/// <summary>What one CPU action of a scenario does, and when.</summary>
public enum CpuActionKind
{
    /// <summary>Before the transfer: cached stores into part of a source; the driver then maps it ToDevice (clean).</summary>
    StoreSource,

    /// <summary>
    /// Before the transfer: cached loads of part of a destination (its lines are cached); the driver maps it
    /// FromDevice, and after completion unmaps it and the CPU loads the same bytes again.
    /// </summary>
    LoadDestination,

    /// <summary>While the DMA runs: cached loads from the unrelated region.</summary>
    LoadUnrelated,

    /// <summary>While the DMA runs: cached stores into the unrelated region.</summary>
    StoreUnrelated,
}

/// <summary>One CPU access of a scenario.</summary>
/// <param name="Kind">What it does and when.</param>
/// <param name="Copy">The copy whose source or destination it touches, or −1 for the unrelated region.</param>
/// <param name="Address">First byte.</param>
/// <param name="Length">Bytes, ≥ 1.</param>
public sealed record CpuAction(CpuActionKind Kind, int Copy, ulong Address, int Length)
{
    /// <summary>True for the accesses issued while the DMA runs (the unrelated region).</summary>
    public bool DuringTransfer => Kind is CpuActionKind.LoadUnrelated or CpuActionKind.StoreUnrelated;

    /// <summary>True for stores.</summary>
    public bool IsStore => Kind is CpuActionKind.StoreSource or CpuActionKind.StoreUnrelated;
}

/// <summary>
/// The CPU's part of a scenario: cached stores into sources and cached loads of destinations around the
/// transfer (through the DMA API, as a correct driver does), and loads and stores to a region no DMA
/// buffer shares a cache line with, issued while the DMA runs.
/// </summary>
/// <param name="Actions">The accesses, in program order.</param>
/// <param name="UnrelatedBase">First byte of the unrelated region.</param>
/// <param name="UnrelatedLength">Its size in bytes (0 when no action touches it).</param>
public sealed record CpuActivity(IReadOnlyList<CpuAction> Actions, ulong UnrelatedBase, int UnrelatedLength)
{
    /// <summary>One short phrase, e.g. "CPU: 2 source stores, 1 destination read-back, 5 accesses during the transfer".</summary>
    /// <returns>The phrase.</returns>
    public string Describe()
    {
        var parts = new List<string>();
        Count(CpuActionKind.StoreSource, "source store", "source stores");
        Count(CpuActionKind.LoadDestination, "destination read-back", "destination read-backs");
        var during = Actions.Count(a => a.DuringTransfer);
        if (during > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{during} loads/stores to 0x{UnrelatedBase:X}+{UnrelatedLength} during the transfer"));
        }

        return "CPU: " + string.Join(", ", parts);

        void Count(CpuActionKind kind, string one, string many)
        {
            var n = Actions.Count(a => a.Kind == kind);
            if (n > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}"));
            }
        }
    }
}
