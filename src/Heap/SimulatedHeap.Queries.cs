using System.Runtime.CompilerServices;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Snapshots;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Verification;

namespace HeapNotebook.Heap;

// Questions about objects and the heap: liveness, sizes, colours, addresses, spans, statistics and fragmentation.
public sealed partial class SimulatedHeap
{
    /// <summary>True while the object exists for the program: allocated, not freed, and not garbage awaiting a lazy sweep.</summary>
    public bool IsLive(ObjectHandle handle) => Objects.IsLive(handle) && !Plan.IsUnsweptGarbage(handle.Index);

    public int SizeOf(ObjectHandle handle) => Objects.Extents[Checked(handle)].Size;

    public int SlotCountOf(ObjectHandle handle) => Objects.Records[Checked(handle)].SlotCount;

    public ObjectColor ColorOf(ObjectHandle handle) => Objects.Records[Checked(handle)].Color;

    public int AgeOf(ObjectHandle handle) => Objects.Records[Checked(handle)].Age;

    /// <summary>
    /// The object's simulated address: in the heap arena (Go's arenas start at 0xc000000000 on
    /// 64-bit Linux), or for an object on the stack in the stack region past it.
    /// </summary>
    public long AddressOf(ObjectHandle handle)
    {
        var index = Checked(handle);
        return (Stack.StackObjectCount > 0 && Stack.IsStackObject(index) ? StackRegionBase : ArenaBase) + Objects.AddressOffset(index);
    }

    public const long ArenaBase = 0xc000000000;

    /// <summary>Where stack objects' addresses start: past the arena's 32 GiB of offsets, so no stack object shares an address with a heap object.</summary>
    public const long StackRegionBase = ArenaBase + (32L << 30);

    // ---- statistics ------------------------------------------------------------------------

    public MemStats Stats
    {
        get
        {
            var counters = Counters;
            var sys = Pages.SysBytes;
            var inUse = Spans.InUseBytes;
            return new MemStats
            {
                HeapAlloc = counters.HeapAlloc,
                HeapInuse = inUse,
                HeapIdle = sys - inUse,
                HeapReleased = (long)Pages.ReleasedPages * SizeClasses.PageSize,
                HeapSys = sys,
                HeapObjects = Objects.LiveCount - Stack.StackObjectCount, // stack objects are not heap objects (Go: Mallocs - Frees)
                TotalAlloc = counters.TotalAlloc,
                Mallocs = counters.Mallocs,
                Frees = counters.Frees,
                NextGC = HeapGoalBytes,
                LastGC = counters.LastGcNs,
                PauseNs = counters.PauseRing.ToArray(),
                PauseTotalNs = counters.PauseTotalNs,
                NumGC = counters.NumGC,
                NumForcedGC = counters.NumForcedGC,
                // As Go's, set at each mark termination (idle-priority marking left out), not recomputed when read.
                GCCPUFraction = Cycles.Count == 0 ? 0 : Cycles[^1].CpuFractionSinceStart,
                StackInuse = counters.StackBytes,
                StackAllocs = counters.StackAllocs,
            };
        }
    }

    /// <summary>Every span in use, by id: its address, class, occupancy, and the space it belongs to.</summary>
    public IReadOnlyList<SpanInfo> DescribeSpans()
    {
        var bumpSpaceNames = Plan.BumpSpaceNames();
        return Spans.InUse.Select(s => new SpanInfo(s.Id, ArenaBase + s.BaseOffset, s.Pages, s.SizeClass, s.ElementSize, s.Capacity, s.AllocatedCount)
        {
            Space = Plan.SpaceOf(s, bumpSpaceNames),
            IsYoung = Plan.IsYoungSpan(s),
        }).ToArray();
    }

    /// <summary>
    /// The space that holds the object, as <see cref="SpanInfo.Space"/> names it ("nursery",
    /// "survivor (from)", "size-class (old)", …); "stack" for an object on the stack. On a
    /// generational heap it moves from the nursery to a survivor space to the old generation.
    /// </summary>
    public string SpaceOf(ObjectHandle handle)
    {
        var index = Checked(handle);
        if (Stack.IsStackObject(index))
        {
            return "stack";
        }

        var span = Spans.SpanOfOffset(Objects.AddressOffset(index))!;
        return Plan.SpaceOf(span, span.IsBumpChunk ? Plan.BumpSpaceNames() : EmptyBumpSpaceNames);
    }

    private static readonly Dictionary<Span, string> EmptyBumpSpaceNames = [];

    /// <summary>
    /// Every object the heap's spans hold, span by span in the order of <see cref="DescribeSpans"/>
    /// and by address within a span, including garbage a lazy sweep has not freed yet (flagged
    /// <see cref="ObjectInfo.AwaitingSweep"/>); stack objects are not in spans and are left out.
    /// Reading costs no virtual time. Enumerate it before changing the heap again.
    /// </summary>
    public IEnumerable<ObjectInfo> DescribeObjects()
    {
        // The objects of each bump chunk, as a range of its space's object list (which is in chunk order, then address order).
        var chunkRanges = new Dictionary<Span, (IReadOnlyList<int> Objects, int Start, int End)>();
        foreach (var space in Plan.BumpSpaces)
        {
            var list = space.Objects;
            var start = 0;
            while (start < list.Count)
            {
                var chunk = Spans.SpanOfOffset(Objects.AddressOffset(list[start]))!;
                var end = start + 1;
                while (end < list.Count && Spans.SpanOfOffset(Objects.AddressOffset(list[end])) == chunk)
                {
                    end++;
                }

                chunkRanges[chunk] = (list, start, end);
                start = end;
            }
        }

        return DescribeObjects(chunkRanges);
    }

    private IEnumerable<ObjectInfo> DescribeObjects(Dictionary<Span, (IReadOnlyList<int> Objects, int Start, int End)> chunkRanges)
    {
        var objects = Objects;
        foreach (var span in Spans.InUse)
        {
            if (span.IsBumpChunk)
            {
                if (chunkRanges.TryGetValue(span, out var range))
                {
                    for (var i = range.Start; i < range.End; i++)
                    {
                        yield return Describe(range.Objects[i], span.Id);
                    }
                }

                continue;
            }

            for (var slot = 0; slot < span.Capacity; slot++)
            {
                if (span.IsAllocated(slot))
                {
                    yield return Describe(span.ObjectAt(slot), span.Id);
                }
            }
        }

        ObjectInfo Describe(int index, int spanId) => new(objects.HandleOf(index), spanId, ArenaBase + objects.AddressOffset(index), objects.Extents[index].Size,
            objects.Records[index].Color, objects.Records[index].Age, Plan.IsUnsweptGarbage(index));
    }

    /// <summary>Internal and external fragmentation now, with a histogram of free page runs by length in pages.</summary>
    public FragmentationReport Fragmentation()
    {
        var histogram = new SortedDictionary<int, int>();
        long freePages = 0;
        var largest = 0;
        foreach (var (_, length) in Pages.FreeRuns())
        {
            histogram[length] = histogram.GetValueOrDefault(length) + 1;
            freePages += length;
            largest = Math.Max(largest, length);
        }

        var stats = Stats;
        return new FragmentationReport(
            stats.HeapInuse - stats.HeapAlloc,
            freePages * SizeClasses.PageSize,
            (long)largest * SizeClasses.PageSize,
            freePages == 0 ? 0 : 1.0 - (double)largest / freePages,
            histogram);
    }

    /// <summary>The gctrace lines of every cycle so far.</summary>
    public IEnumerable<string> GcTraceLines() => _cycles.Select(c => GcTrace.Format(c));

    /// <summary>Checks the heap now: structure always; against the reference model when the heap was made with Verify on.</summary>
    public VerificationReport Verify() => Verifier.Check(this, completeCollection: false);
}
