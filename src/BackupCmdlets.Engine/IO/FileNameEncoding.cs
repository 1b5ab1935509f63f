using System.Text;
using System.Text.Unicode;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Unix file names are bytes, not text. Names that are valid UTF-8 become ordinary strings; each byte
/// of an invalid sequence becomes the lone surrogate U+DC80..U+DCFF (Python's "surrogateescape"), which
/// valid UTF-8 can never produce, so every name survives the round trip to a string and back unchanged.
/// </summary>
internal static class FileNameEncoding
{
    private const char EscapeBase = '\uDC00';

    /// <summary>The string for a name read from the file system.</summary>
    public static string GetString(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int used) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
                bytes = bytes[used..];
            }
            else
            {
                text.Append((char)(EscapeBase + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return text.ToString();
    }

    /// <summary>The bytes of a name as the file system should see them, without a terminating NUL.</summary>
    public static byte[] GetBytes(string name)
    {
        if (!HasEscapes(name))
        {
            return Encoding.UTF8.GetBytes(name);
        }

        var bytes = new List<byte>(name.Length + 8);
        Span<byte> rune = stackalloc byte[4];
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(name[i - 1])))
            {
                bytes.Add((byte)(c - EscapeBase));
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                int n = new Rune(c, name[i + 1]).EncodeToUtf8(rune);
                bytes.AddRange(rune[..n].ToArray());
                i++;
                continue;
            }

            int written = (char.IsSurrogate(c) ? Rune.ReplacementChar : new Rune(c)).EncodeToUtf8(rune);
            bytes.AddRange(rune[..written].ToArray());
        }

        return [.. bytes];
    }

    /// <summary>How many bytes <see cref="GetBytes"/> makes of <paramref name="name"/>.</summary>
    public static int GetByteCount(string name) => HasEscapes(name) ? GetBytes(name).Length : Encoding.UTF8.GetByteCount(name);

    /// <summary>The name as UTF-8 bytes with the terminating NUL that C calls need.</summary>
    public static byte[] GetNullTerminatedBytes(string name)
    {
        byte[] bytes = GetBytes(name);
        byte[] terminated = new byte[bytes.Length + 1];
        bytes.CopyTo(terminated, 0);
        return terminated;
    }

    /// <summary>
    /// The name as GNU tar and <c>ls -b</c> print it (gnulib's "escape" style): a backslash as <c>\\</c>,
    /// tab, newline and the other C control characters as <c>\t</c>, <c>\n</c>, ..., and every other byte
    /// that is not printable, including each byte of a sequence that is not UTF-8, as three octal digits
    /// (<c>\377</c>). Printable characters, ASCII or not, are kept; the form reads back unambiguously.
    /// </summary>
    public static string Escape(string name)
    {
        var span = name.AsSpan();
        if (span.IndexOfAnyInRange('\0', '\x1F') < 0 && span.IndexOfAnyInRange('\x7F', '\x9F') < 0 && !span.Contains('\\') && !HasEscapes(name))
        {
            return name;
        }

        var text = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            string? escape = c switch
            {
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                _ => null,
            };
            if (escape is not null)
            {
                text.Append(escape);
            }
            else if (c is < ' ' or (>= '\x7F' and <= '\x9F') || (c is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(name[i - 1]))))
            {
                foreach (byte b in GetBytes(c.ToString()))
                {
                    text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                }
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static bool HasEscapes(string name) => name.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
}
