namespace HeapNotebook.Heap.Time;

/// <summary>
/// The heap's only notion of time: picoseconds of simulated work since the heap was made. The
/// mutator advances it as it allocates and writes; a stop-the-world phase advances it by the
/// phase's duration. Picoseconds in a long keep sub-nanosecond costs exact for 106 days.
/// </summary>
public sealed class VirtualClock
{
    public long Picoseconds { get; private set; }

    public long Nanoseconds => Picoseconds / 1000;

    public double Seconds => Picoseconds / 1e12;

    internal void Advance(long picoseconds) => Picoseconds += picoseconds;
}
