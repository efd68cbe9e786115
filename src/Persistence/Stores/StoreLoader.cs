using System.Data;
using Npgsql;

namespace SecretsStore.Persistence.Stores;

/// <summary>A store's rows as one load read them.</summary>
/// <param name="Row">Null when the store was never created.</param>
public sealed record StoredStore(StoreRow? Row, List<SecretRecord> Secrets);

/// <summary>Reads a whole store, its row and every secret, in one consistent snapshot and one round trip.</summary>
public sealed class StoreLoader(NpgsqlDataSource db)
{
    private const string SelectStore = """
        SELECT account_id, name, managed_by, created, modified, master_key_id, data_key, deleted IS NOT NULL, version
          FROM stores WHERE id = $1
        """;

    private const string SelectSecrets =
        "SELECT id, name, created, modified, comment, scopes, sealed_value FROM secrets WHERE store_id = $1";

    public async Task<StoredStore> LoadAsync(Guid storeId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Repeatable read: the row's version and the secrets must come from the same moment.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { Command(SelectStore, storeId), Command(SelectSecrets, storeId) },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);

        StoreRow? row = null;
        if (await reader.ReadAsync(ct))
        {
            var dataKey = reader.IsDBNull(6) ? null : new WrappedKey(reader.GetString(5), reader.GetFieldValue<byte[]>(6));
            row = new StoreRow(
                storeId, reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetDateTime(3), reader.GetDateTime(4), dataKey, reader.GetBoolean(7), reader.GetInt64(8));
        }

        await reader.NextResultAsync(ct);
        var secrets = new List<SecretRecord>();
        var scopeSets = new ScopeSetInterner();
        while (await reader.ReadAsync(ct))
        {
            secrets.Add(new SecretRecord(
                reader.GetGuid(0), reader.GetString(1), reader.GetDateTime(2), reader.GetDateTime(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), scopeSets.Intern(reader.GetFieldValue<string[]>(5)),
                reader.GetFieldValue<byte[]>(6)));
        }

        return new StoredStore(row, secrets);
    }

    private static NpgsqlBatchCommand Command(string sql, Guid storeId) => new(sql) { Parameters = { new NpgsqlParameter { Value = storeId } } };

    /// <summary>
    /// Most secrets of a store share one of a few scope sets; keeping one array per set instead of one per secret
    /// saves about a hundred bytes per secret in a large store.
    /// </summary>
    private sealed class ScopeSetInterner
    {
        private readonly List<string[]> _known = [];

        public string[] Intern(string[] scopes)
        {
            foreach (var known in _known)
            {
                if (known.AsSpan().SequenceEqual(scopes))
                {
                    return known;
                }
            }

            if (_known.Count < 32)
            {
                _known.Add(scopes);
            }

            return scopes;
        }
    }
}
