using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Keys;

namespace SecretsStore.Persistence.Stores;

/// <summary>An account's limits and usage as stored; null limits mean the deployment's defaults.</summary>
public sealed record QuotaRow(int SecretsUsed, int? SecretsLimit, int? StoresLimit);

public enum StoreInsert
{
    Inserted,
    NameTaken,

    /// <summary>The account's own stores are at its store limit.</summary>
    QuotaExceeded,

    /// <summary>The creating service already manages as many of the account's stores as one service may.</summary>
    ManagedQuotaExceeded,

    /// <summary>The account is gone (deleted after the caller's credential or the gateway's check was looked up).</summary>
    AccountMissing,
}

/// <summary>What an insert did, with the limit and usage it was judged against (for the refusal's hint).</summary>
public sealed record StoreInsertResult(StoreInsert Outcome, int Limit = 0, long Usage = 0);

/// <summary>
/// The store limits a create is judged against: the account's own stores (the deployment's default, unless the account
/// has a limit of its own), and the stores of the account one service may manage.
/// </summary>
public sealed record StoreLimits(int DefaultStores, int ManagedStoresPerService);

/// <summary>
/// The account-wide rows (migrations 0004 and 0006): its live stores, its quota row (limits and secret usage), and
/// its own row when it is deleted.
/// </summary>
public sealed class AccountCatalog(NpgsqlDataSource db)
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
    /// locks in, and the lock <see cref="DeleteAccountAsync"/> takes), so the store limits hold exactly even if two
    /// activations of the account's grain ever ran at once, and no store is added to an account being deleted: the
    /// account row is checked under that lock. The unique index on live names does the same for names.
    /// <paramref name="newDataKey"/> makes the store's data key wrapped under the master key it is given, the one
    /// current in this transaction (see <see cref="MasterKeyCatalog.LockCurrent"/>). The audit record of the create
    /// commits with the store, or neither does; a refused insert writes nothing (the caller records the refusal).
    /// </summary>
    public async Task<StoreInsertResult> InsertStoreAsync(
        StoreView store, StoreLimits limits, AuditRecord audit, Func<string, WrappedDataKey> newDataKey, CancellationToken ct = default)
    {
        string? currentKey;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command("INSERT INTO account_quotas (account_id) VALUES ($1) ON CONFLICT DO NOTHING", store.AccountId),
                Command("SELECT stores_limit FROM account_quotas WHERE account_id = $1 FOR UPDATE", store.AccountId),
                // Each statement reads what committed before it began, so this sees a delete that held the lock first.
                new NpgsqlBatchCommand("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1)")
                {
                    Parameters = { new NpgsqlParameter { Value = store.AccountId.ToString("N") } },
                },
                new NpgsqlBatchCommand(
                    """
                    SELECT count(*) FILTER (WHERE managed_by IS NULL), count(*) FILTER (WHERE managed_by = $2)
                      FROM stores WHERE account_id = $1 AND deleted IS NULL
                    """)
                {
                    Parameters = { new NpgsqlParameter { Value = store.AccountId }, new NpgsqlParameter { Value = store.ManagedBy ?? "" } },
                },
                new NpgsqlBatchCommand(MasterKeyCatalog.LockCurrent),
            },
        })
        {
            await using var reader = await check.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var limit = reader.IsDBNull(0) ? limits.DefaultStores : reader.GetInt32(0);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.GetBoolean(0))
            {
                return new StoreInsertResult(StoreInsert.AccountMissing); // rolled back: not even the quota row stays
            }

            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            var (own, managedByCaller) = (reader.GetInt64(0), reader.GetInt64(1));
            if (store.ManagedBy is null && own >= limit)
            {
                return new StoreInsertResult(StoreInsert.QuotaExceeded, limit, own);
            }

            if (store.ManagedBy is not null && managedByCaller >= limits.ManagedStoresPerService)
            {
                return new StoreInsertResult(StoreInsert.ManagedQuotaExceeded, limits.ManagedStoresPerService, managedByCaller);
            }

            await reader.NextResultAsync(ct);
            currentKey = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
        }

        // No row: a rotation committed while this waited for the current key's lock; the next statement sees the new one.
        currentKey ??= await MasterKeyCatalog.LockCurrentAgainAsync(connection, transaction, ct);
        var dataKey = newDataKey(currentKey);

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

            await AuditedChange.CommitAsync(connection, transaction, [insertStore], [audit], ct);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            return new StoreInsertResult(StoreInsert.NameTaken);
        }

        return new StoreInsertResult(StoreInsert.Inserted);
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

    public Task SetLimitsAsync(Guid accountId, QuotaLimits limits, AuditRecord audit, CancellationToken ct = default) =>
        ChangeLimitsAsync(accountId, QuotaChange.Replacing(limits), audit, ct);

    /// <summary>
    /// Changes the limits <paramref name="change"/> sets and keeps the others; the audit record commits with them (one
    /// batch is one implicit transaction).
    /// </summary>
    public async Task ChangeLimitsAsync(Guid accountId, QuotaChange change, AuditRecord audit, CancellationToken ct = default)
    {
        var upsert = new NpgsqlBatchCommand(
            """
            INSERT INTO account_quotas (account_id, secrets_limit, stores_limit) VALUES ($1, $3, $5)
            ON CONFLICT (account_id) DO UPDATE
               SET secrets_limit = CASE WHEN $2 THEN excluded.secrets_limit ELSE account_quotas.secrets_limit END,
                   stores_limit = CASE WHEN $4 THEN excluded.stores_limit ELSE account_quotas.stores_limit END
            """);
        upsert.Parameters.Add(new NpgsqlParameter { Value = accountId });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.SetsSecrets });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)change.Secrets ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.SetsStores });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)change.Stores ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await AuditedChange.RunAsync(db, [upsert], [audit], ct);
    }

    /// <summary>
    /// Deletes the account row (its tokens, keys and service grants go with it: their foreign keys cascade) and its quota row, with the
    /// audit record, in one transaction. False, having changed nothing, while the account still has a live store.
    /// </summary>
    public async Task<bool> DeleteAccountAsync(Guid accountId, AuditRecord audit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // The same lock a store insert takes first, so no store can be added while this decides.
                Command("INSERT INTO account_quotas (account_id) VALUES ($1) ON CONFLICT DO NOTHING", accountId),
                Command("SELECT 1 FROM account_quotas WHERE account_id = $1 FOR UPDATE", accountId),
                Command("SELECT count(*) FROM stores WHERE account_id = $1 AND deleted IS NULL", accountId),
            },
        })
        {
            await using var reader = await check.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.GetInt64(0) > 0)
            {
                return false;
            }
        }

        var deleteAccount = new NpgsqlBatchCommand("DELETE FROM accounts WHERE id = $1") { Parameters = { new NpgsqlParameter { Value = accountId.ToString("N") } } };
        await AuditedChange.CommitAsync(connection, transaction, [Command("DELETE FROM account_quotas WHERE account_id = $1", accountId), deleteAccount], [audit], ct);
        return true;
    }

    private static NpgsqlBatchCommand Command(string sql, Guid accountId) => new(sql) { Parameters = { new NpgsqlParameter { Value = accountId } } };
}
