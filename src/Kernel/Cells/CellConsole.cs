using System.Text;

namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// Replaces Console.Out, Console.Error and Console.In once per process with writers that send
/// text to the cell running in the current execution context, and to the original streams otherwise.
/// </summary>
public static class CellConsole
{
    private static readonly AsyncLocal<CellOutputContext?> CurrentContext = new();
    private static int installed;

    public static CellOutputContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }

    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1)
        {
            return;
        }
        Console.SetOut(new RoutingWriter("stdout", Console.Out));
        Console.SetError(new RoutingWriter("stderr", Console.Error));
        Console.SetIn(new RoutingReader(Console.In));
    }

    private sealed class RoutingWriter(string streamName, TextWriter fallback) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (value is null)
            {
                return;
            }
            if (CurrentContext.Value is { } context)
            {
                context.Write(streamName, value);
            }
            else
            {
                fallback.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write(value + "\n");

        public override void WriteLine() => Write("\n");

        public override void Flush()
        {
            if (CurrentContext.Value is { } context)
            {
                context.Flush();
            }
            else
            {
                fallback.Flush();
            }
        }
    }

    private sealed class RoutingReader(TextReader fallback) : TextReader
    {
        public override string? ReadLine() =>
            CurrentContext.Value is { } context ? context.ReadInput("", password: false) : fallback.ReadLine();

        public override int Read() => CurrentContext.Value is null ? fallback.Read() : -1;

        public override int Peek() => CurrentContext.Value is null ? fallback.Peek() : -1;
    }
}
