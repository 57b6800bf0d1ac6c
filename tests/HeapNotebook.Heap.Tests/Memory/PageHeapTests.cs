using CsCheck;
using HeapNotebook.Heap.Memory;

namespace HeapNotebook.Heap.Tests.Memory;

/// <summary>
/// The page heap against a model a reader can check by eye: a list of page states, first fit from
/// the lowest address, growth in 512-page (4 MiB) steps that reuse free pages at the top, exact
/// growth when the limit allows no whole step, and a scavenger that releases free pages from the top.
/// </summary>
public sealed class PageHeapTests
{
    private sealed class PageModel(int limitPages)
    {
        public readonly List<bool> Free = [];
        public readonly List<bool> Released = [];

        public int Allocate(int pages)
        {
            var start = FindRun(pages);
            if (start < 0)
            {
                var tail = 0;
                while (tail < Free.Count && Free[Free.Count - 1 - tail])
                {
                    tail++;
                }

                var needed = pages - tail;
                var grow = (needed + 511) / 512 * 512;
                if (Free.Count + grow > limitPages)
                {
                    grow = needed;
                }

                if (Free.Count + grow > limitPages)
                {
                    return -1;
                }

                for (var i = 0; i < grow; i++)
                {
                    Free.Add(true);
                    Released.Add(false);
                }

                start = FindRun(pages);
            }

            for (var p = start; p < start + pages; p++)
            {
                Free[p] = false;
                Released[p] = false;
            }

            return start;
        }

        public void Scavenge(long retainBytes)
        {
            var retain = retainBytes / 8192;
            var released = Released.Count(r => r);
            for (var p = Free.Count - 1; p >= 0 && Free.Count - released > retain; p--)
            {
                if (Free[p] && !Released[p])
                {
                    Released[p] = true;
                    released++;
                }
            }
        }

        private int FindRun(int pages)
        {
            var run = 0;
            for (var p = 0; p < Free.Count; p++)
            {
                run = Free[p] ? run + 1 : 0;
                if (run == pages)
                {
                    return p - pages + 1;
                }
            }

            return -1;
        }
    }

    private readonly record struct PageOp(int Kind, int Pages, int Pick);

    private static readonly Gen<PageOp> GenPageOp = Gen.Select(
        Gen.Int[0, 9],
        Gen.Frequency((6, Gen.Int[1, 8]), (3, Gen.Int[9, 100]), (1, Gen.Int[100, 700])),
        Gen.Int[0, int.MaxValue],
        (k, n, p) => new PageOp(k, n, p));

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1500)] // a limit that is not a whole number of 4 MiB steps
    public void Allocate_free_and_scavenge_agree_with_the_first_fit_model(int limitPages)
    {
        long operations = 0;
        GenPageOp.Array[50, 200].Sample(
            ops =>
            {
                var pages = new PageHeap(limitPages == int.MaxValue ? 0 : limitPages * 8192L);
                var model = new PageModel(limitPages);
                var runs = new List<(int Start, int Length)>();
                foreach (var op in ops)
                {
                    switch (op.Kind)
                    {
                        case < 6:
                            var start = pages.Allocate(op.Pages);
                            Assert.Equal(model.Allocate(op.Pages), start);
                            if (start >= 0)
                            {
                                runs.Add((start, op.Pages));
                            }

                            break;
                        case < 9 when runs.Count > 0:
                            var run = runs[op.Pick % runs.Count];
                            runs.Remove(run);
                            pages.Free(run.Start, run.Length);
                            for (var p = run.Start; p < run.Start + run.Length; p++)
                            {
                                model.Free[p] = true;
                            }

                            break;
                        default:
                            var retain = (long)(op.Pick % 2048) * 8192;
                            pages.Scavenge(retain);
                            model.Scavenge(retain);
                            break;
                    }

                    Assert.Equal(model.Free.Count, pages.TotalPages);
                    if (op.Kind >= 6)
                    {
                        Assert.Equal(model.Free.Count(f => f), pages.FreePages);
                        Assert.Equal(model.Released.Count(r => r), pages.ReleasedPages);
                    }
                    Interlocked.Increment(ref operations);
                }

                for (var p = 0; p < pages.TotalPages; p++)
                {
                    Assert.Equal(model.Free[p], pages.IsFree(p));
                    Assert.Equal(model.Released[p], pages.IsReleased(p));
                }

                Assert.Equal(model.Free.Count(f => f), pages.FreePages);
                Assert.Equal(model.Released.Count(r => r), pages.ReleasedPages);

                Assert.True(pages.TotalPages <= limitPages);
            },
            iter: 200);

        Assert.True(operations >= 200 * 50, $"only {operations} page operations ran");
    }

    [Fact]
    public void FreeRuns_lists_the_free_runs_lowest_first()
    {
        var pages = new PageHeap(0);
        var a = pages.Allocate(3);
        var b = pages.Allocate(2);
        var c = pages.Allocate(4);
        pages.Free(b, 2);

        Assert.Equal((0, 3, 5), (a, b, c));
        Assert.Equal([(3, 2), (9, 503)], pages.FreeRuns());
        Assert.Equal(3, pages.Allocate(2)); // the hole is reused first
        Assert.Equal(9, pages.Allocate(3));
    }

    [Fact]
    public void A_copy_past_the_limit_takes_only_the_pages_it_needs()
    {
        var pages = new PageHeap(64 * 8192L);
        Assert.Equal(0, pages.Allocate(64));
        Assert.Equal(-1, pages.Allocate(2));

        Assert.Equal(64, pages.Allocate(2, ignoreLimit: true));

        Assert.Equal(66, pages.TotalPages); // not a whole 512-page step past the limit
        Assert.Equal(0, pages.FreePages);
    }
}
