// Every native call is declared with [LibraryImport], whose marshalling is generated at compile time;
// with run-time marshalling off, ReadyToRun precompiles the calls instead of the runtime emitting and
// JIT-compiling a stub for each at first use, which a quick sync would notice.
[assembly: System.Runtime.CompilerServices.DisableRuntimeMarshalling]
