using System.Collections.Concurrent;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>The sets one operation reads (a set and its chain), each opened once with the secret it was given (a passphrase is stretched once per set).</summary>
internal sealed class SetContents(EncryptionSecret? secret)
{
    private readonly ConcurrentDictionary<string, SetContent> _opened = new(StringComparer.Ordinal);

    public EncryptionSecret? Secret => secret;

    public SetContent Of(string setPath, BackupSetManifest manifest) =>
        _opened.GetOrAdd(setPath, path => SetContent.Open(path, manifest, secret));
}
