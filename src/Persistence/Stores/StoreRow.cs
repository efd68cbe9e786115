using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Stores;

/// <summary>A store's own row: its metadata, its wrapped data key and the version every commit bumps.</summary>
/// <param name="DataKey">Null once the store is deleted: its ciphertexts can then never be opened again.</param>
public sealed record StoreRow(
    Guid Id,
    Guid AccountId,
    string Name,
    string? ManagedBy,
    DateTime Created,
    DateTime Modified,
    WrappedKey? DataKey,
    bool Deleted,
    long Version)
{
    public StoreView ToView() => new(Id, Name, AccountId, Created, Modified, ManagedBy);
}
