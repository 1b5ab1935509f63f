using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Get-BackupSet listing and filters, incomplete, running and unreadable sets, and Remove-BackupSet
/// retention, on real SQLite sets: only folders that are sets are listed or removed, never a set
/// being written, never the newest intact set of each database.
/// </summary>
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
        Directory.CreateDirectory(Path.Combine(_repository, "wal_archive"));
        Directory.CreateDirectory(Path.Combine(_repository, "lost+found"));
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(_repository, "scripts")).FullName, "nightly.ps1"), "# the admin's");

        var all = BackupRepository.List(new GetBackupSetRequest(_repository));
        Assert.Equal(4, all.Count);
        var complete = all.Where(s => s.Status == BackupSetStatus.Complete).Select(s => s.SetId).ToList();
        Assert.Equal([hot2.SetId, cold.SetId, hot1.SetId], complete);
        var partial = Assert.Single(all, s => s.Status == BackupSetStatus.Incomplete);
        Assert.Equal(incomplete, partial.Path);
        Assert.Equal(DatabaseEngine.Sqlite, partial.Engine);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), partial.StartTime);

        var hotOnly = BackupRepository.List(new GetBackupSetRequest(_repository) { Kind = BackupKind.Hot, Engine = DatabaseEngine.Sqlite });
        Assert.Equal([partial.SetId, hot2.SetId, hot1.SetId], hotOnly.Select(s => s.SetId));
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
        var whatIf = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 2, ShouldRemove = s => { asked.Add(s); return false; } });
        Assert.Empty(whatIf);
        Assert.Equal([sets[1].SetId, sets[0].SetId], asked.Select(s => s.SetId));
        Assert.All(sets, s => Assert.True(Directory.Exists(s.Path)));

        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 2 });
        Assert.Equal([sets[1].SetId, sets[0].SetId], removed.Select(s => s.SetId));
        Assert.False(Directory.Exists(sets[0].Path));
        Assert.True(Directory.Exists(sets[2].Path) && Directory.Exists(sets[3].Path));
    }

    [Fact]
    public async Task OlderThan_never_removes_the_newest_intact_set()
    {
        var old = await Hot();
        var newest = await Hot();

        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { OlderThan = TimeSpan.Zero, Now = DateTimeOffset.UtcNow.AddDays(30) });

        Assert.Equal([old.SetId], removed.Select(s => s.SetId));
        Assert.True(Directory.Exists(newest.Path));
    }

    [Fact]
    public async Task Folders_that_are_not_sets_are_never_listed_or_removed()
    {
        var sets = new List<BackupSet> { await Hot(), await Hot(), await Hot() };
        string[] others = ["wal_archive", "scripts", "lost+found", "manual-dumps", "2026-backup"];
        foreach (string other in others)
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(_repository, other)).FullName, "keep.me"), other);
        }

        Assert.Equal(3, BackupRepository.List(new GetBackupSetRequest(_repository)).Count);
        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 1, IncludeIncomplete = true });

        Assert.Equal([sets[1].SetId, sets[0].SetId], removed.Select(s => s.SetId));
        Assert.All(others, other => Assert.True(File.Exists(Path.Combine(_repository, other, "keep.me")), other));
        Assert.Equal(Errors.NotABackupSet.Id, Assert.Throws<BackupException>(() => BackupRetention.RemoveSet(Path.Combine(_repository, "scripts"))).ErrorId);
        Assert.True(File.Exists(Path.Combine(_repository, "scripts", "keep.me")));
    }

    [Fact]
    public async Task A_set_folder_given_as_the_repository_is_refused()
    {
        var set = await Hot();

        var error = Assert.Throws<BackupException>(() => BackupEngine.PlanBackupSetRemoval(new RemoveBackupSetRequest(set.Path) { KeepLast = 1 }));

        Assert.Equal(Errors.RepositoryIsBackupSet.Id, error.ErrorId);
        Assert.True(ManifestStore.Exists(set.Path));
    }

    [Fact]
    public async Task A_set_being_written_is_InProgress_and_never_removed_by_retention_running_meanwhile()
    {
        var older = await Hot();
        await Hot();
        // The hot backup waits for the write lock this connection holds: its set folder exists, marked in progress.
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_database};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        var running = Task.Run(() => Hot());
        string? runningPath = null;
        var removedMeanwhile = new List<string>();
        for (int round = 0; round < 200; round++)
        {
            var listed = BackupRepository.List(new GetBackupSetRequest(_repository));
            runningPath ??= listed.FirstOrDefault(s => s.Status == BackupSetStatus.InProgress)?.Path;
            removedMeanwhile.AddRange(BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 1, IncludeIncomplete = true }).Select(s => s.Path));
            Assert.False(running.IsCompleted, "the backup finished while the lock was held");
            if (runningPath is not null && round >= 50)
            {
                break;
            }

            await Task.Delay(10);
        }

        Assert.NotNull(runningPath);
        Assert.Equal(Errors.BackupSetInProgress.Id, Assert.Throws<BackupException>(() => BackupRetention.RemoveSet(runningPath)).ErrorId);
        using (var rollback = holder.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        var finished = await running;
        Assert.Equal(runningPath, finished.Path);
        Assert.Equal(BackupSetStatus.Complete, BackupRepository.Describe(finished.Path).Status);
        Assert.DoesNotContain(runningPath, removedMeanwhile);
        Assert.Contains(older.Path, removedMeanwhile);
        Assert.False(File.Exists(Path.Combine(finished.Path, "in-progress.json")));
    }

    [Fact]
    public async Task A_set_left_by_a_dead_process_is_Incomplete_and_removed_only_with_IncludeIncomplete()
    {
        await Hot();
        var newest = await Hot();
        string dead = Directory.CreateDirectory(Path.Combine(_repository, "20200101T000000Z-sqlite-hot-dead00")).FullName;
        // A process that has exited: its pid is free, or taken by a process that started later.
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        File.WriteAllText(Path.Combine(dead, "in-progress.json"), $$"""{"host":"{{Environment.MachineName}}","processId":{{exited.Id}},"processStartTicks":1,"started":"2020-01-01T00:00:00+00:00"}""");

        Assert.Equal(BackupSetStatus.Incomplete, BackupRepository.Describe(dead).Status);
        Assert.DoesNotContain(dead, BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 1 }).Select(s => s.Path));
        Assert.True(Directory.Exists(dead));
        Assert.Contains(dead, BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 1, IncludeIncomplete = true }).Select(s => s.Path));
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(newest.Path));
    }

    [Fact]
    public async Task An_unreadable_manifest_is_listed_as_such_and_the_other_sets_still_are()
    {
        var good = await Hot();
        var damaged = await Hot();
        string manifest = ManifestStore.PathIn(damaged.Path);
        File.WriteAllText(manifest, File.ReadAllText(manifest)[..40]);

        var all = BackupRepository.List(new GetBackupSetRequest(_repository));
        var unreadable = Assert.Single(all, s => s.Status == BackupSetStatus.Unreadable);
        Assert.Equal(Errors.BackupSetManifestUnreadable.Id, Assert.Single(unreadable.Problems).ErrorId);
        Assert.Contains(all, s => s.SetId == good.SetId && s.Status == BackupSetStatus.Complete);

        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { OlderThan = TimeSpan.Zero, Now = DateTimeOffset.UtcNow.AddDays(1), IncludeIncomplete = true });
        Assert.Empty(removed);
        Assert.True(File.Exists(manifest));
    }

    [Fact]
    public async Task Retention_counts_only_intact_sets_and_keeps_the_newest_one()
    {
        var oldest = await Hot();
        var good = await Hot();
        var damaged = await Hot();
        File.Delete(Path.Combine(damaged.Path, "database", "app.db"));

        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 1 });

        Assert.Equal([damaged.SetId, oldest.SetId], removed.Select(s => s.SetId));
        Assert.True(ManifestStore.Exists(good.Path));
    }

    [Fact]
    public async Task Retention_applies_to_each_database_on_its_own()
    {
        string other = _temp.Combine("other.db");
        SqliteRowWriter.CreateDatabase(other, "DELETE", 10);
        var first = await Hot();
        var otherOld = await Hot(other);
        var second = await Hot();
        var otherNew = await Hot(other);

        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 1 });

        Assert.Equal([otherOld.SetId, first.SetId], removed.Select(s => s.SetId));
        Assert.True(ManifestStore.Exists(second.Path) && ManifestStore.Exists(otherNew.Path));
    }

    [Fact]
    public void A_retention_without_a_rule_is_refused()
    {
        var error = Assert.Throws<BackupException>(() => BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository)));
        Assert.Equal(Errors.InvalidRetentionPolicy.Id, error.ErrorId);
        var none = Assert.Throws<BackupException>(() => BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(_repository) { KeepLast = 0 }));
        Assert.Equal(Errors.ParameterOutOfRange.Id, none.ErrorId);
        Assert.Equal("-KeepLast must be at least 1, not 0.", none.Message);
    }

    [Fact]
    public void A_missing_repository_is_a_clear_error()
    {
        var error = Assert.Throws<BackupException>(() => BackupRepository.List(new GetBackupSetRequest(_temp.Combine("absent"))));
        Assert.Equal(Errors.BackupRepositoryNotFound.Id, error.ErrorId);
    }

    private Task<BackupSet> Hot(string? database = null) => DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database ?? _database}", _repository), null, CancellationToken.None);

    private Task<BackupSet> Cold() => DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={_database}", _repository), null, CancellationToken.None);
}
