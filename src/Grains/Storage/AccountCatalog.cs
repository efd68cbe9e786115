using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Abstractions.Audit;
using SecretsStore.Grains.Audit;
using SecretsStore.Grains.Crypto;

namespace SecretsStore.Grains.Storage;

/// <summary>An account's limits and usage as stored; null limits mean the deployment's defaults.</summary>
public sealed record QuotaRow(int SecretsUsed, int? SecretsLimit, int? StoresLimit);

public enum StoreInsert
{
    Inserted,
    NameTaken,
    QuotaExceeded,
}

/// <summary>The account-wide rows: its live stores, and its quota row (limits and secret usage).</summary>
public sealed class AccountCatalog(NpgsqlDataSource db, ValueCipher cipher)
{
    private const string UniqueViolation = "23505";

    public async Task<IReadOnlyList<StoreView>> ListLiveStoresAsync(Guid accountId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT id, name, managed_by, created, modified FROM stores WHERE account_id = $1 AND deleted IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var stores = new List<StoreView>();
        while (await reader.ReadAsync(ct))
        {
            stores.Add(new StoreView(
                reader.GetGuid(0), reader.GetString(1), accountId, reader.GetDateTime(3), reader.GetDateTime(4),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return stores;
    }

    /// <summary>
    /// Inserts a store with a new data key. The account's quota row is locked first (the same order the commit writer
    /// locks in), so the store limit holds exactly even if two activations of the account's grain ever ran at once;
    /// the unique index on live names does the same for names. The data key is wrapped under the master key that is
    /// current in this transaction (see <see cref="Keys.MasterKeyCatalog.LockCurrent"/>). The audit record of the
    /// create commits with the store, or neither does; a refused insert writes nothing (the caller records the refusal).
    /// </summary>
    public async Task<StoreInsert> InsertStoreAsync(StoreView store, int defaultStoresLimit, AuditRecord audit, CancellationToken ct = default)
    {
        WrappedKey dataKey;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command("INSERT INTO account_quotas (account_id) VALUES ($1) ON CONFLICT DO NOTHING", store.AccountId),
                Command("SELECT stores_limit FROM account_quotas WHERE account_id = $1 FOR UPDATE", store.AccountId),
                Command("SELECT count(*) FROM stores WHERE account_id = $1 AND managed_by IS NULL AND deleted IS NULL", store.AccountId),
                new NpgsqlBatchCommand(Keys.MasterKeyCatalog.LockCurrent),
            },
        })
        {
            await using var reader = await check.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var limit = reader.IsDBNull(0) ? defaultStoresLimit : reader.GetInt32(0);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            if (store.ManagedBy is null && reader.GetInt64(0) >= limit)
            {
                return StoreInsert.QuotaExceeded;
            }

            await reader.NextResultAsync(ct);
            var currentKey = await reader.ReadAsync(ct)
                ? reader.GetString(0)
                : throw new InvalidOperationException("No master key is current: the silo's start records one.");
            var (plain, wrapped) = cipher.NewDataKey(currentKey, store.AccountId, store.Id);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain); // the store's grain unwraps its own copy
            dataKey = wrapped;
        }

        try
        {
            var insertStore = new NpgsqlBatchCommand(
                """
                INSERT INTO stores (id, account_id, name, managed_by, created, modified, master_key_id, data_key)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """);
            foreach (var value in new object?[] { store.Id, store.AccountId, store.Name, store.ManagedBy, store.Created, store.Modified, dataKey.MasterKeyId, dataKey.Blob })
            {
                insertStore.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            await using var insert = new NpgsqlBatch(connection, transaction) { BatchCommands = { insertStore, AuditWriter.Command(audit) } };
            await insert.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            return StoreInsert.NameTaken;
        }

        await transaction.CommitAsync(ct);
        return StoreInsert.Inserted;
    }

    public async Task<QuotaRow> ReadQuotaAsync(Guid accountId, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT secrets_used, secrets_limit, stores_limit FROM account_quotas WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new QuotaRow(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2))
            : new QuotaRow(0, null, null);
    }

    /// <summary>Sets the limits; the audit record commits with them (one batch is one implicit transaction).</summary>
    public async Task SetLimitsAsync(Guid accountId, QuotaLimits limits, AuditRecord audit, CancellationToken ct = default)
    {
        var upsert = new NpgsqlBatchCommand(
            """
            INSERT INTO account_quotas (account_id, secrets_limit, stores_limit) VALUES ($1, $2, $3)
            ON CONFLICT (account_id) DO UPDATE SET secrets_limit = excluded.secrets_limit, stores_limit = excluded.stores_limit
            """);
        upsert.Parameters.Add(new NpgsqlParameter { Value = accountId });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)limits.Secrets ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)limits.Stores ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(AuditWriter.Command(audit));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, Guid accountId) => new(sql) { Parameters = { new NpgsqlParameter { Value = accountId } } };
}
