using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>
/// Random trees and random change sets: after each of our syncs, rsync (with -H for hard-link runs, -c
/// for checksum runs and the same --exclude rules) must find nothing left to do, and a further sync
/// must change nothing.
/// </summary>
public sealed class DeltaSyncPropertyTests
{
    private static readonly string[] Folders = ["", "a", "a/b", "c"];
    private static readonly string[] Names = ["f0", "f1", "f2", "new\nline", "back\\slash", FileNameEncoding.GetString([0xFF, (byte)'x'])];
    private static readonly string[] Paths = Folders.SelectMany(f => Names.Select(n => f.Length == 0 ? n : f + "/" + n)).ToArray();
    private static readonly long[] Owners = [0, 1, 65534];
    private static readonly string[] ExcludeRules = ["f1", "/c/", "a/**/f2"];

    [Fact]
    public void After_our_sync_rsync_finds_nothing_to_do_over_random_trees_and_change_sets()
    {
        var operation =
            from kind in Gen.Choose(0, 11)
            from path in Gen.Choose(0, Paths.Length - 1)
            from value in Gen.Choose(0, 1_000_000)
            select new Operation(kind, path, value);
        var scenarios =
            from hardLinks in Gen.Elements(false, true)
            from checksum in Gen.Elements(false, true)
            from inPlace in Gen.Elements(false, true)
            from excludes in Gen.Elements(false, true)
            from existing in Gen.ArrayOf(operation)
            from first in Gen.ArrayOf(operation)
            from second in Gen.ArrayOf(operation)
            select new Scenario(hardLinks, checksum, inPlace, excludes, existing, first, second);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Arb.From(scenarios), Holds));
    }

    private static bool Holds(Scenario scenario)
    {
        using var temp = new TempDirectory("bkc-sync-prop-");
        try
        {
            string source = temp.CreateDirectory("src");
            string destination = temp.CreateDirectory("dst");
            foreach (var op in scenario.Existing)
            {
                Apply(destination, op);
            }

            foreach (var op in scenario.First)
            {
                Apply(source, op);
            }

            SyncAndCheck(scenario, source, destination);
            foreach (var op in scenario.Second)
            {
                Apply(source, op);
            }

            SyncAndCheck(scenario, source, destination);
            var again = Sync(source, destination, r => Configure(r, scenario));
            Assert.True(again.Changes.Count == 0, "A third sync still changed: " + string.Join(", ", again.Changes));
            return true;
        }
        finally
        {
            ExternalTool.Run("rm", "-rf", temp.Path);
        }
    }

    private static void SyncAndCheck(Scenario scenario, string source, string destination)
    {
        var result = Sync(source, destination, r => Configure(r, scenario));
        Assert.True(result.Complete, string.Join("\n", result.Problems));
        AssertMirror(source, destination, scenario.HardLinks, scenario.Checksum, scenario.Excludes ? ExcludeRules.Select(r => "--exclude=" + r).ToArray() : []);
    }

    private static Engine.Syncing.SyncRequest Configure(Engine.Syncing.SyncRequest request, Scenario scenario) =>
        request with { Delete = true, HardLinks = scenario.HardLinks, Checksum = scenario.Checksum, InPlace = scenario.InPlace, Exclude = scenario.Excludes ? ExcludeRules : [] };

    private static void Apply(string root, Operation op)
    {
        string relative = Paths[op.Path];
        string path = root + "/" + relative;
        var existing = UnixFileSystem.TryLstat(path);
        var time = new UnixTime(1_500_000_000 + op.Value * 37L, (int)(op.Value * 7919L % 1_000_000_000));
        if (op.Kind is not (3 or 4 or 9 or 7))
        {
            EnsureParents(root, relative);
        }

        switch (op.Kind)
        {
            case 0: // write a new file (sometimes large enough for the block delta)
                Remove(path);
                Write(path, op.Value % 13 == 0 ? 1_200_000 + op.Value % 5000 : op.Value % 3000, op.Value, truncate: true);
                UnixFileSystem.SetModifiedTime(path, time);
                break;
            case 1 when existing?.Kind == FileKind.File: // append
                Write(path, (int)existing.Size + 1 + op.Value % 100, op.Value, truncate: false);
                UnixFileSystem.SetModifiedTime(path, time);
                break;
            case 2 when existing?.Kind == FileKind.File: // same size, new contents, new time
                Write(path, (int)existing.Size, op.Value + 1, truncate: false);
                UnixFileSystem.SetModifiedTime(path, time);
                break;
            case 3 when existing is not null && existing.Kind != FileKind.SymbolicLink: // mode only
                UnixFileSystem.SetPermissions(path, op.Value & 0xFFF);
                break;
            case 4 when existing is not null: // time only
                UnixFileSystem.SetModifiedTime(path, time);
                break;
            case 5: // symlink (a retarget when one is there)
                Remove(path);
                UnixFileSystem.CreateSymbolicLink("target-" + op.Value % 7, path);
                break;
            case 6 when existing?.Kind != FileKind.Directory:
                Remove(path);
                UnixFileSystem.CreateDirectory(path, 0x1ED);
                break;
            case 7:
                Remove(path);
                break;
            case 8: // hard link to another file
                string other = root + "/" + Paths[op.Value % Paths.Length];
                if (other != path && UnixFileSystem.TryLstat(other)?.Kind == FileKind.File)
                {
                    Remove(path);
                    UnixFileSystem.CreateHardLink(other, path);
                }

                break;
            case 9 when existing is not null && UnixFileSystem.IsRoot: // owner change
                UnixFileSystem.SetOwner(path, Owners[op.Value % 3], Owners[op.Value / 3 % 3]);
                break;
            case 10:
                Remove(path);
                UnixFileSystem.CreateSpecialFile(path, FileKind.Fifo, 0x1A4, 0, 0);
                break;
            case 11 when existing is not null: // type change
                Remove(path);
                if (existing.Kind == FileKind.Directory)
                {
                    Write(path, op.Value % 500, op.Value, truncate: true);
                }
                else
                {
                    UnixFileSystem.CreateDirectory(path, 0x1ED);
                }

                break;
        }
    }

    private static void EnsureParents(string root, string relative)
    {
        string current = root;
        var parts = relative.Split('/');
        foreach (string part in parts[..^1])
        {
            current += "/" + part;
            if (UnixFileSystem.TryLstat(current)?.Kind != FileKind.Directory)
            {
                Remove(current);
                UnixFileSystem.CreateDirectory(current, 0x1ED);
            }
        }
    }

    private static void Write(string path, int length, int seed, bool truncate)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        using var handle = UnixFileSystem.TryLstat(path) is null ? UnixFileSystem.CreateNewFile(path, 0x1A4) : UnixFileSystem.OpenReadWrite(path);
        if (truncate)
        {
            RandomAccess.SetLength(handle, 0);
        }

        RandomAccess.Write(handle, data, 0);
    }

    private static void Remove(string path)
    {
        var existing = UnixFileSystem.TryLstat(path);
        if (existing is null)
        {
            return;
        }

        if (existing.Kind == FileKind.Directory)
        {
            foreach (var entry in UnixFileSystem.ReadDirectory(path))
            {
                Remove(path + "/" + entry.Name);
            }

            UnixFileSystem.DeleteDirectory(path);
        }
        else
        {
            UnixFileSystem.DeleteFile(path);
        }
    }

    public sealed record Operation(int Kind, int Path, int Value)
    {
        public override string ToString() => $"{Kind}:{Paths[Path].Replace("\n", "\\n")}:{Value}";
    }

    public sealed record Scenario(bool HardLinks, bool Checksum, bool InPlace, bool Excludes, Operation[] Existing, Operation[] First, Operation[] Second)
    {
        public override string ToString() =>
            $"H={HardLinks} c={Checksum} inplace={InPlace} excludes={Excludes} existing=[{string.Join(" ", (object[])Existing)}] first=[{string.Join(" ", (object[])First)}] second=[{string.Join(" ", (object[])Second)}]";
    }
}
