using System.Collections.Generic;

namespace BackupCmdlets.Generators;

/// <summary>A request record as one command takes it: its positional parameters and its front parameters.</summary>
internal sealed class RequestShape
{
    /// <summary>The record, fully qualified: global::BackupCmdlets.Engine.Archiving.CreateArchiveRequest.</summary>
    public string TypeName { get; set; } = "";

    /// <summary>The positional parameters, in order: name, fully qualified type, and the front parameter it is (null when the front's own code supplies it).</summary>
    public List<(string Name, string Type, FrontParameter? Parameter)> Constructor { get; } = new();

    public List<FrontParameter> Parameters { get; } = new();
}
