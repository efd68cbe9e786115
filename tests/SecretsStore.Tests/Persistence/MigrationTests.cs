using Npgsql;
using SecretsStore.Grains.Persistence;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Persistence;

public sealed class MigrationTests
{
    /// <summary>Every migration shipped in the Grains assembly, by the version its file name starts with.</summary>
    private static readonly int[] AllVersions = typeof(DatabaseMigrator).Assembly.GetManifestResourceNames()
        .Where(name => name.Contains(".Persistence.Migrations.", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
        .Select(name => int.Parse(name.Split(".Persistence.Migrations.")[1][..4], System.Globalization.CultureInfo.InvariantCulture))
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
