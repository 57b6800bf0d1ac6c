using System.Runtime.InteropServices;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>Wires the three layers together for a real kernel process and runs until shutdown.</summary>
public static class KernelHost
{
    public static int Run(string connectionFile, Func<IKernelInterpreter> createInterpreter, TextWriter log)
    {
        ConnectionInfo connection;
        try
        {
            connection = ConnectionInfo.Load(connectionFile);
        }
        catch (ConnectionFileException exception)
        {
            log.WriteLine($"heapnb: {exception.Message}");
            return 2;
        }

        var interpreter = createInterpreter();
        ZeroMqTransport transport;
        try
        {
            transport = new ZeroMqTransport(connection, log);
        }
        catch (NetMQ.NetMQException exception)
        {
            var reason = exception is NetMQ.AddressAlreadyInUseException ? "a port in the connection file is already in use" : exception.Message;
            log.WriteLine($"heapnb: cannot bind the kernel's sockets on {connection.IpAddress}: {reason}");
            return 3;
        }
        using var ownedTransport = transport;
        var router = new KernelRouter(transport, interpreter, log);
        using var shutdown = new ManualResetEventSlim();
        router.ShutdownRequested += _ => shutdown.Set();
        router.FirstKernelInfoAnswered += () => ThreadPool.QueueUserWorkItem(_ => interpreter.Warm());
        // With interrupt_mode "message" SIGINT is not how front ends interrupt, but a terminal's Ctrl+C should interrupt, not kill.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            router.InterruptRequestsInProgress();
        });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            shutdown.Set();
        });

        transport.Start(router.Handle);
        router.PublishStarting();
        shutdown.Wait();
        transport.StopAfterPendingSends();
        return 0;
    }
}
