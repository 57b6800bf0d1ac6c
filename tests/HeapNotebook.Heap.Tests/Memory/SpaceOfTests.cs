using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Memory;

/// <summary>The reader's view of spaces: <see cref="SimulatedHeap.DescribeSpans"/>'s Space and IsYoung, <see cref="SimulatedHeap.SpaceOf"/>, and <see cref="SimulatedHeap.DescribeObjects"/>.</summary>
public sealed class SpaceOfTests
{
    public static TheoryData<string> Plans => new() { "marksweep", "tricolor", "go", "refcount", "semispace", "markcompact", "generational" };

    private static SimulatedHeap Heap(string collector) => new(new HeapOptions { Collector = collector, Gogc = null, Verify = true, NurseryBytes = 64 << 10 });

    private static SpanInfo SpanHolding(SimulatedHeap heap, ObjectHandle handle)
    {
        var address = heap.AddressOf(handle);
        return heap.DescribeSpans().Single(span => address >= span.Address && address < span.Address + (long)span.Pages * SizeClasses.PageSize);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Every_span_names_one_of_its_plans_spaces_and_SpaceOf_agrees_with_the_span_holding_the_object(string collector)
    {
        var heap = Heap(collector);
        var small = heap.Alloc(48);
        var large = heap.Alloc(40_000);
        heap.Roots["small"] = small;
        heap.Roots["large"] = large;

        foreach (var span in heap.DescribeSpans())
        {
            Assert.Contains(span.Space, heap.Plan.Constraints.Spaces);
        }
        Assert.Equal(SpanHolding(heap, small).Space, heap.SpaceOf(small));
        Assert.Equal(SpanHolding(heap, large).Space, heap.SpaceOf(large));
    }

    [Theory]
    [InlineData("marksweep")]
    [InlineData("tricolor")]
    [InlineData("go")]
    [InlineData("refcount")]
    public void Non_moving_plans_have_size_class_spans_and_large_object_spans_and_no_young_generation(string collector)
    {
        var heap = Heap(collector);
        var small = heap.Alloc(48);
        var large = heap.Alloc(40_000);
        heap.Roots["small"] = small;
        heap.Roots["large"] = large;

        Assert.Equal("size-class", heap.SpaceOf(small));
        Assert.Equal("large-object", heap.SpaceOf(large));
        Assert.All(heap.DescribeSpans(), span => Assert.False(span.IsYoung));
    }

    [Fact]
    public void A_generational_survivor_moves_from_the_nursery_to_from_survivor_to_the_old_generation()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "generational", Gogc = null, Verify = true, NurseryBytes = 64 << 10, TenuringThreshold = 2 });
        var kept = heap.Alloc(32);
        heap.Roots["kept"] = kept;
        var large = heap.Alloc(40_000);
        heap.Roots["large"] = large;

        Assert.Equal("nursery", heap.SpaceOf(kept));
        Assert.True(SpanHolding(heap, kept).IsYoung);
        Assert.Equal("large-object (old)", heap.SpaceOf(large));
        Assert.False(SpanHolding(heap, large).IsYoung);

        heap.CollectMinor();
        Assert.Equal("survivor (from)", heap.SpaceOf(kept));
        Assert.True(SpanHolding(heap, kept).IsYoung);
        Assert.Equal(1, heap.AgeOf(kept));
        // Between minor collections to-survivor is empty, so no span belongs to it.
        Assert.DoesNotContain(heap.DescribeSpans(), span => span.Space == "survivor (to)");

        heap.CollectMinor();
        Assert.Equal("size-class (old)", heap.SpaceOf(kept));
        Assert.False(SpanHolding(heap, kept).IsYoung);
        Assert.Equal(2, heap.AgeOf(kept));
    }

    [Fact]
    public void Survivors_of_two_minor_collections_are_named_from_survivor_though_the_two_spaces_swapped()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "generational", Gogc = null, Verify = true, NurseryBytes = 64 << 10, TenuringThreshold = 5 });
        var kept = heap.Alloc(32);
        heap.Roots["kept"] = kept;

        heap.CollectMinor();
        var first = SpanHolding(heap, kept).Address;
        heap.CollectMinor();

        Assert.NotEqual(first, SpanHolding(heap, kept).Address); // copied into the other survivor space
        Assert.Equal("survivor (from)", heap.SpaceOf(kept));
    }

    [Fact]
    public void A_semispace_heap_allocates_in_from_space_and_its_survivors_are_in_from_space_after_the_halves_swap()
    {
        var heap = Heap("semispace");
        var kept = heap.Alloc(32);
        heap.Roots["kept"] = kept;
        Assert.Equal("from-space", heap.SpaceOf(kept));

        heap.Collect();

        Assert.Equal("from-space", heap.SpaceOf(kept));
        Assert.All(heap.DescribeSpans(), span => Assert.Equal("from-space", span.Space));
    }

    [Fact]
    public void A_mark_compact_heap_has_one_compacting_space()
    {
        var heap = Heap("markcompact");
        heap.Roots["kept"] = heap.Alloc(32);
        heap.Roots["large"] = heap.Alloc(40_000);

        Assert.All(heap.DescribeSpans(), span => Assert.Equal("compacting", span.Space));
    }

    [Fact]
    public void An_object_on_the_stack_is_in_no_span_and_its_space_is_the_stack()
    {
        var heap = Heap("marksweep");
        heap.PushFrame("f");
        var local = heap.AllocOnStack(32);

        Assert.Equal("stack", heap.SpaceOf(local));
        Assert.DoesNotContain(heap.DescribeObjects(), info => info.Handle == local);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void DescribeObjects_lists_each_heap_object_once_inside_its_span_in_address_order_and_costs_no_virtual_time(string collector)
    {
        var heap = Heap(collector);
        var table = heap.Alloc(8 * 300, 300);
        heap.Roots["table"] = table;
        for (var index = 0; index < 300; index++)
        {
            heap.Write(table, index, heap.Alloc(16 + index % 5 * 24, 0));
        }
        heap.Write(table, 7, heap.Alloc(40_000));
        var clock = heap.Clock.Picoseconds;

        var objects = heap.DescribeObjects().ToArray();

        Assert.Equal(clock, heap.Clock.Picoseconds);
        Assert.Equal(heap.ObjectCount, objects.Length);
        Assert.Equal(objects.Length, objects.Select(info => info.Handle).Distinct().Count());
        var spans = heap.DescribeSpans().ToDictionary(span => span.Id);
        foreach (var group in objects.GroupBy(info => info.SpanId))
        {
            var span = spans[group.Key];
            Assert.All(group, info => Assert.InRange(info.Address, span.Address, span.Address + (long)span.Pages * SizeClasses.PageSize - 1));
            Assert.Equal(group.Select(info => info.Address).Order(), group.Select(info => info.Address));
        }
        Assert.All(objects, info => Assert.Equal((heap.SizeOf(info.Handle), heap.AgeOf(info.Handle), heap.ColorOf(info.Handle), heap.AddressOf(info.Handle)),
            (info.Size, info.Age, info.Color, info.Address)));
    }

    [Fact]
    public void DescribeObjects_shows_the_mark_colours_mid_cycle()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "tricolor", Gogc = null, IncrementalWork = 0 });
        var root = heap.Alloc(16, 2);
        heap.Roots["root"] = root;
        var left = heap.Alloc(16, 1);
        heap.Write(root, 0, left);
        heap.Write(left, 0, heap.Alloc(16));
        heap.Write(root, 1, heap.Alloc(16));
        heap.Alloc(16); // garbage

        heap.Step(1);
        heap.Step(1);

        var colours = heap.DescribeObjects().Select(info => info.Color).ToArray();
        Assert.Contains(ObjectColor.White, colours);
        Assert.Contains(ObjectColor.Grey, colours);
        Assert.Contains(ObjectColor.Black, colours);
        Assert.Equal(heap.GreyWorklist.Count, colours.Count(colour => colour == ObjectColor.Grey));
    }

    [Fact]
    public void DescribeObjects_flags_garbage_a_lazy_sweep_has_not_freed_yet()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go" });
        var table = heap.Alloc(8 * 2000, 2000);
        heap.Roots["table"] = table;
        for (var index = 0; index < 2000; index++)
        {
            heap.Write(table, index, heap.Alloc(32));
        }
        for (var index = 0; index < 2000; index += 2)
        {
            heap.Write(table, index, ObjectHandle.Null);
        }
        while (heap.Phase != GcPhase.Sweep)
        {
            heap.Alloc(4096); // run until a cycle has marked and its sweep is pending
        }

        var awaiting = heap.DescribeObjects().Where(info => info.AwaitingSweep).ToArray();

        Assert.NotEmpty(awaiting);
        Assert.All(awaiting, info => Assert.False(heap.IsLive(info.Handle)));
        Assert.All(awaiting, info => Assert.Equal(ObjectColor.White, info.Color));
        Assert.All(heap.DescribeObjects().Where(info => !info.AwaitingSweep), info => Assert.True(heap.IsLive(info.Handle)));
    }
}
