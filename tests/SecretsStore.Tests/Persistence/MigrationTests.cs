using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Persistence;

public sealed class MigrationTests
{
    /// <summary>Every migration shipped in the Persistence assembly, by the version its file name starts with.</summary>
    private static readonly int[] AllVersions = typeof(DatabaseMigrator).Assembly.GetManifestResourceNames()
        .Where(name => name.StartsWith("Migrations/", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
        .Select(name => int.Parse(name["Migrations/".Length..][..4], System.Globalization.CultureInfo.InvariantCulture))
        .Order()
        .ToArray();

    [Fact]
    public async Task MigratingAnUpToDateDatabaseChangesNothing()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("migrate_twice");
        var before = await ReadHistoryAsync(connectionString);

        await DatabaseMigrator.MigrateAsync(connectionString);

        Assert.Equal(AllVersions, before.Select(row => row.Version));
        Assert.Equal(before, await ReadHistoryAsync(connectionString));
    }

    [Fact]
    public async Task TwoSilosMigratingAtOnceApplyEachMigrationOnce()
    {
        var connectionString = await SharedPostgres.CreateEmptyDatabaseAsync("migrate_concurrently");

        await Task.WhenAll(
            Task.Run(() => DatabaseMigrator.MigrateAsync(connectionString)),
            Task.Run(() => DatabaseMigrator.MigrateAsync(connectionString)));

        Assert.Equal(AllVersions, (await ReadHistoryAsync(connectionString)).Select(row => row.Version));
    }

    [Fact]
    public async Task MigrationsKeepTheVersionsAndNamesExistingDatabasesRecorded()
    {
        // Databases migrated before the scripts moved next to their queries hold these rows; a script that changed its
        // version or name would be applied a second time there.
        var connectionString = await SharedPostgres.CreateDatabaseAsync("migration_names");

        var recorded = (await ReadHistoryAsync(connectionString)).Select(row => (row.Version, row.Name)).Take(8);

        (int, string)[] shipped =
        [
            (1, "orleans_main"), (2, "orleans_clustering"), (3, "orleans_persistence"), (4, "access"), (5, "services"),
            (6, "stores_and_secrets"), (7, "audit"), (8, "master_keys"),
        ];
        Assert.Equal(shipped, recorded);
    }

    [Fact]
    public async Task TheOrleansQueryTableHoldsEveryQueryTheProvidersLookUp()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("orleans_queries");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", connection);
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        string[] expected =
        [
            "CleanupDefunctSiloEntriesKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey", "DeleteStorageKey",
            "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
            "MembershipReadRowKey", "ReadFromStorageKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
            "WriteToStorageKey",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    private static async Task<List<(int Version, string Name, DateTime AppliedAt)>> ReadHistoryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, name, applied_at FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string, DateTime)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return rows;
    }
}
