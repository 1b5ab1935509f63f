using System.Security;
using System.Security.Cryptography;
using System.Text;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 14, the encrypted WAL archive without a server: Backup-WalSegment with a key stores each file
/// sealed (AES-256-GCM) under the archive's key, bound to the WAL file's name, and records how in
/// backupcmdlets-archive.json (never the key); Restore-WalSegment gives back exactly what was stored and
/// refuses every changed byte, a cut, a rename, a wrong key and a missing one without writing anything;
/// an archive is encrypted from its first file on, or never.
/// </summary>
public sealed class WalArchiveEncryptionTests : IDisposable
{
    private const string Name = "000000010000000000000003";
    private readonly TempDirectory _temp = new("bkc-walcrypt-");
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public WalArchiveEncryptionTests()
    {
        Directory.CreateDirectory(Archive);
        Directory.CreateDirectory(Wal);
        File.WriteAllBytes(KeyFile, _key);
    }

    private string Archive => _temp.Combine("archive");

    private string Wal => _temp.Combine("pg_wal");

    private string KeyFile => _temp.Combine("wal.key");

    private string Record => Path.Combine(Archive, WalArchiveEncryption.RecordName);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_encrypted_segment_comes_back_byte_for_byte_and_the_stored_file_holds_no_plain_content()
    {
        byte[] segment = WalArchiveTests.Segment(Name, seed: 1);

        var pushed = await Push(WriteWal(Name, segment), KeyFile);
        var fetched = await Fetch(Name, _temp.Combine("RECOVERYXLOG"), KeyFile);

        Assert.Equal(WalArchiveAction.Archived, pushed.Action);
        Assert.Equal(Path.Combine(Archive, Name + ".zst"), pushed.ArchiveFile);
        Assert.Equal([Name + ".zst", WalArchiveEncryption.RecordName], Directory.EnumerateFileSystemEntries(Archive).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        byte[] stored = File.ReadAllBytes(pushed.ArchiveFile);
        Assert.Equal(stored.Length, pushed.StoredBytes);
        Assert.True(stored.AsSpan().StartsWith("BCSEAL01"u8), "the stored file is a sealed file");
        Assert.Equal(-1, stored.AsSpan().IndexOf("NSERT row 1 "u8));
        Assert.Equal(-1, stored.AsSpan().IndexOf("BCWALSHA"u8));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(segment)), fetched.Sha256);
        Assert.Equal(segment, File.ReadAllBytes(_temp.Combine("RECOVERYXLOG")));
    }

    [Fact]
    public async Task The_archive_record_tells_how_it_is_encrypted_and_never_holds_the_key()
    {
        await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 2)), KeyFile);

        string record = File.ReadAllText(Record);
        Assert.Contains("AES-256-GCM/BCSEAL01", record);
        Assert.Contains("HKDF-SHA256", record);
        foreach (string form in new[] { Convert.ToBase64String(_key), Convert.ToHexString(_key), Convert.ToHexStringLower(_key), Encoding.Latin1.GetString(_key) })
        {
            Assert.DoesNotContain(form, record, StringComparison.Ordinal);
        }

        Assert.Equal(-1, File.ReadAllBytes(Record).AsSpan().IndexOf(_key));
    }

    [Fact]
    public async Task Pushing_the_same_file_again_succeeds_and_other_content_is_a_conflict()
    {
        string history = WriteWal("00000002.history", Encoding.ASCII.GetBytes("1\t0/3000000\tno recovery target specified\n"));
        var first = await Push(history, KeyFile);
        byte[] stored = File.ReadAllBytes(first.ArchiveFile);

        var again = await Push(history, KeyFile);
        File.WriteAllText(history, "1\t0/4000000\tno recovery target specified\n");
        var conflict = await Assert.ThrowsAsync<BackupException>(() => Push(history, KeyFile));

        Assert.Equal(WalArchiveAction.AlreadyArchived, again.Action);
        Assert.Equal(first.Sha256, again.Sha256);
        Assert.Equal(Errors.WalSegmentConflict.Id, conflict.ErrorId);
        Assert.Equal(stored, File.ReadAllBytes(first.ArchiveFile));
    }

    [Fact]
    public async Task Every_flipped_byte_of_an_encrypted_archived_file_is_refused_and_nothing_is_written()
    {
        var pushed = await Push(WriteWal("00000002.history", Encoding.ASCII.GetBytes("1\t0/3000000\tno recovery target specified\n")), KeyFile);
        byte[] stored = File.ReadAllBytes(pushed.ArchiveFile);
        string destination = _temp.Combine("RECOVERYHISTORY");

        for (int offset = 0; offset < stored.Length; offset++)
        {
            byte[] damaged = (byte[])stored.Clone();
            damaged[offset] ^= 0x01;
            File.WriteAllBytes(pushed.ArchiveFile, damaged);

            var error = await Assert.ThrowsAsync<BackupException>(() => Fetch("00000002.history", destination, KeyFile));

            Assert.True(error.ErrorId == Errors.EncryptedFileDamaged.Id, $"byte {offset}: {error.ErrorId} {error.Message}");
            Assert.False(File.Exists(destination), $"byte {offset}");
        }

        foreach (int length in new[] { 0, 31, 32, stored.Length - 1, stored.Length - 16 })
        {
            File.WriteAllBytes(pushed.ArchiveFile, stored[..length]);
            var error = await Assert.ThrowsAsync<BackupException>(() => Fetch("00000002.history", destination, KeyFile));
            Assert.True(error.ErrorId == Errors.EncryptedFileDamaged.Id, $"cut to {length}: {error.ErrorId} {error.Message}");
        }

        Assert.False(File.Exists(destination));
        Assert.Equal(["archive", "pg_wal", "wal.key"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_flipped_byte_anywhere_in_an_archived_segment_is_refused()
    {
        var pushed = await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 3, compressible: false)), KeyFile);
        byte[] stored = File.ReadAllBytes(pushed.ArchiveFile);
        string destination = _temp.Combine("RECOVERYXLOG");

        // The header, each chunk's first and last byte and its tag, and the last chunk.
        var offsets = new SortedSet<int> { 0, 8, 31, stored.Length - 1, stored.Length - 17 };
        for (int chunk = 32; chunk < stored.Length; chunk += (64 * 1024) + 16)
        {
            offsets.UnionWith([chunk, chunk + 1, Math.Min(stored.Length - 1, chunk + (64 * 1024) - 1), Math.Min(stored.Length - 1, chunk + (64 * 1024) + 15)]);
        }

        foreach (int offset in offsets)
        {
            byte[] damaged = (byte[])stored.Clone();
            damaged[offset] ^= 0x80;
            File.WriteAllBytes(pushed.ArchiveFile, damaged);

            var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, destination, KeyFile));

            Assert.True(error.ErrorId == Errors.EncryptedFileDamaged.Id, $"byte {offset}: {error.ErrorId} {error.Message}");
            Assert.False(File.Exists(destination));
        }
    }

    [Fact]
    public async Task A_file_renamed_to_another_segments_name_fails_authentication()
    {
        const string Next = "000000010000000000000004";
        await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 4)), KeyFile);
        await Push(WriteWal(Next, WalArchiveTests.Segment(Next, seed: 5)), KeyFile);
        File.Move(Path.Combine(Archive, Name + ".zst"), Path.Combine(Archive, Next + ".zst"), overwrite: true);

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Next, _temp.Combine("RECOVERYXLOG"), KeyFile));

        Assert.Equal(Errors.EncryptedFileDamaged.Id, error.ErrorId);
        Assert.False(File.Exists(_temp.Combine("RECOVERYXLOG")));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_nothing_is_written()
    {
        var pushed = await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 6)), KeyFile);
        string otherKey = _temp.WriteFile("other.key", RandomNumberGenerator.GetBytes(32));
        const string Next = "000000010000000000000004";
        string next = WriteWal(Next, WalArchiveTests.Segment(Next, seed: 7));
        string recordBefore = File.ReadAllText(Record);

        var push = await Assert.ThrowsAsync<BackupException>(() => Push(next, otherKey));
        var pushWithPassphrase = await Assert.ThrowsAsync<BackupException>(() => Push(next, null, Passphrase("not the key file")));
        var fetch = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, _temp.Combine("RECOVERYXLOG"), otherKey));

        Assert.Equal(Errors.EncryptionKeyWrong.Id, push.ErrorId);
        Assert.Equal(Errors.EncryptionKeyWrong.Id, pushWithPassphrase.ErrorId);
        Assert.Equal(Errors.EncryptionKeyWrong.Id, fetch.ErrorId);
        Assert.Equal([Name + ".zst", WalArchiveEncryption.RecordName], Directory.EnumerateFileSystemEntries(Archive).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(recordBefore, File.ReadAllText(Record));
        Assert.False(File.Exists(_temp.Combine("RECOVERYXLOG")));
        Assert.Equal(pushed.StoredBytes, new FileInfo(pushed.ArchiveFile).Length);
    }

    [Fact]
    public async Task Without_the_key_an_encrypted_archive_is_refused_for_pushes_and_fetches()
    {
        await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 8)), KeyFile);
        const string Next = "000000010000000000000004";

        var push = await Assert.ThrowsAsync<BackupException>(() => Push(WriteWal(Next, WalArchiveTests.Segment(Next, seed: 9)), null));
        var fetch = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, _temp.Combine("RECOVERYXLOG"), null));

        Assert.Equal(Errors.EncryptionKeyRequired.Id, push.ErrorId);
        Assert.Contains("EncryptionKeyFile", push.Message);
        Assert.Equal(Errors.EncryptionKeyRequired.Id, fetch.ErrorId);
        Assert.False(File.Exists(Path.Combine(Archive, Next + ".zst")));
        Assert.False(File.Exists(_temp.Combine("RECOVERYXLOG")));
    }

    [Fact]
    public async Task A_key_for_an_archive_holding_files_in_the_clear_is_refused()
    {
        await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 10)), null);
        const string Next = "000000010000000000000004";

        var push = await Assert.ThrowsAsync<BackupException>(() => Push(WriteWal(Next, WalArchiveTests.Segment(Next, seed: 11)), KeyFile));
        var fetch = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, _temp.Combine("RECOVERYXLOG"), KeyFile));

        Assert.Equal(Errors.WalArchiveNotEncrypted.Id, push.ErrorId);
        Assert.Equal(Errors.WalArchiveNotEncrypted.Id, fetch.ErrorId);
        Assert.Equal([Name + ".zst"], Directory.EnumerateFileSystemEntries(Archive).Select(Path.GetFileName));
        Assert.False(File.Exists(_temp.Combine("RECOVERYXLOG")));
    }

    [Fact]
    public async Task A_file_in_the_clear_dropped_into_an_encrypted_archive_is_never_read()
    {
        await Push(WriteWal(Name, WalArchiveTests.Segment(Name, seed: 12)), KeyFile);
        const string Next = "000000010000000000000004";
        File.WriteAllBytes(Path.Combine(Archive, Next), WalArchiveTests.Segment(Next, seed: 13));

        var error = await Assert.ThrowsAsync<BackupException>(() => Fetch(Next, _temp.Combine("RECOVERYXLOG"), KeyFile));

        Assert.Equal(Errors.WalFileNotFound.Id, error.ErrorId);
        Assert.False(File.Exists(_temp.Combine("RECOVERYXLOG")));
    }

    [Fact]
    public async Task A_passphrase_encrypts_the_archive_too()
    {
        byte[] segment = WalArchiveTests.Segment(Name, seed: 14);

        await Push(WriteWal(Name, segment), null, Passphrase("correct horse battery staple"));
        await Fetch(Name, _temp.Combine("RECOVERYXLOG"), null, Passphrase("correct horse battery staple"));
        var wrong = await Assert.ThrowsAsync<BackupException>(() => Fetch(Name, _temp.Combine("other"), null, Passphrase("Correct horse battery staple")));

        Assert.Equal(segment, File.ReadAllBytes(_temp.Combine("RECOVERYXLOG")));
        Assert.Contains("PBKDF2-SHA256", File.ReadAllText(Record));
        Assert.DoesNotContain("staple", File.ReadAllText(Record));
        Assert.Equal(Errors.EncryptionKeyWrong.Id, wrong.ErrorId);
        Assert.False(File.Exists(_temp.Combine("other")));
    }

    private static SecureString Passphrase(string text)
    {
        var secure = new SecureString();
        foreach (char c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    private async Task<WalSegmentResult> Push(string source, string? keyFile, SecureString? passphrase = null) =>
        await BackupEngine.BackupWalSegmentAsync(new BackupWalSegmentRequest(source, Archive) { EncryptionKeyFile = keyFile, EncryptionKey = passphrase }, CancellationToken.None);

    private async Task<WalSegmentResult> Fetch(string name, string destination, string? keyFile, SecureString? passphrase = null) =>
        await BackupEngine.RestoreWalSegmentAsync(new RestoreWalSegmentRequest(name, destination, Archive) { EncryptionKeyFile = keyFile, EncryptionKey = passphrase }, CancellationToken.None);

    private string WriteWal(string name, byte[] content)
    {
        string path = Path.Combine(Wal, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
