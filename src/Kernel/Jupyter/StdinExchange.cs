using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>Sends input_request on stdin and waits for the matching input_reply (or an interrupt).</summary>
public sealed class StdinExchange(IMessageSender sender, string session)
{
    private readonly BlockingCollection<JupyterMessage> replies = new();
    private CancellationTokenSource pending = new();

    public string Ask(JupyterMessage parent, string prompt, bool password)
    {
        while (replies.TryTake(out _))
        {
            // A reply that arrived after its request was interrupted answers nothing now.
        }
        var cancellation = new CancellationTokenSource();
        Volatile.Write(ref pending, cancellation);
        sender.Send(KernelChannel.Stdin, JupyterMessage.Create("input_request", new JsonObject
        {
            ["prompt"] = prompt,
            ["password"] = password,
        }, parent, session));
        var reply = replies.Take(cancellation.Token);
        return reply.ContentString("value") ?? "";
    }

    public void Deliver(JupyterMessage reply)
    {
        if (reply.MessageType == "input_reply")
        {
            replies.Add(reply);
        }
    }

    public void CancelPending() => Volatile.Read(ref pending).Cancel();
}
