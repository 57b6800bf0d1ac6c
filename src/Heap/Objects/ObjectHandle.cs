using System.Globalization;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// A reference to a simulated object, stable for the object's whole life even when a moving
/// collector changes its address. It names a slot of the object table and the version that slot
/// had when the object was allocated; once the object is freed the slot's version moves on, so
/// a stale handle is detected instead of silently reaching whatever reuses the slot. It also
/// names its heap, so a handle from one heap is refused by another.
/// </summary>
public readonly record struct ObjectHandle(int Index, int Version)
{
    public static ObjectHandle Null => default;

    /// <summary>The heap that made the handle (0 for <see cref="Null"/>); never shown, so outputs stay the same from run to run.</summary>
    internal int HeapId { get; init; }

    public bool IsNull => Index == 0;

    public override string ToString() =>
        IsNull ? "null" : string.Create(CultureInfo.InvariantCulture, $"#{Index}v{Version}");
}
