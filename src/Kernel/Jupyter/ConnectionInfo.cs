using System.Globalization;
using System.Text.Json;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>The contents of a Jupyter connection file: where to bind and how to sign.</summary>
public sealed record ConnectionInfo(
    string Transport,
    string IpAddress,
    int ShellPort,
    int IoPubPort,
    int StdinPort,
    int ControlPort,
    int HeartbeatPort,
    string SignatureScheme,
    string Key)
{
    public string Endpoint(int port) => $"{Transport}://{IpAddress}:{port.ToString(CultureInfo.InvariantCulture)}";

    public static ConnectionInfo Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConnectionFileException($"cannot read connection file '{path}': {exception.Message}");
        }
        return Parse(text, path);
    }

    public static ConnectionInfo Parse(string json, string source = "connection file")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new ConnectionFileException($"{source} is not valid JSON: {exception.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ConnectionFileException($"{source} must hold a JSON object");
            }
            var transport = OptionalString(root, "transport", source) ?? "tcp";
            if (transport != "tcp")
            {
                throw new ConnectionFileException($"{source}: transport '{transport}' is not supported (only tcp)");
            }
            var scheme = OptionalString(root, "signature_scheme", source) ?? "hmac-sha256";
            var key = OptionalString(root, "key", source) ?? "";
            if (key.Length > 0 && scheme != "hmac-sha256")
            {
                throw new ConnectionFileException($"{source}: signature_scheme '{scheme}' is not supported (only hmac-sha256)");
            }
            return new ConnectionInfo(
                transport,
                OptionalString(root, "ip", source) ?? "127.0.0.1",
                RequiredPort(root, "shell_port", source),
                RequiredPort(root, "iopub_port", source),
                RequiredPort(root, "stdin_port", source),
                RequiredPort(root, "control_port", source),
                RequiredPort(root, "hb_port", source),
                scheme,
                key);
        }
    }

    private static string? OptionalString(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ConnectionFileException($"{source}: '{name}' must be a string");
        }
        return value.GetString();
    }

    private static int RequiredPort(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw new ConnectionFileException($"{source}: '{name}' is missing");
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var port) || port is < 0 or > 65535)
        {
            throw new ConnectionFileException($"{source}: '{name}' must be a port number between 0 and 65535");
        }
        return port;
    }
}
