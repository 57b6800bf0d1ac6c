using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Tests.Support;

namespace HeapNotebook.Heap.Tests.Objects;

public sealed class ObjectTests
{
    [Fact]
    public void Alloc_gives_a_live_object_with_the_requested_size_and_null_slots()
    {
        var heap = new SimulatedHeap();

        var a = heap.Alloc(40, slots: 3);

        Assert.True(heap.IsLive(a));
        Assert.Equal(40, heap.SizeOf(a));
        Assert.Equal(3, heap.SlotCountOf(a));
        Assert.Equal(ObjectHandle.Null, heap.Read(a, 0));
        Assert.Equal(ObjectHandle.Null, heap.Read(a, 2));
        Assert.Equal(ObjectColor.White, heap.ColorOf(a));
        Assert.Equal(0, heap.AgeOf(a));
        Assert.Equal(1, heap.ObjectCount);
    }

    [Theory]
    [InlineData(ObjectColor.Black, 0, 2, 7)]
    [InlineData(ObjectColor.Grey, 255, ObjectRecord.Pooled, 255)]
    [InlineData(ObjectColor.White, 3, 0, 0)]
    public void A_records_four_flag_bytes_are_set_in_one_store_each_to_its_own_field(ObjectColor color, byte age, byte slotMode, byte epoch)
    {
        var record = new ObjectRecord { Version = 5, SlotA = 11, SlotB = 12, Color = ObjectColor.Grey, Age = 9, SlotMode = 1, Epoch = 4 };

        record.SetFlags(color, age, slotMode, epoch);

        Assert.Equal((color, age, slotMode, epoch), (record.Color, record.Age, record.SlotMode, record.Epoch));
        Assert.Equal((5, 11, 12), (record.Version, record.SlotA, record.SlotB));
    }

    [Theory]
    [InlineData(1, 0, 0, ObjectColor.White, 0, 0)]
    [InlineData(int.MaxValue, 7, int.MaxValue, ObjectColor.Black, 2, 255)]
    [InlineData(-5, 123456, 1, ObjectColor.Grey, 1, 128)]
    public void A_new_record_is_written_whole_with_each_field_in_its_place_and_age_zero(int version, int slotA, int slotB, ObjectColor color, byte slotMode, byte epoch)
    {
        var record = new ObjectRecord { Version = 9, SlotA = 8, SlotB = 7, Color = ObjectColor.Grey, Age = 200, SlotMode = ObjectRecord.Pooled, Epoch = 3 };

        record.Fill(version, slotA, slotB, color, slotMode, epoch);

        Assert.Equal((version, slotA, slotB), (record.Version, record.SlotA, record.SlotB));
        Assert.Equal((color, (byte)0, slotMode, epoch), (record.Color, record.Age, record.SlotMode, record.Epoch));
    }

    [Theory]
    [InlineData(16, 0u)]
    [InlineData(int.MaxValue, uint.MaxValue)]
    [InlineData(1, 0x8000_0001u)]
    public void An_extent_is_stored_with_its_size_and_address_in_their_own_fields(int size, uint addressUnits)
    {
        var extents = new[] { new ObjectExtent(3, 4), new ObjectExtent(5, 6), new ObjectExtent(7, 8) };

        ObjectExtent.Store(ref extents[1], size, addressUnits);

        Assert.Equal((size, addressUnits), (extents[1].Size, extents[1].AddressUnits));
        Assert.Equal((3, 4u, 7, 8u), (extents[0].Size, extents[0].AddressUnits, extents[2].Size, extents[2].AddressUnits));
    }

    [Fact]
    public void A_reused_table_entry_switches_between_inline_and_pooled_slots_and_starts_them_null()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "marksweep", Seed = 1 });
        var target = heap.Alloc(8);
        heap.Roots["target"] = target;

        // Each object is dropped and collected, so the next allocation of its size class takes its span slot, and so its table entry, again.
        ObjectHandle AllocFilledThenFree(int slots)
        {
            var h = heap.Alloc(24, slots);
            for (var s = 0; s < slots; s++)
            {
                Assert.Equal(ObjectHandle.Null, heap.Read(h, s));
                heap.Write(h, s, target);
            }

            heap.Collect();
            Assert.False(heap.IsLive(h));
            return h;
        }

        var pooled = AllocFilledThenFree(3);
        var inline = AllocFilledThenFree(2);
        var pooledAgain = heap.Alloc(24, 3);
        var inlineAgain = heap.Alloc(24, 2);

        Assert.Equal(pooled.Index, inline.Index);
        Assert.Equal(pooled.Index, pooledAgain.Index);
        Assert.Equal(3, heap.SlotCountOf(pooledAgain));
        Assert.Equal(2, heap.SlotCountOf(inlineAgain));
        Assert.All(Enumerable.Range(0, 3), s => Assert.Equal(ObjectHandle.Null, heap.Read(pooledAgain, s)));
        Assert.All(Enumerable.Range(0, 2), s => Assert.Equal(ObjectHandle.Null, heap.Read(inlineAgain, s)));

        heap.Write(pooledAgain, 2, target);
        heap.Write(inlineAgain, 1, pooledAgain);
        Assert.Equal(target, heap.Read(pooledAgain, 2));
        Assert.Equal(pooledAgain, heap.Read(inlineAgain, 1));
        Assert.Equal(ObjectHandle.Null, heap.Read(inlineAgain, 0));
    }

    [Fact]
    public void Write_then_Read_returns_the_stored_handle_and_null_clears_it()
    {
        var heap = new SimulatedHeap();
        var a = heap.Alloc(16, 2);
        var b = heap.Alloc(8);

        heap.Write(a, 1, b);
        Assert.Equal(b, heap.Read(a, 1));
        Assert.Equal(ObjectHandle.Null, heap.Read(a, 0));

        heap.Write(a, 1, ObjectHandle.Null);
        Assert.Equal(ObjectHandle.Null, heap.Read(a, 1));
    }

    [Fact]
    public void Handles_addresses_and_slots_stay_the_same_across_collections()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        var a = heap.Alloc(32, 2);
        heap.Roots["a"] = a;
        var b = heap.Alloc(100, 1);
        heap.Write(a, 0, b);
        heap.Write(b, 0, a);
        var addressA = heap.AddressOf(a);
        var addressB = heap.AddressOf(b);

        for (var i = 0; i < 3; i++)
        {
            heap.Alloc(64); // garbage, so each collection has something to free around them
            heap.Collect();
        }

        Assert.Equal(a, heap.Roots["a"]);
        Assert.Equal(b, heap.Read(a, 0));
        Assert.Equal(a, heap.Read(b, 0));
        Assert.Equal(addressA, heap.AddressOf(a));
        Assert.Equal(addressB, heap.AddressOf(b));
        Assert.Equal(3, heap.AgeOf(a));
        Assert.Equal(3, heap.Stats.Frees);
    }

    [Fact]
    public void A_stale_handle_is_rejected_by_Read_Write_and_SizeOf_with_a_message_that_says_it_was_freed()
    {
        var heap = new SimulatedHeap();
        var keep = heap.Alloc(16, 1);
        heap.Roots["keep"] = keep;
        var gone = heap.Alloc(16, 1);
        heap.Collect();
        Assert.False(heap.IsLive(gone));

        var read = Assert.Throws<StaleHandleException>(() => heap.Read(gone, 0));
        var write = Assert.Throws<StaleHandleException>(() => heap.Write(gone, 0, keep));
        var size = Assert.Throws<StaleHandleException>(() => heap.SizeOf(gone));
        var asTarget = Assert.Throws<StaleHandleException>(() => heap.Write(keep, 0, gone));
        var asRoot = Assert.Throws<StaleHandleException>(() => heap.Roots["x"] = gone);

        Assert.Equal($"Cannot read from object {gone}: it was freed by the collector, so the handle is stale. An object survives a collection only while a root, a stack local or a live object points to it.", read.Message);
        Assert.StartsWith($"Cannot write to object {gone}: it was freed by the collector", write.Message);
        Assert.StartsWith($"Cannot use object {gone}: it was freed", size.Message);
        Assert.StartsWith($"Cannot store object {gone}: it was freed", asTarget.Message);
        Assert.StartsWith($"Cannot root object {gone}: it was freed", asRoot.Message);
    }

    [Fact]
    public void A_stale_handle_stays_stale_when_its_table_entry_is_reused()
    {
        var heap = new SimulatedHeap();
        var old = heap.Alloc(24);
        heap.Collect();

        var reused = heap.Alloc(20); // the same size class, so the same span slot and table entry

        Assert.Equal(old.Index, reused.Index);
        Assert.Equal(old.Version + 2, reused.Version); // odd while live: bumped at the free and at the reuse
        Assert.False(heap.IsLive(old));
        Assert.True(heap.IsLive(reused));
        var error = Assert.Throws<StaleHandleException>(() => heap.SizeOf(old));
        Assert.Contains("freed by the collector", error.Message);
        Assert.Equal(20, heap.SizeOf(reused));
    }

    [Fact]
    public void A_null_handle_is_rejected_where_an_object_is_needed()
    {
        var heap = new SimulatedHeap();

        var read = Assert.Throws<StaleHandleException>(() => heap.Read(ObjectHandle.Null, 0));
        var size = Assert.Throws<StaleHandleException>(() => heap.SizeOf(ObjectHandle.Null));

        Assert.Equal("Cannot read from a null reference: an object is needed here.", read.Message);
        Assert.Equal("Cannot use a null reference: an object is needed here.", size.Message);
        Assert.False(heap.IsLive(ObjectHandle.Null));
    }

    [Fact]
    public void A_handle_this_heap_never_allocated_is_rejected()
    {
        var heap = new SimulatedHeap();
        heap.Alloc(16);

        var error = Assert.Throws<StaleHandleException>(() => heap.SizeOf(new ObjectHandle(99, 0)));

        Assert.Contains("this heap never allocated it", error.Message);
        Assert.Throws<StaleHandleException>(() => heap.SizeOf(new ObjectHandle(-4, 0)));
    }

    [Fact]
    public void A_handle_from_another_heap_is_rejected()
    {
        var first = new SimulatedHeap();
        var second = new SimulatedHeap();
        var fromFirst = first.Alloc(16, 1);
        var inSecond = second.Alloc(48, 2);
        Assert.Equal((fromFirst.Index, fromFirst.Version), (inSecond.Index, inSecond.Version)); // both are #1v1
        Assert.NotEqual(fromFirst, inSecond);

        var error = Assert.Throws<StaleHandleException>(() => second.SizeOf(fromFirst));
        Assert.Contains("belongs to another heap", error.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(int.MaxValue, int.MaxValue)]
    [InlineData(-4, 0)]
    [InlineData(7, -1)]
    [InlineData(int.MinValue, int.MinValue)]
    public void A_handle_gives_back_the_index_and_version_it_was_made_with(int index, int version)
    {
        var handle = new ObjectHandle(index, version);

        Assert.Equal(index, handle.Index);
        Assert.Equal(version, handle.Version);
        Assert.Equal(index == 0, handle.IsNull);
        Assert.Equal(new ObjectHandle(index, version), handle);
        Assert.Equal(new ObjectHandle(index, version).GetHashCode(), handle.GetHashCode());
        Assert.NotEqual(new ObjectHandle(index, version + 1), handle);
        Assert.NotEqual(new ObjectHandle(index + 1, version), handle);
    }

    [Fact]
    public void Handles_are_equal_only_for_the_same_object_of_the_same_heap()
    {
        var heap = new SimulatedHeap();
        var a = heap.Alloc(16);
        var b = heap.Alloc(16);
        heap.Roots["a"] = a;
        var again = heap.Roots["a"];

        Assert.True(a == again);
        Assert.False(a != again);
        Assert.True(a != b);
        Assert.True(a.Equals((object)again));
        Assert.False(a.Equals((object)a.Index));
        Assert.NotEqual(new ObjectHandle(a.Index, a.Version), a); // made by hand: no heap
        Assert.Equal(ObjectHandle.Null, default);
        Assert.Equal("#1v1", a.ToString());
        Assert.Equal("null", ObjectHandle.Null.ToString());
    }

    [Theory]
    [InlineData(2, "Cannot read slot 2 of object #1v1: it has 2 pointer slots, numbered 0 to 1.")]
    [InlineData(-1, "Cannot read slot -1 of object #1v1: it has 2 pointer slots, numbered 0 to 1.")]
    public void Read_of_a_slot_out_of_range_throws_naming_the_valid_range(int slot, string message)
    {
        var heap = new SimulatedHeap();
        var a = heap.Alloc(16, 2);

        var error = Assert.Throws<SlotOutOfRangeException>(() => heap.Read(a, slot));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Write_to_an_object_without_slots_throws_saying_it_has_none()
    {
        var heap = new SimulatedHeap();
        var a = heap.Alloc(16);
        var b = heap.Alloc(16);

        var error = Assert.Throws<SlotOutOfRangeException>(() => heap.Write(a, 0, b));

        Assert.Equal("Cannot write slot 0 of object #1v1: it has no pointer slots.", error.Message);
    }

    [Theory]
    [InlineData(0, 0, "Cannot allocate 0 bytes: an object's size must be between 1 byte and 1,073,741,824 bytes (1 GiB).")]
    [InlineData(-8, 0, "Cannot allocate -8 bytes: an object's size must be between 1 byte and 1,073,741,824 bytes (1 GiB).")]
    [InlineData(SimulatedHeap.MaxObjectBytes + 1, 0, "Cannot allocate 1073741825 bytes: an object's size must be between 1 byte and 1,073,741,824 bytes (1 GiB).")]
    [InlineData(16, 3, "Cannot give a 16-byte object 3 pointer slots: each slot takes 8 bytes, so it can have between 0 and 2.")]
    [InlineData(7, 1, "Cannot give a 7-byte object 1 pointer slots: each slot takes 8 bytes, so it can have between 0 and 0.")]
    [InlineData(64, -1, "Cannot give a 64-byte object -1 pointer slots: each slot takes 8 bytes, so it can have between 0 and 8.")]
    public void Alloc_rejects_a_size_or_slot_count_no_object_can_have(int size, int slots, string message)
    {
        var heap = new SimulatedHeap();

        var error = Assert.Throws<InvalidAllocationException>(() => heap.Alloc(size, slots));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Alloc_accepts_the_boundary_sizes_one_byte_and_exactly_size_over_eight_slots()
    {
        var heap = new SimulatedHeap();

        var one = heap.Alloc(1);
        var full = heap.Alloc(24, 3);

        Assert.Equal(1, heap.SizeOf(one));
        Assert.Equal(3, heap.SlotCountOf(full));
    }

    public static TheoryData<string> FailingOperations =>
    [
        "alloc-zero", "alloc-negative", "alloc-oversized", "alloc-too-many-slots",
        "read-stale", "write-stale-source", "write-stale-target", "sizeof-stale",
        "read-null", "write-null-source", "read-slot-out-of-range", "write-slot-out-of-range",
        "root-stale", "setlocal-stale", "setlocal-unknown-name", "setlocal-index-out-of-range",
        "pop-too-many", "push-duplicate-names", "push-negative-count", "root-empty-name", "get-missing-root",
    ];

    [Theory]
    [MemberData(nameof(FailingOperations))]
    public void A_failed_operation_leaves_the_heap_exactly_as_it_was(string operation)
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, MinimumHeapBytes = 1024 });
        var a = heap.Alloc(32, 2);
        heap.Roots["a"] = a;
        var b = heap.Alloc(48, 1);
        heap.Write(a, 0, b);
        heap.Write(b, 0, a);
        var stale = heap.Alloc(16, 1);
        heap.Collect();
        heap.PushFrame("outer", "x");
        heap.SetLocal("x", b);
        heap.PushFrame("inner", "left", "right");
        heap.SetLocal("right", a);
        heap.PopFrame();
        heap.PopFrame();
        heap.PushFrame("work", "left", "right");
        heap.SetLocal("left", b);
        var before = HeapState.Describe(heap, a, b, stale);

        Action act = operation switch
        {
            "alloc-zero" => () => heap.Alloc(0),
            "alloc-negative" => () => heap.Alloc(-1, 0),
            "alloc-oversized" => () => heap.Alloc(SimulatedHeap.MaxObjectBytes + 1),
            "alloc-too-many-slots" => () => heap.Alloc(16, 3),
            "read-stale" => () => heap.Read(stale, 0),
            "write-stale-source" => () => heap.Write(stale, 0, a),
            "write-stale-target" => () => heap.Write(a, 1, stale),
            "sizeof-stale" => () => heap.SizeOf(stale),
            "read-null" => () => heap.Read(ObjectHandle.Null, 0),
            "write-null-source" => () => heap.Write(ObjectHandle.Null, 0, a),
            "read-slot-out-of-range" => () => heap.Read(a, 2),
            "write-slot-out-of-range" => () => heap.Write(b, 1, a),
            "root-stale" => () => heap.Roots["a"] = stale,
            "setlocal-stale" => () => heap.SetLocal("right", stale),
            "setlocal-unknown-name" => () => heap.SetLocal("middle", a),
            "setlocal-index-out-of-range" => () => heap.SetLocal(2, a),
            "pop-too-many" => () => { heap.PopFrame(); heap.PopFrame(); },
            "push-duplicate-names" => () => heap.PushFrame("twice", "n", "n"),
            "push-negative-count" => () => heap.PushFrame(-1),
            "root-empty-name" => () => heap.Roots[""] = a,
            "get-missing-root" => () => _ = heap.Roots["missing"],
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        if (operation == "pop-too-many")
        {
            // The first pop is legal and changes the heap; only the second must fail. Compare from after the first.
            heap.PopFrame();
            before = HeapState.Describe(heap, a, b, stale);
            act = heap.PopFrame;
        }

        Assert.ThrowsAny<HeapException>(act);
        Assert.Equal(before, HeapState.Describe(heap, a, b, stale));
        Assert.True(heap.Verify().Passed);
    }
}
