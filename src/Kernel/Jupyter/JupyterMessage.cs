using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>One message of the Jupyter protocol, with its routing identities and raw buffers.</summary>
public sealed class JupyterMessage
{
    public const string ProtocolVersion = "5.3";

    public IReadOnlyList<byte[]> Identities { get; init; } = [];
    public JsonObject Header { get; init; } = new();
    public JsonObject ParentHeader { get; init; } = new();
    public JsonObject Metadata { get; init; } = new();
    public JsonObject Content { get; init; } = new();
    public IReadOnlyList<byte[]> Buffers { get; init; } = [];

    /// <summary>When the transport received it (Stopwatch ticks); stop_on_error aborts what arrived before a failure.</summary>
    public long ReceivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public string MessageType => HeaderString("msg_type");
    public string MessageId => HeaderString("msg_id");
    public string Session => HeaderString("session");

    /// <summary>A new message answering or caused by <paramref name="parent"/> (routed back to the same identities).</summary>
    public static JupyterMessage Create(string messageType, JsonObject content, JupyterMessage? parent, string session, string username = "kernel")
    {
        return new JupyterMessage
        {
            Identities = parent?.Identities ?? [],
            Header = new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString("N"),
                ["session"] = session,
                ["username"] = username,
                ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture),
                ["msg_type"] = messageType,
                ["version"] = ProtocolVersion,
            },
            ParentHeader = parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone(),
            Content = content,
        };
    }

    private string HeaderString(string name) =>
        Header[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    public string? ContentString(string name) =>
        Content[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public bool ContentBool(string name, bool fallback) =>
        Content[name] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : fallback;

    public int? ContentInt(string name)
    {
        if (Content[name] is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue<int>(out var number))
        {
            return number;
        }
        return value.TryGetValue<double>(out var real) && real is >= int.MinValue and <= int.MaxValue ? (int)real : null;
    }
}
