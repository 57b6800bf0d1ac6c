using System.Net;
using System.Text;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Magics;

/// <summary>#!lsmagic: every magic command and language selector with its description.</summary>
public sealed class LsMagic : IMagicCommand
{
    public string Name => "lsmagic";

    public string Description => "List every magic command with its description.";

    public ExecutionError? Run(MagicInvocation invocation)
    {
        var entries = invocation.Session.Magics.Commands.Select(command => (command.Name, command.Description))
            .Concat(MagicRegistry.LanguageSelectors.Select(pair => (Name: pair.Key, Description: pair.Value)))
            .OrderBy(entry => entry.Name, StringComparer.Ordinal)
            .ToArray();
        var width = entries.Max(entry => entry.Name.Length) + 2;
        var plain = new StringBuilder("Magic commands (put them on the first lines of a cell):\n");
        var html = new StringBuilder("<table><thead><tr><th>magic</th><th>what it does</th></tr></thead><tbody>");
        foreach (var (name, description) in entries)
        {
            plain.Append("  #!").Append(name.PadRight(width)).Append(description).Append('\n');
            html.Append("<tr><td><code>#!").Append(WebUtility.HtmlEncode(name)).Append("</code></td><td>")
                .Append(WebUtility.HtmlEncode(description)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
        invocation.Outputs.PublishDisplay(MimeBundle.PlainText(plain.ToString()).With("text/html", html.ToString()), null, isUpdate: false);
        return null;
    }
}
