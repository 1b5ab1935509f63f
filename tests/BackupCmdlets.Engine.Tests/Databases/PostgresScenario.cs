using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// What the class fixtures of backup-chain tests share: a folder of their own (the server user's), a
/// source server in it, a repository, scratch folders, copies of the repository to damage, and servers
/// started on restored data directories, all stopped and removed on Dispose.
/// </summary>
public abstract class PostgresScenario : IDisposable
{
    private readonly TempDirectory _temp;
    private readonly List<PostgresCluster> _started = [];

    protected PostgresScenario(string prefix)
    {
        _temp = new TempDirectory(prefix);
        PostgresCluster.GiveToServerUser(_temp.Path);
        Source = PostgresCluster.Create(_temp.Path);
        Repository = _temp.CreateDirectory("repository");
    }

    public PostgresCluster Source { get; }

    public string Repository { get; }

    /// <summary>A new folder of the scenario's own.</summary>
    public string Folder(string name) => Directory.CreateDirectory(PathOf(name)).FullName;

    /// <summary>A path in the scenario's folder, nothing made there (a destination a restore creates, or a file).</summary>
    public string PathOf(string name) => Path.Combine(_temp.Path, name);

    public string CopyOfRepository(string name)
    {
        string copy = Path.Combine(_temp.Path, "repository-" + name);
        ExternalTool.Run("cp", "-a", Repository, copy).EnsureSuccess("cp -a");
        return copy;
    }

    public PostgresCluster Start(string name, string dataDirectory)
    {
        var cluster = PostgresCluster.StartOn(PathOf(name + "-server"), dataDirectory);
        _started.Add(cluster);
        return cluster;
    }

    public void Dispose()
    {
        foreach (var cluster in _started)
        {
            cluster.Dispose();
        }

        Source.Dispose();
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
