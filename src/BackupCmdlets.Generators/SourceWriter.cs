using System.Text;

namespace BackupCmdlets.Generators;

/// <summary>Lines of C# with indentation.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public SourceWriter Line(string line = "")
    {
        _text.Append(line.Length == 0 ? "" : new string(' ', _depth * 4)).Append(line).Append('\n');
        return this;
    }

    public SourceWriter Open(string line)
    {
        Line(line).Line("{");
        _depth++;
        return this;
    }

    public SourceWriter Close(string after = "")
    {
        _depth--;
        return Line("}" + after);
    }

    public override string ToString() => _text.ToString();
}
