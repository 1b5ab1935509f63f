using System.Xml.Linq;

namespace BackupCmdlets.Tests.Support;

/// <summary>The table views of a PowerShell format file (.format.ps1xml).</summary>
public sealed record TableView(string Name, IReadOnlyList<string> TypeNames, int HeaderCount, IReadOnlyList<string> ColumnProperties, int ColumnCount)
{
    public static IReadOnlyList<TableView> Load(string path)
    {
        var root = XDocument.Load(path).Root!;
        Assert.Equal("Configuration", root.Name.LocalName);
        var definitions = root.Element("ViewDefinitions");
        Assert.NotNull(definitions);
        return definitions.Elements("View")
            .Where(v => v.Element("TableControl") is not null)
            .Select(Read)
            .ToList();
    }

    private static TableView Read(XElement view)
    {
        var table = view.Element("TableControl")!;
        var items = table.Elements("TableRowEntries").Elements("TableRowEntry").Elements("TableColumnItems").Elements("TableColumnItem").ToList();
        return new TableView(
            (string?)view.Element("Name") ?? "",
            view.Elements("ViewSelectedBy").Elements("TypeName").Select(t => t.Value.Trim()).ToList(),
            table.Elements("TableHeaders").Elements("TableColumnHeader").Count(),
            items.Elements("PropertyName").Select(p => p.Value.Trim()).ToList(),
            items.Count);
    }
}
