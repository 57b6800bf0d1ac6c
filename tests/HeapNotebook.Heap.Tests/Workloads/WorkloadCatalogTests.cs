using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Workloads;

public sealed class WorkloadCatalogTests
{
    [Fact]
    public void The_catalog_offers_the_six_workloads_by_name()
    {
        Assert.Equal(["binary-trees", "churn", "lru-cache", "cycles", "fragment", "server"], WorkloadCatalog.Names);
    }

    [Theory]
    [InlineData("binary-trees")]
    [InlineData("churn")]
    [InlineData("lru-cache")]
    [InlineData("cycles")]
    [InlineData("fragment")]
    [InlineData("server")]
    public void Create_with_no_options_makes_the_named_workload_with_its_defaults(string name)
    {
        var workload = WorkloadCatalog.Create(name);

        Assert.Equal(name, workload.Name);
    }

    [Fact]
    public void Binary_trees_defaults_to_depth_10()
    {
        var workload = Assert.IsType<BinaryTrees>(WorkloadCatalog.Create("binary-trees"));

        Assert.Equal(10, workload.MaxDepth);
    }

    [Fact]
    public void An_unknown_workload_throws_listing_the_valid_ones()
    {
        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create("binarytrees"));

        Assert.Equal("There is no workload named 'binarytrees'. Choose one of: binary-trees, churn, lru-cache, cycles, fragment, server.", error.Message);
    }

    [Fact]
    public void An_unknown_option_throws_listing_the_workloads_options()
    {
        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create("binary-trees", new Dictionary<string, string> { ["width"] = "3" }));

        Assert.Equal("Workload 'binary-trees' has no option 'width'. Its options: depth (depth of the largest trees (the game's n; the game raises n below 6 to 6), default 10).", error.Message);
    }

    [Fact]
    public void An_unknown_option_of_a_many_option_workload_lists_all_of_them()
    {
        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create("lru-cache", new Dictionary<string, string> { ["size"] = "3" }));

        Assert.StartsWith("Workload 'lru-cache' has no option 'size'. Its options: capacity (", error.Message);
        Assert.Contains("requests (requests to serve, default 200000)", error.Message);
        Assert.Contains("keys (", error.Message);
        Assert.Contains("value-size (bytes per cached value, default 256)", error.Message);
    }

    [Theory]
    [InlineData("binary-trees", "depth", "3", "Option 'depth' of workload 'binary-trees' must be between 4 and 26, not 3.")]
    [InlineData("binary-trees", "depth", "27", "Option 'depth' of workload 'binary-trees' must be between 4 and 26, not 27.")]
    [InlineData("churn", "min-size", "8", "Option 'min-size' of workload 'churn' must be between 16 and 32768, not 8.")]
    [InlineData("cycles", "ring-size", "1", "Option 'ring-size' of workload 'cycles' must be between 2 and 100000, not 1.")]
    [InlineData("server", "garbage", "-1", "Option 'garbage' of workload 'server' must be between 0 and 100000, not -1.")]
    public void A_value_out_of_range_throws_naming_the_range(string name, string option, string value, string message)
    {
        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create(name, new Dictionary<string, string> { [option] = value }));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_churn_max_size_below_its_min_size_is_refused_not_clamped()
    {
        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create("churn", new Dictionary<string, string> { ["min-size"] = "300", ["max-size"] = "100" }));

        Assert.Equal("Workload 'churn': max-size (100) is below min-size (300): each object's size is drawn between the two. Use a max-size of 300 or more, or a smaller min-size.", error.Message);
        Assert.Equal("churn", WorkloadCatalog.Create("churn", new Dictionary<string, string> { ["min-size"] = "300", ["max-size"] = "300" }).Name);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("")]
    public void A_value_that_is_not_a_whole_number_throws(string value)
    {
        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create("binary-trees", new Dictionary<string, string> { ["depth"] = value }));

        Assert.Equal($"Option 'depth' of workload 'binary-trees' must be a whole number, not '{value}'.", error.Message);
    }

    [Fact]
    public void Range_ends_are_accepted()
    {
        var low = Assert.IsType<BinaryTrees>(WorkloadCatalog.Create("binary-trees", new Dictionary<string, string> { ["depth"] = "4" }));
        var high = Assert.IsType<BinaryTrees>(WorkloadCatalog.Create("binary-trees", new Dictionary<string, string> { ["depth"] = "26" }));

        Assert.Equal(6, low.MaxDepth); // the game's max(min depth + 2, n)
        Assert.Equal(26, high.MaxDepth);
    }

    [Theory]
    [InlineData("2000000", "100")]   // 200 000 000 slots = 1.6 GB: over the 1 GiB object limit
    [InlineData("10000000", "100")]  // 8 000 000 000 bytes overflows int to -589 934 592
    public void Option_values_the_catalog_accepts_can_be_run(string objects, string rounds)
    {
        var heap = new SimulatedHeap(new HeapOptions { HeapSizeLimitBytes = 64 * 1024 });

        // Either the catalog refuses the combination up front, or the workload starts (and here, runs out of simulated memory).
        IWorkload workload;
        try
        {
            workload = WorkloadCatalog.Create("fragment", new Dictionary<string, string> { ["objects"] = objects, ["rounds"] = rounds });
        }
        catch (WorkloadException)
        {
            return;
        }

        var error = Assert.ThrowsAny<HeapException>(() => heap.Run(workload));
        Assert.IsNotType<InvalidAllocationException>(error);
    }
}
