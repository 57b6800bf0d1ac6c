using CsCheck;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Memory;

/// <summary>
/// What the verifier does not look at: spans never share a page, the page map and the page heap
/// agree with the spans, and no two live objects overlap in the address space — checked after
/// random mixes of small, medium and large allocations, drops and collections.
/// </summary>
public sealed class SpaceInvariantTests
{
    private readonly record struct MemoryOp(int Kind, int Size, int Pick);

    private static readonly Gen<MemoryOp> GenMemoryOp = Gen.Select(
        Gen.Int[0, 9],
        Gen.Frequency((6, Gen.Int[1, 1024]), (3, Gen.Int[1025, 32768]), (1, Gen.Int[32769, 300_000])),
        Gen.Int[0, int.MaxValue],
        (k, s, p) => new MemoryOp(k, s, p));

    [Fact]
    public void Spans_pages_and_objects_never_overlap_after_random_allocation_and_collection()
    {
        long checks = 0;
        GenMemoryOp.Array[100, 400].Sample(
            ops =>
            {
                var heap = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 256 * 1024, Gogc = 100 });
                var kept = heap.Alloc(8 * 64, 64); // a table of 64 slots: what it holds survives
                heap.Roots["table"] = kept;
                foreach (var op in ops)
                {
                    switch (op.Kind)
                    {
                        case < 6:
                            var h = heap.Alloc(op.Size);
                            if (op.Pick % 3 != 0)
                            {
                                heap.Write(kept, op.Pick % 64, h);
                            }

                            break;
                        case < 9:
                            heap.Write(kept, op.Pick % 64, ObjectHandle.Null);
                            break;
                        default:
                            heap.Collect();
                            AssertNoOverlap(heap);
                            Interlocked.Increment(ref checks);
                            break;
                    }
                }

                heap.Collect();
                AssertNoOverlap(heap);
                Interlocked.Increment(ref checks);
            },
            iter: 150);

        Assert.True(checks >= 150);
    }

    private static void AssertNoOverlap(SimulatedHeap heap)
    {
        var spans = heap.Spans.InUse.OrderBy(s => s.StartPage).ToList();
        for (var i = 1; i < spans.Count; i++)
        {
            Assert.True(spans[i].StartPage >= spans[i - 1].StartPage + spans[i - 1].Pages, $"span {spans[i].Id} overlaps span {spans[i - 1].Id}");
        }

        foreach (var span in spans)
        {
            for (var p = span.StartPage; p < span.StartPage + span.Pages; p++)
            {
                Assert.False(heap.Pages.IsFree(p), $"page {p} of span {span.Id} is also free");
                Assert.Same(span, heap.Spans.SpanOfOffset((long)p * SizeClasses.PageSize));
            }

            Assert.Equal(span.SizeClass == 0 ? span.Pages * SizeClasses.PageSize : SizeClasses.ObjectSize(span.SizeClass), span.ElementSize);
        }

        Assert.Equal(spans.Sum(s => s.Pages), heap.Pages.TotalPages - heap.Pages.FreePages);
        Assert.Equal(spans.Sum(s => s.SpanBytes), heap.Stats.HeapInuse);

        var objects = new List<(long Start, long End, int Index)>();
        for (var index = 1; index < heap.Objects.HighWater; index++)
        {
            if (heap.Objects.IsLive(index))
            {
                var start = heap.Objects.AddressOffset(index);
                var end = start + SizeClasses.RoundedSize(heap.Objects.Extents[index].Size);
                var span = heap.Spans.SpanOfOffset(start)!;
                Assert.InRange(end, start + 1, span.BaseOffset + span.SpanBytes);
                objects.Add((start, end, index));
            }
        }

        objects.Sort();
        for (var i = 1; i < objects.Count; i++)
        {
            Assert.True(objects[i].Start >= objects[i - 1].End, $"object #{objects[i].Index} overlaps #{objects[i - 1].Index}");
        }
    }
}
