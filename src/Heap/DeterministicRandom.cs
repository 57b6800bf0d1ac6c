namespace HeapNotebook.Heap;

/// <summary>
/// The one pseudo-random generator a heap owns: xoshiro256** seeded through SplitMix64.
/// The project owns the algorithm (it does not depend on System.Random's), so a seed gives the
/// same sequence on every machine and every .NET version.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        Seed = seed;
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    public ulong Seed { get; }

    /// <summary>How many values have been drawn; part of a heap's state for snapshots.</summary>
    public long Draws { get; private set; }

    /// <summary>The generator's whole state, so a snapshot's replay can put it back where the original was.</summary>
    internal RandomState State
    {
        get => new(_s0, _s1, _s2, _s3, Draws);
        set => (_s0, _s1, _s2, _s3, Draws) = (value.S0, value.S1, value.S2, value.S3, value.Draws);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        Draws++;
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, exclusiveMax), without modulo bias (Lemire's method).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "The upper bound must be positive.");
        }

        return (int)NextUInt64Below((ulong)exclusiveMax);
    }

    /// <summary>A uniform integer in [min, max] (both inclusive), for any range an int can hold.</summary>
    public int NextInt(int min, int max)
    {
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"The upper bound must not be below the lower bound {min}.");
        }

        return (int)(min + (long)NextUInt64Below((ulong)((long)max - min + 1)));
    }

    /// <summary>A uniform value in [0, bound), without modulo bias (Lemire's method).</summary>
    private ulong NextUInt64Below(ulong bound)
    {
        while (true)
        {
            var product = (UInt128)NextUInt64() * bound;
            var low = (ulong)product;
            if (low >= bound || low >= (0UL - bound) % bound)
            {
                return (ulong)(product >> 64);
            }
        }
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool NextBool(double probability) => NextDouble() < probability;

    /// <summary>An exponentially distributed value with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());
}
