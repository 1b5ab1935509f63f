namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Retention for a repository: keep the <see cref="KeepLast"/> newest complete sets and/or the sets
/// younger than <see cref="OlderThan"/>; a set is removed when no given rule keeps it. The newest
/// complete set is never removed. <see cref="ShouldRemove"/> (ShouldProcess, -WhatIf) has the last word per set.
/// </summary>
public sealed record RemoveBackupSetRequest(string Path)
{
    public int? KeepLast { get; init; }

    public TimeSpan? OlderThan { get; init; }

    public Func<BackupSet, bool> ShouldRemove { get; init; } = _ => true;

    /// <summary>The time OlderThan counts back from; now unless a test fixes it.</summary>
    public DateTimeOffset? Now { get; init; }
}
