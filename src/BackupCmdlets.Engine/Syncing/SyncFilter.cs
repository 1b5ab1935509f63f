namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// The -Include and -Exclude rules of a sync. Include rules are tried first, then exclude rules; the
/// first that matches decides, and an entry no rule matches is included. An excluded folder is not
/// entered, so nothing inside it is synced either.
/// </summary>
internal sealed class SyncFilter
{
    private readonly SyncPattern[] _include;
    private readonly SyncPattern[] _exclude;

    public SyncFilter(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        _include = include.Select(p => new SyncPattern(p)).ToArray();
        _exclude = exclude.Select(p => new SyncPattern(p)).ToArray();
    }

    public bool IsEmpty => _exclude.Length == 0;

    public bool IsExcluded(string relativePath, bool isDirectory)
    {
        if (IsEmpty)
        {
            return false;
        }

        foreach (var rule in _include)
        {
            if (rule.Matches(relativePath, isDirectory))
            {
                return false;
            }
        }

        foreach (var rule in _exclude)
        {
            if (rule.Matches(relativePath, isDirectory))
            {
                return true;
            }
        }

        return false;
    }
}
