using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Hand-made tar archives with entries no honest tool writes (traversal, absolute names, escaping links, links re-pointed mid-archive).</summary>
public sealed class CraftedTar
{
    private static readonly UnixTime Time = new(1_600_000_000, 0);
    private readonly MemoryStream _data = new();

    public CraftedTar File(string name, string content, int mode = 0x1A4, long uid = 0, long gid = 0) =>
        Add(new TarEntryHeader(name, TarEntryType.File, mode, uid, gid, "", "", System.Text.Encoding.UTF8.GetByteCount(content), Time, "", 0, 0), System.Text.Encoding.UTF8.GetBytes(content));

    public CraftedTar File(string name, byte[] content) =>
        Add(new TarEntryHeader(name, TarEntryType.File, 0x1A4, 0, 0, "", "", content.Length, Time, "", 0, 0), content);

    public CraftedTar Directory(string name, int mode = 0x1ED, long uid = 0, long gid = 0) =>
        Add(new TarEntryHeader(name.TrimEnd('/') + "/", TarEntryType.Directory, mode, uid, gid, "", "", 0, Time, "", 0, 0), []);

    public CraftedTar Symlink(string name, string target) =>
        Add(new TarEntryHeader(name, TarEntryType.SymbolicLink, 0x1FF, 0, 0, "", "", 0, Time, target, 0, 0), []);

    public CraftedTar HardLink(string name, string target) =>
        Add(new TarEntryHeader(name, TarEntryType.HardLink, 0x1A4, 0, 0, "", "", 0, Time, target, 0, 0), []);

    public CraftedTar Fifo(string name, long uid = 0, long gid = 0) =>
        Add(new TarEntryHeader(name, TarEntryType.Fifo, 0x1A4, uid, gid, "", "", 0, Time, "", 0, 0), []);

    public string Save(string path)
    {
        _data.Write(new byte[TarFormat.RecordSize]);
        System.IO.File.WriteAllBytes(path, _data.ToArray());
        return path;
    }

    private CraftedTar Add(TarEntryHeader header, byte[] content)
    {
        _data.Write(TarHeaderEncoder.Encode(header));
        _data.Write(content);
        _data.Write(new byte[TarFormat.PaddedSize(content.Length) - content.Length]);
        return this;
    }
}
