using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// The folder of a backup set in a repository: named by start time, engine, kind and a random tag
/// (<c>20260101T000000Z-postgresql-hot-a1b2c3</c>), so listing sorts by age and nothing else in a
/// repository is mistaken for a set. A new set is made under a temporary name, gets its in-progress
/// marker, and only then its final name: a folder with a set's name always holds a marker or a manifest.
/// </summary>
internal sealed partial class BackupSetFolder : IDisposable
{
    private BackupSetFolder(string path, string setId)
    {
        Path = path;
        SetId = setId;
    }

    public string Path { get; }

    public string SetId { get; }

    /// <summary>True for a folder name this class makes.</summary>
    public static bool IsSetName(string name) => SetName().IsMatch(name);

    /// <summary>Makes the folder of a new set, marked in progress until <see cref="Dispose"/>.</summary>
    public static BackupSetFolder Create(string repository, DatabaseEngine engine, BackupKind kind, DateTimeOffset start)
    {
        string full = System.IO.Path.GetFullPath(repository);
        try
        {
            Directory.CreateDirectory(full);
            string setId = string.Create(
                CultureInfo.InvariantCulture,
                $"{start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{engine.ToString().ToLowerInvariant()}-{kind.ToString().ToLowerInvariant()}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}");
            string path = System.IO.Path.Combine(full, setId);
            string pending = IO.TemporaryName.For(path);
            Directory.CreateDirectory(pending);
            InProgressMarker.Write(pending, InProgressMarker.ForThisProcess());
            IO.UnixFileSystem.Rename(pending, path, replace: false);
            IO.UnixFileSystem.FlushDirectory(full);
            return new BackupSetFolder(path, setId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException(Errors.BackupDestinationNotWritable, $"Cannot create a backup set in '{full}': {ex.Message}", full, ex);
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
                throw new BackupException(Errors.DestinationInsideSource, $"The repository '{repository}' lies inside '{source}', which is being backed up.", repository);
            }
        }
    }

    /// <summary>Ends the in-progress state: after the manifest is written the set is complete, otherwise incomplete.</summary>
    public void Dispose() => InProgressMarker.Remove(Path);

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z-(postgresql|sqlite|oracle)-(hot|cold|logical)-[0-9a-f]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex SetName();
}
