using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Objects;

public class StackAllocationTests
{
    public static TheoryData<string> Plans => new() { "marksweep", "tricolor", "go", "refcount", "semispace", "markcompact", "generational" };

    [Theory]
    [MemberData(nameof(Plans))]
    public void A_stack_object_keeps_what_it_points_to_alive_and_dies_with_its_frame_at_no_collection_cost(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true });
        heap.PushFrame("work");
        var onStack = heap.AllocOnStack(32, 1);
        var target = heap.Alloc(48, 0);
        heap.Write(onStack, 0, target);

        heap.Collect();
        Assert.True(heap.IsLive(target));
        Assert.True(heap.IsOnStack(onStack));
        Assert.Equal(target, heap.Read(onStack, 0));
        Assert.Equal(32, heap.Stats.StackInuse);

        var cycles = heap.Cycles.Count;
        heap.PopFrame();

        Assert.False(heap.IsLive(onStack));
        Assert.Equal(cycles, heap.Cycles.Count);
        Assert.Equal(0, heap.Stats.StackInuse);
        Assert.Contains("if it was allocated on the stack, when its frame was popped", Assert.Throws<StaleHandleException>(() => heap.AddressOf(onStack)).Message);
        heap.Collect();
        Assert.False(heap.IsLive(target));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Stack_objects_are_not_counted_as_heap_objects_so_HeapObjects_is_mallocs_minus_frees(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector });
        heap.PushFrame("f");
        heap.Alloc(64);
        heap.AllocOnStack(64);
        heap.AllocOnStack(32);

        var stats = heap.Stats;

        Assert.Equal(1, stats.HeapObjects);
        Assert.Equal(stats.Mallocs - stats.Frees, stats.HeapObjects);
        Assert.Equal(2, stats.StackAllocs);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Stack_objects_have_addresses_of_their_own_in_the_stack_region(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true });
        var onHeap = heap.Alloc(16, 0);
        heap.Roots["kept"] = onHeap;
        heap.PushFrame("outer");
        var first = heap.AllocOnStack(24, 0);
        var second = heap.AllocOnStack(8, 0);
        heap.PushFrame("inner");
        var inner = heap.AllocOnStack(16, 0);

        Assert.Equal(SimulatedHeap.StackRegionBase, heap.AddressOf(first));
        Assert.Equal(SimulatedHeap.StackRegionBase + 24, heap.AddressOf(second));
        Assert.Equal(SimulatedHeap.StackRegionBase + 32, heap.AddressOf(inner));
        Assert.InRange(heap.AddressOf(onHeap), SimulatedHeap.ArenaBase, SimulatedHeap.StackRegionBase - 1);

        heap.PopFrame();
        var reused = heap.AllocOnStack(8, 0); // the inner frame's bytes are free again
        Assert.Equal(SimulatedHeap.StackRegionBase + 32, heap.AddressOf(reused));
    }

    [Fact]
    public void Every_escape_is_refused_and_changes_nothing()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        var onHeap = heap.Alloc(16, 1);
        heap.Roots["h"] = onHeap;
        heap.PushFrame("outer", "keep");
        heap.PushFrame("inner", "x");
        var onStack = heap.AllocOnStack(16, 1);
        var pool = heap.NewPool("p", 16, 1);
        var before = (heap.Stats, heap.Read(onHeap, 0));

        Assert.Contains("escape", Assert.Throws<InvalidRootOperationException>(() => heap.Write(onHeap, 0, onStack)).Message);
        Assert.Contains("global root 'g'", Assert.Throws<InvalidRootOperationException>(() => heap.Roots["g"] = onStack).Message);
        Assert.Contains("pool 'p'", Assert.Throws<InvalidRootOperationException>(() => pool.Put(onStack)).Message);
        Assert.Contains("new heap object", Assert.Throws<InvalidRootOperationException>(() => heap.Alloc(16, 1, [onStack])).Message);
        heap.PopFrame();
        Assert.Throws<StaleHandleException>(() => heap.SetLocal("keep", onStack));

        Assert.Equal(before.Item2, heap.Read(onHeap, 0));
        Assert.False(heap.Roots.Contains("g"));
        Assert.Equal(0, pool.PrimaryCount);
    }

    [Fact]
    public void A_stack_object_may_point_to_an_older_frames_stack_object_but_not_the_other_way()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        heap.PushFrame("outer", "o");
        var outer = heap.AllocOnStack(16, 1);
        heap.PushFrame("inner", "i");
        var inner = heap.AllocOnStack(16, 1);

        heap.Write(inner, 0, outer);
        Assert.Contains("outlives that frame", Assert.Throws<InvalidRootOperationException>(() => heap.Write(outer, 0, inner)).Message);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Less_escape_means_fewer_heap_allocations_and_less_collector_work(string collector)
    {
        (long Mallocs, long MarkedPlusFreed) Run(string escape)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true, MinimumHeapBytes = 64 << 10 });
            heap.Run(WorkloadCatalog.Create("server", new Dictionary<string, string>
            {
                ["requests"] = "1500", ["garbage"] = "20", ["cache-size"] = "50", ["escape-percent"] = escape,
            }));
            heap.Collect();
            Assert.True(heap.Verify().Passed);
            return (heap.Stats.Mallocs, heap.Cycles.Sum(c => c.ObjectsMarked + c.ObjectsFreed));
        }

        var escapes = Run("100");
        var mostlyStack = Run("10");

        Assert.True(mostlyStack.Mallocs < escapes.Mallocs / 3, $"{mostlyStack.Mallocs} vs {escapes.Mallocs} heap allocations");
    }
}
