using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Persistence.Access;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Services made before services were bound to accounts acted in every account. The migration that binds them
/// (0009_service_accounts) keeps them doing so, as <c>["*"]</c>, so an upgrade breaks no running service.
/// </summary>
public sealed class LegacyServiceMigrationTests
{
    /// <summary>The last migration of the versions that had no grants.</summary>
    private const int LastBeforeGrants = 8;

    [Fact]
    public async Task AServiceMadeBeforeTheGrantsActsInEveryAccountAfterTheUpgrade()
    {
        var connectionString = await SharedPostgres.CreateEmptyDatabaseAsync("legacy_services");
        await MigrateAsBeforeGrantsAsync(connectionString);
        var token = TokenHasher.NewToken();
        await ExecuteAsync(connectionString, "INSERT INTO services (name, scopes, token_hash) VALUES ('legacy', '{workers}', $1)", TokenHasher.Hash(token));

        var settings = TestHostSettings.For(connectionString);
        await using var app = await TestHost.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);

        var created = await api.PostAsync($"{TestService.Base(account.Id)}/stores", token, new { name = "after_upgrade", account_id = 1 });
        Assert.True(created.Status == 200, $"the legacy service was answered {created.Status}: {created.Body}");
        var listed = (await api.GetAsync("/admin/v1/services", settings.AdminToken)).Result.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "legacy");
        Assert.Equal(["*"], listed.GetProperty("accounts").EnumerateArray().Select(a => a.GetString()));
    }

    /// <summary>The schema as the versions before the grants left it: their migrations applied and recorded, nothing after.</summary>
    private static async Task MigrateAsBeforeGrantsAsync(string connectionString)
    {
        await ExecuteAsync(connectionString, """
            CREATE TABLE schema_migrations
            (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """);
        foreach (var migration in EmbeddedMigration.LoadAll().Where(m => m.Version <= LastBeforeGrants))
        {
            await ExecuteAsync(connectionString, migration.Sql);
            await ExecuteAsync(connectionString, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.Version, migration.Name);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
