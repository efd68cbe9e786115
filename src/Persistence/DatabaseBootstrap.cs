using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>Creates the application database on a fresh server, before it can be migrated.</summary>
public static class DatabaseBootstrap
{
    private const string DuplicateDatabase = "42P04";
    private const string UniqueViolation = "23505";

    public static async Task EnsureDatabaseExistsAsync(string connectionString, CancellationToken ct = default)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));

        // CREATE DATABASE cannot run inside the database it creates, so go through the maintenance
        // database. No pooling: this connection is used once and should not linger.
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(ct);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(ct) is not null)
            {
                return;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(database)}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is DuplicateDatabase or UniqueViolation)
        {
            // Another process created it between our check and our CREATE; that is what we wanted.
        }
    }
}
