using Npgsql;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Audit;

/// <summary>A filter over the trail; null fields do not filter.</summary>
/// <param name="AlsoAddressed">
/// The operator's reading: <see cref="AccountId"/> also matches the refusals of foreign principals addressed to the
/// account, which are in no account's own trail.
/// </param>
public sealed record AuditFilter(
    Guid? AccountId, DateTime? Since, DateTime? Until, string? Action, string? Principal, Guid? SecretId, string? SecretName, Guid? StoreId,
    bool AlsoAddressed = false);

/// <summary>One record as read back, with its place in the trail.</summary>
public sealed record StoredAuditRecord(long Seq, AuditRecord Record);

/// <summary>
/// The <c>audit_log</c> table (migrations 0007 and 0010): appends records on their own (the gateway's refusals, the account
/// grain's), gives the statement that appends them inside a change's own transaction, and pages through the trail,
/// newest first: by time, then by the order records were appended (the index of migration 0013).
/// </summary>
public sealed class AuditLog(NpgsqlDataSource db)
{
    // An account's own trail is account_id alone (its index); the operator's filter by account adds the refusals
    // addressed to it from elsewhere (their partial index). Two texts, so neither plan has to serve both.
    private const string OwnTrail = "($1::uuid IS NULL OR account_id = $1)";
    private const string WithAddressed = "($1::uuid IS NULL OR account_id = $1 OR addressed_account_id = $1)";

    private const string Conditions = """
          AND ($2::timestamptz IS NULL OR at >= $2)
          AND ($3::timestamptz IS NULL OR at < $3)
          AND ($4::text IS NULL OR action = $4)
          AND ($5::text IS NULL OR principal = $5)
          AND ($6::uuid IS NULL OR secret_id = $6 OR source_secret_id = $6)
          AND ($7::text IS NULL OR secret_name = $7)
          AND ($8::uuid IS NULL OR store_id = $8)
        """;

    public async Task AppendAsync(params AuditRecord[] records)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command(records));
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>The statement that appends <paramref name="records"/>, to run in the transaction of the change they record.</summary>
    public static NpgsqlBatchCommand Command(params AuditRecord[] records) =>
        BatchStatement.Of(AuditTable.Insert, AuditTable.Parameters(records));

    /// <summary>One page, newest first (by time, then the order records were appended), and how many records match.</summary>
    public async Task<(IReadOnlyList<StoredAuditRecord> Items, int Total)> PageAsync(AuditFilter filter, ListQuery page, CancellationToken ct)
    {
        var where = $"WHERE {(filter.AlsoAddressed ? WithAddressed : OwnTrail)}\n{Conditions}";
        var select = Filtered($"""
            SELECT seq, at, account_id, principal, action, status, code, error, store_id, store_name, secret_id, secret_name,
                   request_id, source_secret_id, subject, addressed_account_id, method, uri, value_modified
              FROM audit_log {where}
             ORDER BY at DESC, seq DESC LIMIT $9 OFFSET $10
            """, filter);
        select.Parameters.Add(new NpgsqlParameter { Value = page.PerPage });
        select.Parameters.Add(new NpgsqlParameter { Value = (long)(page.Page - 1) * page.PerPage });
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(select);
        batch.BatchCommands.Add(Filtered($"SELECT count(*) FROM audit_log {where}", filter));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var items = new List<StoredAuditRecord>();
        while (await reader.ReadAsync(ct))
        {
            items.Add(new StoredAuditRecord(reader.GetInt64(0), new AuditRecord(
                reader.GetDateTime(1), NullableGuid(reader, 2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6), NullableString(reader, 7), NullableGuid(reader, 8), NullableString(reader, 9),
                NullableGuid(reader, 10), NullableString(reader, 11), reader.GetString(12), NullableGuid(reader, 13), NullableString(reader, 14),
                NullableGuid(reader, 15), Method: NullableString(reader, 16), Uri: NullableString(reader, 17),
                ValueModified: !reader.IsDBNull(18) && reader.GetBoolean(18))));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (items, (int)Math.Min(int.MaxValue, reader.GetInt64(0)));
    }

    private static NpgsqlBatchCommand Filtered(string sql, AuditFilter filter)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in new object?[] { filter.AccountId, filter.Since, filter.Until, filter.Action, filter.Principal, filter.SecretId, filter.SecretName, filter.StoreId })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static Guid? NullableGuid(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetGuid(i);

    private static string? NullableString(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
