using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

public sealed class KernelHostTests
{
    [Fact]
    public void A_malformed_connection_file_ends_the_kernel_command_with_a_message_not_a_crash()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "{ \"shell_port\": ");
        var log = new StringWriter();
        try
        {
            var exitCode = KernelHost.Run(path, () => new ScriptedInterpreter(), log);

            Assert.Equal(2, exitCode);
            Assert.Contains("is not valid JSON", log.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_port_that_is_already_taken_ends_the_kernel_command_with_a_message_not_a_crash()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var path = Path.GetTempFileName();
        File.WriteAllText(path, $$"""{"shell_port": {{port}}, "iopub_port": {{port}}, "stdin_port": {{port}}, "control_port": {{port}}, "hb_port": {{port}}, "ip": "127.0.0.1", "key": ""}""");
        var log = new StringWriter();
        try
        {
            var exitCode = KernelHost.Run(path, () => new ScriptedInterpreter(), log);

            Assert.Equal(3, exitCode);
            Assert.Contains("cannot bind", log.ToString());
            Assert.Contains("already in use", log.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_header_with_wrongly_typed_fields_reads_as_empty_instead_of_throwing()
    {
        var message = new JupyterMessage { Header = new System.Text.Json.Nodes.JsonObject { ["msg_id"] = 5, ["msg_type"] = "x" } };

        Assert.Equal("", message.MessageId);
        Assert.Equal("x", message.MessageType);
    }
}
