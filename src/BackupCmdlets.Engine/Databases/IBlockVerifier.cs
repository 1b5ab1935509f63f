namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Checks database blocks as they are copied (PostgreSQL page checksums, Oracle block tails and
/// checksums). Called from several copy threads at once: implementations are stateless.
/// </summary>
internal interface IBlockVerifier
{
    /// <summary>The database block size: reads are whole multiples of it and aligned to it.</summary>
    int BlockSize { get; }

    /// <summary>Judges one block; <paramref name="blockNumber"/> counts from the relation's or datafile's start.</summary>
    BlockCheck Check(ReadOnlySpan<byte> block, long blockNumber, out string? detail);
}
