using System.Security.Cryptography;
using System.Text;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>HMAC-SHA256 signatures of the four JSON frames; an empty key means messages are not signed.</summary>
public sealed class MessageSigner
{
    private readonly byte[] key;

    public MessageSigner(string key)
    {
        this.key = Encoding.UTF8.GetBytes(key);
    }

    public bool IsSigning => key.Length > 0;

    public string Sign(IReadOnlyList<byte[]> jsonFrames)
    {
        if (!IsSigning)
        {
            return "";
        }
        return Convert.ToHexStringLower(ComputeMac(jsonFrames));
    }

    /// <summary>
    /// True when <paramref name="signature"/> is exactly the lowercase hex HMAC of the frames, as every
    /// Jupyter client sends it; compared in constant time. Only one spelling is accepted, so a replayed
    /// message cannot pass as new by changing the case of its signature.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> signature, IReadOnlyList<byte[]> jsonFrames)
    {
        if (!IsSigning)
        {
            return true;
        }
        Span<byte> expected = stackalloc byte[2 * SHA256.HashSizeInBytes];
        Convert.TryToHexStringLower(ComputeMac(jsonFrames), expected, out _);
        return CryptographicOperations.FixedTimeEquals(signature, expected);
    }

    private byte[] ComputeMac(IReadOnlyList<byte[]> jsonFrames)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        foreach (var frame in jsonFrames)
        {
            hmac.AppendData(frame);
        }
        return hmac.GetHashAndReset();
    }
}
