using System.Globalization;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// A reference to a simulated object, stable for the object's whole life even when a moving
/// collector changes its address. It names a slot of the object table and the version that slot
/// had when the object was allocated; once the object is freed the slot's version moves on, so
/// a stale handle is detected instead of silently reaching whatever reuses the slot. It also
/// names its heap, so a handle from one heap is refused by another.
/// </summary>
public readonly struct ObjectHandle : IEquatable<ObjectHandle>
{
    // Index and version in one field, so a handle is written as one 8-byte and one 4-byte store and read
    // back the same way (three 4-byte stores read as 8 + 4 bytes stall the load until the stores retire).
    private readonly long _indexAndVersion;

    public ObjectHandle(int index, int version) => _indexAndVersion = (uint)index | ((long)version << 32);

    public static ObjectHandle Null => default;

    /// <summary>The object's slot in the object table (0 for <see cref="Null"/>).</summary>
    public int Index => (int)_indexAndVersion;

    /// <summary>The slot's version when the object was allocated (odd for a live object).</summary>
    public int Version => (int)(_indexAndVersion >> 32);

    // A whole 8-byte field though the id is an int: a handle passed by value travels as two 8-byte
    // halves, and an 8-byte load of a half written as 4 bytes cannot take the value from the store.
    private readonly long _heapId;

    /// <summary>The heap that made the handle (0 for <see cref="Null"/>); never shown, so outputs stay the same from run to run.</summary>
    internal int HeapId { get => (int)_heapId; init => _heapId = value; }

    public bool IsNull => Index == 0;

    public bool Equals(ObjectHandle other) => _indexAndVersion == other._indexAndVersion && HeapId == other.HeapId;

    public override bool Equals(object? obj) => obj is ObjectHandle other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_indexAndVersion, HeapId);

    public static bool operator ==(ObjectHandle left, ObjectHandle right) => left.Equals(right);

    public static bool operator !=(ObjectHandle left, ObjectHandle right) => !left.Equals(right);

    public override string ToString() =>
        IsNull ? "null" : string.Create(CultureInfo.InvariantCulture, $"#{Index}v{Version}");
}
