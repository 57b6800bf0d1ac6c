namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// Go's GC CPU limiter so far (not a MemStats field; Go's runtime/metrics has /gc/limiter/last-enabled):
/// whether it is on now, how many times it turned on, and the GC time that arrived while its bucket
/// was full (virtual ns), which is how far the collector ran over the limiter's half of the CPU.
/// </summary>
public sealed record CpuLimiterReport(bool On, long TimesTurnedOn, long OverflowNs);
