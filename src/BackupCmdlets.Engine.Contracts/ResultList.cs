using System.Collections.ObjectModel;

namespace BackupCmdlets.Engine;

/// <summary>
/// A read-only list held by a pipeline object (its problems, changes, findings). Its text form names
/// the items, so Export-Csv and string expansion show what is in it instead of a type name.
/// </summary>
public sealed class ResultList<T> : ReadOnlyCollection<T>
{
    private const int ItemsInText = 10;

    public ResultList(IList<T> items)
        : base(items)
    {
    }

    public static new ResultList<T> Empty { get; } = new([]);

    public override string ToString() =>
        Count <= ItemsInText
            ? string.Join("; ", this)
            : string.Join("; ", this.Take(ItemsInText)) + $"; and {Count - ItemsInText} more";
}

/// <summary>Makes <see cref="ResultList{T}"/>s.</summary>
public static class ResultList
{
    /// <summary>The items as a <see cref="ResultList{T}"/> (the same object when they already are one).</summary>
    public static ResultList<T> Of<T>(IEnumerable<T>? items) => items switch
    {
        ResultList<T> list => list,
        null => ResultList<T>.Empty,
        _ => items.Any() ? new ResultList<T>(items.ToArray()) : ResultList<T>.Empty,
    };
}
