namespace BackupCmdlets.Engine.Tests.Snapshots;

/// <summary>
/// An application that keeps two files consistent at every instant: it writes the next number into
/// a.txt, then into z.txt, each replaced whole by a rename, so at any moment a.txt holds z.txt's
/// number or the one after. Between them lie filler files that take a while to read, so a reader that
/// reads a.txt and then, later, z.txt, sees z.txt ahead of a.txt unless it reads one point in time.
/// </summary>
internal sealed class ConsistentPairWriter : IDisposable
{
    private readonly string _folder;
    private readonly string _staging;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;

    public ConsistentPairWriter(string folder, string staging, int fillerFiles = 200, int fillerBytes = 64 << 10)
    {
        _folder = Directory.CreateDirectory(folder).FullName;
        _staging = Directory.CreateDirectory(staging).FullName;
        var filler = new byte[fillerBytes];
        new Random(7).NextBytes(filler);
        for (int i = 0; i < fillerFiles; i++)
        {
            File.WriteAllBytes(Path.Combine(_folder, $"m{i:D4}.bin"), filler);
        }

        Write("a.txt", 0);
        Write("z.txt", 0);
        _writer = Task.Run(() =>
        {
            for (long n = 1; !_stop.IsCancellationRequested; n++)
            {
                Write("a.txt", n);
                Write("z.txt", n);
                Rounds = n;
            }
        });
    }

    public long Rounds { get; private set; }

    /// <summary>True when the two numbers can have been on disk at the same instant.</summary>
    public static bool IsConsistent(long a, long z) => a == z || a == z + 1;

    public void Dispose()
    {
        _stop.Cancel();
        _writer.GetAwaiter().GetResult();
    }

    private void Write(string name, long value)
    {
        string staged = Path.Combine(_staging, name);
        File.WriteAllText(staged, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(staged, Path.Combine(_folder, name), overwrite: true);
    }
}
