using System.Net;
using System.Text;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Magics;

/// <summary>#!who lists the C# variables' names; #!whos adds their types and values.</summary>
public sealed class WhoMagic(bool detailed) : IMagicCommand
{
    private const int ValueWidth = 60;

    public string Name => detailed ? "whos" : "who";

    public string Description => detailed
        ? "List the C# variables with their types and values."
        : "List the names of the C# variables.";

    public ExecutionError? Run(MagicInvocation invocation)
    {
        var variables = invocation.Session.Variables;
        if (variables.Count == 0)
        {
            invocation.Outputs.Write("stdout", "No variables are defined.\n");
            return null;
        }
        if (!detailed)
        {
            invocation.Outputs.Write("stdout", string.Join("  ", variables.Select(variable => variable.Name)) + "\n");
            return null;
        }
        var nameWidth = Math.Max("Variable".Length, variables.Max(variable => variable.Name.Length)) + 2;
        var typeWidth = Math.Max("Type".Length, variables.Max(variable => TypeName(variable.Type).Length)) + 2;
        var plain = new StringBuilder();
        plain.Append("Variable".PadRight(nameWidth)).Append("Type".PadRight(typeWidth)).Append("Value\n");
        var html = new StringBuilder("<table><thead><tr><th>Variable</th><th>Type</th><th>Value</th></tr></thead><tbody>");
        foreach (var variable in variables)
        {
            var value = Shorten(DisplayFormatter.PlainText(variable.Value).ReplaceLineEndings(" "));
            plain.Append(variable.Name.PadRight(nameWidth)).Append(TypeName(variable.Type).PadRight(typeWidth)).Append(value).Append('\n');
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(variable.Name)).Append("</td><td>")
                .Append(WebUtility.HtmlEncode(TypeName(variable.Type))).Append("</td><td>")
                .Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
        invocation.Outputs.PublishDisplay(MimeBundle.PlainText(plain.ToString()).With("text/html", html.ToString()), null, isUpdate: false);
        return null;
    }

    private static string Shorten(string text) => text.Length <= ValueWidth ? text : text[..(ValueWidth - 3)] + "...";

    internal static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var name = type.Name[..type.Name.IndexOf('`')];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }
}
