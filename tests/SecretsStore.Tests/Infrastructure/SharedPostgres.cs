using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL server for the whole test run (starting one is the slow part), started on first use
/// under a temporary folder and stopped when the test process exits. Every caller gets a database of its own.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<EmbeddedPostgres>> Server = new(StartAsync);

    /// <summary>A fresh, migrated database (the runtime role granted its privileges); returns the owner's connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var connectionString = await CreateEmptyDatabaseAsync(prefix);
        await DatabaseMigrator.MigrateAsync(connectionString, EmbeddedPostgres.RuntimeRole);
        return connectionString;
    }

    /// <summary>
    /// The runtime role's connection to the same database of this server. Roles belong to the whole server, so one
    /// runtime role serves every test database; the migrator grants it its privileges in each.
    /// </summary>
    public static string RuntimeConnectionStringFor(string connectionString)
    {
        var owner = new NpgsqlConnectionStringBuilder(connectionString);
        var server = Server.IsValueCreated && Server.Value.IsCompletedSuccessfully && Server.Value.Result.Port == owner.Port
            ? Server.Value.Result
            : throw new InvalidOperationException("Not a database of the shared server: give the runtime's connection string too.");
        return server.RuntimeConnectionStringFor(owner.Database!);
    }

    /// <summary>Runs each statement on its own, in order, through one connection (as its role: e.g. the owner's grants).</summary>
    public static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The server itself, for tests of how it lets clients in.</summary>
    public static Task<EmbeddedPostgres> ServerAsync() => Server.Value;

    /// <summary>A fresh database with no migration applied; returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string prefix)
    {
        var server = await Server.Value;
        var connectionString = server.ConnectionStringFor($"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant());
        await DatabaseBootstrap.EnsureDatabaseExistsAsync(connectionString);
        return connectionString;
    }

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"secretsstore-tests-{Guid.NewGuid():N}");
        var server = await EmbeddedPostgres.StartAsync(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Pooled connections would keep server processes busy and slow the shutdown down.
            NpgsqlConnection.ClearAllPools();
            server.StopAsync().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; failing the run over it is not.
            }
        };
        return server;
    }
}
