using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>Asks the service's own pool for a connection and the server for an answer: what readiness means by "storage".</summary>
public sealed class DatabaseProbe(NpgsqlDataSource db)
{
    /// <summary>Completes when PostgreSQL answered; throws what the driver threw when it did not.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select 1");
        await cmd.ExecuteScalarAsync(ct);
    }
}
