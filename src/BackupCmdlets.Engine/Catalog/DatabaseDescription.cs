using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>Who a database is, as recorded in a backup set.</summary>
internal sealed record DatabaseDescription(
    DatabaseEngine Engine,
    string Identity,
    string ServerVersion,
    string Location,
    int BlockSize,
    bool BlockChecksums);
