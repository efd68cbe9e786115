using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Persistence;

/// <summary>
/// The owner grants the runtime role its privileges on every migration run: a table a later migration adds is
/// covered at once, and a privilege granted by hand in between is taken back.
/// </summary>
public sealed class RuntimeRoleGrantsTests
{
    private const string Runtime = EmbeddedPostgres.RuntimeRole;

    [Fact]
    public async Task EveryMigrationRunGrantsTheRuntimeRoleExactlyItsPrivilegesOnEveryTable()
    {
        var owner = await SharedPostgres.CreateDatabaseAsync("grants");
        await SharedPostgres.ExecuteAsync(owner, $"GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO {Runtime}", "CREATE TABLE added_later (id integer)");

        await DatabaseMigrator.MigrateAsync(owner, Runtime);

        Assert.Equal(
            [("audit_log", "INSERT"), ("audit_log", "SELECT"), ("added_later", "DELETE"), ("added_later", "INSERT"), ("added_later", "SELECT"), ("added_later", "UPDATE")],
            await PrivilegesAsync(owner, "audit_log", "added_later"));
    }

    [Fact]
    public async Task AMissingRuntimeRoleIsNamedBeforeAnyMigrationIsApplied()
    {
        var owner = await SharedPostgres.CreateEmptyDatabaseAsync("grants_missing");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseMigrator.MigrateAsync(owner, "no_such_runtime_role"));

        Assert.Contains("\"no_such_runtime_role\"", refused.Message);
        // Each migration grants in its own transaction, so the first one failed whole.
        Assert.Equal(EmbeddedMigration.LoadAll().Select(m => m.Version), await DatabaseSchema.MissingMigrationsAsync(owner));
    }

    private static async Task<List<(string Table, string Privilege)>> PrivilegesAsync(string connectionString, params string[] tables)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT table_name::text, privilege_type::text FROM information_schema.role_table_grants
             WHERE grantee = $1 AND table_name = ANY($2)
             ORDER BY array_position($2, table_name::text), privilege_type
            """, connection)
        {
            Parameters = { new() { Value = Runtime }, new() { Value = tables } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var privileges = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            privileges.Add((reader.GetString(0), reader.GetString(1)));
        }

        return privileges;
    }
}
