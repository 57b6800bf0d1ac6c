using Microsoft.FSharp.Core;
using Plotly.NET;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>
/// plotly.js as Plotly.NET ships it (inside its assembly, so charts draw offline): taken once from
/// the page Plotly.NET writes with the library inlined, and wrapped so it always defines
/// window.Plotly, even where a page has RequireJS (classic Jupyter), which would otherwise take it as a module.
/// </summary>
internal static class PlotlyLibrary
{
    private const string ScriptStart = "<script type=\"text/javascript\" charset=\"utf-8\">";

    private static readonly Lazy<string> Source = new(Extract);

    public static string Version => Globals.PLOTLYJS_VERSION;

    /// <summary>The library in a script element that runs it once per page (a second copy is skipped).</summary>
    public static string ScriptElement() =>
        "<script type=\"text/javascript\">if(!window.Plotly){(function(define,module,exports){\n" + Source.Value + "\n}).call(window);}</script>";

    private static string Extract()
    {
        var empty = Plotly.NET.CSharp.Chart.Invisible();
        var options = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full));
        var page = GenericChart.toEmbeddedHTML(GenericChart.setDisplayOptions(options, empty));
        var start = page.IndexOf(ScriptStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : page.IndexOf("</script>", start, StringComparison.Ordinal);
        var script = end < 0 ? "" : page[(start + ScriptStart.Length)..end];
        if (!script.Contains("plotly.js v" + Version, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Plotly.NET did not inline plotly.js v{Version} where expected; the chart pages cannot draw offline.");
        }
        return script;
    }
}
