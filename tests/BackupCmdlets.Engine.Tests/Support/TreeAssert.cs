namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Tree equality judged by rsync, a tool we did not write: <c>rsync -ani --delete</c> must find nothing to do.</summary>
public static class TreeAssert
{
    public static void Identical(string expected, string actual, bool hardLinks = true, bool checksum = true)
    {
        var arguments = new List<string> { "-ani", "--delete" };
        if (hardLinks)
        {
            arguments.Add("-H");
        }

        if (checksum)
        {
            arguments.Add("-c");
        }

        arguments.Add(expected.TrimEnd('/') + "/");
        arguments.Add(actual.TrimEnd('/') + "/");
        var result = ExternalTool.Run("rsync", arguments).EnsureSuccess("rsync -ani");
        Assert.True(result.StandardOutput.Trim().Length == 0, $"rsync finds differences between {expected} and {actual}:\n{result.StandardOutput}");
    }
}
