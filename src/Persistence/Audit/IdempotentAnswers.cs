using Npgsql;

namespace SecretsStore.Persistence.Audit;

/// <summary>What a key is known by within its window: the first answer given to it, sealed; or only what it committed.</summary>
/// <param name="RequestHash">The hash of the request that first used the key.</param>
/// <param name="Sealed">The sealed answer (status and body); null when only the trail knows the key.</param>
/// <param name="RequestId">For a key only the trail knows: the id of the request whose change committed with it.</param>
/// <param name="Format">What the seal holds: the gateway's rendered answer, or a store grain's outcome.</param>
public sealed record KeyedRequest(byte[] RequestHash, byte[]? Sealed, string? RequestId, AnswerFormat Format = AnswerFormat.Rendered);

/// <summary>What a row of <c>idempotent_answers</c> seals (migration 0012).</summary>
public enum AnswerFormat : short
{
    /// <summary>The status and body the gateway answered with: the gateway's own routes.</summary>
    Rendered = 0,

    /// <summary>A store grain's typed outcome, kept in the commit of its change: the gateway renders it again.</summary>
    StoreOutcome = 1,
}

/// <summary>A store grain's answer to a keyed write, written in the group commit of its change (see <c>CommitSql</c>).</summary>
/// <param name="Since">The start of the key's window: a row of the same key older than this is taken over.</param>
public sealed record KeptAnswer(byte[] KeyHash, byte[] RequestHash, DateTime At, DateTime Since, byte[] Sealed);

/// <summary>A key a store's recent keyed writes used, as its grain learns them when it activates.</summary>
public sealed record RecentKey(byte[] KeyHash, DateTime At);

/// <summary>
/// The <c>idempotent_answers</c> table (migration 0011): the first answer of each keyed write, sealed with a key derived
/// from the Idempotency-Key itself, which no row holds (docs/api.md, "Idempotency-Key"). Together with the trail's
/// records of keyed writes, which commit with their changes, it says whether a key was used.
/// </summary>
public sealed class IdempotentAnswers(NpgsqlDataSource db)
{
    // One round trip: the answer kept for the key, else (its answer lost with a gateway that stopped between the commit
    // and the answer) the first change committed with the key, found by the trail's partial index.
    private const string Find = """
        SELECT request_hash, sealed, NULL::text, format FROM idempotent_answers WHERE key_hash = $1 AND at >= $2
        UNION ALL
        (SELECT idempotency_request, NULL, request_id, 0::smallint FROM audit_log
          WHERE idempotency_key = $1 AND at >= $2 AND code IS NULL ORDER BY seq LIMIT 1)
        """;

    // A key whose window has passed is free again: its row is taken over.
    private const string Keep = """
        INSERT INTO idempotent_answers (key_hash, request_hash, at, sealed) VALUES ($1, $2, $3, $4)
        ON CONFLICT (key_hash) DO UPDATE SET request_hash = EXCLUDED.request_hash, at = EXCLUDED.at, sealed = EXCLUDED.sealed
         WHERE idempotent_answers.at < $5
        """;

    /// <summary>What the key was used for since <paramref name="since"/>: its answer if kept, else its committed change; null if unused.</summary>
    public async Task<KeyedRequest?> FindAsync(byte[] keyHash, DateTime since, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Find);
        command.Parameters.Add(new NpgsqlParameter { Value = keyHash });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new KeyedRequest(
                (byte[])reader[0], reader.IsDBNull(1) ? null : (byte[])reader[1], reader.IsDBNull(2) ? null : reader.GetString(2),
                (AnswerFormat)reader.GetInt16(3))
            : null;
    }

    private const string Recent = "SELECT key_hash, at FROM idempotent_answers WHERE store_id = $1 ORDER BY at DESC LIMIT $2";

    /// <summary>The keys of the store's newest keyed writes (at most <paramref name="limit"/>), newest first.</summary>
    public async Task<IReadOnlyList<RecentKey>> RecentOfStoreAsync(Guid storeId, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Recent);
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<RecentKey>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new RecentKey((byte[])reader[0], reader.GetDateTime(1)));
        }

        return keys;
    }

    /// <summary>
    /// Keeps a keyed write's first answer; a row of the same key still within <paramref name="since"/> stays as it is.
    /// </summary>
    /// <remarks>
    /// Committed without waiting for the WAL to reach disk (<c>synchronous_commit</c> off for this transaction alone):
    /// the row is visible to the next look-up at once, and a write's own commit is not paid twice. Should PostgreSQL
    /// crash within the moment before the WAL writer flushes it, the answer is lost but not the change's records, so a
    /// repeat is refused (<c>idempotency_answer_not_kept</c>), never applied twice.
    /// </remarks>
    public async Task KeepAsync(byte[] keyHash, byte[] requestHash, DateTime at, byte[] sealedAnswer, DateTime since, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AsynchronousCommit));
        var insert = new NpgsqlBatchCommand(Keep);
        foreach (var value in new object[] { keyHash, requestHash, at, sealedAnswer, since })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
    }

    // A batch is one transaction; the setting lasts until it commits.
    private const string AsynchronousCommit = "SELECT set_config('synchronous_commit', 'off', true)";
}
