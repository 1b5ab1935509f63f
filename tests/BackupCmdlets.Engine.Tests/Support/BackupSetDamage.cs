using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Damage inside a set's file that its manifest agrees with: the file's new checksum is written into the manifest, so only a look inside the database can tell.</summary>
internal static class BackupSetDamage
{
    public static void DamageAndReseal(string set, string relativePath, long offset, int length = 64)
    {
        string path = Path.Combine(set, relativePath);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            file.Write(Enumerable.Repeat((byte)0xA5, length).ToArray());
        }

        var manifest = ManifestStore.Read(set);
        var files = manifest.Files.Select(f => f.Path == relativePath ? ManifestFile.FromFile(set, f.Path, f.Mode) : f).ToList();
        File.Delete(ManifestStore.PathIn(set));
        ManifestStore.Write(set, manifest with { Files = files });
    }
}
