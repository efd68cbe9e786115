using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 8 (mutability) and 5 (the service's database privileges), as an attacker who took over a serving
/// process would try it: through the very connection pool the running service uses, the audit trail can be appended
/// to and read, never changed, deleted or truncated, and no table's definition can be changed. Each statement runs in a
/// transaction that is rolled back, so the shared fixture's trail stays whole whatever the outcome.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AuditTrailRoleTests(AppFixture fixture)
{
    private const string InsufficientPrivilege = "42501";

    private NpgsqlDataSource ServicePool => fixture.App.Web.Services.GetRequiredService<NpgsqlDataSource>();

    [Theory]
    [InlineData("UPDATE audit_log SET principal = 'operator', status = 200, code = NULL, error = NULL")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    [InlineData("ALTER TABLE audit_log DISABLE TRIGGER ALL")]
    [InlineData("DROP TABLE audit_log")]
    public async Task TheServicesOwnConnectionCannotBendTheTrail(string statement)
    {
        await NoteThatTheTrailHasRowsAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => InRolledBackTransactionAsync(statement));

        Assert.Equal(InsufficientPrivilege, refused.SqlState);
    }

    [Theory]
    [InlineData("UPDATE OrleansQuery SET QueryText = QueryText")]
    [InlineData("DELETE FROM schema_migrations")]
    [InlineData("CREATE TABLE planted (id integer)")]
    public async Task TheServicesOwnConnectionCannotChangeTheSqlTheSilosRunNorTheSchema(string statement)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => InRolledBackTransactionAsync(statement));

        Assert.Equal(InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task TheServicesOwnConnectionAppendsToAndReadsTheTrailAsAnotherRoleThanItsOwner()
    {
        await InRolledBackTransactionAsync("""
            INSERT INTO audit_log (at, principal, action, status, request_id)
            VALUES (now(), 'operator', 'service.create', 200, 'role-test')
            """);
        await NoteThatTheTrailHasRowsAsync();

        await using var roles = ServicePool.CreateCommand("SELECT current_user, tableowner FROM pg_tables WHERE tablename = 'audit_log'");
        await using var reader = await roles.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.NotEqual(reader.GetString(1), reader.GetString(0));
    }

    private async Task NoteThatTheTrailHasRowsAsync()
    {
        // The fixture's service has recorded at least its accounts' creation of tokens; a refusal on an empty table
        // would prove less.
        await fixture.NewAccountAsync();
        await using var count = ServicePool.CreateCommand("SELECT count(*) FROM audit_log");
        Assert.True((long)(await count.ExecuteScalarAsync())! > 0);
    }

    private async Task InRolledBackTransactionAsync(string sql)
    {
        await using var connection = await ServicePool.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        await transaction.RollbackAsync();
    }
}
