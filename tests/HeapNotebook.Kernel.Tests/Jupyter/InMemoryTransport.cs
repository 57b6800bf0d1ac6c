using System.Collections.Concurrent;
using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

/// <summary>The transport of the router tests: sent messages are recorded, requests are handed in directly. No ZeroMQ.</summary>
public sealed class InMemoryTransport : IMessageSender
{
    public ConcurrentQueue<(KernelChannel Channel, JupyterMessage Message)> Sent { get; } = new();

    public event Action<KernelChannel, JupyterMessage>? MessageSent;

    public void Send(KernelChannel channel, JupyterMessage message)
    {
        Sent.Enqueue((channel, message));
        MessageSent?.Invoke(channel, message);
    }

    public IReadOnlyList<JupyterMessage> On(KernelChannel channel) =>
        Sent.Where(entry => entry.Channel == channel).Select(entry => entry.Message).ToArray();

    public IReadOnlyList<string> IoPubTypesFor(JupyterMessage request) =>
        Sent.Where(entry => entry.Channel == KernelChannel.IoPub && entry.Message.ParentHeader["msg_id"]?.GetValue<string>() == request.MessageId)
            .Select(entry => entry.Message.MessageType == "status"
                ? "status:" + entry.Message.Content["execution_state"]!.GetValue<string>()
                : entry.Message.MessageType)
            .ToArray();

    public JupyterMessage ReplyTo(JupyterMessage request) =>
        Sent.Where(entry => entry.Channel != KernelChannel.IoPub && entry.Message.ParentHeader["msg_id"]?.GetValue<string>() == request.MessageId)
            .Select(entry => entry.Message)
            .Single();
}
