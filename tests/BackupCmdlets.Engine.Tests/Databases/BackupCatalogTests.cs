using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Get-BackupSet listing and filters, incomplete sets, and Remove-BackupSet retention, on real SQLite sets.</summary>
public sealed class BackupCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-catalog-");
    private readonly string _repository;
    private readonly string _database;

    public BackupCatalogTests()
    {
        _repository = _temp.Combine("repository");
        _database = _temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(_database, "WAL", 100);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Sets_are_listed_newest_first_with_engine_kind_and_since_filters_and_an_incomplete_folder_is_reported()
    {
        var hot1 = await Hot();
        var cold = await Cold();
        var hot2 = await Hot();
        string incomplete = Directory.CreateDirectory(Path.Combine(_repository, "20990101T000000Z-sqlite-hot-abcdef")).FullName;
        File.WriteAllText(Path.Combine(incomplete, "partial"), "x");

        var all = BackupRepository.List(new GetBackupSetRequest(_repository));
        Assert.Equal(4, all.Count);
        var complete = all.Where(s => s.Status == BackupSetStatus.Complete).Select(s => s.SetId).ToList();
        Assert.Equal([hot2.SetId, cold.SetId, hot1.SetId], complete);
        var partial = Assert.Single(all, s => s.Status == BackupSetStatus.Incomplete);
        Assert.Equal(incomplete, partial.Path);
        Assert.Null(partial.Engine);

        var hotOnly = BackupRepository.List(new GetBackupSetRequest(_repository) { Kind = BackupKind.Hot, Engine = DatabaseEngine.Sqlite });
        Assert.Equal([hot2.SetId, hot1.SetId], hotOnly.Select(s => s.SetId));
        Assert.Empty(BackupRepository.List(new GetBackupSetRequest(_repository) { Engine = DatabaseEngine.PostgreSql }));
        var since = BackupRepository.List(new GetBackupSetRequest(_repository) { Since = cold.StartTime });
        Assert.DoesNotContain(since, s => s.SetId == hot1.SetId);
        Assert.Contains(since, s => s.SetId == hot2.SetId);

        var single = Assert.Single(BackupRepository.List(new GetBackupSetRequest(hot1.Path)));
        Assert.Equal(hot1.SetId, single.SetId);
    }

    [Fact]
    public async Task KeepLast_removes_the_older_sets_and_WhatIf_removes_nothing()
    {
        var sets = new List<BackupSet>();
        for (int i = 0; i < 4; i++)
        {
            sets.Add(await Hot());
        }

        var asked = new List<BackupSet>();
        var whatIf = BackupRetention.Remove(new RemoveBackupSetRequest(_repository) { KeepLast = 2, ShouldRemove = s => { asked.Add(s); return false; } });
        Assert.Empty(whatIf);
        Assert.Equal([sets[1].SetId, sets[0].SetId], asked.Select(s => s.SetId));
        Assert.All(sets, s => Assert.True(Directory.Exists(s.Path)));

        var removed = BackupRetention.Remove(new RemoveBackupSetRequest(_repository) { KeepLast = 2 });
        Assert.Equal([sets[1].SetId, sets[0].SetId], removed.Select(s => s.SetId));
        Assert.False(Directory.Exists(sets[0].Path));
        Assert.True(Directory.Exists(sets[2].Path) && Directory.Exists(sets[3].Path));
    }

    [Fact]
    public async Task OlderThan_never_removes_the_newest_valid_set_and_keeps_a_running_backup()
    {
        var old = await Hot();
        var newest = await Hot();
        string running = Directory.CreateDirectory(Path.Combine(_repository, "29990101T000000Z-sqlite-hot-000000")).FullName;
        Directory.SetCreationTimeUtc(running, DateTime.UtcNow.AddDays(1));

        var removed = BackupRetention.Remove(new RemoveBackupSetRequest(_repository) { OlderThan = TimeSpan.Zero, Now = DateTimeOffset.UtcNow.AddDays(30) });

        Assert.Equal([old.SetId], removed.Select(s => s.SetId));
        Assert.True(Directory.Exists(newest.Path));
        Assert.True(Directory.Exists(running));
    }

    [Fact]
    public void A_retention_without_a_rule_is_refused()
    {
        var error = Assert.Throws<BackupException>(() => BackupRetention.Remove(new RemoveBackupSetRequest(_repository)));
        Assert.Equal(DatabaseErrorIds.InvalidRetention, error.ErrorId);
        Assert.Equal(DatabaseErrorIds.InvalidRetention, Assert.Throws<BackupException>(() => BackupRetention.Remove(new RemoveBackupSetRequest(_repository) { KeepLast = 0 })).ErrorId);
    }

    [Fact]
    public void A_missing_repository_is_a_clear_error()
    {
        var error = Assert.Throws<BackupException>(() => BackupRepository.List(new GetBackupSetRequest(_temp.Combine("absent"))));
        Assert.Equal(DatabaseErrorIds.RepositoryNotFound, error.ErrorId);
    }

    private Task<BackupSet> Hot() => DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={_database}", _repository), null, CancellationToken.None);

    private Task<BackupSet> Cold() => DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={_database}", _repository), null, CancellationToken.None);
}
