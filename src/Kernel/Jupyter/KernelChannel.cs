namespace HeapNotebook.Kernel.Jupyter;

public enum KernelChannel
{
    Shell,
    Control,
    Stdin,
    IoPub,
}
