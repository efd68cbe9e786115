using Npgsql;

namespace SecretsStore.Persistence.Audit;

/// <summary>A change the gateway makes itself (credentials, services) and its audit record, in one transaction.</summary>
internal static class AuditedChange
{
    /// <summary>
    /// Runs <paramref name="change"/>; when it touched exactly one row, appends <paramref name="record"/> and commits
    /// both. When it touched none (nothing to revoke, a name taken), it rolls back and answers false: the caller then
    /// records the refusal on its own.
    /// </summary>
    public static async Task<bool> RunAsync(NpgsqlDataSource db, NpgsqlBatchCommand change, AuditRecord record, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var changing = new NpgsqlBatch(connection, transaction) { BatchCommands = { change } })
        {
            if (await changing.ExecuteNonQueryAsync(ct) != 1)
            {
                return false;
            }
        }

        await using (var recording = new NpgsqlBatch(connection, transaction) { BatchCommands = { AuditLog.Command(record) } })
        {
            await recording.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return true;
    }
}
