using HeapNotebook.Heap.Errors;

namespace HeapNotebook.Heap.Barriers;

/// <summary>The barriers a heap can be made with, by name.</summary>
public static class WriteBarriers
{
    public static IReadOnlyList<string> Names { get; } = ["none", "dijkstra", "yuasa", "hybrid"];

    public static WriteBarrier Create(string name) => name switch
    {
        "none" => new NoBarrier(),
        "dijkstra" => new DijkstraBarrier(),
        "yuasa" => new YuasaBarrier(),
        "hybrid" => new HybridBarrier(),
        _ => throw new InvalidHeapOptionException($"There is no write barrier named '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };
}
