using Npgsql;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.Storage;

/// <summary>Stores as rows in PostgreSQL: loaded whole at activation, committed through the silo's group commit.</summary>
public sealed class PostgresStoreStorage(NpgsqlDataSource db, ValueCipher cipher, CommitWriter writer) : IStoreStorage
{
    public Task<StoreSnapshot> LoadAsync(Guid storeId, CancellationToken ct) => StoreLoader.LoadAsync(db, cipher, storeId, ct);

    public Task<CommitResult> CommitAsync(StoreBatch batch) => writer.CommitAsync(batch);

    public Task<IReadOnlyList<CommittedRecord>> FindCommittedAsync(Guid storeId, string requestId, DateTime notBefore, CancellationToken ct) =>
        FirstRuns.FindAsync(db, storeId, requestId, notBefore, ct);
}
