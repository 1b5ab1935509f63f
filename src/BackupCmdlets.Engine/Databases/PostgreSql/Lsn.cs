using System.Globalization;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>A PostgreSQL WAL position (log sequence number), written as <c>16/B374D848</c>.</summary>
internal readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static Lsn Parse(string text)
    {
        int slash = text.IndexOf('/');
        if (slash <= 0
            || !uint.TryParse(text.AsSpan(0, slash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint high)
            || !uint.TryParse(text.AsSpan(slash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint low))
        {
            throw new FormatException($"'{text}' is not a PostgreSQL LSN (like 16/B374D848).");
        }

        return new Lsn(((ulong)high << 32) | low);
    }

    public static bool TryParse(string text, out Lsn lsn)
    {
        try
        {
            lsn = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            lsn = default;
            return false;
        }
    }

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn a, Lsn b) => a.Value < b.Value;

    public static bool operator >(Lsn a, Lsn b) => a.Value > b.Value;

    public static bool operator <=(Lsn a, Lsn b) => a.Value <= b.Value;

    public static bool operator >=(Lsn a, Lsn b) => a.Value >= b.Value;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value >> 32:X}/{Value & 0xFFFFFFFF:X}");
}
