using System.Text;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// A change record of the simulator's archived logs: the whole image of a block changed while its file was
/// in backup mode. A simulated archived log is "SIMARCH1" then records of file number (int32), block number
/// (int64), SCN (int64), block length (int32) and the block.
/// </summary>
public sealed record SimulatedRedoRecord(int FileNumber, long Block, long Scn, byte[] Image)
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SIMARCH1");

    public static void WriteLog(string path, IEnumerable<SimulatedRedoRecord> records)
    {
        using var writer = new BinaryWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write));
        writer.Write(Magic);
        foreach (var record in records)
        {
            writer.Write(record.FileNumber);
            writer.Write(record.Block);
            writer.Write(record.Scn);
            writer.Write(record.Image.Length);
            writer.Write(record.Image);
        }
    }

    public static IReadOnlyList<SimulatedRedoRecord> ReadLog(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a simulated archived log.");
        }

        var records = new List<SimulatedRedoRecord>();
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            records.Add(new SimulatedRedoRecord(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadBytes(reader.ReadInt32())));
        }

        return records;
    }
}
