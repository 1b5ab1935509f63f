using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using BackupCmdlets.Engine;

namespace BackupCmdlets.Cli;

/// <summary>
/// Runs one engine operation for a command: progress to stderr when it is a terminal, the result
/// as text or JSON lines on stdout, engine errors as one line on stderr (but for an expected outcome
/// the command names as quiet), and the exit code.
/// </summary>
internal static class CliRunner
{
    private static readonly CliJsonContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Converters = { new FileNameJsonConverter() } });

    public static async Task<int> RunAsync<T>(
        ParseResult parse,
        Func<IProgress<OperationProgress>?, CancellationToken, Task<T>> operation,
        Func<T, IEnumerable<object>> outputs,
        Func<T, bool> succeeded,
        Func<T, IEnumerable<ItemProblem>>? problems,
        CancellationToken cancellationToken,
        ErrorDefinition? quietError = null)
    {
        bool json = parse.GetValue(CliOptions.Json);
        var progress = new TerminalProgress();
        try
        {
            // No listener when nothing is shown: the engine then spares the work progress costs (a second walk for the total).
            T result = await operation(progress.Enabled ? progress : null, cancellationToken);
            progress.Clear();
            foreach (var problem in problems?.Invoke(result) ?? [])
            {
                Console.Error.WriteLine($"backupcmdlets: {problem.ErrorId}: {problem}");
            }

            foreach (object output in outputs(result))
            {
                Write(output, json);
            }

            return succeeded(result) ? ExitCodes.Success : ExitCodes.ProblemsFound;
        }
        catch (BackupException ex) when (ex.ErrorId == quietError?.Id)
        {
            progress.Clear();
            return ExitCodes.ProblemsFound;
        }
        catch (BackupException ex)
        {
            progress.Clear();
            Console.Error.WriteLine($"backupcmdlets: error {ex.ErrorId}: {ex.Message}");
            return ExitCodes.ProblemsFound;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Clear();
            Console.Error.WriteLine("backupcmdlets: cancelled.");
            return ExitCodes.ProblemsFound;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            progress.Clear();
            Console.Error.WriteLine($"backupcmdlets: error: {ex.Message}");
            return ExitCodes.ProblemsFound;
        }
    }

    public static void Write(object output, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(output, output.GetType(), Json));
            return;
        }

        Console.Out.WriteLine(TextFormatter.Format(output, Json));
    }
}
