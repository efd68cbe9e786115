using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>
/// Whether a database holds every migration this build knows, for a process that does not migrate it itself: a
/// gateway, or a silo whose role may not change the schema (the owner migrates: a silo with the owner's connection,
/// or the <c>migrate</c> command).
/// </summary>
public static class DatabaseSchema
{
    private const string UndefinedTable = "42P01";
    private const string InvalidCatalogName = "3D000";
    private const string InsufficientPrivilege = "42501";

    /// <summary>How often a waiting process looks again, and how often it says that it still waits.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RemindInterval = TimeSpan.FromSeconds(30);

    /// <summary>The versions of this build's migrations that the database has not recorded, in order; none when it is current.</summary>
    /// <remarks>A database that does not exist yet, or was never migrated, lacks them all.</remarks>
    public static async Task<IReadOnlyList<int>> MissingMigrationsAsync(string connectionString, CancellationToken ct = default)
    {
        var known = EmbeddedMigration.LoadAll().Select(m => m.Version).ToList();
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var applied = new HashSet<int>();
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetInt32(0));
            }

            return known.Where(v => !applied.Contains(v)).ToList();
        }
        catch (PostgresException e) when (e.SqlState is UndefinedTable or InvalidCatalogName)
        {
            return known;
        }
    }

    /// <summary>Returns once the database holds every migration this build knows; says what it waits for while it waits.</summary>
    public static async Task WaitUntilCurrentAsync(string connectionString, Action<string> announce, CancellationToken ct = default)
    {
        var lastSaid = (DateTime?)null;
        while (await WaitingForAsync(connectionString, ct) is { } reason)
        {
            if (lastSaid is null || DateTime.UtcNow - lastSaid >= RemindInterval)
            {
                announce($"Waiting for the database schema: {reason}. " +
                    "A silo with the owner's connection (ConnectionStrings:PostgresOwner) or the migrate command applies them and grants this role its privileges.");
                lastSaid = DateTime.UtcNow;
            }

            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>Why the schema is not ready for this connection's role yet; null when it is.</summary>
    private static async Task<string?> WaitingForAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            var missing = await MissingMigrationsAsync(connectionString, ct);
            return missing.Count == 0 ? null : $"migration{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} not applied yet";
        }
        catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
        {
            // The owner is migrating and has not granted this role its privileges yet, or migrated without naming it.
            return "this role may not read schema_migrations yet";
        }
    }
}
