using System.Net.Sockets;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Entries the kernel's path calls cannot take whole: a socket is left out with a problem for each (GNU
/// tar: "socket ignored"), and a file whose path is longer than PATH_MAX is archived like any other,
/// judged by GNU tar.
/// </summary>
public sealed class ArchiveSourceKindTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        // The .NET and our own path calls cannot reach below PATH_MAX; rm walks with openat.
        ExternalTool.Run("rm", "-rf", _temp.Path);
        _temp.Dispose();
    }

    [Fact]
    public void A_socket_is_left_out_with_a_problem_naming_it()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string socketPath = Path.Combine(source, "docs", "daemon.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var result = Archives.Create(source, _temp.Combine("out.tar"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(Errors.SocketIgnored.Id, problem.ErrorId);
        Assert.Equal(socketPath, problem.Path);
        Assert.Contains("socket ignored", problem.Message);
        Assert.False(result.Complete);
        Assert.DoesNotContain(Archives.List(result.Path).Items, i => i.Name.EndsWith("daemon.sock", StringComparison.Ordinal));
        Assert.Equal(0, ExternalTool.Run("tar", "-tf", result.Path).ExitCode);
    }

    [Fact]
    public void A_file_deeper_than_PATH_MAX_is_archived_and_GNU_tar_extracts_it()
    {
        string source = _temp.CreateDirectory("deep");
        string folder = new string('d', 200);
        // 24 folders of 201 bytes each: the file's path is about 4,900 bytes, past PATH_MAX (4,096).
        ExternalTool.Run("bash", "-c", $"cd '{source}' && for i in $(seq 24); do mkdir {folder} && cd {folder} || exit 1; done && printf 'at the bottom' > file.txt && ln -s file.txt link && mkdir empty")
            .EnsureSuccess("making a tree deeper than PATH_MAX");
        string inside = string.Join('/', Enumerable.Repeat(folder, 24));

        var result = Archives.Create(source, _temp.Combine("deep.tar"));

        Assert.True(result.Complete, string.Join("; ", result.Problems));
        var listing = ExternalTool.Run("tar", "-tvf", result.Path).EnsureSuccess("GNU tar listing").StandardOutput;
        Assert.Contains($"deep/{inside}/file.txt", listing);
        Assert.Contains($"deep/{inside}/link -> file.txt", listing);
        Assert.Contains($"deep/{inside}/empty/", listing);
        var content = ExternalTool.Run("tar", "-xOf", result.Path, $"deep/{inside}/file.txt").EnsureSuccess("GNU tar extracting the deep file");
        Assert.Equal("at the bottom", content.StandardOutput);
        Assert.Equal(26 + 2, Archives.List(result.Path).Items.Count);
    }
}
