// The JIT zeroes a method's whole stack frame on entry unless told not to. BinaryTrees.Build and
// the mutator methods inlined into it have a frame of ~280 bytes and run once per simulated object;
// C#'s definite assignment already guarantees every local is written before it is read, and no
// stackalloc here is read before it is written.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
