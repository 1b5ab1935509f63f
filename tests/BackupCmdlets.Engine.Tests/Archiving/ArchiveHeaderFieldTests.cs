using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Headers whose checksum is right but whose fields do not hold what they must (crafted, or written
/// by a broken tool): every numeric field and pax record the reader uses. Each is an ArchiveCorrupt
/// error naming the entry and the offset of the block holding the field, from every operation, and
/// never another kind of exception. GNU tar 1.34 refuses most of them too; it lists the others
/// without a word (a pax time "1.abc" as 1970, 2^63-1 seconds as a number, an unparsable atime, a
/// record without a keyword), which no honest writer produces.
/// </summary>
public sealed class ArchiveHeaderFieldTests : IDisposable
{
    private const string Bad = "bad.txt";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Cases => new(CraftedCases.Keys);

    /// <summary>Each case: how to add the bad entry, and whether GNU tar refuses it too.</summary>
    private static readonly Dictionary<string, (Func<CraftedTar, CraftedTar> Add, bool GnuRefuses)> CraftedCases = new()
    {
        ["pax size negative"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("size", "-5")), true),
        ["pax size not a number"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("size", "5x")), true),
        ["base-256 size negative"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.SizeOffset, CraftedTar.Base256(-5)), true),
        ["base-256 size beyond 64 bits"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.SizeOffset, [0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5]), true),
        ["pax mtime with letters"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("mtime", "1.abc")), false),
        ["pax mtime with a space"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("mtime", "1. 5")), false),
        ["pax mtime with a plus sign"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("mtime", "+1")), true),
        ["pax mtime 2^63-1"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("mtime", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture))), false),
        ["pax mtime beyond 64 bits"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("mtime", "99999999999999999999")), true),
        ["base-256 mtime 2^63-1"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.MtimeOffset, CraftedTar.Base256(long.MaxValue)), false),
        ["ustar mtime with letters"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.MtimeOffset, "1234567890z\0"u8.ToArray()), true),
        ["pax atime with letters"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("atime", "12x")), false),
        ["pax ctime empty fraction digits"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("ctime", "12.-5")), false),
        ["pax uid with letters"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("uid", "12a")), true),
        ["pax uid beyond 32 bits"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("uid", "4294967296")), true),
        ["pax gid negative"] = (t => t.FileWithPax(Bad, "hello", CraftedTar.Record("gid", "-1")), true),
        ["ustar mode with letters"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.ModeOffset, "00064x4\0"u8.ToArray()), true),
        ["ustar uid with letters"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.UidOffset, "00x0000\0"u8.ToArray()), true),
        ["ustar gid base-256 negative"] = (t => t.FileWithRawField(Bad, "hello", TarFormat.GidOffset, CraftedTar.Base256(-2)[4..]), true),
        ["device major with letters"] = (t => t.FileWithRawField(Bad, "", TarFormat.DevMajorOffset, "0000z10\0"u8.ToArray(), type: '3'), true),
        ["pax record length past 2^31"] = (t => t.FileWithPax(Bad, "hello", "9 a=bcde\n", "2147483647 b=c\n"), true),
        ["pax record without '='"] = (t => t.FileWithPax(Bad, "hello", "7 abcd\n"), true),
        ["pax record with an empty key"] = (t => t.FileWithPax(Bad, "hello", "5 =x\n"), false),
        ["GNU long name size negative"] = (t => t.FileWithLongNameSize(Bad, "hello", CraftedTar.Base256(-5)), true),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_field_is_an_ArchiveCorrupt_error_naming_the_entry_and_offset_from_every_operation(string name)
    {
        var crafted = new CraftedTar().File("before.txt", "first");
        var (add, gnuRefuses) = CraftedCases[name];
        add(crafted);
        long offset = crafted.LastOffset;
        string archive = crafted.File("after.txt", "last").Save(_temp.Combine("crafted.tar"));
        string destination = _temp.Combine("out");

        var test = Archives.Test(archive);
        var list = Record.Exception(() => Archives.List(archive));
        var expand = Record.Exception(() => Archives.Expand(archive, destination, preserveOwner: true));

        Assert.False(test.IsValid, $"{name}: Test-Archive found it valid");
        var problem = Assert.Single(test.Problems);
        Assert.Equal(Errors.ArchiveCorrupt.Id, problem.ErrorId);
        Assert.True(offset == problem.Offset, $"{name}: offset {problem.Offset}, the block with the field is at {offset}: {problem.Message}");
        Assert.Contains(name.StartsWith("GNU long name", StringComparison.Ordinal) ? "@LongLink" : Bad, problem.Message);
        Assert.Equal(Errors.ArchiveCorrupt.Id, Assert.IsType<BackupException>(list).ErrorId);
        Assert.Equal(Errors.ArchiveCorrupt.Id, Assert.IsType<BackupException>(expand).ErrorId);
        Assert.Equal("first", File.ReadAllText(Path.Combine(destination, "before.txt")));
        Assert.False(File.Exists(Path.Combine(destination, Bad)));
        Assert.Equal(gnuRefuses, ExternalTool.Run("tar", "-tvf", archive).ExitCode != 0);
    }
}
