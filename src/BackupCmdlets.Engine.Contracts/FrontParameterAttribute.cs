namespace BackupCmdlets.Engine;

/// <summary>
/// Declares a request property as a parameter of the commands that take the request: the cmdlet's
/// parameter and the CLI's option (in kebab case) are generated from it, with this description, default,
/// range and values, and the record's Validate() checks the same range. A parameter is added by adding
/// the property with this attribute; ARCHITECTURE.md shows it. A property without it is set by the
/// fronts' own code (input paths, credentials, pipeline objects).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class FrontParameterAttribute(string description) : Attribute
{
    /// <summary>What the parameter does, as help and <c>--help</c> show it.</summary>
    public string Description { get; } = description;

    /// <summary>Only for this command (a cmdlet name); null for every command taking the request. Lets two commands describe one property each their way.</summary>
    public string? Command { get; set; }

    public bool Mandatory { get; set; }

    /// <summary>The cmdlet's position for the parameter; -1 for none (named only).</summary>
    public int Position { get; set; } = -1;

    /// <summary>The default in words, for help: "one per core". The value itself is the property's initial value.</summary>
    public string? Default { get; set; }

    public long Minimum { get; set; } = long.MinValue;

    public long Maximum { get; set; } = long.MaxValue;

    /// <summary>The only values accepted (a block size), when not a range.</summary>
    public long[]? Allowed { get; set; }

    /// <summary>The only members of an enum accepted, by name, when not all of them are (a compression that is read but not written).</summary>
    public string[]? AllowedNames { get; set; }

    /// <summary>A path: the cmdlet resolves it against the current location (and its PowerShell drive), the CLI against the working directory.</summary>
    public bool IsPath { get; set; }

    /// <summary>The PowerShell parameter sets the parameter belongs to; null for all.</summary>
    public string[]? ParameterSets { get; set; }
}
