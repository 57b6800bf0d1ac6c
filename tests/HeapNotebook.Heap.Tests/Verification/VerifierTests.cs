using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Verification;

/// <summary>
/// The verifier is the judge of every collector, so it must itself be shown to convict: each test
/// here corrupts the heap behind the collector's back through the internal tables, as a buggy
/// collector would, and checks the verdict names the object and says what went wrong.
/// </summary>
public sealed class VerifierTests
{
    /// <summary>a (rooted, 2 slots) → b (16 B); c (16 B) only in a local; a freed table entry #4.</summary>
    private static (SimulatedHeap Heap, ObjectHandle A, ObjectHandle B, ObjectHandle C, ObjectHandle Freed) Build(bool verify = true)
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = verify });
        var a = heap.Alloc(32, 2);
        heap.Roots["a"] = a;
        var b = heap.Alloc(16);
        heap.Write(a, 0, b);
        var c = heap.Alloc(16);
        heap.PushFrame("main", "c");
        heap.SetLocal("c", c);
        var freed = heap.Alloc(48);
        heap.Collect();
        Assert.False(heap.IsLive(freed));
        return (heap, a, b, c, freed);
    }

    private static ref int SlotOf(SimulatedHeap heap, ObjectHandle h, int slot) => ref heap.Objects.SlotsOf(h.Index)[slot];

    /// <summary>Frees an object's table entry and span slot, as a collector that wrongly judged it garbage would.</summary>
    private static void FreeBehindTheCollectorsBack(SimulatedHeap heap, ObjectHandle h)
    {
        var offset = heap.Objects.AddressOffset(h.Index);
        var span = heap.Spans.SpanOfOffset(offset)!;
        heap.Objects.Free(h.Index);
        span.FreeSlot(span.SlotOf(offset));
    }

    [Fact]
    public void Verify_passes_on_a_healthy_heap_and_says_what_it_checked()
    {
        var (heap, _, _, _, _) = Build();

        var report = heap.Verify();

        Assert.True(report.Passed);
        Assert.Empty(report.Problems);
        Assert.True(report.UsedReferenceModel);
        Assert.Equal(3, report.ObjectsChecked);
        Assert.Equal(3, report.ReachableInModel);
        Assert.Equal("Verification passed: 3 objects checked against the reference model (3 reachable).", report.ToString());
    }

    [Fact]
    public void Without_the_reference_model_Verify_checks_structure_only_and_says_so()
    {
        var (heap, _, _, _, _) = Build(verify: false);

        var report = heap.Verify();

        Assert.True(report.Passed);
        Assert.False(report.UsedReferenceModel);
        Assert.Equal("Verification passed: 3 objects checked for structure only (make the heap with Verify on to compare against the reference model).", report.ToString());
    }

    [Fact]
    public void A_reachable_object_freed_behind_the_collectors_back_is_reported_lost_and_its_referrer_dangling()
    {
        var (heap, a, b, _, _) = Build();

        FreeBehindTheCollectorsBack(heap, b);
        var report = heap.Verify();

        Assert.False(report.Passed);
        Assert.Contains($"Slot 0 of object {a} dangles: it points to table entry #{b.Index}, which holds no live object.", report.Problems);
        Assert.Contains($"Object {b} (16 B) is still reachable through root 'a' → slot 0 of {a}, but the heap freed it: a live object was lost.", report.Problems);
        Assert.StartsWith("Verification FAILED: 2 objects checked", report.ToString());
    }

    [Fact]
    public void A_dangling_index_written_into_a_slot_is_reported()
    {
        var (heap, a, b, _, freed) = Build();

        SlotOf(heap, a, 1) = freed.Index;
        var report = heap.Verify();

        Assert.False(report.Passed);
        Assert.Contains($"Slot 1 of object {a} dangles: it points to table entry #{freed.Index}, which holds no live object.", report.Problems);
        Assert.Contains(report.Problems, p => p.StartsWith($"Slot 1 of object {a} (reached through root 'a') should point to null but points to #{freed.Index}v{freed.Version + 1}.", StringComparison.Ordinal));
        Assert.True(heap.IsLive(b));
    }

    [Fact]
    public void A_slot_redirected_behind_the_models_back_makes_the_next_collection_throw_naming_the_object()
    {
        var (heap, a, b, c, _) = Build();

        SlotOf(heap, a, 0) = c.Index; // the heap now says a → c, the program said a → b
        var error = Assert.Throws<HeapVerificationException>(heap.Collect);

        Assert.False(error.Report.Passed);
        Assert.Contains($"Slot 0 of object {a} (reached through root 'a') should point to {b} but points to {c}.", error.Report.Problems);
        Assert.Contains($"Object {b} (16 B) is still reachable through root 'a' → slot 0 of {a}, but the heap freed it: a live object was lost.", error.Report.Problems);
        Assert.Contains("a live object was lost", error.Message);
    }

    [Fact]
    public void An_unreachable_object_that_a_broken_mark_left_black_is_reported_as_surviving_a_complete_collection()
    {
        var (heap, _, _, _, _) = Build();
        var garbage = heap.Alloc(24);
        heap.Objects.Records[garbage.Index].Color = ObjectColor.Black; // as if the mark had wrongly reached it

        var error = Assert.Throws<HeapVerificationException>(heap.Collect);

        Assert.Equal([$"Object {garbage} (24 B) survived a complete collection though nothing reaches it."], error.Report.Problems);
        Assert.True(heap.Verify().Passed); // an explicit Verify is not after a complete collection, so floating garbage is fine
    }

    [Fact]
    public void An_object_in_two_span_slots_is_reported_as_existing_twice()
    {
        // A size-class slot is its object's table index, so only spans that map slots to indices
        // (large objects, the old generation) can claim an object twice.
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        var big = heap.Alloc(40 << 10);
        heap.Roots["big"] = big;

        var second = heap.LargeObjects.Allocate(40 << 10, big.Index)!;
        var report = heap.Verify();

        Assert.Contains($"Object {big} exists twice: it occupies more than one span slot.", report.Problems);
        Assert.Contains($"Object {big} claims address 0x{heap.AddressOf(big):x} but sits in span {second.Id} at 0x{SimulatedHeap.ArenaBase + second.BaseOffset:x}.", report.Problems);
    }

    [Fact]
    public void A_live_object_missing_from_its_span_is_reported()
    {
        var (heap, _, _, c, _) = Build();
        var offset = heap.Objects.AddressOffset(c.Index);
        var span = heap.Spans.SpanOfOffset(offset)!;

        span.FreeSlot(span.SlotOf(offset));
        var report = heap.Verify();

        Assert.Equal([$"Object {c} is live in the object table but occupies no span slot."], report.Problems);
    }

    [Fact]
    public void An_allocated_span_slot_holding_no_live_object_is_reported()
    {
        var (heap, _, _, c, _) = Build();
        var offset = heap.Objects.AddressOffset(c.Index);
        var span = heap.Spans.SpanOfOffset(offset)!;

        heap.Objects.Free(c.Index); // table entry freed, span slot left allocated
        var report = heap.Verify();

        Assert.Contains($"Span {span.Id} slot {span.SlotOf(offset)} is marked allocated but holds no live object.", report.Problems);
        Assert.Contains($"Stack slot 0 dangles: it refers to table entry #{c.Index}, which holds no live object.", report.Problems);
        Assert.Contains(report.Problems, p => p.StartsWith($"Object {c} (16 B) is still reachable through local 0 of stack frame 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_root_referring_to_a_freed_object_is_reported_dangling()
    {
        var (heap, a, _, _, freed) = Build();

        heap.Roots.SetRaw("ghost", freed);
        var report = heap.Verify();

        Assert.Contains($"Root 'ghost' dangles: it refers to {freed}, which was freed.", report.Problems);
        Assert.True(heap.IsLive(a));
    }

    [Fact]
    public void An_object_the_program_never_allocated_is_reported()
    {
        var (heap, _, _, _, _) = Build();
        var index = heap.SmallObjects.AllocateIndexed(SizeClasses.ClassOf(16), out var offset);
        heap.Objects.Commit(index, 16, offset, 0, ObjectColor.White);

        var report = heap.Verify();

        Assert.Equal([$"The heap holds object {heap.Objects.HandleOf(index)}, which the program never allocated (or which it already freed once)."], report.Problems);
    }

    [Fact]
    public void With_Verify_on_a_healthy_program_is_checked_at_every_collection()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, MinimumHeapBytes = 2048 });
        heap.PushFrame(1);
        for (var i = 0; i < 2000; i++)
        {
            var h = heap.Alloc(32, 1);
            heap.Write(h, 0, heap.GetLocal(0));
            heap.SetLocal(0, i % 50 == 0 ? ObjectHandle.Null : h); // chains of up to 50, then dropped
        }

        Assert.True(heap.Stats.NumGC >= 20, $"only {heap.Stats.NumGC} collections");
        Assert.Equal(heap.ObjectCount, heap.Model!.Objects.Count); // the model forgets what each collection freed
        Assert.True(heap.Verify().Passed);
    }
}
