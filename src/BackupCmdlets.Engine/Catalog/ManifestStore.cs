using System.Text.Json;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>Reads and writes <c>manifest.json</c>; writing is atomic (temp + fsync + rename).</summary>
internal static class ManifestStore
{
    public static string PathIn(string setPath) => Path.Combine(setPath, BackupSetManifest.FileName);

    public static bool Exists(string setPath) => File.Exists(PathIn(setPath));

    public static void Write(string setPath, BackupSetManifest manifest)
    {
        using var writer = AtomicFileWriter.Create(PathIn(setPath));
        JsonSerializer.Serialize(writer.Stream, manifest, ManifestJsonContext.Default.BackupSetManifest);
        writer.Commit(overwrite: false);
    }

    public static BackupSetManifest Read(string setPath)
    {
        string path = PathIn(setPath);
        if (!File.Exists(path))
        {
            throw new BackupException(
                Errors.BackupSetIncomplete,
                $"'{setPath}' has no {BackupSetManifest.FileName}: it is an incomplete backup set (cancelled, failed or still being written) and cannot be used.",
                setPath);
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.BackupSetManifest)
                ?? throw new JsonException("empty manifest");
        }
        catch (JsonException ex)
        {
            throw new BackupException(Errors.BackupSetManifestUnreadable, $"The manifest of '{setPath}' cannot be read: {ex.Message}", path, ex);
        }
    }
}
