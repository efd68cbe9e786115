using System.Globalization;
using System.Text.RegularExpressions;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>
/// PostgreSQL's own commit rate on this machine, measured with pgbench: each client upserts one row of its own per
/// transaction. That is the floor cost of one durable write, which a create through the service also pays.
/// </summary>
public static partial class PgBench
{
    private const string Script = """
        \set id random(1, 1000000000)
        INSERT INTO bench_kv (id, v) VALUES (:id, 'benchmark-value') ON CONFLICT (id) DO UPDATE SET v = excluded.v;
        """;

    /// <summary>Transactions per second at <paramref name="clients"/> concurrent clients.</summary>
    /// <param name="port">Where pgbench connects: the server itself, or a pooler in front of it (<see cref="PgBouncer"/>).</param>
    public static async Task<double> UpsertRateAsync(BenchmarkContext context, int clients, TimeSpan duration, int? port = null)
    {
        var database = $"pgbench_{Guid.NewGuid():N}";
        var connectionString = context.Postgres.ConnectionStringFor(database);
        await SecretsStore.Persistence.DatabaseBootstrap.EnsureDatabaseExistsAsync(connectionString);
        await using (var db = Npgsql.NpgsqlDataSource.Create(connectionString))
        await using (var create = db.CreateCommand("CREATE TABLE bench_kv (id bigint PRIMARY KEY, v text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var scriptFile = Path.Combine(Path.GetTempPath(), $"pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(scriptFile, Script);
        try
        {
            var output = await Wrk.RunToolAsync(Executable(), [
                "-h", "127.0.0.1", "-p", (port ?? context.Postgres.Port).ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                "-f", scriptFile, database,
            ], new Dictionary<string, string> { ["PGPASSWORD"] = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Password! });
            var match = Tps().Match(output);
            return match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench printed no rate:\n{output}");
        }
        finally
        {
            File.Delete(scriptFile);
        }
    }

    private static string Executable() => Path.Combine(EmbeddedPostgres.FindBinDirectory(), "pgbench");

    [GeneratedRegex(@"tps = ([\d.]+)")]
    private static partial Regex Tps();
}
