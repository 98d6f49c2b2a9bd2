// SPDX-License-Identifier: MIT
using DmaCosim.Dma;

namespace DmaCosim.Tests.Dma;

/// <summary>
/// <see cref="IovaAllocator"/> against a page-bitmap reference model over random allocate / free
/// sequences: every range inside the window, page-aligned, disjoint from every live one; an
/// allocation fails exactly when the model has no free run that long, and then changes nothing.
/// </summary>
public sealed class IovaAllocatorTests
{
    private const ulong Page = IovaAllocator.PageSize;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void AllocateFree_RandomSequence_MatchesThePageModel(int seed)
    {
        const int pages = 64;
        var random = new Random(seed);
        var allocator = new IovaAllocator(0x8000_0000, pages * Page);
        var used = new bool[pages];
        var live = new Dictionary<ulong, ulong>();

        for (var step = 0; step < 2000; step++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var (start, n) = live.ElementAt(random.Next(live.Count));
                Assert.True(allocator.Free(start));
                live.Remove(start);
                for (var p = 0UL; p < n; p++)
                {
                    used[((start - allocator.Start) / Page) + p] = false;
                }

                continue;
            }

            var want = (ulong)random.Next(1, 12);
            var fits = LongestFreeRun(used) >= (int)want;
            if (!fits)
            {
                var inUse = allocator.PagesInUse;
                Assert.Throws<DmaAllocationException>(() => allocator.Allocate(want));
                Assert.Equal(inUse, allocator.PagesInUse);
                continue;
            }

            var got = allocator.Allocate(want);
            Assert.Equal(0UL, got % Page);
            Assert.InRange(got, allocator.Start, allocator.Start + ((pages - want) * Page));
            for (var p = 0UL; p < want; p++)
            {
                var index = ((got - allocator.Start) / Page) + p;
                Assert.False(used[index], $"step {step}: page {index} handed out twice");
                used[index] = true;
            }

            live[got] = want;
        }

        foreach (var start in live.Keys.ToList())
        {
            Assert.True(allocator.Free(start));
        }

        Assert.Equal(allocator.Start, allocator.Allocate(pages)); // the free runs coalesced again
    }

    [Fact]
    public void Free_NotALiveAllocation_ReturnsFalse()
    {
        var allocator = new IovaAllocator(0, 4 * Page);
        var first = allocator.Allocate(2);

        Assert.False(allocator.Free(first + Page));
        Assert.True(allocator.Free(first));
        Assert.False(allocator.Free(first));
    }

    [Theory]
    [InlineData(0x1001UL, 4096UL)]
    [InlineData(0x1000UL, 0UL)]
    [InlineData(0x1000UL, 100UL)]
    [InlineData(0xFFFF_FFFF_FFFF_F000UL, 8192UL)]
    public void Constructor_BadWindow_Throws(ulong start, ulong size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new IovaAllocator(start, size));

    private static int LongestFreeRun(bool[] used)
    {
        int best = 0, run = 0;
        foreach (var u in used)
        {
            run = u ? 0 : run + 1;
            best = Math.Max(best, run);
        }

        return best;
    }
}
