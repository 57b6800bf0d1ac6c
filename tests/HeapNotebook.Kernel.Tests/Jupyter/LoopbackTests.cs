using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

public sealed class LoopbackTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("*", false)]
    public void Only_loopback_addresses_count_as_local(string address, bool loopback)
    {
        Assert.Equal(loopback, ZeroMqTransport.IsLoopback(address));
    }
}
