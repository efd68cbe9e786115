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
public static class AuditRetention
{
    /// <summary>Deletes every row recorded before <paramref name="before"/>; answers how many it deleted.</summary>
    /// <param name="requestId">The id the prune's own record carries, as a request's would.</param>
    /// <param name="answerWindow">How long an Idempotency-Key binds (<c>SecretsStore:Idempotency:Window</c>): older answers go.</param>
    /// <exception cref="PostgresException">42501 when the connection's role may not delete from the trail.</exception>
    public static async Task<long> PruneAsync(
        string connectionString, DateTime before, string requestId, CancellationToken ct = default, TimeSpan? answerWindow = null)
    {
        before = before.ToUniversalTime();
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        long deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM audit_log WHERE at < $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = before });
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var expired = new NpgsqlCommand("DELETE FROM idempotent_answers WHERE at < $1", connection, transaction))
        {
            expired.Parameters.Add(new NpgsqlParameter { Value = DateTime.UtcNow - (answerWindow ?? DefaultAnswerWindow) });
            await expired.ExecuteNonQueryAsync(ct);
        }

        var record = AuditRecord.Of(DateTime.UtcNow, null, Caller.Operator, requestId, AuditActions.AuditPrune, null).WithSubject(Subject(deleted, before));
        await AuditedChange.CommitAsync(connection, transaction, [], [record], ct);
        return deleted;
    }

    /// <summary>The gateway's default <c>SecretsStore:Idempotency:Window</c>.</summary>
    public static readonly TimeSpan DefaultAnswerWindow = TimeSpan.FromHours(24);

    /// <summary>What the prune's record names: <c>rows:N before:TIME</c> (RFC 3339, UTC).</summary>
    public static string Subject(long deleted, DateTime before) =>
        string.Create(CultureInfo.InvariantCulture, $"rows:{deleted} before:{before.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'}");
}
