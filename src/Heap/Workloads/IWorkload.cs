namespace HeapNotebook.Heap.Workloads;

/// <summary>A seeded mutator program: it drives a heap through its public API and draws every random choice from the heap's generator.</summary>
public interface IWorkload
{
    string Name { get; }

    WorkloadResult Run(SimulatedHeap heap, WorkloadContext context);
}
