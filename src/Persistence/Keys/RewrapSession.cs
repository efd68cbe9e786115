using Npgsql;

namespace SecretsStore.Persistence.Keys;

/// <summary>A store's data key as its row holds it, wrapped by <see cref="MasterKeyId"/>.</summary>
public sealed record WrappedDataKey(Guid StoreId, Guid AccountId, string MasterKeyId, byte[] Blob);

/// <summary>What one batch did.</summary>
/// <param name="Current">The key the batch wrapped under; null when no key is current (nothing was done).</param>
/// <param name="Failed">Stores whose data key did not open; they stay wrapped as they are.</param>
public sealed record RewrapBatch(string? Current, int Rewrapped, IReadOnlyList<Guid> Failed);

/// <summary>
/// Moves stores' data keys from retiring master keys to the current one, a batch per transaction. Only one silo
/// re-wraps at a time: the session holds the re-wrap advisory lock in a transaction of its own, left open on one
/// connection until the session ends, and the batches run on other connections of the pool. The lock is
/// transaction-scoped, so it holds behind a pooler in transaction mode too (PgBouncer keeps a transaction on one
/// server connection), where a session lock would stay on whichever server connection took it; and the database
/// drops it with the transaction, so a silo that dies mid-rotation cannot keep it. The open transaction writes nothing
/// and, under READ COMMITTED, holds no snapshot between statements, so it holds back neither vacuum nor anyone's rows.
/// Only the wrapping changes: the data key, and so every ciphertext, stays the same, so a store grain that loaded the
/// old wrapping keeps working with it.
/// </summary>
/// <remarks>
/// Store grains never write <c>master_key_id</c> or <c>data_key</c> back (a commit keeps what the row holds, or
/// clears both when the store is deleted), and a re-wrap leaves <c>version</c> alone, so re-wrapping and the grains'
/// version-checked commits cannot fence each other out. Rows are taken with <c>SKIP LOCKED</c>: a store whose commit
/// is in flight is left for a later batch, and the re-wrapper never waits on a row lock, so it can never be part of a
/// deadlock with the commit writer.
/// </remarks>
public sealed class RewrapSession : IAsyncDisposable
{
    private const long RewrapLockKey = 0x4D4B_5245_5752_4150; // "MKREWRAP"

    private const string AnyRetiring = "SELECT EXISTS (SELECT 1 FROM master_keys WHERE state = 'retiring')";

    private const string SelectRetiring = "SELECT fingerprint FROM master_keys WHERE state = 'retiring'";

    private const string TakeStores = """
        SELECT id, account_id, master_key_id, data_key FROM stores
         WHERE master_key_id = ANY($1) AND NOT (id = ANY($2))
         LIMIT $3
           FOR UPDATE SKIP LOCKED
        """;

    private const string WriteWrapped = """
        UPDATE stores AS s SET master_key_id = $1, data_key = u.data_key
          FROM unnest($2::uuid[], $3::bytea[]) AS u(id, data_key)
         WHERE s.id = u.id
        """;

    private const string RetireEmpty = """
        UPDATE master_keys AS k SET state = 'retired', retired = now()
         WHERE k.state = 'retiring' AND NOT EXISTS (SELECT 1 FROM stores s WHERE s.master_key_id = k.fingerprint)
        RETURNING k.fingerprint
        """;

    private const string CountRetiring = """
        SELECT k.fingerprint, (SELECT count(*) FROM stores s WHERE s.master_key_id = k.fingerprint)
          FROM master_keys k WHERE k.state = 'retiring'
        """;

    private readonly NpgsqlDataSource _db;
    private readonly NpgsqlConnection _lockConnection;
    private readonly NpgsqlTransaction _lockTransaction;

    private RewrapSession(NpgsqlDataSource db, NpgsqlConnection lockConnection, NpgsqlTransaction lockTransaction)
    {
        _db = db;
        _lockConnection = lockConnection;
        _lockTransaction = lockTransaction;
    }

    /// <summary>A session, or null when no key is retiring or another silo is re-wrapping.</summary>
    internal static async Task<RewrapSession?> TryBeginAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        NpgsqlTransaction? transaction = null;
        try
        {
            if (await ScalarAsync<bool>(connection, null, AnyRetiring, ct))
            {
                transaction = await connection.BeginTransactionAsync(ct);
                if (await ScalarAsync<bool>(connection, transaction, $"SELECT pg_try_advisory_xact_lock({RewrapLockKey})", ct))
                {
                    return new RewrapSession(db, connection, transaction);
                }
            }
        }
        catch
        {
            await DisposeAsync(connection, transaction);
            throw;
        }

        await DisposeAsync(connection, transaction);
        return null;
    }

    /// <summary>
    /// Re-wraps up to <paramref name="size"/> stores of the retiring keys <paramref name="holds"/> accepts, skipping
    /// <paramref name="skip"/>. <paramref name="rewrap"/> wraps a data key under the current key, or answers null
    /// when it does not open.
    /// </summary>
    public async Task<RewrapBatch> RewrapBatchAsync(
        int size, IReadOnlyCollection<Guid> skip, Func<string, bool> holds, Func<WrappedDataKey, string, byte[]?> rewrap, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Share-locking the current key's row holds a rotation back until this batch commits, so what it wraps
        // under is still current when it lands.
        string? current;
        await using (var lockCurrent = new NpgsqlCommand(MasterKeyCatalog.LockCurrent, connection, transaction))
        {
            current = await lockCurrent.ExecuteScalarAsync(ct) as string;
        }

        var retiring = current is null ? [] : (await ReadStringsAsync(connection, transaction, SelectRetiring, ct)).Where(holds).ToArray();
        if (retiring.Length == 0)
        {
            return new RewrapBatch(current, 0, []);
        }

        var ids = new List<Guid>();
        var wrapped = new List<byte[]>();
        var failed = new List<Guid>();
        await using (var take = new NpgsqlCommand(TakeStores, connection, transaction))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = retiring });
            take.Parameters.Add(new NpgsqlParameter { Value = skip.ToArray() });
            take.Parameters.Add(new NpgsqlParameter { Value = size });
            await using var reader = await take.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var old = new WrappedDataKey(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3));
                if (rewrap(old, current!) is { } blob)
                {
                    wrapped.Add(blob);
                    ids.Add(old.StoreId);
                }
                else
                {
                    failed.Add(old.StoreId);
                }
            }
        }

        if (ids.Count > 0)
        {
            await using var write = new NpgsqlCommand(WriteWrapped, connection, transaction);
            write.Parameters.Add(new NpgsqlParameter { Value = current! });
            write.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = wrapped.ToArray() });
            await write.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return new RewrapBatch(current, ids.Count, failed);
    }

    /// <summary>
    /// Retires every retiring key that wraps no store any more. None can start wrapping one again: stores are only
    /// ever wrapped under the current key.
    /// </summary>
    public async Task<IReadOnlyList<string>> RetireEmptyKeysAsync(CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        return await ReadStringsAsync(connection, null, RetireEmpty, ct);
    }

    /// <summary>The retiring keys and how many stores each still wraps.</summary>
    public async Task<IReadOnlyList<(string Fingerprint, long Stores)>> RetiringAsync(CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(CountRetiring, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<(string, long)>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return keys;
    }

    /// <summary>Gives the lock back (ending its transaction, if the connection still stands) and the connection to its pool.</summary>
    public async ValueTask DisposeAsync() => await DisposeAsync(_lockConnection, _lockTransaction);

    /// <summary>Disposing an open transaction rolls it back, which releases the lock; a broken connection lost it already.</summary>
    private static async Task DisposeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        try
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<List<string>> ReadStringsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
