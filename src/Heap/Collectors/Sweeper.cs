using System.Numerics;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Collectors;

/// <summary>
/// The sweep every non-moving plan shares: walk a span's allocation bitmap, free each object
/// left white, turn each survivor white again for the next cycle and age it; then a span with
/// room goes back on its class's list and an empty span returns its pages to the page heap.
/// </summary>
internal sealed class Sweeper(SimulatedHeap heap)
{
    public long ObjectsFreed { get; private set; }

    public long BytesFreed { get; private set; }

    public long SpansSwept { get; private set; }

    public long SlotsExamined { get; private set; }

    private int _cursor;

    public void Reset() => ObjectsFreed = BytesFreed = SpansSwept = SlotsExamined = 0;

    /// <summary>Pages swept since <see cref="BeginLazySweep"/>.</summary>
    public long PagesSwept { get; private set; }

    /// <summary>True while some span still holds last cycle's marks (kept in the object table, which the liveness check of every handle has at hand).</summary>
    public bool LazySweepPending
    {
        get => heap.Objects.LazySweepPending;
        private set => heap.Objects.LazySweepPending = value;
    }

    /// <summary>Marks every span as unswept: from now on each is swept on demand or by <see cref="SweepNext"/>.</summary>
    public void BeginLazySweep()
    {
        heap.Spans.SweepGeneration++;
        heap.SmallObjects.ForgetCaches();
        _cursor = 0;
        PagesSwept = 0;
        LazySweepPending = true;
    }

    /// <summary>Sweeps the next unswept span; false when none is left.</summary>
    public bool SweepNext()
    {
        var spans = heap.Spans;
        while (_cursor < spans.IdLimit)
        {
            var span = spans.ById(_cursor++);
            if (span is { IsBumpChunk: false } && span.SweptGeneration != spans.SweepGeneration)
            {
                SweepSpan(span);
                return true;
            }
        }

        LazySweepPending = false;
        return false;
    }

    /// <summary>Sweeps every span not yet swept.</summary>
    public void FinishLazySweep()
    {
        while (SweepNext())
        {
        }
    }

    public void SweepAll()
    {
        var spans = heap.Spans;
        for (var id = 0; id < spans.IdLimit; id++)
        {
            if (spans.ById(id) is { IsBumpChunk: false } span)
            {
                SweepSpan(span);
            }
        }
    }

    public void SweepSpan(Span span)
    {
        span.SweptGeneration = heap.Spans.SweepGeneration;
        PagesSwept += span.Pages;
        var objects = heap.Objects;
        var records = objects.Records;
        var bits = span.AllocBits;
        var spanObjects = span.Objects;
        var indexBase = span.IndexBase;
        var survivorEpoch = objects.Epoch;
        var freedHere = 0;
        var lowestFreed = int.MaxValue;
        long examined = 0;
        for (var word = 0; word < bits.Length; word++)
        {
            var allocated = bits[word];
            if (allocated == 0)
            {
                continue;
            }

            examined += BitOperations.PopCount(allocated);
            var dead = 0UL;
            var remaining = allocated;
            if (indexBase >= 0)
            {
                // The index is the slot: a dead object's is freed with its slot, below.
                var wordBase = indexBase + (word << 6);
                while (remaining != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(remaining);
                    remaining &= remaining - 1;
                    ref var record = ref records[wordBase + bit];
                    if (record.Color == ObjectColor.White)
                    {
                        dead |= 1UL << bit;
                        record.Version++;
                    }
                    else
                    {
                        Survive(ref record, survivorEpoch);
                    }
                }
            }
            else
            {
                while (remaining != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(remaining);
                    remaining &= remaining - 1;
                    var index = spanObjects[(word << 6) + bit];
                    ref var record = ref records[index];
                    if (record.Color == ObjectColor.White)
                    {
                        dead |= 1UL << bit;
                        objects.FreeSwept(ref record, index);
                        lowestFreed = Math.Min(lowestFreed, index);
                    }
                    else
                    {
                        Survive(ref record, survivorEpoch);
                    }
                }
            }

            if (dead != 0)
            {
                span.FreeSlots(word, dead);
                freedHere += BitOperations.PopCount(dead);
            }
        }

        if (indexBase >= 0)
        {
            objects.SettleSweptBlockFrees(freedHere);
        }
        else
        {
            objects.SettleSweptFrees(freedHere, lowestFreed);
        }

        SlotsExamined += examined;
        ObjectsFreed += freedHere;
        BytesFreed += (long)freedHere * span.ElementSize;
        heap.Counters.HeapAlloc -= (long)freedHere * span.ElementSize;
        heap.Counters.Frees += freedHere;
        SpansSwept++;
        if (span.SizeClass == 0)
        {
            if (span.IsEmpty)
            {
                heap.Spans.Release(span);
            }
        }
        else
        {
            heap.SmallObjects.AfterSweep(span);
        }
    }

    /// <summary>A survivor turns white again for the next cycle, ages, and is stamped as swept (see <see cref="ObjectRecord.Epoch"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Survive(ref ObjectRecord record, byte survivorEpoch)
    {
        record.Color = ObjectColor.White;
        record.Survive();
        record.Epoch = survivorEpoch;
    }

    public long WorkPicoseconds() => SpansSwept * heap.Costs.SweepSpan + SlotsExamined * heap.Costs.SweepObject;
}
