using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Cells;

/// <summary>Everything a running cell can emit. The kernel sends these on iopub; the runner stores them in a notebook.</summary>
public interface ICellPublisher
{
    void WriteStream(string name, string text);

    void PublishDisplay(MimeBundle bundle, string? displayId, bool isUpdate);

    void PublishResult(MimeBundle bundle);

    void ClearOutput(bool wait);

    /// <summary>Asks the front end for a line of input; throws <see cref="InputNotAllowedException"/> when it cannot.</summary>
    string ReadInput(string prompt, bool password);
}
