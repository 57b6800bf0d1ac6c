using System.CommandLine;

var root = new RootCommand("HeapNotebook: a Jupyter kernel for exploring garbage collection.");
return root.Parse(args).Invoke();
