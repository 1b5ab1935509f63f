using BackupCmdlets.Engine.Archiving.Tar;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>Permission bits as <c>ls -l</c> and <c>tar -tv</c> print them.</summary>
internal static class FileModeText
{
    public static string Format(TarEntryType type, int mode)
    {
        Span<char> text = stackalloc char[10];
        text[0] = type switch
        {
            TarEntryType.Directory or TarEntryType.DumpDirectory => 'd',
            TarEntryType.SymbolicLink => 'l',
            TarEntryType.HardLink => 'h',
            TarEntryType.CharacterDevice => 'c',
            TarEntryType.BlockDevice => 'b',
            TarEntryType.Fifo => 'p',
            _ => '-',
        };
        const string letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++)
        {
            text[i + 1] = (mode & (1 << (8 - i))) != 0 ? letters[i] : '-';
        }

        if ((mode & 0x800) != 0)
        {
            text[3] = text[3] == 'x' ? 's' : 'S';
        }

        if ((mode & 0x400) != 0)
        {
            text[6] = text[6] == 'x' ? 's' : 'S';
        }

        if ((mode & 0x200) != 0)
        {
            text[9] = text[9] == 'x' ? 't' : 'T';
        }

        return new string(text);
    }
}
