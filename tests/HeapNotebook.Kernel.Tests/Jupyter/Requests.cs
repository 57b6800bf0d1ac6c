using System.Text;
using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

/// <summary>Requests as a front end would send them, with a routing identity.</summary>
public static class Requests
{
    public static JupyterMessage Make(string messageType, JsonObject? content = null)
    {
        var message = JupyterMessage.Create(messageType, content ?? new JsonObject(), parent: null, session: "front-end", username: "tester");
        return new JupyterMessage
        {
            Identities = [Encoding.ASCII.GetBytes("client-1")],
            Header = message.Header,
            Content = message.Content,
        };
    }

    public static JupyterMessage Execute(string code, bool silent = false, bool storeHistory = true, bool stopOnError = true) =>
        Make("execute_request", new JsonObject
        {
            ["code"] = code,
            ["silent"] = silent,
            ["store_history"] = storeHistory,
            ["user_expressions"] = new JsonObject(),
            ["allow_stdin"] = false,
            ["stop_on_error"] = stopOnError,
        });
}
