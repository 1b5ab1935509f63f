namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>A fresh folder under the system temp folder, removed with everything in it on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? prefix = null)
    {
        Path = Directory.CreateTempSubdirectory(prefix ?? "bkc-test-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes a file (creating its folders) and answers its full path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        string full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public string WriteFile(string relativePath, byte[] content)
    {
        string full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public string CreateDirectory(string relativePath) => Directory.CreateDirectory(Combine(relativePath)).FullName;

    public void Dispose()
    {
        try
        {
            Remove(Path);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Removes a tree by byte-exact names (the .NET folder APIs lose names that are not UTF-8), making folders writable first.</summary>
    private static void Remove(string folder)
    {
        Engine.IO.UnixFileSystem.SetPermissions(folder, 0x1C0);
        foreach (var entry in Engine.IO.UnixFileSystem.ReadDirectory(folder))
        {
            string path = System.IO.Path.Combine(folder, entry.Name);
            if (entry.Metadata.Kind == Engine.IO.FileKind.Directory)
            {
                Remove(path);
            }
            else
            {
                Engine.IO.UnixFileSystem.DeleteFile(path);
            }
        }

        Engine.IO.UnixFileSystem.DeleteDirectory(folder);
    }
}
