using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Benchmarks;

/// <summary>What every scenario shares: the private PostgreSQL server and how long and how hard to run.</summary>
/// <param name="Smoke">A short run that only proves every scenario works (CI); its figures mean nothing.</param>
public sealed record BenchmarkContext(EmbeddedPostgres Postgres, bool Smoke)
{
    /// <summary>How long each timed load runs.</summary>
    public TimeSpan Duration => Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(8);

    /// <summary>Timed loads alternate baseline and service this many times; the table shows medians.</summary>
    public int Rounds => Smoke ? 1 : 3;

    public int Connections => Smoke ? 8 : 64;

    /// <summary>The size of the "large" store (100k); a smoke run uses a small one.</summary>
    public int LargeStore => Smoke ? 1_000 : 100_000;

    /// <summary>A fresh, migrated database on the private server; answers the owner's connection string.</summary>
    public async Task<string> NewDatabaseAsync(string prefix)
    {
        var connectionString = Postgres.ConnectionStringFor($"{prefix}_{Guid.NewGuid():N}");
        await SecretsStore.Persistence.DatabaseBootstrap.EnsureDatabaseExistsAsync(connectionString);
        await SecretsStore.Persistence.DatabaseMigrator.MigrateAsync(connectionString, EmbeddedPostgres.RuntimeRole);
        return connectionString;
    }

    /// <summary>The runtime role's connection to the database of <paramref name="connectionString"/>: what the service serves as.</summary>
    public string RuntimeConnectionStringFor(string connectionString) =>
        Postgres.RuntimeConnectionStringFor(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!);
}
