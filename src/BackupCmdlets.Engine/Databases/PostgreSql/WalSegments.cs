using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>WAL segment file names (timeline, log, segment: 24 hex digits) for a range of LSNs.</summary>
internal static partial class WalSegments
{
    /// <summary>Reads a segment file name (not a history or backup history file) into its timeline and segment number.</summary>
    public static bool TryParse(string name, long segmentSize, out long timeline, out long segmentNumber)
    {
        if (!SegmentName().IsMatch(name))
        {
            (timeline, segmentNumber) = (0, 0);
            return false;
        }

        long perLogId = 0x100000000L / segmentSize;
        timeline = long.Parse(name.AsSpan(0, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        segmentNumber = long.Parse(name.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture) * perLogId
            + long.Parse(name.AsSpan(16, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return true;
    }

    public static string NameFor(long timeline, Lsn lsn, long segmentSize) => NameOf(timeline, (long)(lsn.Value / (ulong)segmentSize), segmentSize);

    public static string NameOf(long timeline, long segmentNumber, long segmentSize)
    {
        long perLogId = 0x100000000L / segmentSize;
        return string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segmentNumber / perLogId:X8}{segmentNumber % perLogId:X8}");
    }

    /// <summary>Every segment from the one holding <paramref name="start"/> to the one holding <paramref name="stop"/>, inclusive.</summary>
    public static IReadOnlyList<string> Covering(long timeline, Lsn start, Lsn stop, long segmentSize)
    {
        long first = (long)(start.Value / (ulong)segmentSize);
        long last = (long)(stop.Value / (ulong)segmentSize);
        var names = new List<string>();
        for (long segment = first; segment <= last; segment++)
        {
            names.Add(NameOf(timeline, segment, segmentSize));
        }

        return names;
    }

    /// <summary>The segment holding the byte just before <paramref name="lsn"/>: where a switch returning it ended.</summary>
    public static Lsn Before(Lsn lsn) => lsn.Value == 0 ? lsn : new Lsn(lsn.Value - 1);

    [GeneratedRegex("^[0-9A-F]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();
}
