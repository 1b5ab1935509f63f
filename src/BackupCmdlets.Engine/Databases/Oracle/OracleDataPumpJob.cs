using System.Globalization;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The names a Data Pump export job of a set is given, all derived from the set's id so that what is
/// found under them in the directory is the job's own: the job, its dump files (%U numbers them 01, 02, ...
/// as parallel workers need them), its log; and its degree of parallelism.
/// </summary>
internal sealed record OracleDataPumpJob(string Directory, string Name, string DumpFile, string LogFile, int Degree)
{
    public static OracleDataPumpJob For(string setId, string directory, int degree) =>
        new(directory, "BKC_EXPORT_" + setId[^6..].ToUpperInvariant(), $"bkc_{setId}_%U.dmp", $"bkc_{setId}.log", degree);

    /// <summary>The dump files as a file-name pattern of <see cref="System.IO.Directory.EnumerateFiles(string, string)"/>.</summary>
    public string DumpPattern => DumpFile.Replace("%U", "*", StringComparison.Ordinal);

    public string DumpFileNumbered(int number) => DumpFile.Replace("%U", number.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
