using HeapNotebook.Heap.Memory;

namespace HeapNotebook.Heap.Tests.Memory;

public sealed class SizeClassesTests
{
    [Fact]
    public void There_are_67_small_classes_ending_at_32_KiB_and_class_0_means_large()
    {
        Assert.Equal(68, SizeClasses.Count); // class 0 plus 67
        Assert.Equal(8, SizeClasses.ObjectSize(1));
        Assert.Equal(32768, SizeClasses.ObjectSize(67));
        for (var c = 2; c <= 67; c++)
        {
            Assert.True(SizeClasses.ObjectSize(c) > SizeClasses.ObjectSize(c - 1), $"class {c} is not larger than class {c - 1}");
            Assert.Equal(0, SizeClasses.ObjectSize(c) % 8);
        }
    }

    [Theory]
    [InlineData(1, 1, 8)]
    [InlineData(8, 1, 8)]
    [InlineData(9, 2, 16)]
    [InlineData(16, 2, 16)]
    [InlineData(17, 3, 24)]
    [InlineData(33, 5, 48)]
    [InlineData(100, 9, 112)]
    [InlineData(1025, 33, 1152)]
    [InlineData(1408, 35, 1408)]
    [InlineData(32767, 67, 32768)]
    [InlineData(32768, 67, 32768)]
    public void ClassOf_rounds_a_size_up_to_the_smallest_class_that_holds_it(int size, int expectedClass, int expectedBytes)
    {
        Assert.Equal(expectedClass, SizeClasses.ClassOf(size));
        Assert.Equal(expectedBytes, SizeClasses.RoundedSize(size));
    }

    [Fact]
    public void Every_small_size_gets_the_smallest_class_that_holds_it()
    {
        var expected = 1;
        for (var size = 1; size <= SizeClasses.MaxSmallSize; size++)
        {
            while (SizeClasses.ObjectSize(expected) < size)
            {
                expected++;
            }

            if (SizeClasses.ClassOf(size) != expected)
            {
                Assert.Fail($"size {size}: class {SizeClasses.ClassOf(size)}, expected {expected}");
            }
        }
    }

    [Theory]
    [InlineData(32769, 5)]
    [InlineData(33 * 1024, 5)]
    [InlineData(40960, 5)]
    [InlineData(40961, 6)]
    [InlineData(1 << 20, 128)]
    public void A_size_over_32_KiB_is_large_and_takes_whole_pages(int size, int pages)
    {
        Assert.Equal(0, SizeClasses.ClassOf(size));
        Assert.Equal(pages, SizeClasses.PagesFor(size));
        Assert.Equal(pages * 8192L, SizeClasses.RoundedSize(size));
    }

    // Go 1.21+ runtime/sizeclasses.go: class, bytes/obj, bytes/span, objects.
    public static TheoryData<int, int, int, int> GoTable => new()
    {
        { 1, 8, 8192, 1024 }, { 2, 16, 8192, 512 }, { 3, 24, 8192, 341 }, { 4, 32, 8192, 256 },
        { 5, 48, 8192, 170 }, { 6, 64, 8192, 128 }, { 7, 80, 8192, 102 }, { 8, 96, 8192, 85 },
        { 9, 112, 8192, 73 }, { 10, 128, 8192, 64 }, { 11, 144, 8192, 56 }, { 12, 160, 8192, 51 },
        { 13, 176, 8192, 46 }, { 14, 192, 8192, 42 }, { 15, 208, 8192, 39 }, { 16, 224, 8192, 36 },
        { 17, 240, 8192, 34 }, { 18, 256, 8192, 32 }, { 19, 288, 8192, 28 }, { 20, 320, 8192, 25 },
        { 21, 352, 8192, 23 }, { 22, 384, 8192, 21 }, { 23, 416, 8192, 19 }, { 24, 448, 8192, 18 },
        { 25, 480, 8192, 17 }, { 26, 512, 8192, 16 }, { 27, 576, 8192, 14 }, { 28, 640, 8192, 12 },
        { 29, 704, 8192, 11 }, { 30, 768, 8192, 10 }, { 31, 896, 8192, 9 }, { 32, 1024, 8192, 8 },
        { 33, 1152, 8192, 7 }, { 34, 1280, 8192, 6 }, { 35, 1408, 16384, 11 }, { 36, 1536, 8192, 5 },
        { 37, 1792, 16384, 9 }, { 38, 2048, 8192, 4 }, { 39, 2304, 16384, 7 }, { 40, 2688, 8192, 3 },
        { 41, 3072, 24576, 8 }, { 42, 3200, 16384, 5 }, { 43, 3456, 24576, 7 }, { 44, 4096, 8192, 2 },
        { 45, 4864, 24576, 5 }, { 46, 5376, 16384, 3 }, { 47, 6144, 24576, 4 }, { 48, 6528, 32768, 5 },
        { 49, 6784, 40960, 6 }, { 50, 6912, 49152, 7 }, { 51, 8192, 8192, 1 }, { 52, 9472, 57344, 6 },
        { 53, 9728, 49152, 5 }, { 54, 10240, 40960, 4 }, { 55, 10880, 32768, 3 }, { 56, 12288, 24576, 2 },
        { 57, 13568, 40960, 3 }, { 58, 14336, 57344, 4 }, { 59, 16384, 16384, 1 }, { 60, 18432, 73728, 4 },
        { 61, 19072, 57344, 3 }, { 62, 20480, 40960, 2 }, { 63, 21760, 65536, 3 }, { 64, 24576, 24576, 1 },
        { 65, 27264, 81920, 3 }, { 66, 28672, 57344, 2 }, { 67, 32768, 32768, 1 },
    };

    [Theory]
    [MemberData(nameof(GoTable))]
    public void Each_class_matches_Gos_table_of_object_size_span_size_and_objects_per_span(int sizeClass, int bytes, int spanBytes, int objects)
    {
        Assert.Equal(bytes, SizeClasses.ObjectSize(sizeClass));
        Assert.Equal(spanBytes, SizeClasses.PagesPerSpan(sizeClass) * SizeClasses.PageSize);
        Assert.Equal(objects, SizeClasses.ObjectsPerSpan(sizeClass));
        Assert.Equal(sizeClass, SizeClasses.ClassOf(bytes));
        Assert.Equal(sizeClass, SizeClasses.ClassOf(SizeClasses.ObjectSize(sizeClass - 1) + 1));
    }
}
