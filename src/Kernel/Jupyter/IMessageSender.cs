namespace HeapNotebook.Kernel.Jupyter;

/// <summary>What the router needs from a transport: send a message on a channel.</summary>
public interface IMessageSender
{
    void Send(KernelChannel channel, JupyterMessage message);
}
