using System.Text.Json;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>Reads and writes <c>manifest.json</c>; writing is atomic (temp + fsync + rename).</summary>
internal static class ManifestStore
{
    public static string PathIn(string setPath) => Path.Combine(setPath, BackupSetManifest.FileName);

    public static bool Exists(string setPath) => File.Exists(PathIn(setPath));

    /// <param name="key">An encrypted set's key: the manifest's MAC is written first (<see cref="BackupSetManifest.MacFileName"/>).</param>
    public static void Write(string setPath, BackupSetManifest manifest, SetKey? key = null)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.BackupSetManifest);
        if (key is not null)
        {
            using var mac = AtomicFileWriter.Create(Path.Combine(setPath, BackupSetManifest.MacFileName));
            mac.Stream.Write(System.Text.Encoding.ASCII.GetBytes(key.ManifestMac(json) + "\n"));
            mac.Commit(overwrite: false);
        }

        using var writer = AtomicFileWriter.Create(PathIn(setPath));
        writer.Stream.Write(json);
        writer.Commit(overwrite: false);
    }

    /// <summary>With an encrypted set's key: why its manifest is not the one written with it (its MAC is missing or differs); null when it is.</summary>
    public static string? MacProblem(string setPath, SetKey key)
    {
        string macPath = Path.Combine(setPath, BackupSetManifest.MacFileName);
        if (!File.Exists(macPath))
        {
            return $"{BackupSetManifest.MacFileName} is missing, so the manifest cannot be authenticated";
        }

        return File.ReadAllText(macPath).Trim() == key.ManifestMac(File.ReadAllBytes(PathIn(setPath)))
            ? null
            : $"{BackupSetManifest.FileName} is not the manifest the set was written with (its HMAC under the key differs)";
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
