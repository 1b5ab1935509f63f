using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Extracting;

/// <summary>
/// Where an entry is extracted: its folder, held open (the caller owns the handle), the folder's path
/// below the destination with every symlink resolved, and the entry's own name in it.
/// </summary>
internal sealed class EntryLocation(DirectoryHandle folder, string folderPath, string name) : IDisposable
{
    public DirectoryHandle Folder { get; } = folder;

    public string FolderPath { get; } = folderPath;

    public string Name { get; } = name;

    /// <summary>The entry's own path below the destination, through no symlink.</summary>
    public string PhysicalPath => FolderPath.Length == 0 ? Name : $"{FolderPath}/{Name}";

    public void Dispose() => Folder.Dispose();
}
