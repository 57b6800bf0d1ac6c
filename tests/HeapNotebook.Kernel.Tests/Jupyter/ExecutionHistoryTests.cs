using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

public sealed class ExecutionHistoryTests
{
    private readonly ExecutionHistory history = new();

    public ExecutionHistoryTests()
    {
        history.Add(1, "6 * 7", "42");
        history.Add(2, "var x = 1;", null);
        history.Add(3, "6 * 7", "42");
        history.Add(4, "x + 1", "2");
    }

    [Fact]
    public void Range_is_half_open()
    {
        Assert.Equal([2, 3], history.Range(0, 2, 4).Select(entry => entry.Line));
    }

    [Fact]
    public void Search_matches_globs_against_the_whole_input()
    {
        Assert.Equal([1, 3], history.Search("6*7", null, unique: false).Select(entry => entry.Line));
        Assert.Equal([3], history.Search("6*7", null, unique: true).Select(entry => entry.Line));
        Assert.Equal([4], history.Search("x ? 1", 1, unique: false).Select(entry => entry.Line));
        Assert.Empty(history.Search("7", null, unique: false));
    }

    [Fact]
    public void Tail_returns_the_last_entries_in_order()
    {
        Assert.Equal([3, 4], history.Tail(2).Select(entry => entry.Line));
    }
}
