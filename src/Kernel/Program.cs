using HeapNotebook.Kernel.CommandLine;

return KernelCommandLine.Build().Parse(args).Invoke();
