using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Files that change while they are archived: never stored torn without a word (GNU tar says "file
/// changed as we read it" and exits 1), and a hard link never points at a name the archive lacks.
/// </summary>
public sealed class ArchiveSourceChangeTests : IDisposable
{
    private const int SmallSize = 96 << 10;
    private const int LargeSize = 3 << 20;
    private const int Runs = 30;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_file_rewritten_while_it_is_read_is_reported_as_changed_every_time_it_comes_out_torn()
    {
        string source = _temp.CreateDirectory("src");
        var files = new List<(string Path, int Size)>();
        for (int i = 0; i < 24; i++)
        {
            files.Add((Path.Combine(source, $"small{i:D2}.bin"), SmallSize));
        }

        for (int i = 0; i < 4; i++)
        {
            files.Add((Path.Combine(source, $"large{i}.bin"), LargeSize));
        }

        foreach (var (path, size) in files)
        {
            File.WriteAllBytes(path, Enumerable.Repeat((byte)1, size).ToArray());
        }

        using var stop = new CancellationTokenSource();
        var writer = new Thread(() => RewriteUntilStopped(files, stop.Token)) { IsBackground = true };
        writer.Start();
        int torn = 0;
        int reported = 0;
        try
        {
            for (int run = 0; run < Runs; run++)
            {
                string archive = _temp.Combine($"run{run}.tar");
                var result = Archives.Create(source, archive);
                var changed = result.Problems.Where(p => p.ErrorId == Errors.SourceFileChanged.Id).Select(p => p.Path).ToHashSet();
                reported += changed.Count;
                Assert.Equal(changed.Count == 0, result.Complete);
                Assert.All(result.Problems, p => Assert.Equal(Errors.SourceFileChanged.Id, p.ErrorId));

                string extracted = _temp.CreateDirectory($"out{run}");
                ExternalTool.Run("tar", "-xf", archive, "-C", extracted).EnsureSuccess("GNU tar extracting");
                foreach (var (path, size) in files)
                {
                    byte[] stored = File.ReadAllBytes(Path.Combine(extracted, "src", Path.GetFileName(path)));
                    bool whole = stored.Length == size && stored.AsSpan().IndexOfAnyExcept(stored[0]) < 0;
                    if (!whole)
                    {
                        torn++;
                        Assert.True(changed.Contains(path), $"run {run}: {Path.GetFileName(path)} was stored torn ({stored.Distinct().Count()} versions, {stored.Length} bytes) and no problem says so");
                    }
                }

                Directory.Delete(extracted, recursive: true);
                File.Delete(archive);
            }
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }

        Assert.True(reported > 0, $"in {Runs} runs no file was caught changing ({torn} torn): the writer did not race the archiver");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2 << 20)]
    public async Task A_hard_link_whose_first_name_is_renamed_away_before_it_is_read_is_stored_under_its_next_name(int size)
    {
        string source = _temp.CreateDirectory("src");
        byte[] content = new byte[size];
        new Random(size).NextBytes(content);
        string first = _temp.WriteFile("src/a.bin", content);
        UnixFileSystem.CreateHardLink(first, Path.Combine(source, "m.bin"));
        UnixFileSystem.CreateHardLink(first, Path.Combine(source, "z.bin"));
        var request = new CreateArchiveRequest([source], _temp.Combine("out.tar"))
        {
            BeforeFileOpen = path =>
            {
                if (path == first)
                {
                    File.Move(first, _temp.Combine("moved-away.bin"));
                }
            },
        };

        var result = await ArchiveWriter.CreateAsync(request, null, CancellationToken.None);

        Assert.Equal(Errors.SourceFileVanished.Id, Assert.Single(result.Problems).ErrorId);
        var items = Archives.List(result.Path).Items;
        Assert.DoesNotContain(items, i => i.Name == "src/a.bin");
        Assert.DoesNotContain(items, i => i.LinkTarget == "src/a.bin");
        string extracted = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "-xf", result.Path, "-C", extracted).EnsureSuccess("GNU tar extracting");
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(extracted, "src", "m.bin")));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(extracted, "src", "z.bin")));
        Assert.Equal(UnixFileSystem.Lstat(Path.Combine(extracted, "src", "m.bin")).Inode, UnixFileSystem.Lstat(Path.Combine(extracted, "src", "z.bin")).Inode);
        var ours = Archives.Expand(result.Path, _temp.Combine("ours"));
        Assert.True(ours.Complete, string.Join("; ", ours.Problems));
    }

    /// <summary>
    /// Rewrites random files in place, each time whole with a new byte value in one write call, so the file
    /// itself is always one version and a read that meets a rewrite sees two. Every other rewrite puts
    /// the old modification time back, as tools that keep times do: then only the change time tells.
    /// </summary>
    private static void RewriteUntilStopped(List<(string Path, int Size)> files, CancellationToken stop)
    {
        var random = new Random(11);
        byte[] content = new byte[LargeSize];
        byte version = 1;
        for (int round = 0; !stop.IsCancellationRequested; round++)
        {
            var (path, size) = files[random.Next(files.Count)];
            version = (byte)(version % 250 + 2);
            content.AsSpan(0, size).Fill(version);
            using (var handle = UnixFileSystem.OpenReadWrite(path))
            {
                var before = UnixFileSystem.Stat(handle);
                RandomAccess.Write(handle, content.AsSpan(0, size), 0);
                if (round % 2 == 0)
                {
                    UnixFileSystem.SetMetadata(handle, before.Permissions, before.ModifiedTime, null);
                }
            }

            Thread.Sleep(random.Next(0, 3));
        }
    }
}
