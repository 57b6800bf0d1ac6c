using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Telemetry;

public sealed class GcTraceTests
{
    private const long MiB = 1 << 20;

    /// <summary>The inputs behind Go's own example line: gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, …, 12 P.</summary>
    private static GcCycle GoExample(GcTrigger trigger = GcTrigger.HeapGoal) => new()
    {
        Number = 1,
        Kind = GcKind.Full,
        Trigger = trigger,
        StartNs = 4_000_000,
        EndNs = 4_797_000,
        CpuFractionSinceStart = 0.02,
        Phases =
        [
            new PhaseRecord(GcPhase.SweepTermination, true, 4_000_000, 28_000, 340_000),
            new PhaseRecord(GcPhase.Mark, false, 4_028_000, 730_000, 1_230_000),
            new PhaseRecord(GcPhase.MarkTermination, true, 4_758_000, 39_000, 470_000),
        ],
        AssistCpuNs = 290_000,
        BackgroundCpuNs = 940_000,
        IdleCpuNs = 0,
        HeapStartBytes = 4 * MiB + 123_456,
        HeapMarkEndBytes = 4 * MiB + 500_000,
        HeapMarkedBytes = 300_000,
        HeapGoalBytes = 4 * MiB,
        NextGoalBytes = 4 * MiB,
        HeapAfterBytes = 300_000,
        ObjectsMarked = 0,
        PointersScanned = 0,
        ObjectsFreed = 0,
        BytesFreed = 0,
        StackScanBytes = 12_000,
        GlobalsScanBytes = MiB - 1,
        Procs = 12,
    };

    [Fact]
    public void Format_reproduces_Gos_example_gctrace_line()
    {
        Assert.Equal(
            "gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P",
            GcTrace.Format(GoExample()));
    }

    [Fact]
    public void A_forced_cycle_ends_with_forced()
    {
        Assert.Equal(
            "gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P (forced)",
            GcTrace.Format(GoExample(GcTrigger.Forced)));
    }

    [Fact]
    public void The_older_format_has_no_stacks_or_globals()
    {
        Assert.Equal(
            "gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 12 P",
            GcTrace.Format(GoExample(), includeStacksAndGlobals: false));
    }

    [Fact]
    public void Megabytes_are_bytes_shifted_right_by_20_and_seconds_are_truncated_milliseconds()
    {
        var cycle = GoExample() with
        {
            Number = 37,
            StartNs = 12_345_678_999, // 12.345 s
            CpuFractionSinceStart = 0.259,
            HeapStartBytes = 130 * MiB - 1,
            HeapMarkEndBytes = 130 * MiB,
            HeapMarkedBytes = 64 * MiB + 5,
            HeapGoalBytes = 129 * MiB,
            StackScanBytes = 2 * MiB,
            GlobalsScanBytes = 3 * MiB,
            Procs = 4,
        };

        Assert.Equal(
            "gc 37 @12.345s 25%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 129->130->64 MB, 129 MB goal, 2 MB stacks, 3 MB globals, 4 P",
            GcTrace.Format(cycle));
    }

    [Fact]
    public void A_cycle_without_a_phase_shows_zero_for_it()
    {
        var cycle = GoExample() with { Phases = [new PhaseRecord(GcPhase.Mark, false, 0, 12_345_000, 0)] };

        Assert.StartsWith("gc 1 @0.004s 2%: 0+12+0 ms clock, 0+0.29/0.94/0+0 ms cpu, ", GcTrace.Format(cycle));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "0")]
    [InlineData(1_000, "0.001")]
    [InlineData(12_345, "0.012")]
    [InlineData(99_999, "0.099")]
    [InlineData(100_000, "0.10")]
    [InlineData(123_456, "0.12")]
    [InlineData(999_999, "0.99")]
    [InlineData(1_000_000, "1.0")]
    [InlineData(1_234_567, "1.2")]
    [InlineData(9_999_999, "9.9")]
    [InlineData(10_000_000, "10")]
    [InlineData(123_456_789, "123")]
    [InlineData(-5, "0")]
    public void FormatNsAsMs_renders_like_Gos_fmtNSAsMS(long ns, string expected)
    {
        Assert.Equal(expected, GcTrace.FormatNsAsMs(ns));
    }

    [Theory]
    [InlineData(4UL, 3, "0.004")]
    [InlineData(12345UL, 3, "12.345")]
    [InlineData(0UL, 3, "0.000")]
    [InlineData(73UL, 2, "0.73")]
    [InlineData(123UL, 0, "123")]
    public void ItoaDiv_puts_the_decimal_point_like_Gos_itoaDiv(ulong value, int decimals, string expected)
    {
        Assert.Equal(expected, GcTrace.ItoaDiv(value, decimals));
    }

    [Fact]
    public void GcTraceLines_of_a_heap_give_one_line_per_cycle_numbered_from_one()
    {
        var heap = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 8192 });
        for (var i = 0; i < 1000; i++)
        {
            heap.Alloc(32);
        }

        heap.Collect();

        var lines = heap.GcTraceLines().ToList();
        Assert.Equal(heap.Cycles.Count, lines.Count);
        Assert.Equal(4, lines.Count); // 8 KiB goal = 256 objects of 32 B: cycles at allocations 257, 513, 769, then the forced one
        Assert.All(lines.Take(3), l => Assert.DoesNotContain("(forced)", l));

        // Cycle 1 starts after 256 allocations of 11.6 ns; 15 µs + 0 + 30 µs stopped, 180.296 µs of GC CPU in 48.0436 µs × 4 procs.
        Assert.Equal(
            "gc 1 @0.000s 93%: 0.015+0+0.030 ms clock, 0.060+0/0/0+0.12 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 4 P",
            lines[0]);
        Assert.Equal(2_969, heap.Cycles[0].StartNs);
        Assert.EndsWith(", 0 MB stacks, 0 MB globals, 4 P (forced)", lines[3]);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.StartsWith($"gc {i + 1} @", lines[i]);
        }
    }
}
