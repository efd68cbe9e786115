using Npgsql;

namespace SecretsStore.Persistence.Audit;

/// <summary>What a committed, allowed request left in the audit trail of one store: its status and the secret it named.</summary>
public sealed record CommittedRecord(int Status, Guid? SecretId);

/// <summary>
/// Finds what a request committed, by its id: what a repeated call (<c>[AnsweredOnce]</c>) answers from. The audit trail
/// is written in the same transaction as every change, so an allowed record with the request's id exists exactly when
/// its change is durable.
/// </summary>
/// <remarks>
/// The trail has no index on request ids (it would cost every commit, for a look-up made only when a silo went away
/// mid-call). The search walks the primary key back from the newest row only as far as rows stamped before
/// <c>notBefore</c>: the request was admitted shortly before its repeat (within a gateway's response timeout), so that
/// is the rows of a minute or so.
/// </remarks>
public sealed class CommittedRequests(NpgsqlDataSource db)
{
    /// <summary>
    /// How long before the gateway admitted a request (<see cref="SecretsStore.Grains.Abstractions.AuditedRequest.At"/>) its first run may have been
    /// stamped: room for the clocks of a gateway and a silo to differ.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const string Select = """
        SELECT status, secret_id FROM audit_log
         WHERE request_id = $1 AND store_id = $2 AND code IS NULL
           AND seq > COALESCE((SELECT seq FROM audit_log WHERE at < $3 ORDER BY seq DESC LIMIT 1), 0)
         ORDER BY seq
        """;

    private const string SelectStores = """
        SELECT store_id FROM audit_log
         WHERE request_id = $1 AND account_id = $2 AND action = $3 AND code IS NULL AND store_id IS NOT NULL
           AND seq > COALESCE((SELECT seq FROM audit_log WHERE at < $4 ORDER BY seq DESC LIMIT 1), 0)
         ORDER BY seq
        """;

    /// <summary>The stores an earlier request with this id committed <paramref name="action"/> on in an account (a store's create, say).</summary>
    public async Task<IReadOnlyList<Guid>> FindStoresAsync(Guid accountId, string action, string requestId, DateTime notBefore, CancellationToken ct)
    {
        await using var command = db.CreateCommand(SelectStores);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = action });
        command.Parameters.Add(new NpgsqlParameter { Value = notBefore });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var stores = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            stores.Add(reader.GetGuid(0));
        }

        return stores;
    }

    public async Task<IReadOnlyList<CommittedRecord>> FindAsync(Guid storeId, string requestId, DateTime notBefore, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Select);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        command.Parameters.Add(new NpgsqlParameter { Value = notBefore });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var records = new List<CommittedRecord>();
        while (await reader.ReadAsync(ct))
        {
            records.Add(new CommittedRecord(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetGuid(1)));
        }

        return records;
    }
}
