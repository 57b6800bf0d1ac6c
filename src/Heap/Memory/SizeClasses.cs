namespace HeapNotebook.Heap.Memory;

/// <summary>
/// Go's size classes (runtime/sizeclasses.go, Go 1.21 and later): every small allocation is
/// rounded up to one of 67 sizes, and a span of a class is a run of 8 KiB pages cut into equal
/// slots. Rounding wastes at most about 12.5 % inside an object, and a span's tail waste is
/// what is left after the last whole slot.
///
///   class  bytes/obj  bytes/span  objects  tail waste
///       1          8        8192     1024           0
///       2         16        8192      512           0
///       3         24        8192      341           8
///       4         32        8192      256           0
///       5         48        8192      170          32
///       6         64        8192      128           0
///       7         80        8192      102          32
///       8         96        8192       85          32
///       9        112        8192       73          16
///      10        128        8192       64           0
///      11        144        8192       56         128
///      12        160        8192       51          32
///      13        176        8192       46          96
///      14        192        8192       42         128
///      15        208        8192       39          80
///      16        224        8192       36         128
///      17        240        8192       34          32
///      18        256        8192       32           0
///      19        288        8192       28         128
///      20        320        8192       25         192
///      21        352        8192       23          96
///      22        384        8192       21         128
///      23        416        8192       19         288
///      24        448        8192       18         128
///      25        480        8192       17          32
///      26        512        8192       16           0
///      27        576        8192       14         128
///      28        640        8192       12         512
///      29        704        8192       11         448
///      30        768        8192       10         512
///      31        896        8192        9         128
///      32       1024        8192        8           0
///      33       1152        8192        7         128
///      34       1280        8192        6         512
///      35       1408       16384       11         896
///      36       1536        8192        5         512
///      37       1792       16384        9         256
///      38       2048        8192        4           0
///      39       2304       16384        7         256
///      40       2688        8192        3         128
///      41       3072       24576        8           0
///      42       3200       16384        5         384
///      43       3456       24576        7         384
///      44       4096        8192        2           0
///      45       4864       24576        5         256
///      46       5376       16384        3         256
///      47       6144       24576        4           0
///      48       6528       32768        5         128
///      49       6784       40960        6         256
///      50       6912       49152        7         768
///      51       8192        8192        1           0
///      52       9472       57344        6         512
///      53       9728       49152        5         512
///      54      10240       40960        4           0
///      55      10880       32768        3         128
///      56      12288       24576        2           0
///      57      13568       40960        3         256
///      58      14336       57344        4           0
///      59      16384       16384        1           0
///      60      18432       73728        4           0
///      61      19072       57344        3         128
///      62      20480       40960        2           0
///      63      21760       65536        3         256
///      64      24576       24576        1           0
///      65      27264       81920        3         128
///      66      28672       57344        2           0
///      67      32768       32768        1           0
///
/// Class 0 stands for "large": an object over 32 KiB gets a span of its own, a whole number of pages.
/// </summary>
public static class SizeClasses
{
    public const int PageSize = 8192;
    public const int PageShift = 13;
    public const int MaxSmallSize = 32768;
    public const int Count = 68; // class 0 (large) plus the 67 small classes

    // Literal tables (data in the assembly, not arrays on the heap), so the JIT reads an entry at a
    // constant index, as allocating a constant size asks, at compile time.
    private static ReadOnlySpan<int> ClassToSize =>
    [
        0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384,
        416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688,
        3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288,
        13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
    ];

    private static ReadOnlySpan<byte> ClassToPages =>
    [
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4,
    ];

    // Size -> class in Go's two steps (size_to_class8 and size_to_class128): by 8 bytes up to
    // 1024, then by 128 bytes; each entry is the smallest class that holds the sizes it stands for.
    private const int SmallSizeMax = 1024;

    private static ReadOnlySpan<byte> SizeToClassBy8 =>
    [
        1, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18,
        18, 19, 19, 19, 19, 20, 20, 20, 20, 21, 21, 21, 21, 22, 22, 22, 22, 23, 23, 23, 23, 24, 24, 24, 24, 25, 25, 25, 25, 26, 26, 26,
        26, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28, 28, 28, 28, 28, 28, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30, 30, 30, 30,
        30, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
        32,
    ];

    private static ReadOnlySpan<byte> SizeToClassBy128 =>
    [
        32, 33, 34, 35, 36, 37, 37, 38, 38, 39, 39, 40, 40, 40, 41, 41, 41, 42, 43, 43, 44, 44, 44, 44, 44, 45, 45, 45, 45, 45, 45, 46,
        46, 46, 46, 47, 47, 47, 47, 47, 47, 48, 48, 48, 49, 49, 50, 51, 51, 51, 51, 51, 51, 51, 51, 51, 51, 52, 52, 52, 52, 52, 52, 52,
        52, 52, 52, 53, 53, 54, 54, 54, 54, 55, 55, 55, 55, 55, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 57, 57, 57, 57, 57, 57, 57,
        57, 57, 57, 58, 58, 58, 58, 58, 58, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 60, 60, 60, 60, 60, 60, 60,
        60, 60, 60, 60, 60, 60, 60, 60, 60, 61, 61, 61, 61, 61, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 65, 65, 65, 65, 65, 65, 65,
        65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 67, 67, 67, 67, 67, 67, 67,
        67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
    ];

    /// <summary>The class of a small object (1 .. 32768 bytes); 0 for a large one.</summary>
    public static int ClassOf(long size) =>
        size <= SmallSizeMax ? SizeToClassBy8[(int)((size + 7) >> 3)]
        : size <= MaxSmallSize ? SizeToClassBy128[(int)((size - SmallSizeMax + 127) >> 7)]
        : 0;

    public static int ObjectSize(int sizeClass) => ClassToSize[sizeClass];

    public static int PagesPerSpan(int sizeClass) => ClassToPages[sizeClass];

    public static int ObjectsPerSpan(int sizeClass) => ClassToPages[sizeClass] * PageSize / ClassToSize[sizeClass];

    /// <summary>Bytes the heap really takes for an object of this size: its class size, or whole pages when large.</summary>
    public static long RoundedSize(long size) =>
        size > MaxSmallSize ? PagesFor(size) * (long)PageSize : ClassToSize[ClassOf(size)];

    public static int PagesFor(long bytes) => (int)((bytes + PageSize - 1) >> PageShift);
}
