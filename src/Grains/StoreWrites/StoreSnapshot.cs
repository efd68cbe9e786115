using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// A store as storage holds it: the grain's reads are served from here, and it changes only when a commit has
/// become durable, so nothing a failed request asked for is ever visible. Between commits it is only read, which
/// lets the commit writer plan against it from its own thread. Disposing it zeroes the store's data key.
/// </summary>
public sealed class StoreSnapshot : IDisposable
{
    private readonly Dictionary<Guid, SecretRecord> _secrets;
    private readonly Dictionary<string, Guid> _idsByName;

    public StoreSnapshot(Guid storeId, StoreRow? row, IEnumerable<SecretRecord> secrets, StoreKeys? keys)
    {
        StoreId = storeId;
        Row = row;
        Keys = keys;
        _secrets = secrets.ToDictionary(s => s.Id);
        _idsByName = _secrets.Values.ToDictionary(s => s.Name, s => s.Id, StringComparer.Ordinal);
    }

    public Guid StoreId { get; }

    /// <summary>Null when the store was never created.</summary>
    public StoreRow? Row { get; private set; }

    /// <summary>Null when the store has no live data key (never created, or deleted).</summary>
    public StoreKeys? Keys { get; }

    public bool IsLive => Row is { Deleted: false };

    public IReadOnlyCollection<SecretRecord> Secrets => _secrets.Values;

    public int Count => _secrets.Count;

    public SecretRecord? Find(Guid id) => _secrets.GetValueOrDefault(id);

    public bool HasName(string name) => _idsByName.ContainsKey(name);

    public SecretRecord? FindByName(string name) => _idsByName.TryGetValue(name, out var id) ? Find(id) : null;

    public void Dispose() => Keys?.Dispose();

    /// <summary>Makes a committed draft this store's state.</summary>
    public void Apply(StoreDraft draft)
    {
        if (!draft.HasChanges)
        {
            return;
        }

        if (draft.StoreDeleted)
        {
            _secrets.Clear();
            _idsByName.Clear();
            Row = Row! with { Deleted = true, DataKey = null, Version = Row.Version + 1 };
            return;
        }

        foreach (var (id, secret) in draft.Changes)
        {
            if (secret is not null)
            {
                _secrets[id] = secret;
                _idsByName[secret.Name] = id;
            }
            else if (_secrets.Remove(id, out var removed) && _idsByName.GetValueOrDefault(removed.Name) == id)
            {
                // A secret created in the same commit may already hold the name again.
                _idsByName.Remove(removed.Name);
            }
        }

        Row = Row! with { Version = Row.Version + 1 };
    }
}
