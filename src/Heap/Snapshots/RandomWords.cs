namespace HeapNotebook.Heap.Snapshots;

/// <summary>A generator's state as a snapshot writes it.</summary>
internal sealed record RandomWords(ulong S0, ulong S1, ulong S2, ulong S3, long Draws)
{
    public static RandomWords Of(RandomState state) => new(state.S0, state.S1, state.S2, state.S3, state.Draws);

    public RandomState ToState() => new(S0, S1, S2, S3, Draws);
}
