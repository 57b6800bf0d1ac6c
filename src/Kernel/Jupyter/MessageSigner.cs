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

    public bool Verify(string signature, IReadOnlyList<byte[]> jsonFrames)
    {
        if (!IsSigning)
        {
            return true;
        }
        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(claimed, ComputeMac(jsonFrames));
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
