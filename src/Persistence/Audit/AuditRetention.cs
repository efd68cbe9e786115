using System.Globalization;
using Npgsql;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Audit;

/// <summary>
/// Deletes the trail's old rows, as the owner role: the role the service runs as may not (see
/// <see cref="RuntimeRoleGrants"/>). The prune is itself a row of the trail, written in the same transaction as the
/// delete, so rows never go without a record that says how many went and up to when. The same transaction deletes the
/// kept answers of Idempotency-Keys whose window has passed (<c>idempotent_answers</c>): they bind nothing any more.
/// </summary>
/// <remarks>
/// The operator's <c>audit-prune</c> command deletes everything before its cutoff in one transaction
/// (<see cref="PruneAsync"/>); the silos' retention deletes in batches (<see cref="PruneBatchAsync"/>), each a short
/// transaction with its own record. Both hold the same transaction-scoped advisory lock (<see cref="LockKey"/>), so
/// one prune runs at a time across the cluster and its jobs, and no lock outlives its transaction, as a pooler in
/// transaction mode requires.
/// </remarks>
public static class AuditRetention
{
    /// <summary>The advisory lock every prune holds for its transaction: a number no other lock of the service uses.</summary>
    public const long LockKey = 0x5EC2_A0D1_7000_0001;

    // The oldest rows first, along the (at, seq) index, so a batch reads only the rows it deletes.
    private const string DeleteBatch = """
        DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE at < $1 ORDER BY at, seq LIMIT $2)
        """;

    /// <summary>Deletes every row recorded before <paramref name="before"/>; answers how many it deleted.</summary>
    /// <param name="requestId">The id the prune's own record carries, as a request's would.</param>
    /// <param name="answerWindow">How long an Idempotency-Key binds (<c>SecretsStore:Idempotency:Window</c>): older answers go.</param>
    /// <exception cref="PostgresException">42501 when the connection's role may not delete from the trail.</exception>
    public static async Task<long> PruneAsync(
        string connectionString, DateTime before, string requestId, CancellationToken ct = default, TimeSpan? answerWindow = null)
    {
        before = before.ToUniversalTime();
        await using var connection = await OpenAsync(connectionString, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, wait: true, ct);

        long deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM audit_log WHERE at < $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = before });
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }

        await DeleteExpiredAnswersAsync(connection, transaction, answerWindow ?? DefaultAnswerWindow, ct);
        await CommitWithRecordAsync(connection, transaction, deleted, before, requestId, ct);
        return deleted;
    }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> of the oldest rows recorded before <paramref name="before"/>, and
    /// records how many, in one transaction; a batch that found none leaves the trail as it was. Answers how many it
    /// deleted, or null when another prune holds the lock: then this one deletes nothing and leaves the work to it.
    /// </summary>
    /// <param name="answerWindow">When given, the batch also deletes the Idempotency-Key answers older than it.</param>
    /// <exception cref="PostgresException">42501 when the connection's role may not delete from the trail.</exception>
    public static async Task<long?> PruneBatchAsync(
        string connectionString, DateTime before, int limit, string requestId, TimeSpan? answerWindow = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        before = before.ToUniversalTime();
        await using var connection = await OpenAsync(connectionString, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await LockAsync(connection, transaction, wait: false, ct))
        {
            return null;
        }

        long deleted;
        await using (var delete = new NpgsqlCommand(DeleteBatch, connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = before });
            delete.Parameters.Add(new NpgsqlParameter { Value = limit });
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }

        if (answerWindow is { } window)
        {
            await DeleteExpiredAnswersAsync(connection, transaction, window, ct);
        }

        if (deleted > 0)
        {
            await CommitWithRecordAsync(connection, transaction, deleted, before, requestId, ct);
        }
        else
        {
            await transaction.CommitAsync(ct);
        }

        return deleted;
    }

    /// <summary>The gateway's default <c>SecretsStore:Idempotency:Window</c>.</summary>
    public static readonly TimeSpan DefaultAnswerWindow = TimeSpan.FromHours(24);

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

    /// <summary>Takes the prunes' lock for the transaction, waiting for it or not; answers whether it is held.</summary>
    private static async Task<bool> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool wait, CancellationToken ct)
    {
        var sql = wait ? "SELECT true FROM pg_advisory_xact_lock($1)" : "SELECT pg_try_advisory_xact_lock($1)";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey });
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private static async Task DeleteExpiredAnswersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan window, CancellationToken ct)
    {
        await using var expired = new NpgsqlCommand("DELETE FROM idempotent_answers WHERE at < $1", connection, transaction);
        expired.Parameters.Add(new NpgsqlParameter { Value = DateTime.UtcNow - window });
        await expired.ExecuteNonQueryAsync(ct);
    }

    private static async Task CommitWithRecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long deleted, DateTime before, string requestId, CancellationToken ct)
    {
        var record = AuditRecord.Of(DateTime.UtcNow, null, Caller.Operator, requestId, AuditActions.AuditPrune, null).WithSubject(Subject(deleted, before));
        await AuditedChange.CommitAsync(connection, transaction, [], [record], ct);
    }
}
