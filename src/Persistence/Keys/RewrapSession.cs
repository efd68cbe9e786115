using Npgsql;

namespace SecretsStore.Persistence.Keys;

/// <summary>A store's data key as its row holds it, wrapped by <see cref="MasterKeyId"/>.</summary>
public sealed record WrappedDataKey(Guid StoreId, Guid AccountId, string MasterKeyId, byte[] Blob);

/// <summary>What one batch did.</summary>
/// <param name="Current">The key the batch wrapped under; null when no key is current (nothing was done).</param>
/// <param name="Failed">Stores whose data key did not open; they stay wrapped as they are.</param>
public sealed record RewrapBatch(string? Current, int Rewrapped, IReadOnlyList<Guid> Failed);

/// <summary>
/// Moves stores' data keys from retiring master keys to the current one, a batch per transaction, on one connection
/// that holds the re-wrap advisory lock: only one silo re-wraps at a time, and the database drops the lock with the
/// connection, so a silo that dies mid-rotation cannot keep it. Only the wrapping changes: the data key, and so every
/// ciphertext, stays the same, so a store grain that loaded the old wrapping keeps working with it.
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

    private readonly NpgsqlConnection _connection;

    private RewrapSession(NpgsqlConnection connection) => _connection = connection;

    /// <summary>A session, or null when no key is retiring or another silo is re-wrapping.</summary>
    internal static async Task<RewrapSession?> TryBeginAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            if (await ScalarAsync<bool>(connection, AnyRetiring, ct)
                && await ScalarAsync<bool>(connection, $"SELECT pg_try_advisory_lock({RewrapLockKey})", ct))
            {
                return new RewrapSession(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
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
        await using var transaction = await _connection.BeginTransactionAsync(ct);
        // Share-locking the current key's row holds a rotation back until this batch commits, so what it wraps
        // under is still current when it lands.
        string? current;
        await using (var lockCurrent = new NpgsqlCommand(MasterKeyCatalog.LockCurrent, _connection, transaction))
        {
            current = await lockCurrent.ExecuteScalarAsync(ct) as string;
        }

        var retiring = current is null ? [] : (await ReadStringsAsync(transaction, SelectRetiring, ct)).Where(holds).ToArray();
        if (retiring.Length == 0)
        {
            return new RewrapBatch(current, 0, []);
        }

        var ids = new List<Guid>();
        var wrapped = new List<byte[]>();
        var failed = new List<Guid>();
        await using (var take = new NpgsqlCommand(TakeStores, _connection, transaction))
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
            await using var write = new NpgsqlCommand(WriteWrapped, _connection, transaction);
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
    public async Task<IReadOnlyList<string>> RetireEmptyKeysAsync(CancellationToken ct) => await ReadStringsAsync(null, RetireEmpty, ct);

    /// <summary>The retiring keys and how many stores each still wraps.</summary>
    public async Task<IReadOnlyList<(string Fingerprint, long Stores)>> RetiringAsync(CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(CountRetiring, _connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<(string, long)>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return keys;
    }

    /// <summary>Gives the lock back (when the connection still stands) and the connection to its pool.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.State == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(_connection, $"SELECT pg_advisory_unlock({RewrapLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private async Task<List<string>> ReadStringsAsync(NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
