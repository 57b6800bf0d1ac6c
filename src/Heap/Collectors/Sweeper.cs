using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Collectors;

/// <summary>
/// The sweep every non-moving plan shares: walk a span's allocation bitmap, free each object
/// left white, turn each survivor white again for the next cycle and age it; then a span with
/// room goes back on its class's list and an empty span returns its pages to the page heap.
/// Objects die and live in runs (a tree dies whole; the long-lived one survives whole), so where
/// a span owns its indices a full word of the bitmap whose 64 records are all white or all not is
/// swept four records to a vector (<see cref="TrySweepWord"/>), and only mixed words one by one.
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
            if (indexBase >= 0 && allocated == ulong.MaxValue && SweepsWordsAtOnce
                && TrySweepWord(records.AsSpan(indexBase + (word << 6), 64), survivorEpoch, out dead))
            {
                // Sixty-four allocated objects in a row, all dead or all alive: the usual word (binary-trees under
                // go, three runs of depth 14 and one of 16: 27 thousand objects in mixed words, 42 million in the others).
            }
            else if (indexBase >= 0)
            {
                // The index is the slot: a dead object's is freed with its slot, below.
                var wordBase = indexBase + (word << 6);
                while (remaining != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(remaining);
                    remaining &= remaining - 1;
                    if (SweepBlockRecord(ref records[wordBase + bit], survivorEpoch))
                    {
                        dead |= 1UL << bit;
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

    /// <summary>Sweeps one object of a span that owns its indices: a white one is freed (its version turns even), any other survives; true when freed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SweepBlockRecord(ref ObjectRecord record, byte survivorEpoch)
    {
        if (record.Color == ObjectColor.White)
        {
            record.Version++;
            return true;
        }

        Survive(ref record, survivorEpoch);
        return false;
    }

    private static readonly bool SweepsWordsAtOnce = Vector512.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    // A record's bytes: Version 0-3, SlotA 4-7, SlotB 8-11, Color 12, Age 13, SlotMode 14, Epoch 15 (ObjectRecord).
    // The Color bytes of the four records in 64 bytes, as bits of a 64-bit byte mask.
    private const ulong ColorBytes = 0x1000_1000_1000_1000UL;

    // The second 8 bytes of a record with Color and Epoch cleared, and its Age byte alone.
    private const ulong KeepAllButColorAndEpoch = 0x00FF_FF00_FFFF_FFFFUL;
    private const ulong AgeByte = 0xFFUL << 40;

    /// <summary>
    /// Sweeps the 64 records of one word of a span's allocation bitmap (all allocated) four to a
    /// 64-byte vector, as <see cref="SweepBlockRecord"/> does one at a time, when they are all white
    /// (each freed) or none is (each turned white, aged and stamped); <paramref name="dead"/> is the
    /// word of freed objects. False, and nothing changed, when they are mixed.
    /// </summary>
    // Compiled optimised from the first call (it gains nothing from a profile), so the tests, which
    // call it too few times for tiered compilation to reach it, check the same code the sweeps run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TrySweepWord(Span<ObjectRecord> records, byte survivorEpoch, out ulong dead)
    {
        if (records.Length != 64 || Unsafe.SizeOf<ObjectRecord>() != 16)
        {
            throw new ArgumentException("A word of a span's bitmap is 64 records of 16 bytes.", nameof(records));
        }

        // The length checked above bounds every load and store below. ObjectColor.White is 0.
        ref var first = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(records));
        var whites = 0;
        for (nuint offset = 0; offset < 1024; offset += 64)
        {
            var white = Vector512.Equals(Vector512.LoadUnsafe(ref first, offset), Vector512<byte>.Zero);
            whites += BitOperations.PopCount(white.ExtractMostSignificantBits() & ColorBytes);
        }

        if (whites == 64)
        {
            // Version (the first 4 bytes of each record) plus one.
            var freed = Vector512.Create(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0).AsByte();
            for (nuint offset = 0; offset < 1024; offset += 64)
            {
                (Vector512.LoadUnsafe(ref first, offset).AsInt32() + freed.AsInt32()).AsByte().StoreUnsafe(ref first, offset);
            }

            dead = ulong.MaxValue;
            return true;
        }

        dead = 0;
        if (whites != 0)
        {
            return false;
        }

        var stamp = (ulong)survivorEpoch << 56;
        var keep = Vector512.Create(ulong.MaxValue, KeepAllButColorAndEpoch, ulong.MaxValue, KeepAllButColorAndEpoch,
            ulong.MaxValue, KeepAllButColorAndEpoch, ulong.MaxValue, KeepAllButColorAndEpoch).AsByte();
        var epochs = Vector512.Create(0, stamp, 0, stamp, 0, stamp, 0, stamp).AsByte();
        var ages = Vector512.Create(0, AgeByte, 0, AgeByte, 0, AgeByte, 0, AgeByte).AsByte();
        var oneYear = Vector512.Create(0, 1UL << 40, 0, 1UL << 40, 0, 1UL << 40, 0, 1UL << 40).AsByte();
        for (nuint offset = 0; offset < 1024; offset += 64)
        {
            var record = Vector512.LoadUnsafe(ref first, offset);
            // An age of 255 stays 255, as ObjectRecord.Survive keeps it.
            var ageing = oneYear & ~Vector512.Equals(record & ages, ages);
            (((record & keep) | epochs) + ageing).StoreUnsafe(ref first, offset);
        }

        return true;
    }

    /// <summary>A survivor turns white again for the next cycle, ages, and is stamped as swept (see <see cref="ObjectRecord.Epoch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Survive(ref ObjectRecord record, byte survivorEpoch)
    {
        record.Color = ObjectColor.White;
        record.Survive();
        record.Epoch = survivorEpoch;
    }

    public long WorkPicoseconds() => SpansSwept * heap.Costs.SweepSpan + SlotsExamined * heap.Costs.SweepObject;
}
