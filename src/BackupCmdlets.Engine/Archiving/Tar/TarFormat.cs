using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>ustar header layout and its numeric fields (octal, or GNU base-256 when too large).</summary>
internal static class TarFormat
{
    public const int BlockSize = 512;
    public const int RecordSize = 10240;
    public const int NameLength = 100;
    public const int PrefixLength = 155;
    public const int OwnerNameLength = 32;
    public const long MaxOctal7 = 0x1FFFFF;          // 07777777
    public const long MaxOctal11 = 0x1FFFFFFFF;      // 077777777777

    public const int NameOffset = 0;
    public const int ModeOffset = 100;
    public const int UidOffset = 108;
    public const int GidOffset = 116;
    public const int SizeOffset = 124;
    public const int MtimeOffset = 136;
    public const int ChecksumOffset = 148;
    public const int TypeOffset = 156;
    public const int LinkNameOffset = 157;
    public const int MagicOffset = 257;
    public const int VersionOffset = 263;
    public const int UserNameOffset = 265;
    public const int GroupNameOffset = 297;
    public const int DevMajorOffset = 329;
    public const int DevMinorOffset = 337;
    public const int PrefixOffset = 345;

    public static long PaddedSize(long size) => (size + BlockSize - 1) / BlockSize * BlockSize;

    public static void WriteOctal(Span<byte> field, long value)
    {
        // Field width minus the terminating NUL, zero padded, as GNU tar writes.
        int digits = field.Length - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }

        field[digits] = 0;
    }

    /// <summary>
    /// Octal when it fits, else GNU's base-256: the field is a big-endian two's complement number
    /// with the leading bit set as a marker, so a negative value starts 0xFF and a positive one 0x80.
    /// </summary>
    public static void WriteNumber(Span<byte> field, long value)
    {
        long max = (1L << (3 * (field.Length - 1))) - 1;
        if (value >= 0 && value <= max)
        {
            WriteOctal(field, value);
            return;
        }

        for (int i = field.Length - 1; i >= 0; i--)
        {
            field[i] = (byte)value;
            value >>= 8;
        }

        field[0] |= 0x80;
    }

    /// <summary>Reads an octal (space/NUL terminated) or base-256 field; null when it is not a number or does not fit 64 bits.</summary>
    public static long? ReadNumber(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // Bit 6 of the first byte is the sign of the two's complement number the rest continues.
            long result = (field[0] & 0x3F) - (field[0] & 0x40);
            for (int i = 1; i < field.Length; i++)
            {
                if (result > long.MaxValue >> 8 || result < long.MinValue >> 8)
                {
                    return null;
                }

                result = (result << 8) | field[i];
            }

            return result;
        }

        long value = 0;
        int index = 0;
        while (index < field.Length && field[index] == ' ')
        {
            index++;
        }

        bool any = false;
        for (; index < field.Length; index++)
        {
            byte b = field[index];
            if (b is >= (byte)'0' and <= (byte)'7')
            {
                value = (value << 3) + (b - '0');
                any = true;
            }
            else if (b is 0 or (byte)' ')
            {
                break;
            }
            else
            {
                return null;
            }
        }

        return any || index > 0 || field.IndexOfAnyExcept((byte)0) < 0 ? value : null;
    }

    /// <summary>A NUL-terminated name field, byte-exact (see <see cref="FileNameEncoding"/>).</summary>
    public static string ReadString(ReadOnlySpan<byte> field)
    {
        int zero = field.IndexOf((byte)0);
        return FileNameEncoding.GetString(zero >= 0 ? field[..zero] : field);
    }

    /// <summary>Computes the header checksum (the checksum field counted as spaces), unsigned and signed.</summary>
    public static (long Unsigned, long Signed) Checksums(ReadOnlySpan<byte> header)
    {
        long unsignedSum = 0;
        long signedSum = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte b = i is >= ChecksumOffset and < ChecksumOffset + 8 ? (byte)' ' : header[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }

        return (unsignedSum, signedSum);
    }

    public static void WriteChecksum(Span<byte> header)
    {
        long sum = Checksums(header).Unsigned;
        var field = header.Slice(ChecksumOffset, 8);
        for (int i = 5; i >= 0; i--)
        {
            field[i] = (byte)('0' + (sum & 7));
            sum >>= 3;
        }

        field[6] = 0;
        field[7] = (byte)' ';
    }

    /// <summary>True for a block that looks like a tar header: a valid checksum.</summary>
    public static bool IsHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < BlockSize || block.IndexOfAnyExcept((byte)0) < 0)
        {
            return false;
        }

        long? stored = ReadNumber(block.Slice(ChecksumOffset, 8));
        var (unsignedSum, signedSum) = Checksums(block);
        return stored == unsignedSum || stored == signedSum;
    }
}
