using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The zlib that ships inside the .NET runtime (System.IO.Compression.Native, the library
/// GZipStream itself calls). Called directly because GZipStream cannot do three things this engine
/// needs: report where a deflate stream ended (so a truncated gzip file is an error rather than a
/// silent short read), write a gzip header with an extra field (the member sizes that make parallel
/// reading possible), and take a numeric level 1-9 on .NET 8.
/// </summary>
internal static unsafe partial class ZlibNative
{
    private const string Library = "System.IO.Compression.Native";

    public const int ZOk = 0;
    public const int ZStreamEnd = 1;
    public const int ZBufError = -5;
    public const int ZNoFlush = 0;
    public const int ZSyncFlush = 2;
    public const int ZFinish = 4;
    public const int ZDeflated = 8;
    public const int RawWindowBits = -15;

    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public sbyte* Message;
        public nint InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    public static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    public static partial int InflateInit2(ZStream* stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    public static partial int InflateEnd(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Crc32")]
    public static partial uint Crc32(uint crc, byte* buffer, int length);

    public static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            return Crc32(crc, p, data.Length);
        }
    }

    public static string Describe(ZStream* stream, int code) =>
        stream->Message != null ? new string(stream->Message) : $"zlib error {code}";
}
