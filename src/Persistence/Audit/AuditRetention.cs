using System.Globalization;
using Npgsql;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Audit;

/// <summary>
/// Deletes the trail's old rows, as the owner role: the role the service runs as may not (see
/// <see cref="RuntimeRoleGrants"/>). Every prune is itself a row of the trail, written in the same transaction as the
/// delete, so rows never go without a record that says how many went and up to when. The operator's
/// <c>audit-prune</c> command deletes everything before its cutoff at once; the silos' background retention deletes
/// in batches (<see cref="PruneBatchAsync"/>), each its own short transaction. Both take the same transaction-scoped
/// advisory lock, so one prune runs at a time across the cluster and its jobs, and no lock outlives its transaction
/// (which a pooler in transaction mode requires).
/// </summary>
public static class AuditRetention
{
    /// <summary>The advisory lock every prune holds for its transaction: an arbitrary number no other lock of the service uses.</summary>
    public const long LockKey = 0x5EC2_A0D1_7000_0001;

    private const string Lock = "SELECT pg_advisory_xact_lock($1)";

    private const string TryLock = "SELECT pg_try_advisory_xact_lock($1)";

    private const string DeleteAll = "DELETE FROM audit_log WHERE at < $1";

    // The oldest rows first, along the (at, seq) index, so a batch reads only the rows it deletes.
    private const string DeleteBatch = """
        DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE at < $1 ORDER BY at, seq LIMIT $2)
        """;

    /// <summary>Deletes every row recorded before <paramref name="before"/>; answers how many it deleted.</summary>
    /// <param name="requestId">The id the prune's own record carries, as a request's would.</param>
    /// <exception cref="PostgresException">42501 when the connection's role may not delete from the trail.</exception>
    public static async Task<long> PruneAsync(string connectionString, DateTime before, string requestId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(connectionString, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteScalarAsync(connection, transaction, Lock, ct, LockKey);
        return await DeleteAndCommitAsync(connection, transaction, DeleteAll, before, requestId, recordNone: true, ct, before.ToUniversalTime());
    }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> of the oldest rows recorded before <paramref name="before"/>, with its
    /// record, in one transaction; answers how many it deleted (no record when none), or null when another prune holds
    /// the lock (then this one deletes nothing and leaves the work to it).
    /// </summary>
    /// <exception cref="PostgresException">42501 when the connection's role may not delete from the trail.</exception>
    public static async Task<long?> PruneBatchAsync(string connectionString, DateTime before, int limit, string requestId, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(connectionString, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await ExecuteScalarAsync(connection, transaction, TryLock, ct, LockKey) is not true)
        {
            return null;
        }

        return await DeleteAndCommitAsync(connection, transaction, DeleteBatch, before, requestId, recordNone: false, ct, before.ToUniversalTime(), limit);
    }

    /// <summary>What the prune's record names: <c>rows:N before:TIME</c> (RFC 3339, UTC).</summary>
    public static string Subject(long deleted, DateTime before) =>
        string.Create(CultureInfo.InvariantCulture, $"rows:{deleted} before:{before.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'}");

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// Runs the delete, appends the prune's record and commits both. The operator's command always says it ran
    /// (<paramref name="recordNone"/>); a background batch that found nothing leaves the trail as it was.
    /// </summary>
    private static async Task<long> DeleteAndCommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, DateTime before, string requestId, bool recordNone, CancellationToken ct,
        params object[] parameters)
    {
        long deleted;
        await using (var delete = new NpgsqlCommand(sql, connection, transaction))
        {
            foreach (var value in parameters)
            {
                delete.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            deleted = await delete.ExecuteNonQueryAsync(ct);
        }

        AuditRecord[] records = deleted > 0 || recordNone
            ? [AuditRecord.Of(DateTime.UtcNow, null, Caller.Operator, requestId, AuditActions.AuditPrune, null).WithSubject(Subject(deleted, before))]
            : [];
        await AuditedChange.CommitAsync(connection, transaction, [], records, ct);
        return deleted;
    }

    private static async Task<object?> ExecuteScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync(ct);
    }
}
