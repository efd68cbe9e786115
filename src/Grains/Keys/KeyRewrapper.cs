using Npgsql;
using SecretsStore.Grains.Crypto;

namespace SecretsStore.Grains.Keys;

/// <summary>
/// Moves stores' data keys from retiring master keys to the current one, a batch per transaction. Only the wrapping
/// changes: the data key, and so every ciphertext, stays the same, so a store grain that loaded the old wrapping
/// keeps working with it (its master key stays configured until the rotation is done).
/// </summary>
/// <remarks>
/// Store grains never write <c>master_key_id</c> or <c>data_key</c> back (a commit keeps what the row holds, or
/// clears both when the store is deleted), and a re-wrap leaves <c>version</c> alone, so re-wrapping and the grains'
/// version-checked commits cannot fence each other out. Rows are taken with <c>SKIP LOCKED</c>: a store whose commit
/// is in flight is left for a later batch, and the re-wrapper never waits on a row lock, so it can never be part of a
/// deadlock with the commit writer.
/// </remarks>
public sealed class KeyRewrapper(ValueCipher cipher, MasterKeyRing ring)
{
    /// <summary>What one batch did.</summary>
    /// <param name="Current">The key the batch wrapped under; null when no key is current (nothing was done).</param>
    public sealed record Batch(string? Current, int Rewrapped, IReadOnlyList<Guid> Failed);

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

    /// <summary>
    /// Re-wraps up to <paramref name="size"/> stores of the retiring keys this silo holds, skipping
    /// <paramref name="skip"/> (stores whose key did not open before).
    /// </summary>
    public async Task<Batch> RewrapBatchAsync(NpgsqlConnection connection, int size, IReadOnlyCollection<Guid> skip, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Share-locking the current key's row holds a rotation back until this batch commits, so what it wraps
        // under is still current when it lands.
        string? current;
        await using (var lockCurrent = new NpgsqlCommand(MasterKeyCatalog.LockCurrent, connection, transaction))
        {
            current = await lockCurrent.ExecuteScalarAsync(ct) as string;
        }

        var retiring = current is null ? [] : (await ReadStringsAsync(connection, transaction, SelectRetiring, ct)).Where(ring.Has).ToArray();
        if (retiring.Length == 0)
        {
            return new Batch(current, 0, []);
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
                var (storeId, accountId) = (reader.GetGuid(0), reader.GetGuid(1));
                var old = new WrappedKey(reader.GetString(2), reader.GetFieldValue<byte[]>(3));
                try
                {
                    wrapped.Add(cipher.Rewrap(old, current!, accountId, storeId).Blob);
                    ids.Add(storeId);
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    failed.Add(storeId);
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
        return new Batch(current, ids.Count, failed);
    }

    /// <summary>
    /// Retires every retiring key that wraps no store any more. None can start wrapping one again: stores are only
    /// ever wrapped under the current key.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RetireEmptyKeysAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await ReadStringsAsync(connection, null, RetireEmpty, ct);

    /// <summary>The retiring keys and how many stores each still wraps.</summary>
    public static async Task<IReadOnlyList<(string Fingerprint, long Stores)>> RetiringAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(CountRetiring, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<(string, long)>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return keys;
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
}
