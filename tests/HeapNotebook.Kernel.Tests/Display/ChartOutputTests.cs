using System.Text.Encodings.Web;
using System.Text.Json;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Display.Charts;
using HeapNotebook.Kernel.Tests.Cells;
using HeapNotebook.Kernel.Tests.Magics;

namespace HeapNotebook.Kernel.Tests.Display;

/// <summary>The charts as they leave the kernel: approved figures, text and HTML, the same bytes on every run, plotly.js once per session.</summary>
public sealed class ChartOutputTests
{
    private const string PlotlyMime = "application/vnd.plotly.v1+json";

    /// <summary>A small generational heap with minor and major cycles and a forced one and its charts, a few objects' sizes, a comparison, and a real trace.</summary>
    private static readonly string[] Cells =
    [
        "#!heap new --collector generational --nursery 256KiB --seed 7\n#!heap run churn --allocs 20000 --live 2000 --long-lived-percent 20\n#!heap gc",
        "#!heap pauses",
        "#!heap timeline",
        "#!heap mmu",
        "#!heap new --collector marksweep --name sized\n#!heap alloc a --size 24 --fields 2 --root\n#!heap alloc b --size 100\n#!heap link a.0 b\n"
            + "#!heap alloc c --size 5000 --root\n#!heap alloc d --size 40000 --root\n#!heap sizes",
        "#!heap compare churn --allocs 60000 --collectors marksweep,go,semispace --seed 7",
        $"#!heap trace --import {HeapChartVerbTests.SamplePath("golang-go-52515.gctrace")} --as real\n#!heap timeline --trace real",
    ];

    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every display of the cells, in order, from a fresh interpreter.</summary>
    private static List<MimeBundle> Displays()
    {
        var interpreter = new CellInterpreter();
        var bundles = new List<MimeBundle>();
        foreach (var cell in Cells)
        {
            var publisher = new RecordingPublisher();
            var error = interpreter.Execute(cell, publisher);
            Assert.True(error is null, $"{cell}\nfailed with: {error?.Value}");
            bundles.AddRange(publisher.Bundles);
        }
        return bundles;
    }

    private static MimeBundle Chart(List<MimeBundle> displays, int index) => displays.Where(bundle => bundle.Data.ContainsKey(PlotlyMime)).ElementAt(index);

    [Theory]
    [InlineData(0, "pauses")]
    [InlineData(1, "timeline")]
    [InlineData(2, "mmu")]
    [InlineData(3, "sizes")]
    [InlineData(4, "compare")]
    [InlineData(5, "imported-timeline")]
    public void Charts_match_the_approved_figures_and_summaries(int index, string name)
    {
        var chart = Chart(Displays(), index);

        SvgApproval.Verify($"Chart.{name}.json", JsonSerializer.Serialize(chart.Data[PlotlyMime], Readable) + "\n");
        SvgApproval.Verify($"Chart.{name}.txt", chart.Data["text/plain"]!.GetValue<string>() + "\n");
    }

    [Fact]
    public void A_chart_after_the_first_matches_the_approved_html_without_the_library()
    {
        var html = Chart(Displays(), 1).Data["text/html"]!.GetValue<string>();

        SvgApproval.Verify("Chart.timeline.html", html + "\n");
    }

    [Fact]
    public void The_same_cells_give_the_same_bytes_every_time()
    {
        var first = Displays().Select(bundle => bundle.Data.ToJsonString()).ToArray();
        var second = Displays().Select(bundle => bundle.Data.ToJsonString()).ToArray();

        Assert.Equal(first.Length, second.Length);
        for (var index = 0; index < first.Length; index++)
        {
            Assert.True(first[index] == second[index], $"display {index} differs between two runs");
        }
    }

    [Fact]
    public void Plotly_js_comes_once_per_session_with_its_first_chart()
    {
        var displays = Displays();
        var htmls = displays.Where(bundle => bundle.Data.ContainsKey(PlotlyMime)).Select(bundle => bundle.Data["text/html"]!.GetValue<string>()).ToArray();

        Assert.StartsWith("<script type=\"text/javascript\">if(!window.Plotly){(function(define,module,exports){\n/**\n* plotly.js v" + PlotlyLibrary.Version, htmls[0]);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(htmls[0], @"\* plotly\.js v"));
        Assert.Contains("<div id=\"heapnb-chart-1\" class=\"heapnb-chart\"><pre>", htmls[0]);
        Assert.All(htmls.Skip(1), html => Assert.DoesNotContain("plotly.js v", html));
        Assert.All(htmls.Skip(1), html => Assert.StartsWith("<div id=\"heapnb-chart-", html));
        Assert.Equal(htmls.Length, htmls.Select(html => html[..html.IndexOf("class=", StringComparison.Ordinal)]).Distinct().Count());
        Assert.StartsWith("<script", Chart(Displays(), 0).Data["text/html"]!.GetValue<string>());
    }

    [Fact]
    public void Figures_of_normal_heaps_stay_a_few_kilobytes()
    {
        var sizes = Displays().Where(bundle => bundle.Data.ContainsKey(PlotlyMime)).Select(bundle => bundle.Data[PlotlyMime]!.ToJsonString().Length).ToArray();

        Assert.All(sizes, size => Assert.True(size < 8_000, $"a figure of {size} characters"));
    }

    [Fact]
    public void A_title_cannot_close_the_script_that_draws_it()
    {
        var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>([1.0], [2.0], Name: "</script><b>bold</b>");

        var html = new ChartView("a </script> summary", chart).Html("heapnb-chart-9", includeLibrary: false);

        Assert.Equal(1, html.Split("</script>").Length - 1);
        Assert.Contains("<pre>a &lt;/script&gt; summary</pre>", html);
        Assert.Contains("<\\/script><b>bold<\\/b>", html);
    }
}
