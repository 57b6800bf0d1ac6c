using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Workloads;

/// <summary>A workload made in C# (<c>new Churn(...)</c>) is checked by the same rules, with the same messages, as one made by '#!heap run', and its message says which argument is which option.</summary>
public sealed class WorkloadConstructorTests
{
    private static string CatalogRefusal(string name, params (string Option, string Value)[] options) =>
        Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create(name, options.ToDictionary(o => o.Option, o => o.Value))).Message;

    public static TheoryData<string, Func<IWorkload>, (string Option, string Value)[]> OutOfRange() => new()
    {
        { "binary-trees", () => new BinaryTrees(3), [("depth", "3")] },
        { "binary-trees", () => new BinaryTrees(-1), [("depth", "-1")] },
        { "churn", () => new Churn(-5, 100, 5, 100, 16, 256), [("allocs", "-5")] },
        { "churn", () => new Churn(1_000, 0, 5, 100, 16, 256), [("live", "0")] },
        { "churn", () => new Churn(1_000, 100, 101, 100, 16, 256), [("long-lived-percent", "101")] },
        { "churn", () => new Churn(1_000, 100, 5, 100, 8, 256), [("min-size", "8")] },
        { "lru-cache", () => new LruCache(0, 1_000, 100, 64), [("capacity", "0")] },
        { "lru-cache", () => new LruCache(10, -1, 100, 64), [("requests", "-1")] },
        { "cycles", () => new Cycles(100, 1, 10), [("ring-size", "1")] },
        { "cycles", () => new Cycles(-3, 4, 10), [("rings", "-3")] },
        { "fragment", () => new Fragment(1, 32, 96, 1), [("objects", "1")] },
        { "fragment", () => new Fragment(100, 32, 96, 0), [("rounds", "0")] },
        { "server", () => new Server(100, -1, 10, 512), [("garbage", "-1")] },
        { "server", () => new Server(100, 5, 10, 512, escapePercent: 150), [("escape-percent", "150")] },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void A_value_out_of_range_is_refused_with_the_catalogs_message(string name, Func<IWorkload> create, (string Option, string Value)[] asCatalogOptions)
    {
        var error = Assert.Throws<WorkloadException>(create);

        Assert.StartsWith(CatalogRefusal(name, asCatalogOptions) + " new ", error.Message);
        Assert.Contains("must be between", error.Message);
        Assert.Contains("(...) takes the options in this order: ", error.Message);
    }

    [Fact]
    public void Given_a_depth_below_the_range_then_binary_trees_names_the_option_and_its_range()
    {
        var error = Assert.Throws<WorkloadException>(() => new BinaryTrees(3));

        Assert.Equal("Option 'depth' of workload 'binary-trees' must be between 4 and 26, not 3. new BinaryTrees(...) takes the options in this order: depth.", error.Message);
    }

    [Fact]
    public void Given_a_churn_max_size_below_its_min_size_then_the_constructor_refuses_it_as_the_catalog_does()
    {
        var error = Assert.Throws<WorkloadException>(() => new Churn(1_000, 100, 5, 100, minSize: 300, maxSize: 100));

        Assert.Equal(CatalogRefusal("churn", ("min-size", "300"), ("max-size", "100"))
            + " new Churn(...) takes the options in this order: allocs, live, long-lived-percent, long-lived-slots, min-size, max-size.", error.Message);
        Assert.StartsWith("Workload 'churn': max-size (100) is below min-size (300)", error.Message);
    }

    [Fact]
    public void Given_a_fragment_table_too_large_then_the_constructor_refuses_it_as_the_catalog_does()
    {
        var error = Assert.Throws<WorkloadException>(() => new Fragment(2_000_000, 32, 96, 100));

        Assert.StartsWith(CatalogRefusal("fragment", ("objects", "2000000"), ("rounds", "100")) + " new Fragment(...) takes", error.Message);
    }

    [Fact]
    public void Values_inside_the_ranges_make_workloads_as_before()
    {
        Assert.Equal(6, new BinaryTrees(4).MaxDepth);
        Assert.Equal(26, new BinaryTrees(26).MaxDepth);
        Assert.Equal("churn", new Churn(1, 1, 0, 1, 16, 16).Name);
        Assert.Equal("lru-cache", new LruCache(1, 1, 1, 1).Name);
        Assert.Equal("cycles", new Cycles(1, 2, 1).Name);
        Assert.Equal("fragment", new Fragment(2, 1, 1, 1).Name);
        Assert.Equal("server", new Server(1, 0, 1, 8, pooled: true, escapePercent: 0).Name);
    }
}
