using System.Text.Json.Nodes;
using HeapNotebook.Kernel.CommandLine;

namespace HeapNotebook.Kernel.Tests.CommandLine;

public sealed class KernelSpecInstallerTests
{
    [Fact]
    public void Install_with_a_prefix_writes_kernel_json_and_two_png_logos_where_ipykernel_would()
    {
        var prefix = Directory.CreateTempSubdirectory("heapnb-prefix-").FullName;
        try
        {
            var directory = KernelSpecInstaller.Install(user: false, prefix);

            Assert.Equal(Path.Combine(prefix, "share", "jupyter", "kernels", "heapnotebook"), directory);
            var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "kernel.json")))!;
            Assert.Equal("HeapNotebook (C#)", spec["display_name"]!.GetValue<string>());
            Assert.Equal("csharp", spec["language"]!.GetValue<string>());
            Assert.Equal("message", spec["interrupt_mode"]!.GetValue<string>());
            var argv = spec["argv"]!.AsArray().Select(part => part!.GetValue<string>()).ToArray();
            Assert.Equal(["kernel", "--connection-file", "{connection_file}"], argv[^3..]);
            Assert.DoesNotContain("run", argv);
            foreach (var size in new[] { 32, 64 })
            {
                var png = File.ReadAllBytes(Path.Combine(directory, $"logo-{size}x{size}.png"));
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
                Assert.Equal(size, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
            }
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void The_kernel_command_starts_the_built_kernel_directly()
    {
        var command = KernelSpecInstaller.KernelCommand();

        Assert.True(File.Exists(command[0]), command[0]);
        Assert.DoesNotContain(command, part => part == "run");
    }

    [Fact]
    public void The_default_output_of_run_is_beside_the_input_and_never_the_input()
    {
        var output = KernelCommandLine.DefaultOutputPath("/notebooks/tour.ipynb");

        Assert.Equal("/notebooks/tour.executed.ipynb", output);
    }
}
