using System.Globalization;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// The records of a pax extended header ("LEN key=value\n", POSIX.1-2001) and the numbers and times
/// their values hold, read strictly: what GNU tar calls malformed is malformed here, and so is what it
/// reads loosely (a time "1.abc", which it takes for 1).
/// </summary>
internal static class PaxRecords
{
    /// <summary>Adds the records in <paramref name="data"/> to <paramref name="into"/> (an empty value deletes the key); answers what is malformed, or null.</summary>
    public static string? Parse(byte[] data, Dictionary<string, string> into)
    {
        int position = 0;
        while (position < data.Length && data[position] != 0)
        {
            int space = Array.IndexOf(data, (byte)' ', position);
            if (space < 0 || !int.TryParse(data.AsSpan(position, space - position), NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            {
                return $"the record at byte {position} has no length";
            }

            if (length <= space - position + 1 || length > data.Length - position || data[position + length - 1] != '\n')
            {
                return $"the record at byte {position} has the wrong length {length}";
            }

            // Values are bytes: names that are not UTF-8 keep them (as GNU tar writes them).
            string record = FileNameEncoding.GetString(data.AsSpan(space + 1, position + length - space - 2));
            int equals = record.IndexOf('=');
            if (equals <= 0)
            {
                return $"the record at byte {position} has {(equals < 0 ? "no '='" : "an empty key")}";
            }

            string key = record[..equals];
            string value = record[(equals + 1)..];
            if (key is "GNU.sparse.offset" or "GNU.sparse.numbytes")
            {
                // Sparse format 0.0 repeats these two, pair by pair: kept as format 0.1's list.
                into["GNU.sparse.map"] = into.TryGetValue("GNU.sparse.map", out string? list) ? $"{list},{value}" : value;
            }
            else if (value.Length == 0)
            {
                into.Remove(key);
            }
            else
            {
                into[key] = value;
            }

            position += length;
        }

        return null;
    }

    /// <summary>A decimal integer with an optional minus sign and nothing else, within 64 bits.</summary>
    public static bool TryParseInteger(string value, out long result)
    {
        result = 0;
        var digits = value.AsSpan(value.StartsWith('-') ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>Seconds since the epoch with an optional fraction ("-1.5" is half a second before -1).</summary>
    public static bool TryParseTime(string value, out UnixTime time)
    {
        time = default;
        int dot = value.IndexOf('.');
        string whole = dot < 0 ? value : value[..dot];
        string fraction = dot < 0 ? "" : value[(dot + 1)..];
        if (!TryParseInteger(whole, out long seconds) || fraction.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        int nanoseconds = fraction.Length == 0 ? 0 : int.Parse(fraction.Length > 9 ? fraction[..9] : fraction.PadRight(9, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        if (whole.StartsWith('-') && nanoseconds > 0)
        {
            if (seconds == long.MinValue)
            {
                return false;
            }

            seconds -= 1;
            nanoseconds = 1_000_000_000 - nanoseconds;
        }

        time = new UnixTime(seconds, nanoseconds);
        return true;
    }
}
