using System.Diagnostics;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>Time stamps far in the future or the past are ordinary data: copied, compared, never waited for.</summary>
public sealed class DeltaSyncTimestampTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-sync-");

    private string Source => _temp.Combine("src");

    private string Destination => _temp.Combine("dst");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Files_dated_in_the_future_or_the_far_past_are_synced_and_never_waited_for()
    {
        const int SecondsAhead = 8;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        SetTime(_temp.WriteFile("src/docs/from-2099.txt", "future"), 4_070_908_800, 0);
        SetTime(_temp.WriteFile("src/docs/seconds-ahead.txt", "soon"), now + SecondsAhead, 250_000_000);
        SetTime(_temp.WriteFile("src/docs/from-1901.txt", "past"), -2_147_483_000, 0);
        SetTime(_temp.WriteFile("src/docs/from-1969.txt", "just before the epoch"), -1, 500_000_000);
        UnixFileSystem.SetPermissions(_temp.Combine("src/docs"), 0x1ED);

        var first = Sync(Source, Destination);

        Assert.True(first.Complete, string.Join("; ", first.Problems));
        Assert.Equal(0x1ED, UnixFileSystem.Lstat(_temp.Combine("dst/docs")).Permissions);
        AssertMirror(Source, Destination);

        var clock = Stopwatch.StartNew();
        var second = Sync(Source, Destination);
        clock.Stop();

        Assert.True(second.Complete);
        Assert.Equal(0, second.Created + second.Updated + second.Deleted);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(SecondsAhead / 2), $"a sync with nothing to do took {clock.Elapsed}: it waited for a time stamp in the future");
        AssertMirror(Source, Destination);
    }
}
