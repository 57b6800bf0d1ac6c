using System.Text;
using System.Text.Unicode;
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

    /// <summary>A repeated property name is an error, so a message cannot mean one thing to its signer and another to a handler.</summary>
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

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
        var signature = frames[delimiterIndex + 1];
        var json = new[] { frames[delimiterIndex + 2], frames[delimiterIndex + 3], frames[delimiterIndex + 4], frames[delimiterIndex + 5] };
        if (!signer.Verify(signature, json))
        {
            rejection = signature.Length == 0 ? "missing signature" : "invalid signature";
            return null;
        }
        if (signer.IsSigning && !FirstTimeSeen(Encoding.ASCII.GetString(signature)))
        {
            rejection = "replayed message: its signature was already seen";
            return null;
        }
        var parts = new JsonObject[4];
        string[] names = ["header", "parent_header", "metadata", "content"];
        for (var index = 0; index < 4; index++)
        {
            if (!Utf8.IsValid(json[index]))
            {
                rejection = $"the {names[index]} frame is not valid UTF-8";
                return null;
            }
            try
            {
                parts[index] = JsonNode.Parse(json[index], documentOptions: StrictJson) as JsonObject
                    ?? throw new JsonException("not a JSON object");
                ReadEveryString(parts[index]);
            }
            catch (JsonException exception)
            {
                rejection = $"malformed JSON in the {names[index]} frame: {exception.Message}";
                return null;
            }
            catch (InvalidOperationException exception)
            {
                rejection = $"the {names[index]} frame holds text that is not valid Unicode: {exception.Message}";
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

    /// <summary>
    /// Parsed JSON reads its strings lazily, so a lone surrogate escape
    /// would only throw when a handler reads it; reading every one here drops such a message instead.
    /// </summary>
    private static void ReadEveryString(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var (_, value) in members)
                {
                    ReadEveryString(value);
                }
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    ReadEveryString(item);
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                value.GetValue<string>();
                break;
        }
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
