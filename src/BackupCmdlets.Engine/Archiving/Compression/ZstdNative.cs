using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The system's libzstd, called directly (as <see cref="Bzip2Native"/> calls libbz2). Where it is not
/// present (Windows, a minimal image), <see cref="ZstdCodec"/> uses ZstdSharp, a port of the same
/// library to C#, through the same calls.
/// </summary>
internal static unsafe class ZstdNative
{
    private static readonly Functions? Loaded = Load();

    public static bool Available => Loaded is not null;

    public static Functions Library => Loaded ?? throw new InvalidOperationException("libzstd is not present.");

    [StructLayout(LayoutKind.Sequential)]
    public struct Buffer
    {
        public void* Data;
        public nuint Size;
        public nuint Pos;
    }

    public sealed class Functions
    {
        public required delegate* unmanaged<nint> CreateDCtx { get; init; }

        public required delegate* unmanaged<nint, nuint> FreeDCtx { get; init; }

        public required delegate* unmanaged<nint, Buffer*, Buffer*, nuint> DecompressStream { get; init; }

        public required delegate* unmanaged<nint> CreateCCtx { get; init; }

        public required delegate* unmanaged<nint, nuint> FreeCCtx { get; init; }

        public required delegate* unmanaged<nint, int, int, nuint> CCtxSetParameter { get; init; }

        public required delegate* unmanaged<nint, void*, nuint, void*, nuint, nuint> Compress2 { get; init; }

        public required delegate* unmanaged<nuint, uint> IsError { get; init; }

        public required delegate* unmanaged<nuint, sbyte*> GetErrorName { get; init; }
    }

    private static Functions? Load()
    {
        foreach (string name in new[] { "libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib" })
        {
            if (!NativeLibrary.TryLoad(name, out nint library))
            {
                continue;
            }

            nint Export(string function) => NativeLibrary.TryGetExport(library, function, out nint address) ? address : 0;
            nint[] exports =
            [
                Export("ZSTD_createDCtx"), Export("ZSTD_freeDCtx"), Export("ZSTD_decompressStream"), Export("ZSTD_createCCtx"), Export("ZSTD_freeCCtx"),
                Export("ZSTD_CCtx_setParameter"), Export("ZSTD_compress2"), Export("ZSTD_isError"), Export("ZSTD_getErrorName"),
            ];
            if (exports.Contains(0))
            {
                continue;
            }

            return new Functions
            {
                CreateDCtx = (delegate* unmanaged<nint>)exports[0],
                FreeDCtx = (delegate* unmanaged<nint, nuint>)exports[1],
                DecompressStream = (delegate* unmanaged<nint, Buffer*, Buffer*, nuint>)exports[2],
                CreateCCtx = (delegate* unmanaged<nint>)exports[3],
                FreeCCtx = (delegate* unmanaged<nint, nuint>)exports[4],
                CCtxSetParameter = (delegate* unmanaged<nint, int, int, nuint>)exports[5],
                Compress2 = (delegate* unmanaged<nint, void*, nuint, void*, nuint, nuint>)exports[6],
                IsError = (delegate* unmanaged<nuint, uint>)exports[7],
                GetErrorName = (delegate* unmanaged<nuint, sbyte*>)exports[8],
            };
        }

        return null;
    }
}
