using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>Every bad input of the archives issue: a clear error with its own id, and nothing half-written left behind.</summary>
[Trait("Front", "NativeCli")]
public sealed class ArchiveBadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_path_that_does_not_exist_is_refused_and_nothing_is_written()
    {
        var request = new CreateArchiveRequest([_temp.Combine("missing")], _temp.Combine("out.tar"));

        var error = await Assert.ThrowsAsync<BackupException>(() => ArchiveWriter.CreateAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.PathNotFound.Id, error.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_destination_folder_that_does_not_exist_is_refused()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        var request = new CreateArchiveRequest([source], _temp.Combine("no", "such", "out.tar"));

        var error = await Assert.ThrowsAsync<BackupException>(() => ArchiveWriter.CreateAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.DestinationFolderNotFound.Id, error.ErrorId);
        Assert.False(Directory.Exists(_temp.Combine("no")));
    }

    [Fact]
    public async Task An_existing_archive_is_kept_without_Force()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.WriteFile("out.tar", "previous good archive");

        var error = await Assert.ThrowsAsync<BackupException>(() => ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive), null, CancellationToken.None));

        Assert.Equal(Errors.ArchiveExists.Id, error.ErrorId);
        Assert.Equal("previous good archive", File.ReadAllText(archive));
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    [InlineData(ArchiveCompression.BZip2)]
    public void An_archive_truncated_at_any_point_is_found(ArchiveCompression compression)
    {
        string source = _temp.CreateDirectory("tree");
        var random = new Random(3);
        for (int i = 0; i < 12; i++)
        {
            byte[] content = new byte[random.Next(100, 40_000)];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(source, $"f{i}.bin"), content);
        }

        string archive = _temp.Combine("good" + Archives.Suffix(compression));
        Archives.Create(source, archive, compression, checksum: true);
        byte[] whole = File.ReadAllBytes(archive);
        long endOfData = Archives.List(archive).Items.Count == 0 ? 0 : EndOfLastEntry(archive);
        var cuts = Enumerable.Range(0, 60).Select(i => (int)((long)whole.Length * i / 60))
            .Concat(Enumerable.Range(1, 24).Select(i => whole.Length - i))
            .Distinct();
        string cut = _temp.Combine("cut" + Archives.Suffix(compression));
        foreach (int length in cuts)
        {
            File.WriteAllBytes(cut, whole[..length]);
            File.Copy(archive + ".sha256", cut + ".sha256", overwrite: true);
            File.WriteAllText(cut + ".sha256", File.ReadAllText(archive + ".sha256").Replace(Path.GetFileName(archive), Path.GetFileName(cut)));

            var withSidecar = Archives.Test(cut);
            Assert.False(withSidecar.IsValid, $"cut at {length} of {whole.Length} passed with its .sha256");

            File.Delete(cut + ".sha256");
            var structural = Archives.Test(cut);
            if (compression != ArchiveCompression.None || length < endOfData)
            {
                Assert.False(structural.IsValid, $"cut at {length} of {whole.Length} passed");
                Assert.Contains(structural.Problems, p => p.ErrorId is nameof(Errors.ArchiveTruncated) or nameof(Errors.NotAnArchive) or nameof(Errors.ArchiveCorrupt));
            }
        }
    }

    [Fact]
    public void Extracting_a_truncated_archive_stops_with_an_error_and_leaves_only_whole_files()
    {
        string source = _temp.CreateDirectory("tree");
        var random = new Random(5);
        for (int i = 0; i < 20; i++)
        {
            byte[] content = new byte[random.Next(1000, 3_000_000)];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(source, $"f{i:D2}.bin"), content);
        }

        string archive = _temp.Combine("good.tar.gz");
        Archives.Create(source, archive, ArchiveCompression.GZip);
        byte[] whole = File.ReadAllBytes(archive);
        string cut = _temp.Combine("cut.tar.gz");
        File.WriteAllBytes(cut, whole[..(whole.Length * 2 / 3)]);

        var error = Assert.Throws<BackupException>(() => Archives.Expand(cut, _temp.Combine("out")));

        Assert.Equal(Errors.ArchiveTruncated.Id, error.ErrorId);
        string[] written = Directory.GetFiles(_temp.Combine("out", "tree"));
        Assert.NotEmpty(written);
        foreach (string file in written)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, Path.GetFileName(file))), File.ReadAllBytes(file));
        }

        Assert.Empty(Archives.Temporaries(_temp.Combine("out")));
    }

    [Theory]
    [InlineData(ArchiveCompression.GZip)]
    [InlineData(ArchiveCompression.BZip2)]
    public void A_flipped_byte_in_compressed_data_is_found(ArchiveCompression compression)
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.Combine("good" + Archives.Suffix(compression));
        Archives.Create(source, archive, compression);
        byte[] whole = File.ReadAllBytes(archive);
        foreach (int position in new[] { 30, whole.Length / 3, whole.Length / 2, whole.Length - 9, whole.Length - 3 })
        {
            byte[] bad = (byte[])whole.Clone();
            bad[position] ^= 0x01; // the lowest bit: never padding, even in a stream's last byte
            string path = _temp.Combine("bad" + Archives.Suffix(compression));
            File.WriteAllBytes(path, bad);

            var result = Archives.Test(path);
            var judge = ExternalTool.Run(compression == ArchiveCompression.GZip ? "gzip" : "bzip2", "-t", path);

            Assert.NotEqual(0, judge.ExitCode);
            Assert.False(result.IsValid, $"flip at {position} of {whole.Length} passed");
            Assert.Contains(result.Problems, p => p.ErrorId is nameof(Errors.ArchiveCorrupt) or nameof(Errors.ArchiveTruncated) or nameof(Errors.HeaderChecksumMismatch));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void A_flipped_byte_in_a_tar_header_is_found_with_its_offset(int entry)
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.Combine("good.tar");
        Archives.Create(source, archive);
        var damaged = Archives.List(archive).Items[entry];
        byte[] bad = File.ReadAllBytes(archive);
        bad[damaged.Offset + 3] ^= 0x01;
        File.WriteAllBytes(archive, bad);

        var result = Archives.Test(archive);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(Errors.HeaderChecksumMismatch.Id, problem.ErrorId);
        Assert.Equal(damaged.Offset, problem.Offset);
        Assert.NotEqual(0, ExternalTool.Run("tar", "-tf", archive).ExitCode);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("zip")]
    public void A_file_that_is_not_an_archive_is_refused_by_every_operation(string kind)
    {
        byte[] content = kind switch
        {
            "empty" => [],
            "text" => System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("just some notes\n", 100))),
            "zip" => [(byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0],
            _ => Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray(),
        };
        string path = _temp.WriteFile("not-an-archive.tar.gz", content);
        string expectedId = kind == "zip" ? Errors.UnsupportedCompression.Id : Errors.NotAnArchive.Id;

        var test = Archives.Test(path);
        var list = Assert.Throws<BackupException>(() => Archives.List(path));
        var expand = Assert.Throws<BackupException>(() => Archives.Expand(path, _temp.Combine("out")));

        Assert.False(test.IsValid);
        Assert.Equal(expectedId, Assert.Single(test.Problems).ErrorId);
        Assert.Equal(expectedId, list.ErrorId);
        Assert.Equal(expectedId, expand.ErrorId);
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Fact]
    public void Entries_that_would_land_outside_the_destination_are_refused()
    {
        string outside = _temp.CreateDirectory("outside");
        _temp.WriteFile("outside/target.txt", "keep me");
        string archive = new CraftedTar()
            .File("../escape.txt", "x")
            .File(_temp.Combine("outside", "absolute.txt"), "x")
            .File("ok/../../escape2.txt", "x")
            .Symlink("evil", outside)
            .File("evil/through.txt", "x")
            .Symlink("rel", "../outside")
            .File("rel/through2.txt", "x")
            .HardLink("hl", "../outside/target.txt")
            .File("fine.txt", "fine")
            .Directory("sub")
            .Symlink("inside", "sub")
            .File("inside/ok.txt", "ok")
            .Save(_temp.Combine("evil.tar"));
        string destination = _temp.Combine("dest");

        var result = Archives.Expand(archive, destination);

        Assert.Equal(["target.txt"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(outside, "target.txt")));
        Assert.False(File.Exists(_temp.Combine("escape.txt")));
        Assert.False(File.Exists(_temp.Combine("escape2.txt")));
        Assert.Equal(4, result.Problems.Count(p => p.ErrorId == Errors.UnsafeEntryPath.Id));
        Assert.Equal(2, result.Problems.Count(p => p.ErrorId == Errors.SymlinkEscape.Id));
        Assert.Equal("fine", File.ReadAllText(Path.Combine(destination, "fine.txt")));
        Assert.Equal("ok", File.ReadAllText(Path.Combine(destination, "sub", "ok.txt")));
    }

    [Fact]
    public void An_existing_file_is_kept_without_Force_and_replaced_with_it()
    {
        string archive = new CraftedTar().File("a.txt", "from archive").Save(_temp.Combine("a.tar"));
        string destination = _temp.CreateDirectory("dest");
        File.WriteAllText(Path.Combine(destination, "a.txt"), "already here");

        var kept = Archives.Expand(archive, destination);
        string afterKeep = File.ReadAllText(Path.Combine(destination, "a.txt"));
        var replaced = Archives.Expand(archive, destination, force: true);

        Assert.Equal(Errors.FileExists.Id, Assert.Single(kept.Problems).ErrorId);
        Assert.Equal("already here", afterKeep);
        Assert.True(replaced.Complete);
        Assert.Equal("from archive", File.ReadAllText(Path.Combine(destination, "a.txt")));
    }

    [Fact]
    public void Setuid_bits_and_owners_are_restored_only_on_request()
    {
        Assert.True(UnixFileSystem.IsRoot, "the CI runs as root; owners can only be restored by root");
        string archive = new CraftedTar().File("tool", "#!/bin/sh\n", mode: 0x9ED, uid: 1234, gid: 5678).Save(_temp.Combine("suid.tar"));

        Archives.Expand(archive, _temp.Combine("plain"));
        Archives.Expand(archive, _temp.Combine("preserved"), preserveOwner: true);

        var plain = UnixFileSystem.Lstat(_temp.Combine("plain", "tool"));
        var preserved = UnixFileSystem.Lstat(_temp.Combine("preserved", "tool"));
        Assert.Equal(0x1ED, plain.Permissions);
        Assert.Equal(0, plain.UserId);
        Assert.Equal(0x9ED, preserved.Permissions);
        Assert.Equal(1234, preserved.UserId);
        Assert.Equal(5678, preserved.GroupId);
    }

    [Fact]
    public async Task A_file_that_vanishes_during_the_run_is_reported_and_the_run_goes_on()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string victim = Path.Combine(source, "docs", "notes.md");
        var request = new CreateArchiveRequest([source], _temp.Combine("out.tar.gz"))
        {
            Compression = ArchiveCompression.GZip,
            BeforeFileOpen = path =>
            {
                if (path == victim)
                {
                    File.Delete(path);
                }
            },
        };

        var result = await ArchiveWriter.CreateAsync(request, null, CancellationToken.None);

        Assert.False(result.Complete);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(Errors.SourceFileVanished.Id, problem.ErrorId);
        Assert.Equal(victim, problem.Path);
        Assert.True(Archives.Test(result.Path).IsValid);
        Assert.DoesNotContain(Archives.List(result.Path).Items, i => i.Name.EndsWith("notes.md", StringComparison.Ordinal));
        Assert.Contains(Archives.List(result.Path).Items, i => i.Name.EndsWith("readme.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreadable_file_is_reported_and_the_CLI_says_the_run_was_incomplete()
    {
        // Root reads everything, so the CLI runs as 'nobody' here.
        Assert.True(UnixFileSystem.IsRoot, "the CI runs as root");
        string work = _temp.CreateDirectory("shared");
        UnixFileSystem.SetPermissions(_temp.Path, 0x1FF);
        UnixFileSystem.SetPermissions(work, 0x1FF);
        string source = Directory.CreateDirectory(Path.Combine(work, "tree")).FullName;
        File.WriteAllText(Path.Combine(source, "open.txt"), "readable");
        File.WriteAllText(Path.Combine(source, "locked.txt"), "secret");
        UnixFileSystem.SetPermissions(Path.Combine(source, "locked.txt"), 0);
        string archive = Path.Combine(work, "out.tar");

        var run = ExternalTool.Run("runuser", ["-u", "nobody", "--", .. CliProcess.Launcher, "New-TarArchive", "--path", source, "--destination-path", archive], workingDirectory: work);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Errors.SourceFileUnreadable.Id, run.StandardError);
        Assert.Contains("locked.txt", run.StandardError);
        Assert.True(Archives.Test(archive).IsValid);
        Assert.Equal(["tree/", "tree/open.txt"], Archives.List(archive).Items.Select(i => i.Name));
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.BZip2)]
    public async Task Cancelling_mid_write_leaves_no_file_under_the_final_name(ArchiveCompression compression)
    {
        string source = _temp.CreateDirectory("tree");
        byte[] block = new byte[8 << 20];
        new Random(9).NextBytes(block);
        for (int i = 0; i < 8; i++)
        {
            File.WriteAllBytes(Path.Combine(source, $"big{i}.bin"), block);
        }

        string archive = _temp.Combine("out" + Archives.Suffix(compression));
        using var cancel = new CancellationTokenSource();
        var request = new CreateArchiveRequest([source], archive)
        {
            Compression = compression,
            BeforeFileOpen = path =>
            {
                if (path.EndsWith("big4.bin", StringComparison.Ordinal))
                {
                    cancel.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ArchiveWriter.CreateAsync(request, null, cancel.Token));

        Assert.False(File.Exists(archive));
        Assert.Empty(Archives.Temporaries(_temp.Path));
    }

    private static long EndOfLastEntry(string archive)
    {
        var last = Archives.List(archive).Items[^1];
        return last.Offset + 512 + Engine.Archiving.Tar.TarFormat.PaddedSize(last.Type == Engine.Archiving.Tar.TarEntryType.File ? last.Size : 0) + 1024;
    }
}
