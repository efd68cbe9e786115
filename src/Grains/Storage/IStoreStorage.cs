using SecretsStore.Grains.State;

namespace SecretsStore.Grains.Storage;

/// <summary>What one commit changed, so a storage that writes secrets individually can write only those.</summary>
public sealed record StoreChange(IReadOnlyCollection<Guid> UpsertedSecrets, IReadOnlyCollection<Guid> RemovedSecrets)
{
    public static readonly StoreChange MetadataOnly = new([], []);
}

/// <summary>
/// The one seam through which a store's state reaches storage. The grain changes <see cref="State"/> and then
/// commits; a commit either becomes durable or restores <see cref="State"/> to what storage holds and throws.
/// </summary>
public interface IStoreStorage
{
    StoreState State { get; }

    Task CommitAsync(StoreChange change);
}
