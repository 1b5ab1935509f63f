using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>The page file of a differential or incremental set: pages land where their numbers say, and a damaged file is refused before a page of it is written.</summary>
public sealed class PageDeltaFileTests
{
    private const int PageSize = 8192;

    [Fact]
    public void Pages_are_written_at_their_numbers_and_the_rest_of_the_target_is_left_alone()
    {
        using var temp = new TempDirectory("bkc-pages-");
        string pages = Write(temp, (3, 0xA3), (7, 0xA7));
        string target = temp.WriteFile("target", Enumerable.Repeat((byte)0x11, PageSize * 8).ToArray());

        using (var handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.Equal(2, ApplyTo(pages, handle));
        }

        byte[] result = File.ReadAllBytes(target);
        Assert.Equal(PageSize * 8, result.Length);
        for (int page = 0; page < 8; page++)
        {
            byte expected = page switch { 3 => 0xA3, 7 => 0xA7, _ => 0x11 };
            Assert.True(result.AsSpan(page * PageSize, PageSize).IndexOfAnyExcept(expected) < 0, $"page {page}");
        }
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("footer")]
    [InlineData("order")]
    [InlineData("count")]
    public void A_damaged_page_file_is_refused_and_nothing_is_written(string damage)
    {
        using var temp = new TempDirectory("bkc-pages-");
        string pages = Write(temp, (1, 0xB1), (2, 0xB2));
        byte[] bytes = File.ReadAllBytes(pages);
        switch (damage)
        {
            case "truncated":
                bytes = bytes[..^1];
                break;
            case "footer":
                bytes[^1] ^= 0xFF;
                break;
            case "order":
                // The numbers follow the pages: swap them so they descend.
                (bytes[2 * PageSize], bytes[2 * PageSize + 4]) = (bytes[2 * PageSize + 4], bytes[2 * PageSize]);
                break;
            case "count":
                bytes[^16] = 3;
                break;
        }

        File.WriteAllBytes(pages, bytes);
        string target = temp.WriteFile("target", new byte[PageSize * 4]);

        using (var handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            var refused = Assert.Throws<BackupException>(() => ApplyTo(pages, handle));
            Assert.Equal(Errors.BackupChainBroken.Id, refused.ErrorId);
        }

        Assert.DoesNotContain(File.ReadAllBytes(target), b => b != 0);
    }

    private static string Write(TempDirectory temp, params (long Number, byte Fill)[] pages)
    {
        string path = temp.Combine("pages");
        using var writer = new PageDeltaFile.PageFileWriter(path, PageSize, key: null, "pages/x", compress: false);
        foreach (var (number, fill) in pages)
        {
            writer.Add(number, Enumerable.Repeat(fill, PageSize).ToArray());
        }

        Assert.NotNull(writer.Complete());
        return path;
    }

    private static long ApplyTo(string pages, Microsoft.Win32.SafeHandles.SafeFileHandle target)
    {
        using var source = PlainFileReader.Open(pages);
        return PageDeltaFile.ApplyTo(source, pages, target, CancellationToken.None);
    }
}
