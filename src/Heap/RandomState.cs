namespace HeapNotebook.Heap;

/// <summary>Where a <see cref="DeterministicRandom"/> stands: its xoshiro256** words and how many values it has given.</summary>
internal readonly record struct RandomState(ulong S0, ulong S1, ulong S2, ulong S3, long Draws);
