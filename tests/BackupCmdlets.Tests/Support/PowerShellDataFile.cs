using System.Text;

namespace BackupCmdlets.Tests.Support;

/// <summary>
/// Reads a PowerShell data file (.psd1) without PowerShell: the literal subset manifests use —
/// <c>@{ key = value }</c>, <c>@( ... )</c>, comma lists, quoted strings, barewords such as
/// <c>$true</c> or numbers, and comments. Strings stay strings, arrays become lists, tables become
/// case-insensitive dictionaries, as PowerShell's own hashtables are.
/// </summary>
public sealed class PowerShellDataFile
{
    private readonly string _text;
    private int _at;

    private PowerShellDataFile(string text) => _text = text;

    public static IReadOnlyDictionary<string, object?> Parse(string text)
    {
        var reader = new PowerShellDataFile(text);
        reader.SkipSpace();
        var table = reader.ReadTable();
        reader.SkipSpace();
        if (reader._at != text.Length)
        {
            throw reader.Error("text after the closing '}'");
        }

        return table;
    }

    /// <summary>A value as a list of strings: a single string is a list of one; null when the key is absent.</summary>
    public static IReadOnlyList<string>? Strings(IReadOnlyDictionary<string, object?> table, string key) =>
        table.TryGetValue(key, out object? value)
            ? value switch
            {
                string s => [s],
                IEnumerable<object?> items => items.Select(i => i as string ?? throw new FormatException($"{key} holds a non-string item")).ToList(),
                _ => throw new FormatException($"{key} is not a string or a list"),
            }
            : null;

    private Dictionary<string, object?> ReadTable()
    {
        Expect("@{");
        var table = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipSpace();
            if (TryTake("}"))
            {
                return table;
            }

            if (TryTake(";"))
            {
                continue;
            }

            string key = Peek() is '\'' or '"' ? ReadString() : ReadBareword();
            SkipSpace();
            Expect("=");
            SkipSpace();
            if (!table.TryAdd(key, ReadValueOrCommaList()))
            {
                throw Error($"key '{key}' appears twice");
            }
        }
    }

    private object? ReadValueOrCommaList()
    {
        object? first = ReadValue();
        SkipSpace();
        if (Peek() != ',')
        {
            return first;
        }

        var items = new List<object?> { first };
        while (TryTake(","))
        {
            SkipSpace();
            items.Add(ReadValue());
            SkipSpace();
        }

        return items;
    }

    private object? ReadValue() => Peek() switch
    {
        '@' when At("@{") => ReadTable(),
        '@' when At("@(") => ReadArray(),
        '\'' or '"' => ReadString(),
        _ => ReadBareword(),
    };

    private List<object?> ReadArray()
    {
        Expect("@(");
        var items = new List<object?>();
        while (true)
        {
            SkipSpace();
            if (TryTake(")"))
            {
                return items;
            }

            if (!TryTake(","))
            {
                items.Add(ReadValue());
            }
        }
    }

    private string ReadString()
    {
        char quote = _text[_at++];
        var value = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length)
            {
                throw Error("unterminated string");
            }

            char c = _text[_at++];
            if (c == quote)
            {
                if (Peek() != quote)
                {
                    return value.ToString();
                }

                _at++;
            }
            else if (c == '`' && quote == '"' && _at < _text.Length)
            {
                c = _text[_at++];
            }

            value.Append(c);
        }
    }

    private string ReadBareword()
    {
        int start = _at;
        while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] is '$' or '_' or '.' or '-'))
        {
            _at++;
        }

        return _at > start ? _text[start.._at] : throw Error("expected a value");
    }

    private void SkipSpace()
    {
        while (_at < _text.Length)
        {
            if (char.IsWhiteSpace(_text[_at]))
            {
                _at++;
            }
            else if (At("<#"))
            {
                int end = _text.IndexOf("#>", _at + 2, StringComparison.Ordinal);
                _at = end < 0 ? throw Error("unterminated block comment") : end + 2;
            }
            else if (_text[_at] == '#')
            {
                int end = _text.IndexOf('\n', _at);
                _at = end < 0 ? _text.Length : end + 1;
            }
            else
            {
                return;
            }
        }
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private bool At(string token) => string.CompareOrdinal(_text, _at, token, 0, token.Length) == 0;

    private bool TryTake(string token)
    {
        if (!At(token))
        {
            return false;
        }

        _at += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!TryTake(token))
        {
            throw Error($"expected '{token}'");
        }
    }

    private FormatException Error(string what)
    {
        int line = 1 + _text.AsSpan(0, Math.Min(_at, _text.Length)).Count('\n');
        return new FormatException($"psd1 line {line}: {what}");
    }
}
