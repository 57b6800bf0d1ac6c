using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Memory;

public sealed class SpaceTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void The_first_object_sits_at_the_arena_base_and_neighbours_of_a_class_follow_at_the_class_size()
    {
        var heap = new SimulatedHeap();

        var first = heap.Alloc(16);
        var second = heap.Alloc(10); // also class 2 (16 B)
        var other = heap.Alloc(100); // class 9: a span of its own, on the next page

        Assert.Equal(SimulatedHeap.ArenaBase, heap.AddressOf(first));
        Assert.Equal(0xc000000000L, heap.AddressOf(first));
        Assert.Equal(SimulatedHeap.ArenaBase + 16, heap.AddressOf(second));
        Assert.Equal(SimulatedHeap.ArenaBase + 8192, heap.AddressOf(other));
    }

    [Fact]
    public void Addresses_of_live_objects_are_distinct_8_aligned_and_never_overlap()
    {
        var heap = new SimulatedHeap(new HeapOptions { Gogc = null });
        var random = new DeterministicRandom(7);
        var objects = new List<ObjectHandle>();
        heap.PushFrame(1);
        for (var i = 0; i < 600; i++)
        {
            var size = random.NextInt(10) == 0 ? random.NextInt(32_000, 90_000) : random.NextInt(1, 3000);
            var h = heap.Alloc(size);
            objects.Add(h);
        }

        var ranges = objects
            .Select(h => (Start: heap.AddressOf(h), End: heap.AddressOf(h) + Heap.Memory.SizeClasses.RoundedSize(heap.SizeOf(h))))
            .OrderBy(r => r.Start)
            .ToList();
        Assert.All(ranges, r => Assert.Equal(0, r.Start % 8));
        Assert.All(ranges, r => Assert.True(r.Start >= SimulatedHeap.ArenaBase));
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i].Start >= ranges[i - 1].End, $"object at 0x{ranges[i].Start:x} overlaps the one at 0x{ranges[i - 1].Start:x}");
        }
    }

    [Fact]
    public void A_span_of_the_1408_byte_class_holds_11_objects_in_2_pages()
    {
        var heap = new SimulatedHeap();
        heap.PushFrame(12);
        var objects = new List<ObjectHandle>();
        for (var i = 0; i < 11; i++)
        {
            objects.Add(heap.Alloc(1408));
            heap.SetLocal(i, objects[^1]);
        }

        Assert.Equal(16384, heap.Stats.HeapInuse);
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(SimulatedHeap.ArenaBase + i * 1408L, heap.AddressOf(objects[i]));
        }

        var twelfth = heap.Alloc(1400);
        Assert.Equal(32768, heap.Stats.HeapInuse);
        Assert.Equal(SimulatedHeap.ArenaBase + 16384, heap.AddressOf(twelfth));
        Assert.Equal(12 * 1408, heap.Stats.HeapAlloc);
    }

    [Theory]
    [InlineData(24, 341, 8192)]
    [InlineData(3072, 8, 24576)]
    [InlineData(6784, 6, 40960)]
    [InlineData(32768, 1, 32768)]
    public void A_span_holds_the_tables_number_of_objects_and_the_next_one_opens_a_new_span(int size, int perSpan, int spanBytes)
    {
        var heap = new SimulatedHeap(new HeapOptions { Gogc = null });
        heap.PushFrame(perSpan + 1);
        for (var i = 0; i < perSpan; i++)
        {
            heap.SetLocal(i, heap.Alloc(size));
        }

        Assert.Equal(spanBytes, heap.Stats.HeapInuse);

        var next = heap.Alloc(size);
        Assert.Equal(2L * spanBytes, heap.Stats.HeapInuse);
        Assert.Equal(SimulatedHeap.ArenaBase + spanBytes, heap.AddressOf(next));
    }

    [Theory]
    [InlineData(33 * 1024, 40960)]
    [InlineData(32769, 40960)]
    [InlineData(65536, 65536)]
    [InlineData(100_000, 106496)]
    public void A_large_object_takes_whole_pages_of_its_own(int size, long bytes)
    {
        var heap = new SimulatedHeap();
        var small = heap.Alloc(16);
        heap.Roots["small"] = small;
        var before = heap.Stats;

        var large = heap.Alloc(size);

        var after = heap.Stats;
        Assert.Equal(bytes, after.HeapInuse - before.HeapInuse);
        Assert.Equal(bytes, after.HeapAlloc - before.HeapAlloc);
        Assert.Equal(0, (after.HeapInuse - before.HeapInuse) % 8192);
        Assert.Equal(SimulatedHeap.ArenaBase + 8192, heap.AddressOf(large)); // first free page after the small span
    }

    [Fact]
    public void Freeing_every_object_of_a_span_returns_its_pages()
    {
        var heap = new SimulatedHeap();
        heap.Roots["keep"] = heap.Alloc(64);
        for (var i = 0; i < 10; i++)
        {
            heap.Alloc(16);
        }

        var large = heap.Alloc(50_000);
        var before = heap.Stats;
        Assert.Equal(8192 + 8192 + 57344, before.HeapInuse);
        Assert.Equal(4 * MiB - before.HeapInuse, before.HeapIdle);

        heap.Collect();

        var after = heap.Stats;
        Assert.False(heap.IsLive(large));
        Assert.Equal(8192, after.HeapInuse); // only the span of the kept object
        Assert.Equal(4 * MiB - 8192, after.HeapIdle);
        Assert.Equal(before.HeapSys, after.HeapSys);
    }

    [Fact]
    public void A_span_with_one_survivor_keeps_all_its_pages()
    {
        var heap = new SimulatedHeap();
        var keep = heap.Alloc(16);
        heap.Roots["keep"] = keep;
        for (var i = 0; i < 100; i++)
        {
            heap.Alloc(16);
        }

        heap.Collect();

        Assert.Equal(8192, heap.Stats.HeapInuse);
        Assert.Equal(16, heap.Stats.HeapAlloc);
        Assert.Equal(8192 - 16, heap.Stats.Fragmentation);
    }

    [Fact]
    public void A_freed_slot_is_reused_lowest_address_first()
    {
        var heap = new SimulatedHeap();
        var a = heap.Alloc(16);
        var b = heap.Alloc(16);
        var c = heap.Alloc(16);
        heap.Roots["a"] = a;
        heap.Roots["c"] = c;
        var addressOfB = heap.AddressOf(b);
        heap.Collect();

        var d = heap.Alloc(16);
        var e = heap.Alloc(16);

        Assert.Equal(addressOfB, heap.AddressOf(d));
        Assert.Equal(heap.AddressOf(c) + 16, heap.AddressOf(e));
    }

    [Theory]
    [InlineData("marksweep")]
    [InlineData("tricolor")]
    [InlineData("go")]
    [InlineData("refcount")]
    public void A_size_class_objects_table_index_is_its_span_slot_and_a_span_reused_after_release_keeps_its_indices(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true });
        var first = heap.Alloc(16);
        var second = heap.Alloc(16);
        var other = heap.Alloc(100);
        var span = heap.Spans.SpanOfOffset(heap.AddressOf(first) - SimulatedHeap.ArenaBase)!;

        Assert.Equal(span.IndexBase, first.Index);
        Assert.Equal(span.IndexBase + 1, second.Index);
        Assert.Equal(span.IndexBase + span.Capacity, other.Index); // the next span's block follows
        heap.Collect();
        heap.Collect(); // the go plan sweeps lazily: the span is released once its sweep has run
        Assert.Equal(0, heap.ObjectCount);
        Assert.True(span.Released);

        var again = heap.Alloc(16);

        Assert.Equal(first.Index, again.Index);
        Assert.Equal(first.Version + 2, again.Version);
        Assert.False(heap.IsLive(first));
        Assert.False(heap.IsLive(second));
        Assert.True(heap.IsLive(again));
    }

    [Theory]
    [InlineData("marksweep")]
    [InlineData("go")]
    [InlineData("refcount")]
    public void Spans_emptied_and_built_again_reuse_their_blocks_so_the_object_table_stops_growing(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector });
        heap.PushFrame("main", "list");
        void Round()
        {
            // A list of 3,000 nodes, then dropped: reference counting frees it node by node (spans
            // empty while they wait on their class's partial list), the tracing plans at a collection.
            for (var i = 0; i < 3000; i++)
            {
                heap.SetLocal(0, heap.Alloc(16, 1, [heap.GetLocal(0)]));
            }

            heap.SetLocal(0, ObjectHandle.Null);
            heap.Collect();
            heap.Collect();
        }

        Round();
        var tableAfterOneRound = heap.Objects.HighWater;
        for (var round = 0; round < 50; round++)
        {
            Round();
        }

        Assert.Equal(0, heap.ObjectCount);
        Assert.Equal(tableAfterOneRound, heap.Objects.HighWater);
    }

    [Fact]
    public void The_old_generation_maps_its_slots_to_the_indices_promoted_objects_were_born_with()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "generational", TenuringThreshold = 0, Verify = true });
        var young = heap.Alloc(16);
        heap.Roots["young"] = young;

        heap.CollectMinor();

        Assert.True(heap.IsLive(young));
        Assert.Equal("size-class (old)", heap.SpaceOf(young));
        var span = heap.Spans.SpanOfOffset(heap.AddressOf(young) - SimulatedHeap.ArenaBase)!;
        Assert.Equal(-1, span.IndexBase);
        Assert.Equal(young.Index, span.ObjectAt(span.SlotOf(heap.AddressOf(young) - SimulatedHeap.ArenaBase)));
    }

    [Fact]
    public void HeapSys_is_obtained_in_4_MiB_steps()
    {
        var heap = new SimulatedHeap(new HeapOptions { Gogc = null });
        Assert.Equal(0, heap.Stats.HeapSys);
        var sys = new List<long>();

        for (var i = 0; i < 3; i++)
        {
            heap.Roots[$"r{i}"] = heap.Alloc(3 * (int)MiB);
            sys.Add(heap.Stats.HeapSys);
        }

        // 3 MiB fits the first 4 MiB; the second needs 2 MiB more than the 1 MiB left, so one step; likewise the third.
        Assert.Equal([4 * MiB, 8 * MiB, 12 * MiB], sys);
        Assert.Equal(9 * MiB, heap.Stats.HeapInuse);
        Assert.Equal(3 * MiB, heap.Stats.HeapIdle);

        heap.Roots["big"] = heap.Alloc(9 * (int)MiB); // needs 9 MiB, 3 MiB free at the top: 6 MiB more, so 8 MiB
        Assert.Equal(20 * MiB, heap.Stats.HeapSys);
        Assert.Equal(ArenaOffset(heap, heap.Roots["r2"]) + 3 * MiB, ArenaOffset(heap, heap.Roots["big"]));
    }

    [Fact]
    public void The_scavenger_releases_idle_pages_above_the_goal_and_reuse_takes_them_back()
    {
        var heap = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 64 * 1024 });
        heap.Roots["keep"] = heap.Alloc(16);
        heap.Alloc(16);

        heap.Collect();

        // Goal 64 KiB: it keeps 64 KiB + 10 % = 72089 bytes = 8 whole pages obtained and unreleased.
        var stats = heap.Stats;
        Assert.Equal(4 * MiB, stats.HeapSys);
        Assert.Equal(4 * MiB - 8 * 8192, stats.HeapReleased);
        Assert.True(stats.HeapReleased <= stats.HeapIdle);

        heap.Roots["big"] = heap.Alloc(100 * 8192); // 100 pages: the first free run is pages 1..100, 93 of them released
        Assert.Equal(4 * MiB - 8 * 8192 - 93 * 8192, heap.Stats.HeapReleased);
    }

    private static long ArenaOffset(SimulatedHeap heap, ObjectHandle handle) => heap.AddressOf(handle) - SimulatedHeap.ArenaBase;
}
