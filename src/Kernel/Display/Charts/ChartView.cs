using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>
/// A chart ready to show: its text/plain summary and its Plotly figure ({data, layout}, as Plotly.NET
/// serialises it). Shown as application/vnd.plotly.v1+json for front ends that draw Plotly themselves,
/// and as text/html that draws with the plotly.js Plotly.NET ships, so it works offline.
/// </summary>
internal sealed class ChartView
{
    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";

    public ChartView(string plain, GenericChart chart)
    {
        Plain = plain;
        FigureJson = GenericChart.toFigureJson(chart);
    }

    public string Plain { get; }

    /// <summary>The figure as JSON: {"data": [...], "layout": {...}, "frames": []}.</summary>
    public string FigureJson { get; }

    /// <summary>
    /// The HTML fallback: the summary as text inside the chart's div (what a page without scripts shows),
    /// replaced by the drawing. <paramref name="includeLibrary"/> puts plotly.js in front, once per session.
    /// </summary>
    public string Html(string chartId, bool includeLibrary)
    {
        var html = new StringBuilder();
        if (includeLibrary)
        {
            html.Append(PlotlyLibrary.ScriptElement()).Append('\n');
        }
        html.Append("<div id=\"").Append(chartId).Append("\" class=\"heapnb-chart\"><pre>").Append(WebUtility.HtmlEncode(Plain)).Append("</pre></div>\n");
        // The script finds its own div first: an id can repeat when old outputs of an earlier kernel stay on the page.
        html.Append("<script type=\"text/javascript\">(function(){var d=document.currentScript&&document.currentScript.previousElementSibling;")
            .Append("if(!d||d.id!==\"").Append(chartId).Append("\"){d=document.getElementById(\"").Append(chartId).Append("\");}")
            .Append("if(!d||!window.Plotly){return;}var f=").Append(FigureJson.Replace("</", "<\\/", StringComparison.Ordinal)).Append(';')
            .Append("d.innerHTML=\"\";window.Plotly.newPlot(d,f.data,f.layout,{responsive:true,displaylogo:false});})();</script>");
        return html.ToString();
    }

    public MimeBundle Bundle(string chartId, bool includeLibrary)
    {
        var bundle = MimeBundle.PlainText(Plain);
        bundle.Data[PlotlyMimeType] = JsonNode.Parse(FigureJson);
        bundle.Data["text/html"] = Html(chartId, includeLibrary);
        return bundle;
    }
}
