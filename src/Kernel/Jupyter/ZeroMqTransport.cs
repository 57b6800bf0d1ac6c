using System.Collections.Concurrent;
using NetMQ;
using NetMQ.Sockets;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>
/// The transport layer over NetMQ. One poller thread owns the shell, control and stdin
/// sockets (NetMQ sockets are not thread safe; their outgoing messages reach it through a
/// queue); iopub is sent on directly under a lock.
/// Shell and control requests are handed to one worker thread each, so a long cell never
/// blocks an interrupt. The heartbeat echoes on its own socket and thread.
/// </summary>
public sealed class ZeroMqTransport : IMessageSender, IDisposable
{
    /// <summary>The largest frame a peer may send; one larger disconnects it. Far above any cell's code.</summary>
    public const long MaxFrameBytes = 64L * 1024 * 1024;

    private readonly WireFormat wire;
    private readonly TextWriter log;
    private readonly RouterSocket shell = new();
    private readonly RouterSocket control = new();
    private readonly RouterSocket stdin = new();
    private readonly PublisherSocket iopub = new();
    private readonly Lock iopubGate = new();
    private bool iopubClosed;
    private readonly ResponseSocket heartbeat = new();
    private readonly NetMQQueue<OutgoingMessage> outgoing = new();
    private readonly NetMQPoller poller;
    private readonly NetMQPoller heartbeatPoller;
    private readonly BlockingCollection<JupyterMessage> shellRequests = new();
    private readonly BlockingCollection<JupyterMessage> controlRequests = new();
    private readonly ManualResetEventSlim stopped = new();
    private Action<KernelChannel, JupyterMessage>? handle;

    public ZeroMqTransport(ConnectionInfo connection, TextWriter log)
    {
        this.log = log;
        wire = new WireFormat(new MessageSigner(connection.Key));
        if (!IsLoopback(connection.IpAddress))
        {
            log.WriteLine($"heapnb: warning: binding to {connection.IpAddress}, which is not a loopback address: anyone who can reach it and holds the key can run code in this kernel.");
        }

        if (connection.Key.Length == 0)
        {
            log.WriteLine("heapnb: warning: the connection file has an empty key, so messages are not signed and any local process can run code in this kernel.");
        }
        foreach (var socket in new NetMQSocket[] { shell, control, stdin, iopub, heartbeat })
        {
            socket.Options.Linger = TimeSpan.FromSeconds(1);
        }
        foreach (var socket in new NetMQSocket[] { shell, control, stdin, heartbeat })
        {
            // ZeroMQ holds a whole message before the kernel sees it (and before its signature is
            // checked), so without a limit anyone who can connect could make the kernel allocate any amount.
            socket.Options.MaxMsgSize = MaxFrameBytes;
        }
        shell.Bind(connection.Endpoint(connection.ShellPort));
        control.Bind(connection.Endpoint(connection.ControlPort));
        stdin.Bind(connection.Endpoint(connection.StdinPort));
        iopub.Bind(connection.Endpoint(connection.IoPubPort));
        heartbeat.Bind(connection.Endpoint(connection.HeartbeatPort));

        // An exception escaping a poller callback would end the poller thread and with it the kernel.
        shell.ReceiveReady += (_, args) => Guarded(() => Receive(args.Socket, KernelChannel.Shell));
        control.ReceiveReady += (_, args) => Guarded(() => Receive(args.Socket, KernelChannel.Control));
        stdin.ReceiveReady += (_, args) => Guarded(() => Receive(args.Socket, KernelChannel.Stdin));
        outgoing.ReceiveReady += (_, _) => Guarded(SendQueued);
        heartbeat.ReceiveReady += (_, args) =>
        {
            var frames = args.Socket.ReceiveMultipartBytes();
            args.Socket.SendMultipartBytes(frames);
        };
        poller = new NetMQPoller { shell, control, stdin, outgoing };
        heartbeatPoller = new NetMQPoller { heartbeat };
    }

    /// <summary>Starts the threads; <paramref name="handler"/> is called on the shell or control worker thread.</summary>
    public void Start(Action<KernelChannel, JupyterMessage> handler)
    {
        handle = handler;
        heartbeatPoller.RunAsync("heapnb heartbeat");
        poller.RunAsync("heapnb sockets");
        StartWorker("heapnb shell", shellRequests, KernelChannel.Shell);
        StartWorker("heapnb control", controlRequests, KernelChannel.Control);
    }

    public void Send(KernelChannel channel, JupyterMessage message)
    {
        var frames = wire.Encode(message);
        if (channel == KernelChannel.IoPub)
        {
            // The PUB socket is never polled, so a lock is enough to share it, and iopub traffic
            // (most of a cell's messages) skips the hop through the poller thread.
            lock (iopubGate)
            {
                if (!iopubClosed)
                {
                    iopub.SendMultipartBytes(frames);
                }
            }
            return;
        }
        outgoing.Enqueue(new OutgoingMessage(channel, frames, StopAfterSending: false));
    }

    /// <summary>Sends everything queued so far, then stops the sockets.</summary>
    public void StopAfterPendingSends()
    {
        outgoing.Enqueue(new OutgoingMessage(KernelChannel.IoPub, [], StopAfterSending: true));
        stopped.Wait(TimeSpan.FromSeconds(5));
        shellRequests.CompleteAdding();
        controlRequests.CompleteAdding();
    }

    private void StartWorker(string name, BlockingCollection<JupyterMessage> requests, KernelChannel channel)
    {
        // Roslyn and deep user recursion both want more than the default stack.
        var thread = new Thread(() =>
        {
            while (true)
            {
                JupyterMessage request;
                try
                {
                    request = requests.Take();
                }
                catch (InvalidOperationException)
                {
                    return; // CompleteAdding: the kernel is shutting down.
                }
                catch (ThreadInterruptedException)
                {
                    continue; // An interrupt meant for a cell that had just ended.
                }
                try
                {
                    handle?.Invoke(channel, request);
                }
                catch (Exception exception)
                {
                    log.WriteLine($"heapnb: {channel} handler failed: {exception}");
                }
            }
        }, maxStackSize: 16 * 1024 * 1024)
        {
            Name = name,
            IsBackground = true,
        };
        thread.Start();
    }

    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            log.WriteLine($"heapnb: transport error: {exception}");
        }
    }

    private void Receive(NetMQSocket socket, KernelChannel channel)
    {
        var frames = new List<byte[]>();
        if (!socket.TryReceiveMultipartBytes(ref frames))
        {
            return;
        }
        var message = wire.Decode(frames, out var rejection);
        if (message is null)
        {
            log.WriteLine($"heapnb: dropped a message on {channel}: {rejection}");
            return;
        }
        switch (channel)
        {
            case KernelChannel.Shell:
                shellRequests.Add(message);
                break;
            case KernelChannel.Control:
                controlRequests.Add(message);
                break;
            default:
                handle?.Invoke(channel, message);
                break;
        }
    }

    private void SendQueued()
    {
        while (outgoing.TryDequeue(out var message, TimeSpan.Zero))
        {
            if (message.StopAfterSending)
            {
                poller.Stop();
                stopped.Set();
                return;
            }
            NetMQSocket socket = message.Channel switch
            {
                KernelChannel.Shell => shell,
                KernelChannel.Control => control,
                KernelChannel.Stdin => stdin,
                _ => iopub,
            };
            socket.SendMultipartBytes(message.Frames);
        }
    }

    public void Dispose()
    {
        if (poller.IsRunning)
        {
            poller.Stop();
        }
        if (heartbeatPoller.IsRunning)
        {
            heartbeatPoller.Stop();
        }
        poller.Dispose();
        heartbeatPoller.Dispose();
        lock (iopubGate)
        {
            iopubClosed = true;
            iopub.Dispose();
        }
        foreach (var socket in new NetMQSocket[] { shell, control, stdin, heartbeat })
        {
            socket.Dispose();
        }
        outgoing.Dispose();
        NetMQConfig.Cleanup(block: false);
    }

    private sealed record OutgoingMessage(KernelChannel Channel, List<byte[]> Frames, bool StopAfterSending);

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    public static bool IsLoopback(string address) =>
        string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(address, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
