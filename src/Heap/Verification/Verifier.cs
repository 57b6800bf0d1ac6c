using System.Numerics;
using HeapNotebook.Heap.Memory;

namespace HeapNotebook.Heap.Verification;

/// <summary>
/// The judge of every collector. Structure is always checked: each object sits in exactly one
/// span slot at the address it claims, no pointer or root refers to a freed object. With the
/// reference model on, the heap must also agree with the model: every reachable object still
/// exists with the same size and the same slots, the heap holds nothing the program never
/// allocated, and after a complete collection nothing unreachable survived.
/// </summary>
internal static class Verifier
{
    private const int MaxProblems = 20;

    public static VerificationReport Check(SimulatedHeap heap, bool completeCollection)
    {
        var problems = new List<string>();
        var objects = heap.Objects;
        CheckSpans(heap, problems);
        CheckPointers(heap, problems);

        var reachableCount = 0;
        if (heap.Model is { } model && problems.Count < MaxProblems)
        {
            var reachable = model.Reachable();
            reachableCount = reachable.Count;
            foreach (var (handle, path) in reachable)
            {
                if (problems.Count >= MaxProblems)
                {
                    break;
                }

                var expected = model.Objects[handle];
                if (!heap.IsLive(handle))
                {
                    var why = heap.Plan.ExplainLoss(handle);
                    problems.Add($"Object {handle} ({expected.Size} B) is still reachable through {path}, but the heap freed it: a live object was lost." + (why is null ? string.Empty : " How: " + why));
                    continue;
                }

                if (objects.Extents[handle.Index].Size != expected.Size || objects.Records[handle.Index].SlotCount != expected.Slots.Length)
                {
                    problems.Add($"Object {handle} should be {expected.Size} B with {expected.Slots.Length} slots but the heap has {objects.Extents[handle.Index].Size} B with {objects.Records[handle.Index].SlotCount} slots.");
                    continue;
                }

                var slots = objects.SlotsOf(handle.Index);
                for (var s = 0; s < expected.Slots.Length; s++)
                {
                    var actual = objects.HandleOf(slots[s]);
                    // The same entry at a later version is the lost object itself, reported on its own line.
                    var lostInPlace = actual.Index == expected.Slots[s].Index && !heap.IsLive(expected.Slots[s]);
                    if (actual != expected.Slots[s] && !lostInPlace)
                    {
                        problems.Add($"Slot {s} of object {handle} (reached through {path}) should point to {expected.Slots[s]} but points to {actual}.");
                    }
                }
            }

            for (var index = 1; index < objects.HighWater && problems.Count < MaxProblems; index++)
            {
                if (!objects.IsLive(index))
                {
                    continue;
                }

                var handle = objects.HandleOf(index);
                if (!model.Objects.ContainsKey(handle))
                {
                    problems.Add($"The heap holds object {handle}, which the program never allocated (or which it already freed once).");
                }
                else if (completeCollection && !reachable.ContainsKey(handle))
                {
                    problems.Add($"Object {handle} ({objects.Extents[index].Size} B) survived a complete collection though nothing reaches it.");
                }
            }
        }

        return new VerificationReport(heap.Model is not null, objects.LiveCount, reachableCount, problems);
    }

    private static void CheckSpans(SimulatedHeap heap, List<string> problems)
    {
        var objects = heap.Objects;
        var placements = new byte[objects.HighWater];
        var spans = heap.Spans;
        for (var id = 0; id < spans.IdLimit && problems.Count < MaxProblems; id++)
        {
            if (spans.ById(id) is not { IsBumpChunk: false } span)
            {
                continue;
            }

            var counted = 0;
            for (var word = 0; word < span.AllocBits.Length; word++)
            {
                var bits = span.AllocBits[word];
                while (bits != 0)
                {
                    var slot = (word << 6) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    counted++;
                    var index = span.ObjectAt(slot);
                    if (!objects.IsLive(index))
                    {
                        problems.Add($"Span {id} slot {slot} is marked allocated but holds no live object.");
                        continue;
                    }

                    if (objects.AddressOffset(index) != span.OffsetOf(slot))
                    {
                        problems.Add($"Object {objects.HandleOf(index)} claims address 0x{SimulatedHeap.ArenaBase + objects.AddressOffset(index):x} but sits in span {id} at 0x{SimulatedHeap.ArenaBase + span.OffsetOf(slot):x}.");
                    }

                    if (++placements[index] == 2)
                    {
                        problems.Add($"Object {objects.HandleOf(index)} exists twice: it occupies more than one span slot.");
                    }
                }
            }

            if (counted != span.AllocatedCount)
            {
                problems.Add($"Span {id} counts {span.AllocatedCount} objects but its bitmap has {counted}.");
            }
        }

        foreach (var space in heap.Plan.BumpSpaces)
        {
            var previousStart = long.MinValue;
            var previousEnd = long.MinValue;
            foreach (var index in space.Objects)
            {
                if (!objects.IsLive(index))
                {
                    problems.Add($"The {space.Name} space lists table entry #{index}, which holds no live object.");
                    continue;
                }

                var address = objects.AddressOffset(index);
                if (!space.Holds(address))
                {
                    problems.Add($"Object {objects.HandleOf(index)} is listed in the {space.Name} space but its address 0x{SimulatedHeap.ArenaBase + address:x} is outside it.");
                }
                else if (address >= previousStart && address < previousEnd)
                {
                    problems.Add($"Object {objects.HandleOf(index)} at 0x{SimulatedHeap.ArenaBase + address:x} overlaps the object before it in the {space.Name} space.");
                }

                previousStart = address;
                previousEnd = address + BumpSpace.Align(objects.Extents[index].Size);
                if (++placements[index] == 2)
                {
                    problems.Add($"Object {objects.HandleOf(index)} exists twice: it is placed more than once.");
                }
            }
        }

        for (var index = 1; index < objects.HighWater && problems.Count < MaxProblems; index++)
        {
            if (objects.IsLive(index) && placements[index] == 0 && !heap.Stack.IsStackObject(index))
            {
                problems.Add($"Object {objects.HandleOf(index)} is live in the object table but occupies no span slot.");
            }
        }
    }

    private static void CheckPointers(SimulatedHeap heap, List<string> problems)
    {
        var objects = heap.Objects;
        for (var index = 1; index < objects.HighWater && problems.Count < MaxProblems; index++)
        {
            // Garbage awaiting a lazy sweep may point at garbage already swept; nothing can reach either.
            if (!objects.IsLive(index) || heap.Plan.IsUnsweptGarbage(index))
            {
                continue;
            }

            var slots = objects.SlotsOf(index);
            for (var s = 0; s < slots.Length; s++)
            {
                var target = slots[s];
                if (target != 0 && !objects.IsLive(target))
                {
                    var lost = objects.HandleAt(target, objects.Records[target].Version - 1);
                    var why = heap.Plan.ExplainLoss(lost);
                    problems.Add($"Slot {s} of object {objects.HandleOf(index)} dangles: it points to table entry #{target}, which holds no live object." +
                        (why is null ? string.Empty : $" The object there was {lost}, and it was lost: {why}"));
                }
            }
        }

        foreach (var (name, handle) in heap.Roots.Entries)
        {
            if (!heap.IsLive(handle))
            {
                problems.Add($"Root '{name}' dangles: it refers to {handle}, which was freed.");
            }
        }

        foreach (var pool in heap.Pools)
        {
            foreach (var handle in pool.Contents)
            {
                if (!heap.IsLive(handle))
                {
                    problems.Add($"Pool '{pool.Name}' dangles: it holds {handle}, which was freed.");
                }
            }
        }

        for (var i = 0; i < heap.Stack.Top; i++)
        {
            var target = heap.Stack.Locals[i];
            if (target != 0 && !objects.IsLive(target))
            {
                problems.Add($"Stack slot {i} dangles: it refers to table entry #{target}, which holds no live object.");
            }
        }
    }
}
