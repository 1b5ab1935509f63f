using System.Diagnostics;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>The peak resident memory (VmHWM) of a child process, read from /proc while it runs.</summary>
public static class PeakMemory
{
    public sealed record Run(int ExitCode, long PeakBytes, string StandardOutput, string StandardError);

    /// <summary>Runs the CLI with <paramref name="arguments"/> and samples its high-water mark until it exits.</summary>
    public static Run OfCli(params string[] arguments)
    {
        using var process = Process.Start(CliProcess.StartInfo(arguments)) ?? throw new InvalidOperationException("Could not start the CLI.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var deadline = Stopwatch.StartNew();
        while (!process.WaitForExit(5))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The CLI did not finish in time.");
            }
        }

        return new Run(process.ExitCode, peak, stdout.Result, stderr.Result);
    }

    private static long HighWaterMark(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Exited between the check and the read.
        }

        return 0;
    }
}
