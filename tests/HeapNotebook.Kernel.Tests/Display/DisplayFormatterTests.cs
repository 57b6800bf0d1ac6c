using HeapNotebook.Kernel.Display;
using Microsoft.DotNet.Interactive.Formatting;

namespace HeapNotebook.Kernel.Tests.Display;

public sealed class DisplayFormatterTests
{
    [Fact]
    public void A_type_whose_formatter_prefers_svg_is_displayed_as_svg_beside_plain_text()
    {
        Formatter.Register<SvgShape>((shape, writer) => writer.Write($"<svg width=\"{shape.Width}\"></svg>"), "image/svg+xml");
        Formatter.SetPreferredMimeTypesFor(typeof(SvgShape), "image/svg+xml");

        var bundle = DisplayFormatter.Format(new SvgShape(3));

        Assert.Equal(["text/plain", "image/svg+xml"], bundle.Data.Select(pair => pair.Key));
        Assert.Equal("<svg width=\"3\"></svg>", bundle.Data["image/svg+xml"]!.GetValue<string>());
    }

    [Fact]
    public void Scalars_are_plain_text_in_the_invariant_culture()
    {
        var bundle = DisplayFormatter.Format(1234.5);

        Assert.Equal(["text/plain"], bundle.Data.Select(pair => pair.Key));
        Assert.Equal("1234.5", bundle.Data["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public void Null_is_shown_as_null()
    {
        Assert.Equal("null", DisplayFormatter.Format(null).Data["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public void Asked_for_mime_types_are_the_ones_produced()
    {
        var bundle = DisplayFormatter.Format(new[] { 1, 2 }, ["text/html"]);

        Assert.Equal(["text/plain", "text/html"], bundle.Data.Select(pair => pair.Key));
    }

    public sealed record SvgShape(int Width);
}
