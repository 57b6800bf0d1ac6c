using CsCheck;
using HeapNotebook.Heap.Tests.Support;

namespace HeapNotebook.Heap.Tests.Collectors;

/// <summary>
/// Random mutator programs interleaved with incremental mark steps, on tiny heaps so cycles
/// start every few dozen operations. The verifier runs in lockstep: it checks the barrier's
/// invariant after every operation during marking, that no reachable object is ever freed, and
/// at every mark termination that everything unreachable when the cycle began is left white.
/// </summary>
public class BarrierPropertyTests
{
    private const int Programs = 250;
    private const int IntsPerProgram = 1700; // about four numbers an operation

    [Theory]
    [InlineData("tricolor", "dijkstra")]
    [InlineData("tricolor", "yuasa")]
    [InlineData("tricolor", "hybrid")]
    [InlineData("go", "hybrid")]
    public void Random_programs_lose_no_object(string collector, string barrier)
    {
        long operations = 0;
        long cycles = 0;
        Gen.Int[0, 1 << 20].Array[IntsPerProgram].Select(Gen.Int[0, 6], Gen.ULong)
            .Sample((program, incrementalWork, seed) =>
            {
                var heap = new SimulatedHeap(new HeapOptions
                {
                    Collector = collector,
                    Barrier = barrier,
                    Verify = true,
                    MinimumHeapBytes = 2048,
                    IncrementalWork = incrementalWork,
                    Procs = 1 + (int)(seed % 4),
                    Seed = seed,
                });
                var mutator = new RandomMutator(heap, stepsMarking: true);
                mutator.Run(program);
                heap.Collect();
                Assert.True(heap.Verify().Passed);
                Interlocked.Add(ref operations, mutator.Operations);
                Interlocked.Add(ref cycles, heap.Stats.NumGC);
            }, iter: Programs, threads: 1);

        Assert.True(operations >= 100_000, $"only {operations} operations ran");
        Assert.True(cycles >= Programs * 5, $"only {cycles} cycles ran");
    }
}
