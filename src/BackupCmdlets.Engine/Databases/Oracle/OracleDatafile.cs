namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>A datafile as v$datafile lists it, with its tablespace and where it goes in the set.</summary>
internal sealed record OracleDatafile(long FileNumber, string Tablespace, string Path, int BlockSize, long Bytes)
{
    public string SetPath => $"datafiles/{FileNumber:D4}_{System.IO.Path.GetFileName(Path)}";

    public SourceFile ToSource() => new(Path, SetPath) { VerifyBlocks = true, Length = Bytes };
}
