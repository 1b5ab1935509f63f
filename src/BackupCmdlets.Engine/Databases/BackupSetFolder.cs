using System.Globalization;
using System.Security.Cryptography;

namespace BackupCmdlets.Engine.Databases;

/// <summary>Creates the folder of a new backup set in a repository: named by time, engine and kind, so listing sorts by age.</summary>
internal static class BackupSetFolder
{
    public static (string Path, string SetId) Create(string repository, DatabaseEngine engine, BackupKind kind, DateTimeOffset start)
    {
        string full = System.IO.Path.GetFullPath(repository);
        try
        {
            Directory.CreateDirectory(full);
            string setId = string.Create(
                CultureInfo.InvariantCulture,
                $"{start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{engine.ToString().ToLowerInvariant()}-{kind.ToString().ToLowerInvariant()}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}");
            string path = System.IO.Path.Combine(full, setId);
            Directory.CreateDirectory(path);
            return (path, setId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException(DatabaseErrorIds.DestinationNotWritable, ErrorKind.WriteError, $"Cannot create a backup set in '{full}': {ex.Message}", full, ex);
        }
    }

    /// <summary>Refuses a repository inside the folders being backed up (the copy would copy itself).</summary>
    public static void EnsureOutside(string repository, IEnumerable<string> sources)
    {
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(repository)) + "/";
        foreach (string source in sources)
        {
            string root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(source)) + "/";
            if (full.StartsWith(root, StringComparison.Ordinal))
            {
                throw new BackupException(DatabaseErrorIds.DestinationInsideSource, ErrorKind.InvalidArgument, $"The repository '{repository}' lies inside '{source}', which is being backed up.", repository);
            }
        }
    }
}
