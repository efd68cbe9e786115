using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>Stores as rows in PostgreSQL: loaded whole at activation, committed through the silo's group commit.</summary>
public sealed class PostgresStoreStorage(StoreLoader loader, CommittedRequests committed, IdempotentAnswers answers, ValueCipher cipher, CommitWriter writer)
    : IStoreStorage
{
    public async Task<StoreSnapshot> LoadAsync(Guid storeId, CancellationToken ct)
    {
        var (row, secrets) = await loader.LoadAsync(storeId, ct);
        // The cipher is the grains': the rows carry the data key wrapped, and only a live store's key is ever unwrapped.
        var keys = row is { Deleted: false, DataKey: { } key } ? new StoreKeys(cipher, row.AccountId, storeId, key) : null;
        return new StoreSnapshot(storeId, row, secrets, keys);
    }

    public Task<CommitResult> CommitAsync(StoreBatch batch) => writer.CommitAsync(batch);

    public Task<IReadOnlyList<CommittedRecord>> FindCommittedAsync(Guid storeId, string requestId, DateTime notBefore, CancellationToken ct) =>
        committed.FindAsync(storeId, requestId, notBefore, ct);

    public Task<IReadOnlyList<RecentKey>> RecentKeysAsync(Guid storeId, int limit, CancellationToken ct) => answers.RecentOfStoreAsync(storeId, limit, ct);

    public Task<KeyedRequest?> FindAnswerAsync(byte[] keyHash, DateTime since, CancellationToken ct) => answers.FindAsync(keyHash, since, ct);
}
