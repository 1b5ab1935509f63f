namespace BackupCmdlets.Engine.Databases;

/// <summary>Who a database is, as recorded in a backup set.</summary>
public sealed record DatabaseDescription(
    DatabaseEngine Engine,
    string Identity,
    string ServerVersion,
    string Location,
    int BlockSize,
    bool BlockChecksums);
