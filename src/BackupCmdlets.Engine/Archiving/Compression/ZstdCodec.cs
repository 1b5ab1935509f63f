namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// Chooses who does zstd's work: the system's libzstd where present, else ZstdSharp. Tests force the
/// fallback for what they run (and the threads it starts) with <see cref="UseManaged"/>.
/// </summary>
internal static class ZstdCodec
{
    private static readonly AsyncLocal<bool> ManagedForced = new();

    public static bool Native => ZstdNative.Available && !ManagedForced.Value;

    /// <summary>Makes the calling flow (and what it starts) use ZstdSharp until disposed.</summary>
    public static IDisposable UseManaged()
    {
        ManagedForced.Value = true;
        return new Restore();
    }

    public static ZstdDecoder CreateDecoder() => Native ? new NativeZstdDecoder() : new ManagedZstdDecoder();

    private sealed class Restore : IDisposable
    {
        public void Dispose() => ManagedForced.Value = false;
    }
}
