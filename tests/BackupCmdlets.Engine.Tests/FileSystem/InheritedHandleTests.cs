using System.Diagnostics;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.FileSystem;

/// <summary>
/// No file or folder the engine opens is inherited by a process another thread starts meanwhile (each is
/// opened close-on-exec): an inherited folder keeps its file system busy (umount fails) for as long as
/// that process lives. A race, so it is run many times.
/// </summary>
public sealed class InheritedHandleTests : IDisposable
{
    private const int Children = 300;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_folder_flushed_while_a_process_starts_is_not_inherited_by_it()
    {
        string folder = _temp.CreateDirectory("flushed");
        string file = _temp.WriteFile("flushed/file.txt", "x");
        using var stop = new CancellationTokenSource();
        var flusher = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                UnixFileSystem.FlushDirectory(folder);
                UnixFileSystem.Flush(file);
            }
        }) { IsBackground = true };
        flusher.Start();
        try
        {
            for (int i = 0; i < Children; i++)
            {
                var start = new ProcessStartInfo("ls", ["-l", "/proc/self/fd/"]) { RedirectStandardOutput = true, UseShellExecute = false };
                using var child = Process.Start(start)!;
                string fds = child.StandardOutput.ReadToEnd();
                child.WaitForExit();
                Assert.False(fds.Contains(folder, StringComparison.Ordinal), $"child {i} inherited a handle below '{folder}':\n{fds}");
            }
        }
        finally
        {
            stop.Cancel();
            flusher.Join();
        }
    }
}
