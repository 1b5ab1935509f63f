using System.Globalization;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>GNU sparse files: the map of an 'S' header or of the pax sparse formats 0.0, 0.1 and 1.0.</summary>
internal sealed partial class TarStreamReader
{
    /// <summary>The next entry, as <see cref="Next()"/>; an entry that had to be skipped is reported, and reading goes on.</summary>
    public TarEntryHeader? Next(Action<ItemProblem> reportSkipped)
    {
        while (true)
        {
            try
            {
                return Next();
            }
            catch (TarEntryException ex)
            {
                reportSkipped(ex.ToProblem());
            }
        }
    }

    /// <summary>
    /// Reads the sparse map of <paramref name="header"/> (whose size is the stored size) and answers the
    /// header with its real size and map, positioned at its stored data. A damaged map is a
    /// <see cref="TarEntryException"/> after which reading can go on with the next entry.
    /// </summary>
    private TarEntryHeader ReadSparse(TarEntryHeader header, char type, Dictionary<string, string> records, long offset)
    {
        long stored = header.Size;
        TarEntryException Invalid(string why) =>
            new(Errors.SparseMapInvalid, header.Name, offset, $"The sparse file '{header.Name}' at offset {offset} is damaged: {why}.");
        long RealSize(string key) =>
            long.TryParse(records.GetValueOrDefault(key), NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : throw Invalid($"its {key} record is missing or not a number");

        SparseMap map;
        if (type == 'S')
        {
            byte[] block = _block.ToArray();
            map = SparseMap.FromOldGnuHeader(block, NextExtensionBlock, stored, Invalid);
            StartData(stored);
        }
        else
        {
            StartData(stored);
            map = records.GetValueOrDefault("GNU.sparse.major") == "1"
                ? SparseMap.FromDataPrefix(ReadData, RealSize("GNU.sparse.realsize"), stored, Invalid)
                : SparseMap.FromPaxList(records.GetValueOrDefault("GNU.sparse.map") ?? throw Invalid("it has no map"), RealSize("GNU.sparse.size"), stored, Invalid);
        }

        return header with { Size = map.RealSize, Sparse = map };
    }

    private byte[] NextExtensionBlock()
    {
        ReadBlock(allowEnd: false);
        return _block;
    }
}
