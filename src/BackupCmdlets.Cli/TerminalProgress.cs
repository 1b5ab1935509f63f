using BackupCmdlets.Engine;

namespace BackupCmdlets.Cli;

/// <summary>Progress as one rewritten line on stderr, only when stderr is a terminal.</summary>
internal sealed class TerminalProgress : IProgress<OperationProgress>
{
    private readonly Lock _gate = new();
    private int _lastLength;

    /// <summary>Whether anything is shown: stderr is a terminal.</summary>
    public bool Enabled { get; } = !Console.IsErrorRedirected;

    public void Report(OperationProgress value)
    {
        if (!Enabled)
        {
            return;
        }

        string percent = value.PercentComplete >= 0 ? $"{value.PercentComplete,3}% " : "";
        string line = $"{percent}{value.Activity}: {value.Status} {value.CurrentItem}";
        if (line.Length > 100)
        {
            line = line[..100];
        }

        lock (_gate)
        {
            Console.Error.Write("\r" + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
    }

    public void Clear()
    {
        if (!Enabled || _lastLength == 0)
        {
            return;
        }

        lock (_gate)
        {
            Console.Error.Write("\r" + new string(' ', _lastLength) + "\r");
            _lastLength = 0;
        }
    }
}
