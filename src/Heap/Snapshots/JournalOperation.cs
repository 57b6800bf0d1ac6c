namespace HeapNotebook.Heap.Snapshots;

/// <summary>The operation codes of a heap journal. The numbers are part of the snapshot format: never renumber one.</summary>
internal enum JournalOperation : byte
{
    Alloc = 1,
    AllocOnStack = 2,
    Reads = 3,
    Write = 4,
    PushNamedFrame = 5,
    PushFrame = 6,
    PopFrame = 7,
    SetLocal = 8,
    SetRoot = 9,
    Collect = 10,
    Step = 11,
    StepToNextPhase = 12,
    NewPool = 13,
    PoolGet = 14,
    PoolPut = 15,
    Run = 16,
    CollectMinor = 17,
}
