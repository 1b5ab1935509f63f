namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Retention for a repository (Remove-BackupSet), applied to each database in it on its own (engine plus
/// database identity; its exports apart from its hot and cold sets): keep the <see cref="KeepLast"/> newest intact sets and/or the sets younger than
/// <see cref="OlderThan"/>; a set is removed when no given rule keeps it. Intact means complete with
/// every file of its manifest (and its WAL range) present. The newest intact set of each database is
/// never removed; sets in progress and sets whose manifest cannot be read never are; incomplete sets
/// only with <see cref="IncludeIncomplete"/>. <see cref="ShouldRemove"/> (ShouldProcess, -WhatIf) has
/// the last word per set.
/// </summary>
public sealed partial record RemoveBackupSetRequest(string Path)
{
    [FrontParameter("Keep this many newest intact sets of each database.", Minimum = 1, ParameterSets = ["Path", "LiteralPath"])]
    public int? KeepLast { get; init; }

    [FrontParameter("Keep sets younger than this (days.hours:minutes:seconds, or a TimeSpan).", ParameterSets = ["Path", "LiteralPath"])]
    public TimeSpan? OlderThan { get; init; }

    [FrontParameter("Also remove sets left incomplete by a backup that failed, was cancelled or killed, when no rule keeps them.", ParameterSets = ["Path", "LiteralPath"])]
    public bool IncludeIncomplete { get; init; }

    public Func<BackupSet, bool> ShouldRemove { get; init; } = _ => true;

    /// <summary>The time OlderThan counts back from; now unless a test fixes it.</summary>
    public DateTimeOffset? Now { get; init; }
}
