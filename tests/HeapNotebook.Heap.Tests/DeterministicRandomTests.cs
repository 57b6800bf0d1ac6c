namespace HeapNotebook.Heap.Tests;

public sealed class DeterministicRandomTests
{
    [Fact]
    public void Seed_1_gives_the_pinned_xoshiro256starstar_sequence()
    {
        // Computed with an independent Python implementation of SplitMix64 seeding and xoshiro256**.
        var random = new DeterministicRandom(1);

        Assert.Equal(0xb3f2af6d0fc710c5UL, random.NextUInt64());
        Assert.Equal(0x853b559647364ceaUL, random.NextUInt64());
        Assert.Equal(0x92f89756082a4514UL, random.NextUInt64());
        Assert.Equal(3, random.Draws);
    }

    [Fact]
    public void NextInt_of_seed_1_is_pinned_and_NextDouble_uses_the_top_53_bits()
    {
        var random = new DeterministicRandom(1);
        Assert.Equal([70, 52, 57, 39, 69], Enumerable.Range(0, 5).Select(_ => random.NextInt(100)));

        Assert.Equal((0xb3f2af6d0fc710c5UL >> 11) / 9007199254740992.0, new DeterministicRandom(1).NextDouble());
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_another_seed_another()
    {
        var a = new DeterministicRandom(42);
        var b = new DeterministicRandom(42);
        var c = new DeterministicRandom(43);

        var first = Enumerable.Range(0, 1000).Select(_ => a.NextUInt64()).ToList();
        var second = Enumerable.Range(0, 1000).Select(_ => b.NextUInt64()).ToList();
        var other = Enumerable.Range(0, 1000).Select(_ => c.NextUInt64()).ToList();

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(42UL, a.Seed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void NextInt_stays_in_range_and_reaches_both_ends_of_small_ranges(int bound)
    {
        var random = new DeterministicRandom(9);
        var seen = new HashSet<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var value = random.NextInt(bound);
            Assert.InRange(value, 0, bound - 1);
            seen.Add(value);
        }

        if (bound <= 7)
        {
            Assert.Equal(bound, seen.Count);
        }
    }

    [Fact]
    public void NextInt_with_min_and_max_includes_both()
    {
        var random = new DeterministicRandom(5);
        var values = Enumerable.Range(0, 5000).Select(_ => random.NextInt(-3, 3)).ToHashSet();

        Assert.Equal(Enumerable.Range(-3, 7).ToHashSet(), values);
    }

    [Theory]
    [InlineData(0, int.MaxValue)]
    [InlineData(int.MinValue, int.MaxValue)]
    [InlineData(-1, int.MaxValue - 1)]
    public void NextInt_with_min_and_max_accepts_a_range_wider_than_int_MaxValue_values(int min, int max)
    {
        var random = new DeterministicRandom(1);

        for (var i = 0; i < 100; i++)
        {
            Assert.InRange(random.NextInt(min, max), min, max);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NextInt_rejects_a_bound_that_is_not_positive(int bound)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeterministicRandom(1).NextInt(bound));
    }

    [Fact]
    public void NextDouble_is_in_0_1_and_NextBool_follows_its_probability()
    {
        var random = new DeterministicRandom(3);
        var trues = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var d = random.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999999999);
            trues += random.NextBool(0.25) ? 1 : 0;
        }

        Assert.InRange(trues, 2200, 2800); // 2500 expected; 5.8 standard deviations either side
        Assert.False(new DeterministicRandom(3).NextBool(0.0));
        Assert.True(new DeterministicRandom(3).NextBool(1.0));
    }
}
