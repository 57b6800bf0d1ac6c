using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Tests.Cells;

public sealed class ParsedCellTests
{
    [Fact]
    public void Leading_directives_are_split_off_and_code_keeps_its_line_numbers()
    {
        var cell = ParsedCell.Parse("#!time\n#!heap new --seed 7\nvar x = 1;\n#!not-a-directive");

        Assert.Equal([new CellDirective("time", "", 1), new CellDirective("heap", "new --seed 7", 2)], cell.Directives);
        Assert.Equal("\n\nvar x = 1;\n#!not-a-directive", cell.Code);
    }

    [Fact]
    public void A_cell_without_directives_is_all_code()
    {
        var cell = ParsedCell.Parse("1 + 1");

        Assert.Empty(cell.Directives);
        Assert.Equal("1 + 1", cell.Code);
        Assert.True(cell.HasCode);
    }
}
