using CsCheck;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Tests.Support;
using Xunit.Abstractions;

namespace HeapNotebook.Heap.Tests.Verification;

/// <summary>
/// Random mutator programs against the reference model. Each program runs on a tiny heap with
/// Verify on, so a collection comes every few dozen operations and the verifier checks the whole
/// heap against the model after each one, throwing on any disagreement. The program only uses
/// objects it can reach (walking from the roots and the current frame's locals) — except for
/// handles it allocated recently and may have dropped, which it uses deliberately: the heap must
/// then either accept them (still live) or reject them with StaleHandleException (freed).
/// </summary>
public sealed class MutatorPropertyTests(ITestOutputHelper output)
{
    public readonly record struct Op(int Kind, int A, int B);

    private static readonly Gen<Op> GenOp = Gen.Select(Gen.Int[0, 99], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (k, a, b) => new Op(k, a, b));

    private static readonly Gen<Op[]> GenProgram = GenOp.Array[440, 700]; // 230 programs × 440 = 101 200 operations at least

    [Theory]
    [InlineData(100, 1024, 0, 0, 230, 101_200, 3, 15)]
    [InlineData(50, 4096, 0, 0, 40, 17_600, 3, 15)]
    [InlineData(0, 0, 0, 0, 30, 13_200, 50, 100)]                // GOGC 0: a collection before every allocation
    [InlineData(100, 64 * 1024, 256 * 1024, 60, 40, 17_600, 3, 10)] // tight limits: allocations run out of memory
    public void Random_mutator_programs_agree_with_the_reference_model_at_every_collection(
        int gogc, long minimumHeap, long heapLimit, int maxObjects, int programs, long minimumOperations, int minimumCyclesPerProgram, int minimumAverageCycles)
    {
        long operations = 0, cycles = 0, staleRejected = 0, completed = 0, fewestCycles = long.MaxValue, outOfMemory = 0;
        var options = new HeapOptions
        {
            Verify = true,
            Gogc = gogc,
            MinimumHeapBytes = minimumHeap,
            InitialObjectCapacity = 16,
            HeapSizeLimitBytes = heapLimit > 0 ? heapLimit : new HeapOptions().HeapSizeLimitBytes,
            MaxObjects = maxObjects > 0 ? maxObjects : new HeapOptions().MaxObjects,
        };

        GenProgram.Sample(
            program =>
            {
                var heap = new SimulatedHeap(options);
                var mutator = new RandomMutator(heap, expectOutOfMemory: heapLimit > 0 || maxObjects > 0);
                foreach (var op in program)
                {
                    mutator.Execute(op);
                }

                Assert.True(heap.Verify().Passed);
                HeapInvariants.AssertAccountingHolds(heap);
                heap.Collect(); // a complete collection: the verifier also checks that no garbage survived
                Assert.True(heap.Stats.NumGC >= minimumCyclesPerProgram, $"only {heap.Stats.NumGC} collections in {program.Length} operations");
                Interlocked.Add(ref operations, mutator.Operations);
                Interlocked.Add(ref cycles, heap.Stats.NumGC);
                lock (program)
                {
                    fewestCycles = Math.Min(fewestCycles, heap.Stats.NumGC);
                }
                Interlocked.Add(ref staleRejected, mutator.StaleHandlesRejected);
                Interlocked.Add(ref outOfMemory, mutator.OutOfMemoryErrors);
                Interlocked.Increment(ref completed);
            },
            iter: programs,
            print: program => $"{program.Length} operations: " + string.Join(" ", program.Select(o => $"{o.Kind}/{o.A}/{o.B}")));

        output.WriteLine($"{completed} programs, {operations} mutator operations, {cycles} verified collections, {staleRejected} stale handles rejected, fewest collections in one program {fewestCycles}, {outOfMemory} out-of-memory errors");
        Assert.Equal(programs, completed);
        Assert.True(operations >= minimumOperations, $"only {operations} mutator operations ran");
        Assert.True(cycles >= programs * minimumAverageCycles, $"only {cycles} collections in {programs} programs");
        Assert.True(staleRejected > 0, "no stale handle was ever tried, so that path went untested");
        Assert.True(heapLimit == 0 || outOfMemory > 0, "the tight limits never ran out of memory, so that path went untested");
    }

    /// <summary>Interprets one operation; every operation it counts really ran against the heap.</summary>
    private sealed class RandomMutator(SimulatedHeap heap, bool expectOutOfMemory)
    {
        private const int GlobalNames = 8;
        private const int MaxFrames = 6;
        private readonly List<(bool Named, int Locals)> _frames = [];
        private readonly List<ObjectHandle> _recent = [];

        public long Operations { get; private set; }

        public long StaleHandlesRejected { get; private set; }

        public long OutOfMemoryErrors { get; private set; }

        public void Execute(Op op)
        {
            var random = new DeterministicRandom(((ulong)(uint)op.A << 32) | (uint)op.B);
            switch (op.Kind)
            {
                case < 35: Allocate(random); break;
                case < 60: WriteSlot(random); break;
                case < 70: SetGlobal(random); break;
                case < 77: PushOrPop(random); break;
                case < 84: Pop(); break;
                case < 94: SetLocal(random); break;
                case < 98: ReadSlot(random); break;
                default:
                    heap.Collect();
                    HeapInvariants.AssertAccountingHolds(heap);
                    break;
            }

            Operations++;
        }

        private void Allocate(DeterministicRandom random)
        {
            var category = random.NextInt(100);
            var size = category switch
            {
                < 70 => random.NextInt(1, 256),
                < 93 => random.NextInt(257, 8192),
                < 98 => random.NextInt(8193, 32768),
                _ => random.NextInt(32769, 100_000),
            };
            var slots = Math.Min(size / 8, random.NextInt(0, 8));
            ObjectHandle h;
            try
            {
                h = heap.Alloc(size, slots);
            }
            catch (SimulatedOutOfMemoryException error) when (expectOutOfMemory)
            {
                // The collection it ran must have kept everything reachable, and the heap must still be whole.
                Assert.StartsWith("fatal error: out of memory", error.Message);
                Assert.True(heap.Verify().Passed);
                HeapInvariants.AssertAccountingHolds(heap);
                OutOfMemoryErrors++;
                return;
            }

            Assert.Equal(size, heap.SizeOf(h));
            Assert.Equal(slots, heap.SlotCountOf(h));

            switch (random.NextInt(5))
            {
                case 0:
                    heap.Roots[Global(random)] = h;
                    break;
                case 1 when CurrentLocals > 0:
                    heap.SetLocal(random.NextInt(CurrentLocals), h);
                    break;
                case 2:
                    var holder = Pick(random, needSlots: true);
                    if (!holder.IsNull)
                    {
                        heap.Write(holder, random.NextInt(heap.SlotCountOf(holder)), h);
                    }

                    break;
                case 3:
                    break; // left unrooted: garbage from the next collection on
                case 4:
                    for (var s = 0; s < slots; s++)
                    {
                        heap.Write(h, s, Pick(random));
                    }

                    heap.Roots[Global(random)] = h;
                    break;
            }

            _recent.Add(h);
            if (_recent.Count > 16)
            {
                _recent.RemoveAt(0);
            }
        }

        private void WriteSlot(DeterministicRandom random)
        {
            var source = Pick(random);
            if (source.IsNull)
            {
                Assert.Throws<StaleHandleException>(() => heap.Write(source, 0, ObjectHandle.Null));
                return;
            }

            var count = heap.SlotCountOf(source);
            if (count == 0)
            {
                Assert.Throws<SlotOutOfRangeException>(() => heap.Write(source, 0, ObjectHandle.Null));
                return;
            }

            var slot = random.NextInt(count);
            switch (random.NextInt(4))
            {
                case 0:
                    heap.Write(source, slot, ObjectHandle.Null);
                    break;
                case 3:
                    UseMaybeStale(random, target => heap.Write(source, slot, target));
                    break;
                default:
                    heap.Write(source, slot, Pick(random));
                    break;
            }
        }

        private void SetGlobal(DeterministicRandom random)
        {
            var name = Global(random);
            switch (random.NextInt(4))
            {
                case 0:
                    Assert.Equal(heap.Roots.Contains(name), heap.Roots.Remove(name));
                    break;
                case 1:
                    UseMaybeStale(random, target => heap.Roots[name] = target);
                    break;
                default:
                    heap.Roots[name] = Pick(random);
                    break;
            }
        }

        private void PushOrPop(DeterministicRandom random)
        {
            if (_frames.Count >= MaxFrames)
            {
                Pop();
                return;
            }

            var locals = random.NextInt(0, 4);
            if (random.NextBool(0.5))
            {
                heap.PushFrame($"f{_frames.Count}", Enumerable.Range(0, locals).Select(i => $"l{i}").ToArray());
                _frames.Add((true, locals));
            }
            else
            {
                heap.PushFrame(locals);
                _frames.Add((false, locals));
            }

            Assert.Equal(_frames.Count, heap.FrameNames.Count);
            for (var i = 0; i < locals; i++)
            {
                Assert.Equal(ObjectHandle.Null, heap.GetLocal(i));
            }
        }

        private void Pop()
        {
            if (_frames.Count == 0)
            {
                Assert.Throws<InvalidRootOperationException>(heap.PopFrame);
                return;
            }

            heap.PopFrame();
            _frames.RemoveAt(_frames.Count - 1);
        }

        private void SetLocal(DeterministicRandom random)
        {
            if (CurrentLocals == 0)
            {
                Assert.Throws<InvalidRootOperationException>(() => heap.SetLocal(0, ObjectHandle.Null));
                return;
            }

            var local = random.NextInt(CurrentLocals);
            var byName = _frames[^1].Named && random.NextBool(0.5);
            Action<ObjectHandle> set = byName ? value => heap.SetLocal($"l{local}", value) : value => heap.SetLocal(local, value);
            switch (random.NextInt(4))
            {
                case 0:
                    set(ObjectHandle.Null);
                    break;
                case 1:
                    UseMaybeStale(random, set);
                    break;
                default:
                    set(Pick(random));
                    break;
            }

            Assert.Equal(heap.GetLocal(local), byName ? heap.GetLocal($"l{local}") : heap.GetLocal(local));
        }

        private void ReadSlot(DeterministicRandom random)
        {
            var h = Pick(random, needSlots: true);
            if (h.IsNull)
            {
                return;
            }

            var target = heap.Read(h, random.NextInt(heap.SlotCountOf(h)));
            Assert.True(target.IsNull || heap.IsLive(target), $"{h} points to {target}, which is not live");
            Assert.True(heap.SizeOf(h) >= 8 * heap.SlotCountOf(h));
        }

        /// <summary>A recently allocated handle that may be garbage or already freed: live means accepted, freed means StaleHandleException.</summary>
        private void UseMaybeStale(DeterministicRandom random, Action<ObjectHandle> use)
        {
            if (_recent.Count == 0)
            {
                use(ObjectHandle.Null);
                return;
            }

            var h = _recent[random.NextInt(_recent.Count)];
            if (heap.IsLive(h))
            {
                use(h);
            }
            else
            {
                var error = Assert.Throws<StaleHandleException>(() => use(h));
                Assert.Contains("freed by the collector", error.Message);
                StaleHandlesRejected++;
            }
        }

        private int CurrentLocals => _frames.Count == 0 ? 0 : _frames[^1].Locals;

        private static string Global(DeterministicRandom random) => $"g{random.NextInt(GlobalNames)}";

        /// <summary>An object the program can reach: a root or a local of the current frame, then up to three pointer hops; null when there is none.</summary>
        private ObjectHandle Pick(DeterministicRandom random, bool needSlots = false)
        {
            var starts = heap.Roots.Entries.Select(e => e.Value).ToList();
            for (var i = 0; i < CurrentLocals; i++)
            {
                if (heap.GetLocal(i) is { IsNull: false } local)
                {
                    starts.Add(local);
                }
            }

            if (starts.Count == 0)
            {
                return ObjectHandle.Null;
            }

            var h = starts[random.NextInt(starts.Count)];
            var hops = random.NextInt(4);
            for (var i = 0; i < hops && heap.SlotCountOf(h) > 0; i++)
            {
                var next = heap.Read(h, random.NextInt(heap.SlotCountOf(h)));
                if (next.IsNull || (needSlots && heap.SlotCountOf(next) == 0))
                {
                    break;
                }

                h = next;
            }

            return needSlots && heap.SlotCountOf(h) == 0 ? ObjectHandle.Null : h;
        }
    }
}
