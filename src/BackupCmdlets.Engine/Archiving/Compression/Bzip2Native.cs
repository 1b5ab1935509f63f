using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The system's libbz2 (on Debian a dependency of dpkg itself), whose compressor is faster than
/// SharpZipLib's managed one (tests/bench/bzip2-bench.sh measures both). Used for compressing whole
/// chunks when present; where it is not (Windows, a minimal image), SharpZipLib does the work and the
/// output is the same format.
/// </summary>
internal static unsafe class Bzip2Native
{
    private const int BzOk = 0;
    private static readonly delegate* unmanaged<byte*, uint*, byte*, uint, int, int, int, int> BuffToBuffCompress = Load();

    public static bool Available => BuffToBuffCompress != null;

    /// <summary>Room for the worst case of one chunk (bzip2's documented bound: 1% + 600 bytes).</summary>
    public static int MaxOutputLength(int inputLength) => inputLength + inputLength / 100 + 600;

    /// <summary>Compresses <paramref name="input"/> as one complete bzip2 stream; answers its length.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        uint length = (uint)output.Length;
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            int rc = BuffToBuffCompress(destination, &length, source, (uint)input.Length, level, 0, 0);
            if (rc != BzOk)
            {
                throw new InvalidOperationException($"libbz2 could not compress a chunk (error {rc}).");
            }
        }

        return (int)length;
    }

    private static delegate* unmanaged<byte*, uint*, byte*, uint, int, int, int, int> Load()
    {
        foreach (string name in new[] { "libbz2.so.1.0", "libbz2.so.1", "libbz2.so", "libbz2.dylib" })
        {
            if (NativeLibrary.TryLoad(name, out nint library) && NativeLibrary.TryGetExport(library, "BZ2_bzBuffToBuffCompress", out nint function))
            {
                return (delegate* unmanaged<byte*, uint*, byte*, uint, int, int, int, int>)function;
            }
        }

        return null;
    }
}
