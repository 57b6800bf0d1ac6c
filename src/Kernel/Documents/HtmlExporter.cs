using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Documents;

/// <summary>One standalone HTML page with every cell and output; no scripts or styles are fetched, so it works offline.</summary>
public static class HtmlExporter
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; }
        .cell { margin: 1rem 0; }
        .prompt { color: #777; font-family: monospace; font-size: 0.85em; }
        pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; border-radius: 4px; }
        pre.source { border-left: 3px solid #4a6fa5; }
        pre.stderr { background: #fdecea; }
        pre.error { background: #fdecea; color: #8a1c1c; }
        .output { margin: 0.4rem 0 0.4rem 1rem; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.2rem 0.5rem; }
        """;

    public static string Render(NotebookDocument document, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        foreach (var cell in document.Cells)
        {
            html.Append("<div class=\"cell\">\n");
            if (cell.CellType == "markdown")
            {
                html.Append(Markdig.Markdown.ToHtml(cell.Source));
            }
            else if (cell.IsCode)
            {
                var prompt = cell.ExecutionCount is { } count ? $"In [{count.ToString(System.Globalization.CultureInfo.InvariantCulture)}]:" : "In [ ]:";
                html.Append("<div class=\"prompt\">").Append(prompt).Append("</div>\n<pre class=\"source\">").Append(Encode(cell.Source)).Append("</pre>\n");
                foreach (var output in cell.Outputs.OfType<JsonObject>())
                {
                    html.Append("<div class=\"output\">").Append(RenderOutput(output)).Append("</div>\n");
                }
            }
            else
            {
                html.Append("<pre>").Append(Encode(cell.Source)).Append("</pre>\n");
            }
            html.Append("</div>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string RenderOutput(JsonObject output)
    {
        switch (output["output_type"]?.GetValue<string>())
        {
            case "stream":
                var name = output["name"]?.GetValue<string>() ?? "stdout";
                return $"<pre class=\"{Encode(name)}\">{Encode(IpynbFormat.JoinSource(output["text"]))}</pre>";
            case "error":
                var traceback = output["traceback"] is JsonArray lines
                    ? string.Join("\n", lines.Select(line => line?.GetValue<string>() ?? ""))
                    : "";
                return $"<pre class=\"error\">{Encode(traceback)}</pre>";
            case "display_data" or "execute_result":
                return RenderData(output["data"] as JsonObject ?? new JsonObject());
            default:
                return "";
        }
    }

    private static string RenderData(JsonObject data)
    {
        string? Text(string mimeType) => data[mimeType] is { } node ? IpynbFormat.JoinSource(node) : null;
        if (Text("text/html") is { } html)
        {
            return html;
        }
        if (Text("image/svg+xml") is { } svg)
        {
            return svg;
        }
        if (Text("image/png") is { } png)
        {
            return $"<img src=\"data:image/png;base64,{Encode(png.Replace("\n", ""))}\" alt=\"image output\">";
        }
        if (Text("text/markdown") is { } markdown)
        {
            return Markdig.Markdown.ToHtml(markdown);
        }
        return $"<pre>{Encode(Text("text/plain") ?? "")}</pre>";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
