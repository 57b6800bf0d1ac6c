using HeapNotebook.Heap.Verification;

namespace HeapNotebook.Heap.Errors;

/// <summary>The verifier found the heap disagreeing with the reference model: a collector bug, described object by object.</summary>
public sealed class HeapVerificationException(VerificationReport report) : HeapException(report.ToString())
{
    public VerificationReport Report { get; } = report;
}
