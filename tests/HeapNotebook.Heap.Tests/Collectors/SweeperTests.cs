using CsCheck;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Collectors;

/// <summary>The sweep of a whole word of a span's bitmap at once, against the sweep of its objects one at a time.</summary>
public class SweeperTests
{
    /// <summary>64 records of random fields (ages near the 255 cap half the time), all white, none white, or mixed; and an epoch.</summary>
    private static readonly Gen<(ObjectRecord[] Word, byte Epoch)> Words =
        Gen.Int.Array[64 * 4].Select(Gen.Int[0, 2], Gen.Byte, (ints, kind, epoch) => (Decode(ints, kind), epoch));

    private static ObjectRecord[] Decode(int[] ints, int kind)
    {
        var word = new ObjectRecord[64];
        for (var i = 0; i < word.Length; i++)
        {
            var flags = ints[4 * i + 3];
            var color = (ObjectColor)((uint)flags % 3);
            word[i] = new ObjectRecord
            {
                Version = ints[4 * i] | 1,
                SlotA = ints[4 * i + 1],
                SlotB = ints[4 * i + 2],
                Color = kind switch
                {
                    0 => ObjectColor.White,
                    1 => color == ObjectColor.White ? ObjectColor.Black : color,
                    _ => color,
                },
                Age = (flags & (1 << 30)) != 0 ? (byte)(254 + ((flags >> 29) & 1)) : (byte)(flags >> 8),
                SlotMode = (byte)(flags >> 16),
                Epoch = (byte)(flags >> 24),
            };
        }

        return word;
    }

    [Fact]
    public void A_word_swept_at_once_ends_as_its_objects_swept_one_by_one_or_is_left_alone_when_mixed()
    {
        Words.Sample(sample =>
        {
            var (word, epoch) = sample;
            var atOnce = (ObjectRecord[])word.Clone();
            var oneByOne = (ObjectRecord[])word.Clone();
            var swept = Sweeper.TrySweepWord(atOnce, epoch, out var dead);
            var deadOneByOne = 0UL;
            for (var i = 0; i < oneByOne.Length; i++)
            {
                if (Sweeper.SweepBlockRecord(ref oneByOne[i], epoch))
                {
                    deadOneByOne |= 1UL << i;
                }
            }

            Assert.Equal(deadOneByOne is 0 or ulong.MaxValue, swept);
            Assert.Equal(swept ? oneByOne : word, atOnce);
            Assert.Equal(swept ? deadOneByOne : 0, dead);
        }, iter: 3000);
    }

    [Fact]
    public void A_word_is_sixty_four_records()
    {
        Assert.Throws<ArgumentException>(() => Sweeper.TrySweepWord(new ObjectRecord[63], 0, out _));
    }

    [Theory]
    [InlineData("marksweep")]
    [InlineData("go")]
    public void A_full_word_of_garbage_is_freed_and_a_full_word_of_survivors_ages_to_the_cap(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true });
        // 128 objects of one class fill the first two words of a fresh span; a holder in another class keeps the second 64.
        var objects = Enumerable.Range(0, 128).Select(_ => heap.Alloc(16)).ToArray();
        var holder = heap.Alloc(64 * 8, 64);
        heap.Roots["holder"] = holder;
        for (var i = 0; i < 64; i++)
        {
            heap.Write(holder, i, objects[64 + i]);
        }

        heap.Collect();

        Assert.All(objects[..64], garbage => Assert.False(heap.IsLive(garbage)));
        Assert.All(objects[64..], kept => Assert.Equal((true, ObjectColor.White, 1), (heap.IsLive(kept), heap.ColorOf(kept), heap.AgeOf(kept))));
        for (var i = 0; i < 260; i++)
        {
            heap.Collect();
        }

        Assert.All(objects[64..], kept => Assert.Equal((true, 255), (heap.IsLive(kept), heap.AgeOf(kept))));
    }
}
