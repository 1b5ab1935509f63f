using System.Globalization;
using System.Text.Json;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// <c>in-progress.json</c> in a set folder while a backup writes it: the host, the process id and
/// the process's start time (so a recycled pid does not count). The set folder gets its final name
/// only once the marker is in it, and the marker goes once the manifest is written or the backup
/// ends otherwise; so a set without either was left by a process that died. Retention never
/// removes a set whose marker names a live process, or a process on another host it cannot ask.
/// </summary>
internal sealed record InProgressMarker(string Host, int ProcessId, long ProcessStartTicks, DateTimeOffset Started)
{
    public const string FileName = "in-progress.json";

    public static string PathIn(string setPath) => Path.Combine(setPath, FileName);

    public static InProgressMarker ForThisProcess() =>
        new(Environment.MachineName, Environment.ProcessId, StartTicksOf(Environment.ProcessId) ?? 0, DateTimeOffset.UtcNow);

    public static void Write(string setPath, InProgressMarker marker)
    {
        using var writer = IO.AtomicFileWriter.Create(PathIn(setPath));
        JsonSerializer.Serialize(writer.Stream, marker, ManifestJsonContext.Default.InProgressMarker);
        writer.Commit(overwrite: false);
    }

    /// <summary>The marker of a set folder; null when there is none (or it cannot be read: a marker cut short by a crash).</summary>
    public static InProgressMarker? TryRead(string setPath)
    {
        try
        {
            using var stream = File.OpenRead(PathIn(setPath));
            return JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.InProgressMarker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static void Remove(string setPath)
    {
        try
        {
            File.Delete(PathIn(setPath));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>True while the process that wrote the marker may still be writing the set.</summary>
    public bool OwnerMayBeAlive() =>
        !string.Equals(Host, Environment.MachineName, StringComparison.Ordinal)
        || (StartTicksOf(ProcessId) is { } ticks && (ProcessStartTicks == 0 || ticks == ProcessStartTicks));

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"process {ProcessId} on {Host}, since {Started:u}");

    /// <summary>The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat); null when it does not exist.</summary>
    private static long? StartTicksOf(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : null;
    }
}
