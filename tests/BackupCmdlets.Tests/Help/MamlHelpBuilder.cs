using System.Text.RegularExpressions;
using System.Xml.Linq;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests.Help;

/// <summary>
/// Builds the module's MAML help (what Get-Help reads for binary cmdlets) from the cmdlets'
/// metadata and their doc comments: synopsis and description from the class's
/// <c>&lt;para type="..."&gt;</c> paragraphs; one description per parameter (a cmdlet's
/// <c>&lt;parameter name="..."&gt;</c> overrides the one of a shared base class); defaults from
/// [PSDefaultValue]; examples from <c>&lt;example&gt;&lt;code&gt;</c> with their <c>&lt;para&gt;</c> as the
/// remarks; syntax per parameter set; the pipeline input types; the output types; and related
/// links from <c>&lt;seealso cref="..."/&gt;</c> plus the about topic.
/// </summary>
public static class MamlHelpBuilder
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Build(IEnumerable<CmdletClass> cmdlets, DocComments docs) =>
        new(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                Msh + "helpItems",
                new XAttribute("schema", "maml"),
                cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => CommandElement(c, docs, cmdlets.ToList()))));

    private const string AboutTopic = "about_BackupCmdlets";

    private static XElement CommandElement(CmdletClass cmdlet, DocComments docs, IReadOnlyList<CmdletClass> all)
    {
        var type = docs.Type(cmdlet.Type.FullName!);
        return new XElement(
            Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(
                Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                Paragraphs(Maml + "description", type.Synopsis),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun)),
            Paragraphs(Maml + "description", type.Description),
            new XElement(Command + "syntax", SetNames(cmdlet).Select(set => SyntaxItem(cmdlet, set))),
            new XElement(Command + "parameters", cmdlet.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => ParameterElement(cmdlet, p, docs, null))),
            new XElement(Command + "inputTypes", InputTypes(cmdlet)),
            new XElement(
                Command + "returnValues",
                cmdlet.OutputTypes.Select(o => new XElement(
                    Command + "returnValue",
                    new XElement(Dev + "type", new XElement(Maml + "name", o.TypeName)),
                    Paragraphs(Maml + "description", [o.TypeName == "System.Boolean" ? "With -Quiet: $true or $false for each input." : $"One {o.TypeName.Split('.')[^1]} for each input or item; Format-List shows every property."])))),
            new XElement(
                Command + "examples",
                type.Examples.Select((example, i) => new XElement(
                    Command + "example",
                    new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                    new XElement(Dev + "code", example.Code),
                    new XElement(Dev + "remarks", new XElement(Maml + "para", example.Remarks))))),
            new XElement(
                Command + "relatedLinks",
                type.SeeAlso.Select(cref => all.FirstOrDefault(c => "T:" + c.Type.FullName == cref)?.Name).OfType<string>().Append(AboutTopic)
                    .Select(name => new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", name), new XElement(Maml + "uri")))));
    }

    /// <summary>What the cmdlet takes from the pipeline: each parameter's type, by value or by property name.</summary>
    private static IEnumerable<XElement> InputTypes(CmdletClass cmdlet) =>
        cmdlet.Parameters
            .SelectMany(p => p.Sets.Where(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName).Take(1).Select(s => (Parameter: p, Set: s)))
            .Select(i => new XElement(
                Command + "inputType",
                new XElement(Dev + "type", new XElement(Maml + "name", i.Parameter.PropertyType.FullName)),
                Paragraphs(Maml + "description", [Describe(i.Parameter, i.Set)])));

    private static string Describe(CmdletParameter parameter, ParameterSetEntry set)
    {
        string names = string.Join(", ", parameter.Aliases.Prepend(parameter.Name));
        return (set.ValueFromPipeline, set.ValueFromPipelineByPropertyName) switch
        {
            (true, true) => $"-{parameter.Name}, by value, or from a property named {names}.",
            (true, false) => $"-{parameter.Name}, by value.",
            _ => $"-{parameter.Name}, from a property named {names}.",
        };
    }

    private static IEnumerable<string> SetNames(CmdletClass cmdlet)
    {
        var named = cmdlet.Parameters.SelectMany(p => p.Sets).Select(s => s.SetName).Where(s => s != CmdletParameter.AllParameterSets).Distinct().Order(StringComparer.Ordinal).ToList();
        return named.Count == 0 ? [CmdletParameter.AllParameterSets] : named;
    }

    private static XElement SyntaxItem(CmdletClass cmdlet, string set) =>
        new(
            Command + "syntaxItem",
            new XElement(Maml + "name", cmdlet.Name),
            cmdlet.Parameters
                .Where(p => p.Sets.Any(s => s.SetName == set || s.SetName == CmdletParameter.AllParameterSets))
                .OrderBy(p => Entry(p, set).Position ?? int.MaxValue)
                .ThenBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => ParameterElement(cmdlet, p, null, set)));

    private static XElement ParameterElement(CmdletClass cmdlet, CmdletParameter parameter, DocComments? docs, string? set)
    {
        var entry = Entry(parameter, set);
        string pipeline = entry.ValueFromPipeline && entry.ValueFromPipelineByPropertyName ? "True (ByValue, ByPropertyName)"
            : entry.ValueFromPipeline ? "True (ByValue)"
            : entry.ValueFromPipelineByPropertyName ? "True (ByPropertyName)"
            : "False";
        bool isSwitch = parameter.PropertyType.FullName == "System.Management.Automation.SwitchParameter";
        var element = new XElement(
            Command + "parameter",
            new XAttribute("required", entry.Mandatory ? "true" : "false"),
            new XAttribute("globbing", parameter.Name == "Path" ? "true" : "false"),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", entry.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(Maml + "name", parameter.Name));
        if (docs is not null)
        {
            element.Add(Paragraphs(Maml + "description", docs.Property(cmdlet.Type, parameter.Name)));
        }

        if (!isSwitch)
        {
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), TypeName(parameter.PropertyType)));
        }

        if (docs is not null)
        {
            element.Add(new XElement(Dev + "defaultValue", parameter.DefaultValue ?? (isSwitch ? "False" : "None")));
        }

        return element;
    }

    private static ParameterSetEntry Entry(CmdletParameter parameter, string? set) =>
        parameter.Sets.FirstOrDefault(s => s.SetName == set) ?? parameter.Sets.First();

    private static string TypeName(Type type)
    {
        var underlying = type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;
        return underlying.Name;
    }

    private static XElement Paragraphs(XName name, IEnumerable<string> paragraphs) =>
        new(name, paragraphs.Select(p => new XElement(Maml + "para", p)));
}

/// <summary>The doc comments of the cmdlet assembly (its XML documentation file).</summary>
public sealed class DocComments
{
    private readonly Dictionary<string, XElement> _members;

    public DocComments(string xmlPath)
    {
        _members = XDocument.Load(xmlPath).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m, StringComparer.Ordinal);
    }

    public (IReadOnlyList<string> Synopsis, IReadOnlyList<string> Description, IReadOnlyList<(string Code, string Remarks)> Examples, IReadOnlyList<string> SeeAlso) Type(string fullName)
    {
        var member = _members.GetValueOrDefault("T:" + fullName);
        var summary = member?.Element("summary");
        var synopsis = Typed(summary, "synopsis");
        var description = Typed(summary, "description");
        if (synopsis.Count == 0 && summary is not null)
        {
            synopsis = [Text(summary)];
        }

        var examples = member?.Elements("example")
            .Select(e => (Text(e.Element("code") ?? e), string.Join(" ", e.Elements("para").Select(Text))))
            .ToList() ?? [];
        var seeAlso = member?.Elements("seealso").Select(e => (string?)e.Attribute("cref")).OfType<string>().ToList() ?? [];
        return (synopsis, description, examples, seeAlso);
    }

    /// <summary>
    /// The description of a parameter: the cmdlet's own <c>&lt;parameter name="..."&gt;</c> when it has
    /// one (for parameters of a shared base class), else the property's, on the cmdlet or a base class.
    /// </summary>
    public IReadOnlyList<string> Property(System.Type cmdlet, string property)
    {
        var own = _members.GetValueOrDefault("T:" + cmdlet.FullName)?.Element("summary")?.Elements("parameter")
            .FirstOrDefault(p => (string?)p.Attribute("name") == property);
        if (own is not null)
        {
            return [Text(own)];
        }

        for (var type = cmdlet; type is not null; type = type.BaseType)
        {
            if (_members.TryGetValue($"P:{type.FullName}.{property}", out var member) && member.Element("summary") is { } summary)
            {
                var typed = Typed(summary, "description");
                return typed.Count > 0 ? typed : [Text(summary)];
            }
        }

        return [];
    }

    private static List<string> Typed(XElement? summary, string kind) =>
        summary?.Elements("para").Where(p => (string?)p.Attribute("type") == kind).Select(Text).ToList() ?? [];

    private static string Text(XElement element) =>
        Regex.Replace(string.Concat(element.Nodes().Select(n => n is XElement e ? (string?)e.Attribute("cref")?.Value.Split('.')[^1] ?? e.Value : n.ToString())), @"[ \t]*\r?\n[ \t]*", " ").Trim()
            .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
}
