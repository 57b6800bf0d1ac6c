using System.Globalization;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// A reference to a simulated object, stable for the object's whole life even when a moving
/// collector changes its address. It names a slot of the object table and the version that slot
/// had when the object was allocated; once the object is freed the slot's version moves on, so
/// a stale handle is detected instead of silently reaching whatever reuses the slot.
/// </summary>
public readonly record struct ObjectHandle(int Index, int Version)
{
    public static ObjectHandle Null => default;

    public bool IsNull => Index == 0;

    public override string ToString() =>
        IsNull ? "null" : string.Create(CultureInfo.InvariantCulture, $"#{Index}v{Version}");
}
