using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>
/// The multipart frames of the messaging spec: identities, &lt;IDS|MSG&gt;, signature, header,
/// parent_header, metadata, content, then binary buffers.
/// </summary>
public sealed class WireFormat(MessageSigner signer)
{
    /// <summary>How many recent signatures are remembered to refuse a replayed message.</summary>
    public const int ReplayWindow = 65_536;

    private readonly HashSet<string> seenSignatures = new(StringComparer.Ordinal);
    private readonly Queue<string> seenOrder = new();

    public static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    public List<byte[]> Encode(JupyterMessage message)
    {
        var json = new[]
        {
            Serialize(message.Header),
            Serialize(message.ParentHeader),
            Serialize(message.Metadata),
            Serialize(message.Content),
        };
        var frames = new List<byte[]>(message.Identities.Count + 6 + message.Buffers.Count);
        frames.AddRange(message.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(json)));
        frames.AddRange(json);
        frames.AddRange(message.Buffers);
        return frames;
    }

    /// <summary>Decodes and verifies; returns null and a reason when the frames must be dropped.</summary>
    public JupyterMessage? Decode(IReadOnlyList<byte[]> frames, out string? rejection)
    {
        var delimiterIndex = -1;
        for (var index = 0; index < frames.Count; index++)
        {
            if (frames[index].AsSpan().SequenceEqual(Delimiter))
            {
                delimiterIndex = index;
                break;
            }
        }
        if (delimiterIndex < 0)
        {
            rejection = $"no <IDS|MSG> delimiter among {frames.Count} frames";
            return null;
        }
        if (frames.Count - delimiterIndex - 1 < 5)
        {
            rejection = $"expected a signature and four JSON frames after <IDS|MSG>, got {frames.Count - delimiterIndex - 1} frames";
            return null;
        }
        var signature = Encoding.ASCII.GetString(frames[delimiterIndex + 1]);
        var json = new[] { frames[delimiterIndex + 2], frames[delimiterIndex + 3], frames[delimiterIndex + 4], frames[delimiterIndex + 5] };
        if (!signer.Verify(signature, json))
        {
            rejection = signature.Length == 0 ? "missing signature" : "invalid signature";
            return null;
        }
        if (signer.IsSigning && !FirstTimeSeen(signature))
        {
            rejection = "replayed message: its signature was already seen";
            return null;
        }
        var parts = new JsonObject[4];
        string[] names = ["header", "parent_header", "metadata", "content"];
        for (var index = 0; index < 4; index++)
        {
            try
            {
                parts[index] = JsonNode.Parse(json[index]) as JsonObject
                    ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException exception)
            {
                rejection = $"malformed JSON in the {names[index]} frame: {exception.Message}";
                return null;
            }
        }
        if (parts[0]["msg_type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out _))
        {
            rejection = "the header has no msg_type";
            return null;
        }
        rejection = null;
        return new JupyterMessage
        {
            Identities = frames.Take(delimiterIndex).ToArray(),
            Header = parts[0],
            ParentHeader = parts[1],
            Metadata = parts[2],
            Content = parts[3],
            Buffers = frames.Skip(delimiterIndex + 6).ToArray(),
        };
    }

    private static byte[] Serialize(JsonObject node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>Remembers a verified signature; false when it was seen before (a replay). Every genuine message has its own msg_id, so its signature is new.</summary>
    private bool FirstTimeSeen(string signature)
    {
        lock (seenSignatures)
        {
            if (!seenSignatures.Add(signature))
            {
                return false;
            }

            seenOrder.Enqueue(signature);
            if (seenOrder.Count > ReplayWindow)
            {
                seenSignatures.Remove(seenOrder.Dequeue());
            }

            return true;
        }
    }
}
