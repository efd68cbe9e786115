using Npgsql;

namespace SecretsStore.Persistence.Audit;

/// <summary>
/// The one way a change outside the store grains (credentials, services, accounts, quotas, master keys, the trail's
/// prune) is written with its audit records: the statement that appends them (<see cref="AuditLog.Command"/>) runs in
/// the change's transaction (in the change's own batch, unless the change must first be seen to touch its row), so the
/// change and its records commit together or not at all. The store grains' commits do the same in their own batches
/// (<c>Stores/CommitSql</c>).
/// </summary>
internal static class AuditedChange
{
    /// <summary>
    /// A change that needs no check first: its statements and its records as one batch, which PostgreSQL runs as one
    /// implicit transaction in one round trip. No records (the development run's first credentials, made without a
    /// request) writes the change alone.
    /// </summary>
    /// <returns>The first value the change's statements return (an insert's <c>RETURNING</c>), or null.</returns>
    public static async Task<object?> RunAsync(
        NpgsqlDataSource db, IEnumerable<NpgsqlBatchCommand> change, IReadOnlyCollection<AuditRecord> records, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        Add(batch, change, records);
        return await batch.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// A change in a transaction the caller opened, having checked (and locked) what the change depends on: its
    /// statements and its records in one batch, then the commit.
    /// </summary>
    public static async Task CommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<NpgsqlBatchCommand> change, IReadOnlyCollection<AuditRecord> records,
        CancellationToken ct)
    {
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            Add(batch, change, records);
            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// A change that must touch exactly one row, in a transaction the caller opened: when it touched one, its records
    /// are appended and both commit; when it touched none (nothing to revoke, no such service) nothing is recorded and
    /// the answer is false. The caller then disposes of the transaction, which rolls it back, and refuses.
    /// </summary>
    public static async Task<bool> CommitOneRowAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBatchCommand change, IReadOnlyCollection<AuditRecord> records,
        CancellationToken ct)
    {
        await using (var changing = new NpgsqlBatch(connection, transaction) { BatchCommands = { change } })
        {
            if (await changing.ExecuteNonQueryAsync(ct) != 1)
            {
                return false;
            }
        }

        await CommitAsync(connection, transaction, [], records, ct);
        return true;
    }

    /// <summary>As <see cref="CommitOneRowAsync"/>, in a transaction of its own.</summary>
    public static async Task<bool> RunOneRowAsync(NpgsqlDataSource db, NpgsqlBatchCommand change, AuditRecord record, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        return await CommitOneRowAsync(connection, transaction, change, [record], ct);
    }

    private static void Add(NpgsqlBatch batch, IEnumerable<NpgsqlBatchCommand> change, IReadOnlyCollection<AuditRecord> records)
    {
        foreach (var statement in change)
        {
            batch.BatchCommands.Add(statement);
        }

        if (records.Count > 0)
        {
            batch.BatchCommands.Add(AuditLog.Command([.. records]));
        }
    }
}
