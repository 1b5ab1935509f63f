using System.Buffers.Binary;
using System.IO.Compression;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 14, the WAL archive commands without a server: Backup-WalSegment stores a WAL file zstd-compressed
/// with its SHA-256 (the zstd tool reads it back), repeats succeed on the same content and are refused on
/// other content, only WAL files are taken, and nothing half-written ever carries a final name;
/// Restore-WalSegment brings back what was stored (also plain and gzip files of a cp-style archive), tells a
/// missing file from a damaged one, and never writes outside its destination.
/// </summary>
public sealed class WalArchiveTests : IDisposable
{
    private const int SegmentSize = 1 << 20;
    private const string Name = "000000010000000000000003";
    private readonly TempDirectory _temp = new("bkc-walarchive-");

    public WalArchiveTests()
    {
        Directory.CreateDirectory(Archive);
        Directory.CreateDirectory(Wal);
    }

    private string Archive => _temp.Combine("archive");

    private string Wal => _temp.Combine("pg_wal");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_pushed_segment_is_stored_as_zstd_that_the_zstd_tool_reads_and_comes_back_byte_for_byte()
    {
        byte[] segment = Segment(Name, seed: 1);
        string source = WriteWal(Name, segment);

        var pushed = await Push(source);
        var fetched = await Fetch(Name, _temp.Combine("RECOVERYXLOG"));

        Assert.Equal(WalArchiveAction.Archived, pushed.Action);
        Assert.Equal(Path.Combine(Archive, Name + ".zst"), pushed.ArchiveFile);
        Assert.Equal([Name + ".zst"], Directory.EnumerateFileSystemEntries(Archive).Select(Path.GetFileName));
        Assert.True(pushed.StoredBytes < segment.Length / 2);
        Assert.Equal(WalArchiveAction.Restored, fetched.Action);
        Assert.Equal(pushed.Sha256, fetched.Sha256);
        Assert.Equal(segment, File.ReadAllBytes(_temp.Combine("RECOVERYXLOG")));
        ExternalTool.Run("zstd", "-q", "-d", pushed.ArchiveFile, "-o", _temp.Combine("by-zstd")).EnsureSuccess("zstd -d");
        Assert.Equal(segment, File.ReadAllBytes(_temp.Combine("by-zstd")));
    }

    [Theory]
    [InlineData("00000002.history", "1\t0/3000000\tno recovery target specified\n")]
    [InlineData("000000010000000000000002.00000028.backup", "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n")]
    public async Task History_and_backup_history_files_are_archived_and_fetched(string name, string text)
    {
        string source = WriteWal(name, System.Text.Encoding.ASCII.GetBytes(text));

        await Push(source);
        await Fetch(name, _temp.Combine("fetched"));

        Assert.Equal(text, File.ReadAllText(_temp.Combine("fetched")));
    }

    [Fact]
    public async Task A_partial_segment_left_by_a_promotion_is_archived_under_its_own_name()
    {
        byte[] segment = Segment(Name, seed: 2);
        string source = WriteWal(Name + ".partial", segment);

        await Push(source);
        await Fetch(Name + ".partial", _temp.Combine("fetched"));

        Assert.True(File.Exists(Path.Combine(Archive, Name + ".partial.zst")));
        Assert.False(File.Exists(Path.Combine(Archive, Name + ".zst")));
        Assert.Equal(segment, File.ReadAllBytes(_temp.Combine("fetched")));
    }

    [Fact]
    public async Task Pushing_the_same_segment_again_succeeds_without_writing()
    {
        string source = WriteWal(Name, Segment(Name, seed: 3));
        var first = await Push(source);
        var before = File.GetLastWriteTimeUtc(first.ArchiveFile);
        byte[] stored = File.ReadAllBytes(first.ArchiveFile);
        Thread.Sleep(20);

        var again = await Push(source);

        Assert.Equal(WalArchiveAction.AlreadyArchived, again.Action);
        Assert.Equal(first.Sha256, again.Sha256);
        Assert.Equal(stored, File.ReadAllBytes(first.ArchiveFile));
        Assert.Equal(before, File.GetLastWriteTimeUtc(first.ArchiveFile));
        Assert.Single(Directory.EnumerateFileSystemEntries(Archive));
    }

    [Fact]
    public async Task A_segment_with_other_content_under_an_archived_name_is_refused_and_the_archived_one_kept()
    {
        var first = await Push(WriteWal(Name, Segment(Name, seed: 4)));
        byte[] stored = File.ReadAllBytes(first.ArchiveFile);
        File.Delete(Path.Combine(Wal, Name));
        string other = WriteWal(Name, Segment(Name, seed: 5));

        var error = await Assert.ThrowsAsync<BackupException>(() => Push(other));

        Assert.Equal(Errors.WalSegmentConflict.Id, error.ErrorId);
        Assert.Equal(first.ArchiveFile, error.Path);
        Assert.Equal(stored, File.ReadAllBytes(first.ArchiveFile));
        Assert.Single(Directory.EnumerateFileSystemEntries(Archive));
    }

    [Fact]
    public async Task A_plain_file_a_cp_archive_command_left_counts_as_archived_same_content_succeeds_other_content_is_refused()
    {
        byte[] segment = Segment(Name, seed: 6);
        File.WriteAllBytes(Path.Combine(Archive, Name), segment);
        string same = WriteWal(Name, segment);

        var again = await Push(same);
        File.Delete(same);
        var error = await Assert.ThrowsAsync<BackupException>(() => Push(WriteWal(Name, Segment(Name, seed: 7))));

        Assert.Equal(WalArchiveAction.AlreadyArchived, again.Action);
        Assert.Equal(Errors.WalSegmentConflict.Id, error.ErrorId);
        Assert.Equal([Name], Directory.EnumerateFileSystemEntries(Archive).Select(Path.GetFileName));
        Assert.Equal(segment, File.ReadAllBytes(Path.Combine(Archive, Name)));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    public async Task Segments_a_cp_or_gzip_archive_command_left_are_fetched(string form)
    {
        byte[] segment = Segment(Name, seed: 8);
        if (form == "plain")
        {
            File.WriteAllBytes(Path.Combine(Archive, Name), segment);
        }
        else
        {
            using var file = File.Create(Path.Combine(Archive, Name + ".gz"));
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(segment);
        }

        await Fetch(Name, _temp.Combine("fetched"));

        Assert.Equal(segment, File.ReadAllBytes(_temp.Combine("fetched")));
    }

    [Theory]
    [InlineData("a flipped byte in the compressed frame", 2000)]
    [InlineData("a flipped byte in the recorded SHA-256", 20)]
    public async Task A_damaged_archived_segment_is_an_error_and_nothing_is_written(string damage, int offset)
    {
        var pushed = await Push(WriteWal(Name, Segment(Name, seed: 9)));
        byte[] stored = File.ReadAllBytes(pushed.ArchiveFile);
        stored[offset] ^= 0x40;
        File.WriteAllBytes(pushed.ArchiveFile, stored);
        string destination = _temp.Combine("RECOVERYXLOG");

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, destination));

        Assert.True(Errors.WalArchiveFileDamaged.Id == error.ErrorId, $"{damage}: {error.ErrorId} {error.Message}");
        Assert.Equal(pushed.ArchiveFile, error.Path);
        Assert.False(File.Exists(destination));
        Assert.Equal(["archive", "pg_wal"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_truncated_gzip_file_in_the_archive_is_damaged_too()
    {
        using (var file = File.Create(Path.Combine(Archive, Name + ".gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(Segment(Name, seed: 10));
        }

        string path = Path.Combine(Archive, Name + ".gz");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, _temp.Combine("fetched")));

        Assert.Equal(Errors.WalArchiveFileDamaged.Id, error.ErrorId);
        Assert.False(File.Exists(_temp.Combine("fetched")));
    }

    [Fact]
    public async Task A_plain_segment_cut_short_in_the_archive_is_damaged()
    {
        File.WriteAllBytes(Path.Combine(Archive, Name), Segment(Name, seed: 11)[..(SegmentSize / 2)]);

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, _temp.Combine("fetched")));

        Assert.Equal(Errors.WalArchiveFileDamaged.Id, error.ErrorId);
        Assert.Contains("524288 bytes", error.Message);
        Assert.False(File.Exists(_temp.Combine("fetched")));
    }

    [Fact]
    public async Task A_file_the_archive_does_not_hold_is_not_found_and_nothing_is_written()
    {
        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch("00000002.history", _temp.Combine("RECOVERYHISTORY")));

        Assert.Equal(Errors.WalFileNotFound.Id, error.ErrorId);
        Assert.False(File.Exists(_temp.Combine("RECOVERYHISTORY")));
    }

    [Fact]
    public async Task A_segment_cut_short_is_not_archived()
    {
        string source = WriteWal(Name, Segment(Name, seed: 12)[..(SegmentSize - 8192)]);

        var error = await Assert.ThrowsAsync<BackupException>(() => Push(source));

        Assert.Equal(Errors.WalSegmentInvalid.Id, error.ErrorId);
        Assert.Contains($"{SegmentSize - 8192} bytes", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Archive));
    }

    [Theory]
    [InlineData("another segment's bytes")]
    [InlineData("not WAL at all")]
    [InlineData("empty history")]
    public async Task A_file_that_is_not_what_its_name_says_is_not_archived(string content)
    {
        string name = content == "empty history" ? "00000002.history" : Name;
        byte[] bytes = content switch
        {
            "another segment's bytes" => Segment("000000010000000000000004", seed: 13),
            "not WAL at all" => new byte[SegmentSize],
            _ => [],
        };

        var error = await Assert.ThrowsAsync<BackupException>(() => Push(WriteWal(name, bytes)));

        Assert.Equal(Errors.WalSegmentInvalid.Id, error.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Archive));
    }

    [Theory]
    [InlineData("RECOVERYXLOG")]
    [InlineData("00000001000000000000000")]
    [InlineData("000000010000000000000003.tmp")]
    [InlineData("000000010000000000000003\n")]
    [InlineData("archive_status")]
    public async Task A_file_not_named_as_a_WAL_file_is_not_archived(string name)
    {
        string source = WriteWal(name, Segment(Name, seed: 14));

        var error = await Assert.ThrowsAsync<BackupException>(() => Push(source));

        Assert.Equal(Errors.WalFileNameInvalid.Id, error.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Archive));
    }

    [Theory]
    [InlineData("../pg_wal/000000010000000000000003")]
    [InlineData("/etc/passwd")]
    [InlineData("000000010000000000000003.zst")]
    [InlineData("")]
    public async Task A_name_to_fetch_that_is_no_WAL_file_name_is_refused_so_nothing_outside_the_archive_is_read(string name)
    {
        await Push(WriteWal(Name, Segment(Name, seed: 15)));

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(name, _temp.Combine("fetched")));

        Assert.Equal(Errors.WalFileNameInvalid.Id, error.ErrorId);
        Assert.False(File.Exists(_temp.Combine("fetched")));
    }

    [Fact]
    public async Task An_existing_destination_is_replaced_only_with_Force()
    {
        byte[] segment = Segment(Name, seed: 16);
        await Push(WriteWal(Name, segment));
        string destination = _temp.WriteFile("RECOVERYXLOG", "mine");

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, destination));
        string kept = File.ReadAllText(destination);
        await BackupEngine.RestoreWalSegmentAsync(new RestoreWalSegmentRequest(Name, destination, Archive) { Force = true }, CancellationToken.None);

        Assert.Equal(Errors.WalDestinationExists.Id, error.ErrorId);
        Assert.Equal("mine", kept);
        Assert.Equal(segment, File.ReadAllBytes(destination));
    }

    [Fact]
    public async Task A_push_into_a_missing_archive_folder_fails()
    {
        string source = WriteWal(Name, Segment(Name, seed: 17));

        var error = await Assert.ThrowsAsync<BackupException>(() =>
            BackupEngine.BackupWalSegmentAsync(new BackupWalSegmentRequest(source, _temp.Combine("no-such-archive")), CancellationToken.None));

        Assert.Equal(Errors.WalArchiveNotFound.Id, error.ErrorId);
        Assert.False(Directory.Exists(_temp.Combine("no-such-archive")));
    }

    [Fact]
    public async Task A_push_that_fails_while_writing_leaves_no_file_under_the_final_name_nor_a_temporary()
    {
        using var full = new TmpfsVolume(_temp.Combine("full-archive"), 256);
        string source = WriteWal(Name, Segment(Name, seed: 18, compressible: false));

        var error = await Assert.ThrowsAnyAsync<IOException>(() =>
            BackupEngine.BackupWalSegmentAsync(new BackupWalSegmentRequest(source, full.Path), CancellationToken.None));

        Assert.Contains("space", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.EnumerateFileSystemEntries(full.Path));
    }

    [Fact]
    public async Task A_fetch_that_fails_while_writing_leaves_no_file_at_the_destination_nor_a_temporary()
    {
        await Push(WriteWal(Name, Segment(Name, seed: 19, compressible: false)));
        using var full = new TmpfsVolume(_temp.Combine("full-pg_wal"), 256);

        await Assert.ThrowsAnyAsync<IOException>(() => Fetch(Name, Path.Combine(full.Path, "RECOVERYXLOG")));

        Assert.Empty(Directory.EnumerateFileSystemEntries(full.Path));
    }

    [Theory]
    [InlineData("/usr/local/bin/backupcmdlets backup-walsegment --path %p --archive-path /backup/pg/wal", "/backup/pg/wal")]
    [InlineData("'/opt/bc/backupcmdlets' Backup-WalSegment --archive-path='/backup/my wal' --path %p", "/backup/my wal")]
    [InlineData("pwsh -NoProfile -Command \"Backup-WalSegment -Path %p -ArchivePath /backup/pg/wal\"", "/backup/pg/wal")]
    [InlineData("test ! -f /archive/%f && cp %p /archive/%f", "/archive")]
    public void Start_HotBackup_reads_the_archive_folder_from_an_archive_command_that_calls_Backup_WalSegment(string command, string folder)
    {
        Assert.Equal(folder, PostgreSqlProvider.ArchiveFolderFrom(command));
    }

    private async Task<WalSegmentResult> Push(string source) =>
        await BackupEngine.BackupWalSegmentAsync(new BackupWalSegmentRequest(source, Archive), CancellationToken.None);

    private async Task<WalSegmentResult> Fetch(string name, string destination) =>
        await BackupEngine.RestoreWalSegmentAsync(new RestoreWalSegmentRequest(name, destination, Archive), CancellationToken.None);

    private string WriteWal(string name, byte[] content)
    {
        string path = Path.Combine(Wal, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>
    /// A 1 MiB segment as PostgreSQL 15 writes its first page (XLogLongPageHeaderData: magic, long-header
    /// flag, timeline, the segment's address, system identifier, segment and block size), then records:
    /// text that compresses well, or random bytes that do not.
    /// </summary>
    internal static byte[] Segment(string name, int seed, bool compressible = true)
    {
        long number = Convert.ToInt64(name[16..24], 16) + Convert.ToInt64(name[8..16], 16) * (0x100000000L / SegmentSize);
        byte[] segment = new byte[SegmentSize];
        var random = new Random(seed);
        if (compressible)
        {
            byte[] row = System.Text.Encoding.ASCII.GetBytes($"INSERT row {seed} ");
            for (int at = 0; at < segment.Length; at += row.Length)
            {
                row.AsSpan(0, Math.Min(row.Length, segment.Length - at)).CopyTo(segment.AsSpan(at));
                segment[at] = (byte)random.Next(256);
            }
        }
        else
        {
            random.NextBytes(segment);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(segment, 0xD110);
        BinaryPrimitives.WriteUInt16LittleEndian(segment.AsSpan(2), 0x0002);
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(4), uint.Parse(name[..8], System.Globalization.NumberStyles.HexNumber));
        BinaryPrimitives.WriteUInt64LittleEndian(segment.AsSpan(8), (ulong)(number * SegmentSize));
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(segment.AsSpan(24), 7714148755920620708);
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(32), SegmentSize);
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(36), 8192);
        return segment;
    }
}
