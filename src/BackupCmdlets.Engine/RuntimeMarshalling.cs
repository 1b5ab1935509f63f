// Every native call is declared with [LibraryImport], whose marshalling is generated at compile time;
// with run-time marshalling off, ReadyToRun precompiles the calls instead of the runtime emitting and
// JIT-compiling a stub for each at first use (about 17 stubs, several milliseconds of a quick sync).
[assembly: System.Runtime.CompilerServices.DisableRuntimeMarshalling]
