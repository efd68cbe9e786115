using System.Data.Common;
using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>
/// Brings a database up to date with the SQL migrations embedded in this assembly (<c>NNNN_name.sql</c>, each in
/// the folder of the code that queries its tables), applying each one once, in version order.
/// </summary>
public sealed class DatabaseMigrator
{
    // Any constant does; it only has to be the same for every process migrating the database.
    // Advisory locks are per database, so migrations of different databases never wait on each other.
    private const long MigrationLockKey = 0x5345_4352_4554_53; // "SECRETS"

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations
        (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private DatabaseMigrator()
    {
    }

    public static async Task MigrateAsync(string connectionString, CancellationToken ct = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await MigrateAsync(dataSource, ct);
    }

    /// <summary>
    /// Migrates as the connection's role (the owner) and then grants <paramref name="runtimeRole"/> what the service
    /// needs and no more (<see cref="RuntimeRoleGrants"/>), again on every run so that new tables are covered. A null
    /// role, or the owner's own, grants nothing: the service then runs as the owner.
    /// </summary>
    public static async Task MigrateAsync(string connectionString, string? runtimeRole, CancellationToken ct = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await MigrateAsync(dataSource, runtimeRole, ct);
    }

    public static Task MigrateAsync(DbDataSource dataSource, CancellationToken ct = default) => MigrateAsync(dataSource, null, ct);

    public static async Task MigrateAsync(DbDataSource dataSource, string? runtimeRole, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        await InLockedTransactionAsync(connection, ct, async transaction =>
            await TransactionCommands.ExecuteAsync(connection, transaction, CreateHistoryTable, ct));

        var appliedAny = false;
        foreach (var migration in EmbeddedMigration.LoadAll())
        {
            // Each migration commits on its own, so a failure leaves every earlier one applied and
            // recorded. The lock is taken per transaction: two silos starting together take turns,
            // and the second one finds the work already recorded.
            await InLockedTransactionAsync(connection, ct, async transaction =>
            {
                if (await IsAppliedAsync(connection, transaction, migration.Version, ct))
                {
                    return;
                }

                await TransactionCommands.ExecuteAsync(connection, transaction, migration.Sql, ct);
                await RecordAsync(connection, transaction, migration, ct);
                // In the same transaction, so that a process waiting for this version (DatabaseSchema) never sees it
                // recorded before the runtime role may use what it made.
                await GrantAsync(connection, transaction, runtimeRole, ct);
                appliedAny = true;
            });
        }

        if (!appliedAny)
        {
            // Again, whatever was granted or revoked by hand since the last run.
            await InLockedTransactionAsync(connection, ct, transaction => GrantAsync(connection, transaction, runtimeRole, ct));
        }
    }

    // Under the lock too: two owners granting on one table at once could fail with "tuple concurrently updated".
    private static Task GrantAsync(DbConnection connection, DbTransaction transaction, string? runtimeRole, CancellationToken ct) =>
        runtimeRole is null ? Task.CompletedTask : RuntimeRoleGrants.ApplyAsync(connection, transaction, runtimeRole, ct);

    private static async Task InLockedTransactionAsync(
        DbConnection connection, CancellationToken ct, Func<DbTransaction, Task> work)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await TransactionCommands.ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", ct);
        await work(transaction);
        await transaction.CommitAsync(ct);
    }

    private static async Task<bool> IsAppliedAsync(
        DbConnection connection, DbTransaction transaction, int version, CancellationToken ct)
    {
        await using var command = TransactionCommands.Create(
            connection, transaction, "SELECT 1 FROM schema_migrations WHERE version = @version", ("version", version));
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static async Task RecordAsync(
        DbConnection connection, DbTransaction transaction, EmbeddedMigration migration, CancellationToken ct)
    {
        await using var command = TransactionCommands.Create(
            connection, transaction, "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)",
            ("version", migration.Version), ("name", migration.Name));
        await command.ExecuteNonQueryAsync(ct);
    }
}
