using System.Security.Cryptography;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using Xunit.Abstractions;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// A seeded corruptor over archives of every kind we read (plain tar from us and GNU tar in two
/// formats; gzip from us, in one member and in many, from GNU gzip and from pigz; bzip2 from us and
/// from bzip2): it flips bytes, truncates, inserts garbage and zeroes runs at random places, always
/// the same ones, and checks each damaged archive three ways:
/// - nothing throws but a BackupException;
/// - Test-Archive finds it valid only if it still holds what the original held;
/// - Expand-TarArchive reports Complete only with files identical to what the original held.
/// "What an archive holds" is what GNU tar extracts from it (names, kinds, content, link targets,
/// permissions, modification times), so damage that changes no content (a gzip header's name or time,
/// tar padding, zeros after the last member) may pass, and nothing else may. A plain tar has no
/// checksum over its data, so a flipped data byte cannot be found there: for plain archives our
/// verdict is held to GNU tar's on the same damaged bytes instead (valid only if GNU tar reads it;
/// Complete only with what GNU tar extracts from it).
/// </summary>
public sealed class ArchiveCorruptionTests(ITestOutputHelper output) : IDisposable
{
    private const int Iterations = 70;
    private readonly TempDirectory _temp = new();
    private readonly long _started = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
    private int _passedAsValid;
    private int _extractedComplete;

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("ours plain")]
    [InlineData("GNU tar pax")]
    [InlineData("GNU tar gnu")]
    [InlineData("ours gzip")]
    [InlineData("ours gzip, many members")]
    [InlineData("GNU gzip")]
    [InlineData("pigz")]
    [InlineData("ours bzip2")]
    [InlineData("bzip2")]
    public void Damage_is_never_passed_as_valid_nor_extracted_as_complete(string kind)
    {
        string source = CreateTree();
        string original = CreateArchive(kind, source);
        bool plain = !kind.Contains("zip", StringComparison.Ordinal);
        var held = GnuExtract(original) ?? throw new InvalidOperationException($"GNU tar cannot read the undamaged {kind} archive");
        byte[] bytes = File.ReadAllBytes(original);
        var random = new Random(kind.Length * 7919 + kind[0]);
        var failures = new List<string>();
        string damaged = _temp.Combine("damaged" + Path.GetExtension(original));
        for (int i = 0; i < Iterations; i++)
        {
            var (what, bad) = Corrupt(bytes, random);
            if (bad.AsSpan().SequenceEqual(bytes))
            {
                continue;
            }

            File.WriteAllBytes(damaged, bad);
            string? failure = Check(damaged, plain, held);
            if (failure is not null)
            {
                failures.Add($"{what}: {failure}");
            }
        }

        output.WriteLine($"{kind}: {Iterations} damaged archives, {_passedAsValid} found valid, {_extractedComplete} extracted complete");
        Assert.True(failures.Count == 0, $"{kind}, {failures.Count} of {Iterations}:\n" + string.Join("\n", failures));
    }

    /// <summary>What is wrong with our verdicts on <paramref name="archive"/>, or null.</summary>
    private string? Check(string archive, bool plain, Dictionary<string, string> originalHeld)
    {
        ArchiveTestResult test;
        try
        {
            test = Archives.Test(archive);
        }
        catch (Exception ex)
        {
            return $"Test-Archive threw {ex.GetType().Name}: {ex.Message}";
        }

        string destination = _temp.Combine("ours");
        ExpandArchiveResult? expanded = null;
        try
        {
            expanded = Archives.Expand(archive, destination);
        }
        catch (BackupException)
        {
        }
        catch (Exception ex)
        {
            return $"Expand-TarArchive threw {ex.GetType().Name}: {ex.Message}";
        }

        var ours = expanded is { Complete: true } ? Held(destination) : null;
        _passedAsValid += test.IsValid ? 1 : 0;
        _extractedComplete += ours is null ? 0 : 1;
        if (Directory.Exists(destination))
        {
            Directory.Delete(destination, recursive: true);
        }

        if (!test.IsValid && ours is null)
        {
            return null;
        }

        var gnu = GnuExtract(archive);
        if (test.IsValid)
        {
            if (gnu is null)
            {
                return "Test-Archive found it valid; GNU tar cannot read it";
            }

            if (!plain && Difference(originalHeld, gnu) is { } changed)
            {
                return $"Test-Archive found it valid; it holds other content: {changed}";
            }
        }

        if (ours is not null)
        {
            var truth = plain ? gnu : originalHeld;
            if (truth is null)
            {
                return "Expand-TarArchive reported Complete; GNU tar cannot read it";
            }

            if (Difference(truth, ours) is { } wrong)
            {
                return $"Expand-TarArchive reported Complete with other content: {wrong}";
            }
        }

        return null;
    }

    /// <summary>One damage at a random place; a third near the start and a third near the end, where headers, trailers and padding are.</summary>
    private static (string What, byte[] Bytes) Corrupt(byte[] original, Random random)
    {
        int edge = Math.Min(original.Length, 64);
        int position = random.Next(3) switch
        {
            0 => random.Next(edge),
            1 => original.Length - 1 - random.Next(edge),
            _ => random.Next(original.Length),
        };
        switch (random.Next(4))
        {
            case 0:
                byte[] flipped = (byte[])original.Clone();
                byte mask = (byte)random.Next(1, 256);
                flipped[position] ^= mask;
                return ($"byte {position} xor 0x{mask:x2}", flipped);
            case 1:
                return ($"cut to {position} bytes", original[..position]);
            case 2:
                byte[] garbage = new byte[random.Next(1, 17)];
                random.NextBytes(garbage);
                return ($"{garbage.Length} random bytes inserted at {position}", [.. original[..position], .. garbage, .. original[position..]]);
            default:
                int length = Math.Min(random.Next(1, 600), original.Length - position);
                byte[] zeroed = (byte[])original.Clone();
                Array.Clear(zeroed, position, length);
                return ($"{length} bytes zeroed at {position}", zeroed);
        }
    }

    /// <summary>What GNU tar extracts from <paramref name="archive"/>, or null when it reports an error.</summary>
    private Dictionary<string, string>? GnuExtract(string archive)
    {
        string destination = _temp.CreateDirectory("gnu");
        try
        {
            return ExternalTool.Run("tar", "-xf", archive, "-C", destination).ExitCode == 0 ? Held(destination) : null;
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    /// <summary>
    /// Every entry below <paramref name="root"/>: kind, permissions, modification time, and content or
    /// link target. A folder no entry names (made as the parent of an entry whose name the damage
    /// changed) has the time it was made, which differs between two extractions: such a time is left out.
    /// </summary>
    private Dictionary<string, string> Held(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(root, path),
            path =>
            {
                var meta = UnixFileSystem.Lstat(path);
                string content = meta.Kind switch
                {
                    FileKind.File => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))),
                    FileKind.SymbolicLink => new FileInfo(path).LinkTarget ?? "",
                    _ => "",
                };
                bool madeHere = meta.Kind == FileKind.Directory && meta.ModifiedTime.Seconds - _started is >= 0 and < 3600;
                return $"{meta.Kind} {Convert.ToString(meta.Permissions, 8)} {(madeHere ? "made here" : meta.ModifiedTime)} {content}";
            },
            StringComparer.Ordinal);

    private static string? Difference(Dictionary<string, string> expected, Dictionary<string, string> actual)
    {
        var different = expected.Keys.Union(actual.Keys)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Select(k => $"{k} ({expected.GetValueOrDefault(k) ?? "absent"} / {actual.GetValueOrDefault(k) ?? "absent"})")
            .ToList();
        return different.Count == 0 ? null : string.Join("; ", different.Take(3));
    }

    private string CreateTree()
    {
        string root = _temp.CreateDirectory("src/tree");
        var random = new Random(41);
        byte[] noise = new byte[130_000];
        random.NextBytes(noise);
        File.WriteAllBytes(Path.Combine(root, "noise.bin"), noise);
        File.WriteAllText(Path.Combine(root, "text.txt"), string.Concat(Enumerable.Range(0, 1500).Select(i => $"line {i} of some text\n")));
        File.WriteAllText(Path.Combine(root, "empty.dat"), "");
        string deep = Path.Combine(root, new string('d', 60), new string('n', 70) + ".txt");
        Directory.CreateDirectory(Path.GetDirectoryName(deep)!);
        File.WriteAllText(deep, "a name over 100 bytes");
        Directory.CreateDirectory(Path.Combine(root, "empty-folder"));
        File.CreateSymbolicLink(Path.Combine(root, "link"), "text.txt");
        UnixFileSystem.SetPermissions(Path.Combine(root, "text.txt"), 0x1E4);
        UnixFileSystem.SetModifiedTime(Path.Combine(root, "empty.dat"), new UnixTime(-315_619_200, 0));
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).OrderByDescending(p => p.Length).Append(root))
        {
            if (path != Path.Combine(root, "empty.dat"))
            {
                UnixFileSystem.SetModifiedTime(path, new UnixTime(1_600_000_000 + random.Next(1_000_000), 0));
            }
        }

        return root;
    }

    private string CreateArchive(string kind, string source)
    {
        string folder = Path.GetDirectoryName(source)!;
        string gnuPax = _temp.Combine("gnu-pax.tar");
        switch (kind)
        {
            case "ours plain":
                return Create(source, ArchiveCompression.None);
            case "ours gzip":
                return Create(source, ArchiveCompression.GZip);
            case "ours bzip2":
                return Archives.Create(source, _temp.Combine("ours.tar.bz2"), ArchiveCompression.BZip2, level: 1).Path;
            case "ours gzip, many members":
                return OwnMembers(File.ReadAllBytes(Create(source, ArchiveCompression.None)), 16 << 10);
            case "GNU tar gnu":
                string gnu = _temp.Combine("gnu-gnu.tar");
                ExternalTool.Run("tar", "--format=gnu", "-cf", gnu, "-C", folder, "tree").EnsureSuccess("tar -c");
                return gnu;
        }

        ExternalTool.Run("tar", "--format=pax", "-cf", gnuPax, "-C", folder, "tree").EnsureSuccess("tar -c");
        (string tool, string suffix) = kind switch
        {
            "GNU gzip" => ("gzip", ".gz"),
            "pigz" => ("pigz", ".gz"),
            "bzip2" => ("bzip2", ".bz2"),
            _ => ("", ""),
        };
        if (tool.Length == 0)
        {
            return gnuPax;
        }

        // Compressing the file (not a pipe) makes gzip and pigz keep its name in the header.
        ExternalTool.Run(tool, "-k", gnuPax).EnsureSuccess(tool);
        return gnuPax + suffix;
    }

    private string Create(string source, ArchiveCompression compression) =>
        Archives.Create(source, _temp.Combine("ours" + Archives.Suffix(compression)), compression).Path;

    /// <summary>The tar in members of <paramref name="chunk"/> bytes as we write them (each with its BK length), so many members are read in parallel.</summary>
    private string OwnMembers(byte[] tar, int chunk)
    {
        var output = new MemoryStream();
        for (int start = 0; start < tar.Length; start += chunk)
        {
            var piece = tar.AsSpan(start, Math.Min(chunk, tar.Length - start));
            byte[] member = new byte[GzipChunkCompressor.MaxOutputLength(piece.Length)];
            output.Write(member, 0, GzipChunkCompressor.Compress(piece, member, 6));
        }

        return _temp.WriteFile("members.tar.gz", output.ToArray());
    }
}
