using System.Buffers.Binary;
using System.Text;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Snapshots;

/// <summary>
/// Plays a <see cref="HeapJournal"/> back on a fresh heap through the same public operations, so
/// the heap records the same journal again. An operation that failed when it was recorded fails
/// the same way now and is passed over; whether the replay matched is judged afterwards, by
/// comparing the history it produced with the one saved.
/// </summary>
internal static class JournalReplay
{
    public static void Replay(SimulatedHeap heap, byte[] journal, CancellationToken cancellation)
    {
        var reader = new Reader(journal, heap);
        while (reader.HasMore)
        {
            cancellation.ThrowIfCancellationRequested();
            var operation = (JournalOperation)reader.Byte();
            try
            {
                Apply(heap, operation, reader, cancellation);
            }
            catch (Exception error) when (error is not (JournalFormatException or JournalDivergedException or OperationCanceledException))
            {
                // It failed when recorded too: the heap is as the original was after the same failure.
            }
        }

        cancellation.ThrowIfCancellationRequested();
    }

    private static void Apply(SimulatedHeap heap, JournalOperation operation, Reader reader, CancellationToken cancellation)
    {
        switch (operation)
        {
            case JournalOperation.Alloc:
            {
                var size = reader.Int();
                var slots = reader.Int();
                var initial = new ObjectHandle[reader.Count()];
                for (var i = 0; i < initial.Length; i++)
                {
                    initial[i] = reader.Handle();
                }

                heap.Alloc(size, slots, initial);
                break;
            }

            case JournalOperation.AllocOnStack:
            {
                var size = reader.Int();
                heap.AllocOnStack(size, reader.Int());
                break;
            }

            case JournalOperation.Reads:
                heap.ReplayReads(reader.Long());
                break;
            case JournalOperation.Write:
            {
                var source = reader.Handle();
                var slot = reader.Int();
                heap.Write(source, slot, reader.Handle());
                break;
            }

            case JournalOperation.PushNamedFrame:
            {
                var name = reader.String();
                var locals = new string?[reader.Count()];
                for (var i = 0; i < locals.Length; i++)
                {
                    locals[i] = reader.String();
                }

                heap.PushFrame(name!, locals!);
                break;
            }

            case JournalOperation.PushFrame:
                heap.PushFrame(reader.Int());
                break;
            case JournalOperation.PopFrame:
                heap.PopFrame();
                break;
            case JournalOperation.SetLocal:
            {
                var local = reader.Int();
                heap.SetLocal(local, reader.Handle());
                break;
            }

            case JournalOperation.SetRoot:
            {
                var name = reader.String() ?? throw new JournalFormatException("a root without a name");
                heap.Roots[name] = reader.Handle();
                break;
            }

            case JournalOperation.Collect:
                heap.Collect();
                break;
            case JournalOperation.CollectMinor:
                heap.CollectMinor();
                break;
            case JournalOperation.Step:
                heap.Step(reader.Long());
                break;
            case JournalOperation.StepToNextPhase:
                heap.StepToNextPhase();
                break;
            case JournalOperation.NewPool:
            {
                var name = reader.String() ?? throw new JournalFormatException("a pool without a name");
                var size = reader.Int();
                heap.NewPool(name, size, reader.Int());
                break;
            }

            case JournalOperation.PoolGet:
                Pool(heap, reader.String()).Get();
                break;
            case JournalOperation.PoolPut:
            {
                var pool = Pool(heap, reader.String());
                pool.Put(reader.Handle());
                break;
            }

            case JournalOperation.Run:
            {
                var name = reader.String() ?? throw new JournalFormatException("a run without a workload name");
                var arguments = new long[reader.Count()];
                for (var i = 0; i < arguments.Length; i++)
                {
                    arguments[i] = reader.Long();
                }

                var randomBefore = reader.RandomState();
                var stoppedAt = reader.Long();
                var workload = new WorkloadRecipe(name, arguments).Create();
                heap.Random.State = randomBefore;
                workload.Run(heap, new WorkloadContext(cancellation) { StopAtCheckpoint = stoppedAt });
                break;
            }

            default:
                throw new JournalFormatException($"an unknown operation code {(byte)operation}");
        }
    }

    private static SimulatedPool Pool(SimulatedHeap heap, string? name) =>
        heap.Pools.FirstOrDefault(pool => pool.Name == name)
        ?? throw new JournalDivergedException($"the journal uses pool '{name}', which the replayed heap does not have");

    private sealed class Reader(byte[] bytes, SimulatedHeap heap)
    {
        private readonly List<string> _strings = [];
        private int _position;

        public bool HasMore => _position < bytes.Length;

        public byte Byte() => _position < bytes.Length ? bytes[_position++] : throw new JournalFormatException("it ends in the middle of an operation");

        public ulong Unsigned()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var next = Byte();
                value |= (ulong)(next & 0x7F) << shift;
                if (next < 0x80)
                {
                    return value;
                }
            }

            throw new JournalFormatException("a number is longer than 64 bits");
        }

        public long Long()
        {
            var raw = Unsigned();
            return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        public int Int()
        {
            var value = Long();
            return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new JournalFormatException("a 32-bit argument is out of range");
        }

        public int Count()
        {
            var value = Unsigned();
            return value <= (ulong)(bytes.Length - _position) + 1 ? (int)value : throw new JournalFormatException("a count is larger than the journal");
        }

        public ObjectHandle Handle()
        {
            var raw = Unsigned();
            if (raw == 0)
            {
                return ObjectHandle.Null;
            }

            var index = raw >> 2 <= int.MaxValue ? (int)(raw >> 2) : throw new JournalFormatException("a handle's index is out of range");
            var version = Int();
            return (HandleOrigin)(raw & 3) switch
            {
                HandleOrigin.ThisHeap => heap.Objects.HandleAt(index, version),
                HandleOrigin.Unattached => new ObjectHandle(index, version),
                HandleOrigin.AnotherHeap => new ObjectHandle(index, version) { HeapId = -1 },
                _ => throw new JournalFormatException("a handle of no known origin"),
            };
        }

        public string? String()
        {
            var number = Unsigned();
            if (number == 0)
            {
                return null;
            }

            if (number <= (ulong)_strings.Count)
            {
                return _strings[(int)number - 1];
            }

            if (number != (ulong)_strings.Count + 1)
            {
                throw new JournalFormatException("a string is numbered out of order");
            }

            var length = Count();
            if (length > bytes.Length - _position)
            {
                throw new JournalFormatException("a string runs past the end");
            }

            var text = Encoding.UTF8.GetString(bytes, _position, length);
            _position += length;
            _strings.Add(text);
            return text;
        }

        public RandomState RandomState()
        {
            if (bytes.Length - _position < 32)
            {
                throw new JournalFormatException("a generator state runs past the end");
            }

            var span = bytes.AsSpan(_position, 32);
            _position += 32;
            return new RandomState(
                BinaryPrimitives.ReadUInt64LittleEndian(span),
                BinaryPrimitives.ReadUInt64LittleEndian(span[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(span[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(span[24..]),
                Long());
        }
    }
}
