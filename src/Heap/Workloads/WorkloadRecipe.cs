using System.Globalization;
using HeapNotebook.Heap.Errors;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// How to make a built-in workload again: its name and its constructor's arguments. A heap's
/// journal records a run of a built-in workload as one recipe instead of every operation it makes.
/// </summary>
internal sealed record WorkloadRecipe(string Name, IReadOnlyList<long> Arguments)
{
    public IWorkload Create()
    {
        long At(int index) => index < Arguments.Count
            ? Arguments[index]
            : throw new WorkloadException(string.Create(CultureInfo.InvariantCulture, $"A recorded run of '{Name}' has {Arguments.Count} arguments; it needs more."));

        int Int(int index) => checked((int)At(index));

        return Name switch
        {
            "binary-trees" => new BinaryTrees(Int(0)),
            "churn" => new Churn(At(0), Int(1), Int(2), Int(3), Int(4), Int(5)),
            "lru-cache" => new LruCache(Int(0), At(1), Int(2), Int(3)),
            "cycles" => new Cycles(Int(0), Int(1), Int(2)),
            "fragment" => new Fragment(Int(0), Int(1), Int(2), Int(3)),
            "server" => new Server(Int(0), Int(1), Int(2), Int(3), At(4) != 0, Int(5)),
            _ => throw new WorkloadException($"A recorded run names a workload this simulator does not have: '{Name}'."),
        };
    }
}
