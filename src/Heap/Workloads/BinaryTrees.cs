using System.Globalization;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// The Benchmarks Game's binary-trees, in the shape of its Go program: a stretch tree of depth
/// max+1 built, checked and dropped; a long-lived tree of depth max kept throughout; then for
/// d = 4, 6, …, max, 2^(max−d+4) trees of depth d built, checked and dropped. Nodes are
/// 16-byte objects with two pointer slots, as Go's <c>struct{ left, right *Node }</c>. Children
/// are built first; the left one is held in a stack local while the right one is built, and both are
/// the initial values of their parent's allocation, as in Go's <c>&amp;Node{left, right}</c>.
/// </summary>
/// <param name="maxDepth">The depth (4 to 26, the catalog's range); below 6 it runs depth 6, as the game does.</param>
public sealed class BinaryTrees(int maxDepth) : Workload("binary-trees", maxDepth)
{
    public const int MinDepth = 4;
    public const int NodeBytes = 16;

    /// <summary>The depth asked for; <see cref="MaxDepth"/> is the depth run.</summary>
    public int RequestedDepth { get; } = maxDepth;

    /// <summary>Says so when the depth run is not the one asked for (4 or 5 runs as 6).</summary>
    public override string? Adjustment => MaxDepth == RequestedDepth
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"depth raised from {RequestedDepth} to {MaxDepth}, as the game raises n below {MinDepth + 2} to {MinDepth + 2}");

    internal override WorkloadRecipe Recipe => new(Name, [MaxDepth]);

    /// <summary>The depth run: the one asked for, or 6 when 4 or 5 was asked (the game's max(MinDepth + 2, n)).</summary>
    public int MaxDepth { get; } = Math.Max(MinDepth + 2, maxDepth);

    /// <summary>Allocations the program makes at this depth (every node of every tree).</summary>
    public static long AllocationCount(int maxDepth)
    {
        var max = Math.Max(MinDepth + 2, maxDepth);
        long total = (1L << (max + 2)) - 1 + (1L << (max + 1)) - 1;
        for (var d = MinDepth; d <= max; d += 2)
        {
            total += (1L << (max - d + MinDepth)) * ((1L << (d + 1)) - 1);
        }

        return total;
    }

    /// <summary>Nodes reachable at the peak, while the stretch tree (depth max+1) is checked: 2^(max+2) − 1 of 16 bytes.</summary>
    public static WorkloadFootprint PeakLive(int maxDepth)
    {
        var nodes = (1L << (Math.Max(MinDepth + 2, maxDepth) + 2)) - 1;
        return new WorkloadFootprint(nodes, nodes * NodeBytes);
    }

    protected override long Execute(SimulatedHeap heap)
    {
        // A run never depends on an earlier run of the same instance, so a replay stops where the original did.
        _leavesSinceCheckpoint = 0;
        heap.PushFrame("main", "stretch", "longLived");
        var stretch = Build(heap, MaxDepth + 1);
        heap.SetLocal(0, stretch);
        long checksum = Check(heap, stretch);
        heap.SetLocal(0, ObjectHandle.Null);

        var longLived = Build(heap, MaxDepth);
        heap.SetLocal(1, longLived);
        var rounds = (MaxDepth - MinDepth) / 2 + 1;
        var round = 0;
        for (var depth = MinDepth; depth <= MaxDepth; depth += 2, round++)
        {
            var iterations = 1 << (MaxDepth - depth + MinDepth);
            var checkEvery = Math.Max(1, iterations / 16);
            for (var i = 0; i < iterations; i++)
            {
                if (i % checkEvery == 0)
                {
                    Checkpoint((round + (double)i / iterations) / rounds);
                }

                checksum += Check(heap, Build(heap, depth));
            }
        }

        checksum += Check(heap, longLived);
        heap.PopFrame();
        return checksum;
    }

    private int _leavesSinceCheckpoint;

    // The JIT inlines the whole allocation path into Build and reaches its inlining limits doing so:
    // more code there (a two-handle Alloc overload, or leaves allocated by their parent) left
    // SetLocal, PopFrame, the liveness checks or Alloc itself as calls, 10-19 % slower. Look at
    // Build's Tier1 code (DOTNET_JitDisasm=Build) before timing a change to what it inlines.
    private ObjectHandle Build(SimulatedHeap heap, int depth)
    {
        if (depth <= 0)
        {
            // Big trees take a while: an interrupt is honoured every 64 Ki leaves, not only between trees.
            if (++_leavesSinceCheckpoint == 1 << 16)
            {
                _leavesSinceCheckpoint = 0;
                Checkpoint(FractionDone);
            }

            return heap.Alloc(NodeBytes, 2);
        }

        heap.PushFrame(1);
        var left = Build(heap, depth - 1);
        heap.SetLocal(0, left);
        var right = Build(heap, depth - 1);
        var node = heap.Alloc(NodeBytes, 2, [left, right]);
        heap.PopFrame();
        return node;
    }

    private static int Check(SimulatedHeap heap, ObjectHandle node)
    {
        var children = new Children();
        heap.ReadSlots(node, children);
        return children[0].IsNull ? 1 : 1 + Check(heap, children[0]) + Check(heap, children[1]);
    }

    /// <summary>A node's two children, read into a local (a stackalloc'd span would cost a stack-guard check per node).</summary>
    [System.Runtime.CompilerServices.InlineArray(2)]
    private struct Children
    {
        private ObjectHandle _first;
    }
}
