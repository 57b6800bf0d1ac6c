namespace HeapNotebook.Heap.Time;

/// <summary>A <see cref="CostModel"/> converted once to integer picoseconds, for the hot paths.</summary>
internal sealed class WorkCosts(CostModel model)
{
    public CostModel Model { get; } = model;
    public readonly long Allocation = CostModel.ToPicoseconds(model.AllocationNs);
    public readonly long ZeroingPerByte = CostModel.ToPicoseconds(model.ZeroingNsPerByte);
    public readonly long PointerWrite = CostModel.ToPicoseconds(model.PointerWriteNs);
    public readonly long PointerRead = CostModel.ToPicoseconds(model.PointerReadNs);
    public readonly long RootScan = CostModel.ToPicoseconds(model.RootScanNs);
    public readonly long MarkObject = CostModel.ToPicoseconds(model.MarkObjectNs);
    public readonly long ScanPointer = CostModel.ToPicoseconds(model.ScanPointerNs);
    public readonly long SweepSpan = CostModel.ToPicoseconds(model.SweepSpanNs);
    public readonly long SweepObject = CostModel.ToPicoseconds(model.SweepObjectNs);
    public readonly long Barrier = CostModel.ToPicoseconds(model.BarrierNs);
    public readonly long RefCount = CostModel.ToPicoseconds(model.RefCountNs);
    public readonly long FreeObject = CostModel.ToPicoseconds(model.FreeObjectNs);
    public readonly long CopyPerByte = CostModel.ToPicoseconds(model.CopyNsPerByte);
    public readonly long SweepTermination = CostModel.ToPicoseconds(model.SweepTerminationNs);
    public readonly long MarkTermination = CostModel.ToPicoseconds(model.MarkTerminationNs);
}
