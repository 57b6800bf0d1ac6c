using System.Buffers.Binary;
using System.IO.Compression;

namespace HeapNotebook.Kernel.CommandLine;

/// <summary>Draws the kernel logo (a heap of coloured blocks) as a PNG, so no binary asset is kept in the repo.</summary>
public static class LogoImage
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Png(int size)
    {
        var raw = new byte[size * (1 + size * 4)];
        for (var y = 0; y < size; y++)
        {
            var row = y * (1 + size * 4);
            raw[row] = 0; // filter: none
            for (var x = 0; x < size; x++)
            {
                var (red, green, blue, alpha) = Pixel(x, y, size);
                var offset = row + 1 + x * 4;
                raw[offset] = red;
                raw[offset + 1] = green;
                raw[offset + 2] = blue;
                raw[offset + 3] = alpha;
            }
        }
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; // bits per channel
        header[9] = 6; // RGBA
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(raw);
            }
            WriteChunk(output, "IDAT", compressed.ToArray());
        }
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static (byte Red, byte Green, byte Blue, byte Alpha) Pixel(int x, int y, int size)
    {
        // A 4x4 grid of blocks: black (marked), grey (queued) and white (unreached), on a dark blue tile.
        var cell = size / 4;
        var inset = Math.Max(1, size / 16);
        var column = x / cell;
        var row = y / cell;
        var insideBlock = x % cell >= inset && x % cell < cell - inset && y % cell >= inset && y % cell < cell - inset;
        if (!insideBlock)
        {
            return (0x1E, 0x2A, 0x4A, 0xFF);
        }
        return ((column + 2 * row) % 3) switch
        {
            0 => (0x10, 0x10, 0x10, 0xFF),
            1 => (0x9A, 0x9A, 0x9A, 0xFF),
            _ => (0xF5, 0xF5, 0xF5, 0xFF),
        };
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(number, crc);
        output.Write(number);
    }

    private static uint Crc(uint crc, byte[] data)
    {
        foreach (var value in data)
        {
            crc = CrcTable[(crc ^ value) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint index = 0; index < 256; index++)
        {
            var value = index;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? 0xEDB88320u ^ (value >> 1) : value >> 1;
            }
            table[index] = value;
        }
        return table;
    }
}
