namespace HeapNotebook.Bench;

/// <summary>The same binary-trees program on the real .NET runtime: the reference the simulator is measured against.</summary>
internal static class NativeBinaryTrees
{
    private sealed class Node
    {
        public Node? Left;
        public Node? Right;
    }

    public static long Run(int maxDepth)
    {
        const int minDepth = 4;
        maxDepth = Math.Max(minDepth + 2, maxDepth);
        long checksum = Check(Build(maxDepth + 1));
        var longLived = Build(maxDepth);
        for (var depth = minDepth; depth <= maxDepth; depth += 2)
        {
            var iterations = 1 << (maxDepth - depth + minDepth);
            for (var i = 0; i < iterations; i++)
            {
                checksum += Check(Build(depth));
            }
        }

        return checksum + Check(longLived);
    }

    private static Node Build(int depth) =>
        depth <= 0 ? new Node() : new Node { Left = Build(depth - 1), Right = Build(depth - 1) };

    private static int Check(Node node) => node.Left is null ? 1 : 1 + Check(node.Left) + Check(node.Right!);
}
