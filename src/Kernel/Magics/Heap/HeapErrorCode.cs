namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>The HNnnnn codes of #!heap errors; the number is what users search for, so it never changes meaning.</summary>
internal enum HeapErrorCode
{
    /// <summary>A line that cannot be split into words (an unclosed quote).</summary>
    Syntax = 1,

    /// <summary>A verb that does not exist.</summary>
    UnknownVerb = 2,

    /// <summary>An option the verb does not have.</summary>
    UnknownOption = 3,

    /// <summary>A value of the wrong form or out of range.</summary>
    InvalidValue = 4,

    /// <summary>A required argument is missing, or there are too many.</summary>
    MissingArgument = 5,

    /// <summary>No heap of that name.</summary>
    UnknownHeap = 6,

    /// <summary>No object of that name, or it was freed.</summary>
    UnknownObject = 7,

    /// <summary>A heap or object name already taken.</summary>
    NameInUse = 8,

    /// <summary>A C# variable name that cannot be declared.</summary>
    InvalidVariable = 9,

    /// <summary>There is no current heap.</summary>
    NoHeap = 10,

    /// <summary>A file cannot be read or written (missing, a folder, not writable, too large).</summary>
    File = 20,

    /// <summary>A snapshot of another format version, truncated, corrupt, or not reproduced by this simulator; or a heap that cannot be saved.</summary>
    Snapshot = 21,

    /// <summary>The user interrupted a command that cannot stop part way (a load); nothing changed.</summary>
    Interrupted = 22,

    /// <summary>A command would take a heap past the guard on the kernel's memory (new --max-heap).</summary>
    ResourceLimit = 23,

    /// <summary>The simulator refused the operation (a HeapException); its message is the error.</summary>
    Simulator = 100,
}
