using System.Globalization;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>A #!heap command that failed before changing anything: a code, a message, the word it is about and the usage to show.</summary>
internal sealed class HeapCommandException(HeapErrorCode code, string message, CommandToken? at, string? usage) : Exception(message)
{
    /// <summary>Columns are counted in the cell's line, written the usual way: "#!heap " then the arguments.</summary>
    public const int ArgumentsColumn = 8;

    public HeapErrorCode Code { get; } = code;

    public CommandToken? At { get; } = at;

    public string? Usage { get; } = usage;

    public string CodeText => string.Create(CultureInfo.InvariantCulture, $"HN{(int)Code:0000}");

    public ExecutionError ToExecutionError(int line)
    {
        var column = At is { } token ? ArgumentsColumn + token.Offset : 1;
        var first = string.Create(CultureInfo.InvariantCulture, $"({line},{column}): error {CodeText}: {Message}");
        if (Code == HeapErrorCode.Interrupted)
        {
            // A client tells an interrupted cell by its ename, whatever stopped: a run, a C# loop, or a load (which says what it left undone).
            return new ExecutionError(CellInterruptedException.ErrorName, first, [$"{CellInterruptedException.ErrorName}: {first}"]);
        }
        var traceback = new List<string> { first };
        if (Usage is not null)
        {
            traceback.Add("");
            traceback.AddRange(Usage.TrimEnd('\n').Split('\n'));
        }
        return new ExecutionError("HeapCommandError", first, traceback);
    }
}
