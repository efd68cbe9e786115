using Npgsql;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Stores;

/// <summary>
/// The statements of a commit, each sent for many stores at once (arrays and <c>unnest</c>), so a commit costs the
/// same round trips whether it carries one change or hundreds.
/// </summary>
internal static class CommitSql
{
    // The careful path locks accounts first, then stores, each in id order, as store creation does. The one-round-trip
    // path locks its stores, then its accounts in id order. A store is written by one activation only, so two
    // commits share nothing but account rows, which everyone locks in id order: they can wait, never deadlock. (A
    // stale duplicate activation could share a store row; its deadlock would end as one more failed commit.)
    private const string EnsureQuotaRows =
        "INSERT INTO account_quotas (account_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING";

    private const string LockQuotaRows = """
        SELECT account_id, secrets_used, secrets_limit FROM account_quotas
         WHERE account_id = ANY($1) ORDER BY account_id FOR UPDATE
        """;

    private const string LockStoreRows = "SELECT id, version FROM stores WHERE id = ANY($1) ORDER BY id FOR UPDATE";

    /// <summary>SQLSTATE of the version guard: a store's row is not at the version its batch was planned on.</summary>
    public const string StoreMovedOn = "SS001";

    /// <summary>SQLSTATE of the limit guard: an account would go over its secret limit.</summary>
    public const string LimitReached = "SS002";

    /// <summary>SQLSTATE of the key guard: an Idempotency-Key a store grain kept an answer for was used within its window.</summary>
    public const string KeyTaken = "SS003";

    // A store grain's keyed answers, in the commit of their changes. A row of the same key whose window has passed is
    // taken over; one still within it (the key was used on another store, or through the gateway) leaves the row as it
    // is and rolls the whole batch back, and the careful path answers those commands from the rows it finds.
    private const string KeepAnswers = """
        WITH keys AS (
            SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::timestamptz[], $4::timestamptz[], $5::bytea[], $6::uuid[])
                AS k(key_hash, request_hash, at, since, sealed, store_id)),
        kept AS (
            INSERT INTO idempotent_answers AS a (key_hash, request_hash, at, sealed, store_id, format)
            SELECT key_hash, request_hash, at, sealed, store_id, 1 FROM keys
            ON CONFLICT (key_hash) DO UPDATE
               SET request_hash = excluded.request_hash, at = excluded.at, sealed = excluded.sealed,
                   store_id = excluded.store_id, format = excluded.format
             WHERE a.at < (SELECT k.since FROM keys k WHERE k.key_hash = excluded.key_hash)
            RETURNING 1)
        SELECT secretsstore_guard((SELECT count(*) FROM kept) = cardinality($1), 'SS003')
        """;

    // The answers the careful path's keys already have, each within its own window.
    private const string SelectKeptAnswers = """
        SELECT a.key_hash, a.request_hash, a.sealed, a.format
          FROM idempotent_answers AS a JOIN unnest($1::bytea[], $2::timestamptz[]) AS k(key_hash, since)
            ON a.key_hash = k.key_hash AND a.at >= k.since
        """;

    // Only a store still at the planned version moves on; any other count rolls the whole batch back.
    private const string BumpStores = """
        WITH bumped AS (
            UPDATE stores AS s
               SET version = s.version + 1,
                   deleted = CASE WHEN c.deleted THEN now() ELSE s.deleted END,
                   master_key_id = CASE WHEN c.deleted THEN NULL ELSE s.master_key_id END,
                   data_key = CASE WHEN c.deleted THEN NULL ELSE s.data_key END
              FROM unnest($1::uuid[], $2::bigint[], $3::boolean[]) AS c(id, version, deleted)
             WHERE s.id = c.id AND s.version = c.version
            RETURNING 1)
        SELECT secretsstore_guard((SELECT count(*) FROM bumped) = cardinality($1), 'SS001')
        """;

    private const string DeleteAllSecretsOfStores = "DELETE FROM secrets WHERE store_id = ANY($1)";

    private const string DeleteSecrets = """
        DELETE FROM secrets AS t
         USING unnest($1::uuid[], $2::uuid[]) AS r(store_id, id)
         WHERE t.store_id = r.store_id AND t.id = r.id
        """;

    // Scopes travel comma-joined because unnest cannot yield arrays; scope names never hold a comma (ScopeSet).
    private const string UpsertSecrets = """
        INSERT INTO secrets (store_id, id, name, created, modified, comment, scopes, sealed_value)
        SELECT u.store_id, u.id, u.name, u.created, u.modified, u.comment, string_to_array(u.scopes, ','), u.sealed_value
          FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::bytea[])
               AS u(store_id, id, name, created, modified, comment, scopes, sealed_value)
        ON CONFLICT (store_id, id) DO UPDATE
           SET modified = excluded.modified, comment = excluded.comment, scopes = excluded.scopes, sealed_value = excluded.sealed_value
        """;

    // Last, so the account's row (shared by all its stores) is locked only for the end of the transaction.
    private const string AddUsage = """
        WITH added AS (
            UPDATE account_quotas AS q
               SET secrets_used = q.secrets_used + d.delta
              FROM unnest($1::uuid[], $2::integer[]) AS d(account_id, delta)
             WHERE q.account_id = d.account_id
               AND (d.delta <= 0 OR q.secrets_used + d.delta <= coalesce(q.secrets_limit, $3))
            RETURNING 1)
        SELECT secretsstore_guard((SELECT count(*) FROM added) = cardinality($1), 'SS002')
        """;

    public static async Task<LockedRows> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] storeIds, Guid[] accountIds, int defaultSecretsLimit,
        IReadOnlyList<(byte[] KeyHash, DateTime Since)>? keys = null)
    {
        Array.Sort(storeIds);
        Array.Sort(accountIds);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                BatchStatement.Of(EnsureQuotaRows, accountIds),
                BatchStatement.Of(LockQuotaRows, accountIds),
                BatchStatement.Of(LockStoreRows, storeIds),
            },
        };
        if (keys is { Count: > 0 })
        {
            batch.BatchCommands.Add(BatchStatement.Of(SelectKeptAnswers, keys.Select(k => k.KeyHash).ToArray(), keys.Select(k => k.Since).ToArray()));
        }

        await using var reader = await batch.ExecuteReaderAsync();
        var budgets = new Dictionary<Guid, QuotaBudget>();
        while (await reader.ReadAsync())
        {
            var limit = await reader.IsDBNullAsync(2) ? defaultSecretsLimit : reader.GetInt32(2);
            budgets[reader.GetGuid(0)] = new QuotaBudget(reader.GetInt32(1), limit);
        }

        await reader.NextResultAsync();
        var versions = new Dictionary<Guid, long>();
        while (await reader.ReadAsync())
        {
            versions[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        var answers = new Dictionary<string, KeyedRequest>(StringComparer.Ordinal);
        if (keys is { Count: > 0 } && await reader.NextResultAsync())
        {
            while (await reader.ReadAsync())
            {
                answers[Convert.ToHexString((byte[])reader[0])] = new KeyedRequest((byte[])reader[1], (byte[])reader[2], null, (AnswerFormat)reader.GetInt16(3));
            }
        }

        return new LockedRows(versions, budgets) { Answers = answers };
    }

    /// <summary>
    /// The statements that write what the stores' changes hold, move each changed store one version on and add to the
    /// accounts' usage, with the version and limit guards. Without a transaction the batch is one implicit
    /// transaction: it commits whole when the last statement is done, or not at all.
    /// </summary>
    /// <remarks>
    /// The audit records of every store go in the same batch, so a change and its record commit together; a store with
    /// records only (refusals, value reads) adds no version guard, since it changes no row of its store.
    /// </remarks>
    /// <returns>Null when no store has anything to write.</returns>
    public static NpgsqlBatch? WriteBatch(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<IStoreChanges> stores, int defaultSecretsLimit)
    {
        var audit = stores.SelectMany(d => d.Audit).ToList();
        var changed = stores.Where(d => d.HasChanges).ToList();
        if (changed.Count == 0 && audit.Count == 0)
        {
            return null;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        if (audit.Count > 0)
        {
            batch.BatchCommands.Add(BatchStatement.Of(AuditTable.Insert, AuditTable.Parameters(audit)));
        }

        var answers = stores.SelectMany(d => d.Answers.Select(a => (d.StoreId, Answer: a))).ToList();
        if (answers.Count > 0)
        {
            batch.BatchCommands.Add(BatchStatement.Of(
                KeepAnswers,
                answers.Select(a => a.Answer.KeyHash).ToArray(),
                answers.Select(a => a.Answer.RequestHash).ToArray(),
                answers.Select(a => a.Answer.At).ToArray(),
                answers.Select(a => a.Answer.Since).ToArray(),
                answers.Select(a => a.Answer.Sealed).ToArray(),
                answers.Select(a => a.StoreId).ToArray()));
        }

        if (changed.Count == 0)
        {
            return batch;
        }

        batch.BatchCommands.Add(BatchStatement.Of(
            BumpStores,
            changed.Select(d => d.StoreId).ToArray(),
            changed.Select(d => d.PlannedVersion).ToArray(),
            changed.Select(d => d.StoreDeleted).ToArray()));

        var deletedStores = changed.Where(d => d.StoreDeleted).Select(d => d.StoreId).ToArray();
        if (deletedStores.Length > 0)
        {
            batch.BatchCommands.Add(BatchStatement.Of(DeleteAllSecretsOfStores, deletedStores));
        }

        var removed = changed
            .SelectMany(d => d.RemovedSecrets.Select(id => (d.StoreId, Key: id)))
            .ToList();
        if (removed.Count > 0)
        {
            batch.BatchCommands.Add(BatchStatement.Of(DeleteSecrets, removed.Select(r => r.StoreId).ToArray(), removed.Select(r => r.Key).ToArray()));
        }

        var upserts = changed
            .SelectMany(d => d.UpsertedSecrets.Select(s => (d.StoreId, Secret: s)))
            .ToList();
        if (upserts.Count > 0)
        {
            batch.BatchCommands.Add(BatchStatement.Of(
                UpsertSecrets,
                upserts.Select(u => u.StoreId).ToArray(),
                upserts.Select(u => u.Secret.Id).ToArray(),
                upserts.Select(u => u.Secret.Name).ToArray(),
                upserts.Select(u => u.Secret.Created).ToArray(),
                upserts.Select(u => u.Secret.Modified).ToArray(),
                upserts.Select(u => u.Secret.Comment).ToArray(),
                upserts.Select(u => string.Join(',', u.Secret.Scopes)).ToArray(),
                upserts.Select(u => u.Secret.SealedValue).ToArray()));
        }

        var usage = changed
            .Where(d => d.CountDelta != 0)
            .GroupBy(d => d.AccountId)
            .Select(g => (Account: g.Key, Delta: g.Sum(d => d.CountDelta)))
            .OrderBy(u => u.Account)
            .ToList();
        if (usage.Count > 0)
        {
            batch.BatchCommands.Add(BatchStatement.Of(AddUsage, usage.Select(u => u.Account).ToArray(), usage.Select(u => u.Delta).ToArray(), defaultSecretsLimit));
        }

        return batch;
    }
}
