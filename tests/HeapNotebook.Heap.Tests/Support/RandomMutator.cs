using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Support;

/// <summary>
/// Interprets a list of random integers as a mutator program against a heap: allocations, slot
/// writes and reads, root and frame changes, incremental mark steps and forced collections. It
/// only touches objects it can reach from its roots in the same operation, so any object the
/// heap loses shows up as a verifier failure, never as a mistake of the program. Object sizes
/// are 16 to 72 bytes times <paramref name="sizeScale"/> (a larger scale fills a nursery sooner).
/// </summary>
internal sealed class RandomMutator(SimulatedHeap heap, bool stepsMarking, bool forcesCollections = true, int sizeScale = 1)
{
    private const int RootCount = 6;
    private int _frames;

    public int Operations { get; private set; }

    public void Run(IReadOnlyList<int> program)
    {
        var cursor = 0;
        int Next(int bound) => program[cursor++ % program.Count] % bound;

        heap.PushFrame("main", "l0", "l1", "l2");
        _frames = 1;
        while (cursor < program.Count)
        {
            Operations++;
            switch (Next(14))
            {
                case 0 or 1 or 2:
                    var slots = Next(4);
                    Store(Next, heap.Alloc(Math.Max(16 + 8 * Next(8), 8 * slots) * sizeScale, slots));
                    break;
                case 3:
                    var parent = Pick(Next);
                    var child = Pick(Next);
                    Store(Next, heap.Alloc(32 * sizeScale, 2, [parent, child]));
                    break;
                case 4 or 5 or 6:
                    Link(Next);
                    break;
                case 7:
                    var source = Walk(Next);
                    if (!source.IsNull && heap.SlotCountOf(source) > 0)
                    {
                        heap.SetLocal(Next(_frames == 1 ? 3 : 1), heap.Read(source, Next(heap.SlotCountOf(source))));
                    }

                    break;
                case 8:
                    heap.Roots.Remove($"r{Next(RootCount)}");
                    break;
                case 9:
                    if (_frames < 4)
                    {
                        heap.PushFrame(1);
                        _frames++;
                        heap.SetLocal(0, Pick(Next));
                    }
                    else
                    {
                        heap.PopFrame();
                        _frames--;
                    }

                    break;
                case 10 or 11:
                    if (stepsMarking)
                    {
                        heap.Step(1 + Next(3));
                    }

                    break;
                case 12:
                    if (Next(20) == 0 && forcesCollections)
                    {
                        heap.Collect();
                    }

                    break;
                default:
                    if (_frames > 1)
                    {
                        heap.PopFrame();
                        _frames--;
                    }

                    break;
            }
        }

        while (_frames > 0)
        {
            heap.PopFrame();
            _frames--;
        }
    }

    private void Store(Func<int, int> next, ObjectHandle fresh)
    {
        if (next(2) == 0)
        {
            heap.Roots[$"r{next(RootCount)}"] = fresh;
        }
        else
        {
            heap.SetLocal(_frames == 1 ? next(3) : 0, fresh);
        }
    }

    private void Link(Func<int, int> next)
    {
        var source = Walk(next);
        if (source.IsNull || heap.SlotCountOf(source) == 0)
        {
            return;
        }

        var target = next(4) == 0 ? ObjectHandle.Null : Walk(next);
        heap.Write(source, next(heap.SlotCountOf(source)), target);
    }

    /// <summary>A rooted object, or null.</summary>
    private ObjectHandle Pick(Func<int, int> next)
    {
        if (next(2) == 0 && heap.Roots.TryGet($"r{next(RootCount)}", out var root))
        {
            return root;
        }

        return _frames == 1 ? heap.GetLocal(next(3)) : heap.GetLocal(0);
    }

    /// <summary>A rooted object or one a few slots below it, or null.</summary>
    private ObjectHandle Walk(Func<int, int> next)
    {
        var current = Pick(next);
        for (var depth = next(3); depth > 0 && !current.IsNull && heap.SlotCountOf(current) > 0; depth--)
        {
            var below = heap.Read(current, next(heap.SlotCountOf(current)));
            if (below.IsNull)
            {
                break;
            }

            current = below;
        }

        return current;
    }
}
