using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

public sealed class ConnectionInfoTests
{
    private const string Valid = """
        {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
         "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "heapnotebook"}
        """;

    [Fact]
    public void A_connection_file_gives_endpoints_and_key()
    {
        var connection = ConnectionInfo.Parse(Valid);

        Assert.Equal("tcp://127.0.0.1:5001", connection.Endpoint(connection.ShellPort));
        Assert.Equal(5005, connection.HeartbeatPort);
        Assert.Equal("abc", connection.Key);
    }

    [Theory]
    [InlineData("{ nope", "not valid JSON")]
    [InlineData("[1]", "JSON object")]
    [InlineData("""{"iopub_port": 1, "stdin_port": 2, "control_port": 3, "hb_port": 4}""", "'shell_port' is missing")]
    [InlineData("""{"shell_port": "x", "iopub_port": 1, "stdin_port": 2, "control_port": 3, "hb_port": 4}""", "'shell_port' must be a port")]
    [InlineData("""{"shell_port": 1, "iopub_port": 1, "stdin_port": 2, "control_port": 3, "hb_port": 4, "transport": "ipc"}""", "not supported")]
    [InlineData("""{"shell_port": 1, "iopub_port": 1, "stdin_port": 2, "control_port": 3, "hb_port": 4, "key": "k", "signature_scheme": "hmac-md5"}""", "not supported")]
    public void A_malformed_connection_file_is_an_error_that_says_why(string json, string reason)
    {
        var error = Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Parse(json));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_missing_connection_file_is_an_error_not_a_crash()
    {
        var error = Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Load("/nonexistent/heapnb-connection.json"));

        Assert.Contains("cannot read", error.Message);
    }
}
