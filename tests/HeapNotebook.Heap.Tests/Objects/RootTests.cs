using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Objects;

public sealed class RootTests
{
    private static SimulatedHeap NewHeap() => new(new HeapOptions { Verify = true });

    [Fact]
    public void A_global_root_keeps_its_object_and_everything_it_reaches_alive_across_Collect()
    {
        var heap = NewHeap();
        var a = heap.Alloc(16, 1);
        var b = heap.Alloc(16, 1);
        var c = heap.Alloc(16);
        heap.Write(a, 0, b);
        heap.Write(b, 0, c);
        heap.Roots["a"] = a;

        heap.Collect();
        heap.Collect();

        Assert.True(heap.IsLive(a));
        Assert.True(heap.IsLive(b));
        Assert.True(heap.IsLive(c));
        Assert.Equal(0, heap.Stats.Frees);
        Assert.Equal(["a"], heap.Roots.Names);
    }

    [Fact]
    public void Removing_a_root_lets_the_next_Collect_free_what_only_it_reached()
    {
        var heap = NewHeap();
        var a = heap.Alloc(16, 1);
        var b = heap.Alloc(16);
        heap.Write(a, 0, b);
        heap.Roots["a"] = a;
        heap.Collect();

        Assert.True(heap.Roots.Remove("a"));
        Assert.False(heap.Roots.Remove("a"));
        heap.Collect();

        Assert.False(heap.IsLive(a));
        Assert.False(heap.IsLive(b));
        Assert.Equal(2, heap.Stats.Frees);
        Assert.Equal(0, heap.Roots.Count);
    }

    [Fact]
    public void Assigning_null_to_a_root_removes_it()
    {
        var heap = NewHeap();
        var a = heap.Alloc(16);
        heap.Roots["a"] = a;

        heap.Roots["a"] = ObjectHandle.Null;
        heap.Collect();

        Assert.False(heap.Roots.Contains("a"));
        Assert.False(heap.IsLive(a));
    }

    [Fact]
    public void Reading_a_missing_root_throws_naming_the_roots_there_are()
    {
        var heap = NewHeap();
        heap.Roots["beta"] = heap.Alloc(8);
        heap.Roots["alpha"] = heap.Alloc(8);

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.Roots["gamma"]);

        Assert.Equal("There is no root named 'gamma'. Roots: alpha, beta.", error.Message);
    }

    [Fact]
    public void Frame_locals_keep_objects_alive_and_PopFrame_releases_them()
    {
        var heap = NewHeap();
        heap.PushFrame("main", "x", "y");
        var x = heap.Alloc(16);
        heap.SetLocal("x", x);
        var y = heap.Alloc(32);
        heap.SetLocal(1, y);

        heap.Collect();
        Assert.True(heap.IsLive(x));
        Assert.True(heap.IsLive(y));
        Assert.Equal(x, heap.GetLocal("x"));
        Assert.Equal(y, heap.GetLocal(1));

        heap.PopFrame();
        heap.Collect();
        Assert.False(heap.IsLive(x));
        Assert.False(heap.IsLive(y));
        Assert.Empty(heap.FrameNames);
    }

    [Fact]
    public void Locals_of_outer_frames_stay_roots_while_an_inner_frame_is_pushed()
    {
        var heap = NewHeap();
        heap.PushFrame("outer", "kept");
        var kept = heap.Alloc(16);
        heap.SetLocal("kept", kept);
        heap.PushFrame(2);
        var inner = heap.Alloc(16);
        heap.SetLocal(0, inner);

        heap.Collect();
        Assert.True(heap.IsLive(kept));
        Assert.True(heap.IsLive(inner));
        Assert.Equal(["outer", "frame"], heap.FrameNames);
        Assert.Equal(24, heap.Cycles[^1].StackScanBytes); // 1 + 2 locals scanned, 8 bytes each
    }

    [Fact]
    public void Popping_inner_frames_brings_back_each_outer_frames_locals_names_and_place()
    {
        var heap = NewHeap();
        heap.PushFrame("outer", "a", "b");
        var a = heap.Alloc(16);
        heap.SetLocal("b", a);
        heap.PushFrame(3);
        var middle = heap.Alloc(16);
        heap.SetLocal(2, middle);
        heap.PushFrame("inner", "c");
        heap.SetLocal("c", heap.Alloc(16));

        heap.PopFrame();
        Assert.Equal(middle, heap.GetLocal(2));
        Assert.Equal(["outer", "frame"], heap.FrameNames);
        heap.PopFrame();

        Assert.Equal(["outer"], heap.FrameNames);
        Assert.Equal(a, heap.GetLocal("b"));
        Assert.Equal(a, heap.GetLocal(1));
        Assert.Equal("Frame 'outer' has 2 locals, numbered 0 to 1; there is no local 2.",
            Assert.Throws<InvalidRootOperationException>(() => heap.GetLocal(2)).Message);
        heap.Collect();
        Assert.Equal(16, heap.Cycles[^1].StackScanBytes); // only the outer frame's two locals are left to scan
        Assert.True(heap.IsLive(a));
        Assert.False(heap.IsLive(middle));
    }

    [Fact]
    public void A_new_frame_starts_with_null_locals_even_where_a_popped_frame_left_values()
    {
        var heap = NewHeap();
        heap.PushFrame(2);
        heap.SetLocal(0, heap.Alloc(16));
        heap.SetLocal(1, heap.Alloc(16));
        heap.PopFrame();

        heap.PushFrame("again", "p", "q");

        Assert.Equal(ObjectHandle.Null, heap.GetLocal("p"));
        Assert.Equal(ObjectHandle.Null, heap.GetLocal("q"));
        heap.Collect();
        Assert.Equal(2, heap.Stats.Frees);
    }

    [Fact]
    public void PopFrame_with_no_frame_throws()
    {
        var heap = NewHeap();

        var error = Assert.Throws<InvalidRootOperationException>(heap.PopFrame);

        Assert.Equal("There is no stack frame to pop. Push one with PushFrame first.", error.Message);
    }

    [Fact]
    public void An_unknown_local_name_throws_naming_the_frames_locals()
    {
        var heap = NewHeap();
        heap.PushFrame("work", "left", "right");
        var a = heap.Alloc(16);

        var set = Assert.Throws<InvalidRootOperationException>(() => heap.SetLocal("middle", a));
        var get = Assert.Throws<InvalidRootOperationException>(() => heap.GetLocal("middle"));

        Assert.Equal("Frame 'work' has no local named 'middle'. Its locals: left, right.", set.Message);
        Assert.Equal(set.Message, get.Message);
    }

    [Fact]
    public void An_anonymous_frame_has_no_local_names_and_says_how_many_locals_it_has()
    {
        var heap = NewHeap();
        heap.PushFrame(2);

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.GetLocal("x"));

        Assert.StartsWith("Frame 'frame' has no local named 'x'.", error.Message);
        Assert.DoesNotContain("Its locals: none", error.Message); // it has two, numbered 0 and 1
    }

    [Fact]
    public void A_local_index_out_of_range_throws_naming_the_valid_range()
    {
        var heap = NewHeap();
        heap.PushFrame("work", "left", "right");

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.GetLocal(2));

        Assert.Equal("Frame 'work' has 2 locals, numbered 0 to 1; there is no local 2.", error.Message);
    }

    [Fact]
    public void A_local_of_a_frame_without_locals_says_the_frame_has_none()
    {
        var heap = NewHeap();
        heap.PushFrame("f");

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.SetLocal(0, heap.Alloc(16)));

        Assert.StartsWith("Frame 'f' has no locals, so there is no local 0.", error.Message);
    }

    [Fact]
    public void Using_a_local_with_no_frame_throws()
    {
        var heap = NewHeap();

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.SetLocal(0, ObjectHandle.Null));

        Assert.Equal("There is no stack frame. Push one with PushFrame before using locals.", error.Message);
    }

    [Fact]
    public void A_frame_that_names_a_local_twice_is_refused()
    {
        var heap = NewHeap();

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.PushFrame("f", "a", "b", "a"));

        Assert.Equal("Frame 'f' names a local twice: a, b, a. Give each local its own name.", error.Message);
        Assert.Empty(heap.FrameNames);
    }

    [Fact]
    public void A_frame_with_an_impossible_number_of_locals_is_refused_with_a_heap_exception()
    {
        var heap = NewHeap();
        heap.PushFrame(1);

        Assert.ThrowsAny<HeapException>(() => heap.PushFrame(int.MaxValue));
        Assert.Single(heap.FrameNames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_stack_holds_exactly_MaxStackLocals_locals_and_refuses_one_more_changing_nothing(bool verify)
    {
        // Unverified, nothing observes the pushes, so they take the fast path that only asks for room.
        var heap = new SimulatedHeap(new HeapOptions { Verify = verify });
        heap.PushFrame(SimulatedHeap.MaxStackLocals - 2);
        heap.PushFrame(1);
        heap.PushFrame(1); // the stack grew on the way; its last local fits exactly

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.PushFrame(1));

        Assert.Contains("A frame cannot have 1 locals", error.Message);
        Assert.Equal(3, heap.FrameNames.Count);
        heap.PopFrame();
        heap.PushFrame(1); // the room a pop gives back is usable again
        Assert.Equal(3, heap.FrameNames.Count);
    }

    [Fact]
    public void Roots_are_listed_in_ordinal_name_order()
    {
        var heap = NewHeap();
        foreach (var name in new[] { "b", "B", "a", "a2", "A" })
        {
            heap.Roots[name] = heap.Alloc(8);
        }

        Assert.Equal(["A", "B", "a", "a2", "b"], heap.Roots.Names);
        Assert.Equal(heap.Roots.Names, heap.Roots.Entries.Select(e => e.Key));
        Assert.True(heap.Roots.TryGet("a2", out var a2));
        Assert.Equal(8, heap.SizeOf(a2));
        Assert.False(heap.Roots.TryGet("c", out _));
    }

    [Fact]
    public void A_root_with_an_empty_name_is_refused()
    {
        var heap = NewHeap();
        var a = heap.Alloc(8);

        var error = Assert.Throws<InvalidRootOperationException>(() => heap.Roots[""] = a);

        Assert.Equal("A root needs a name; an empty name cannot be looked up again.", error.Message);
        Assert.Equal(0, heap.Roots.Count);
    }
}
