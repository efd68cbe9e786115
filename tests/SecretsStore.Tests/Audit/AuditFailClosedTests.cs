using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// A value read, a change or a refusal whose audit record cannot be written is answered 503, and nothing of it leaves
/// or lands: not when the audit table refuses inserts, not when PostgreSQL is down.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class AuditFailClosedTests
{
    [Fact]
    public async Task WhileTheAuditTableRefusesInsertsValueReadsAndChangesAre503AndNothingLeaksOrLands()
    {
        // The service serves as the runtime role, which the owner (the superuser here) can take privileges from.
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("auditperm"));
        var superuser = settings.ConnectionString;
        var role = new NpgsqlConnectionStringBuilder(settings.RuntimeConnectionString).Username;

        await using var app = await TestHost.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var consumer = (await AppFixture.NewServiceAsync(api, settings.AdminToken, ["workers"], [account.Id])).Token;
        var store = await api.CreateStoreAsync(account);
        var value = $"kept-{Guid.NewGuid():N}";
        var id = (await api.CreateSecretAsync(account, store, "KEPT", value)).GetProperty("id").GetString();
        var byId = $"{TestService.Base(account.Id)}/stores/{store}/secrets/{id}/value";
        var byName = $"{TestService.Base(account.Id)}/stores/{store}/secrets/by-name/KEPT/value";
        var secrets = $"{account.Base}/stores/{store}/secrets";
        Assert.Equal(value, (await api.GetAsync(byId, consumer)).Result.GetProperty("value").GetString());

        await SharedPostgres.ExecuteAsync(superuser, $"REVOKE INSERT ON audit_log FROM {role}");
        var patched = $"patched-{Guid.NewGuid():N}";
        var refused = new[]
        {
            await api.GetAsync(byId, consumer),
            await api.GetAsync(byName, consumer),
            await api.PostAsync(secrets, account.WriteToken, new[] { new { name = "LOST", value = "v", scopes = new[] { "workers" } } }),
            await api.PatchAsync($"{secrets}/{id}", account.WriteToken, new { value = patched }),
            await api.DeleteAsync($"{secrets}/{id}", account.WriteToken),
            // Refusals the gateway gives itself are not answered unrecorded either.
            await api.PostAsync(secrets, account.WriteToken, "not json"),
            await api.PostAsync(secrets, consumer, new[] { new { name = "WRONG_ROUTE", value = "v", scopes = new[] { "workers" } } }),
            await api.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{Guid.NewGuid():N}", settings.AdminToken),
        };
        foreach (var response in refused)
        {
            Assert.Equal((503, 10002), (response.Status, response.ErrorCode));
            Assert.NotNull(response.Header("Retry-After"));
            Assert.DoesNotContain(value, response.Body.GetRawText(), StringComparison.Ordinal);
        }

        await SharedPostgres.ExecuteAsync(superuser, $"GRANT INSERT ON audit_log TO {role}");
        Assert.Equal(value, (await api.GetAsync(byName, consumer)).Result.GetProperty("value").GetString());
        Assert.Equal(["KEPT"], (await api.GetAsync(secrets, account.ReadToken)).Names());
        var actions = await QueryAsync(superuser, "SELECT action FROM audit_log WHERE action IN ('secret.patch', 'secret.delete') OR secret_name = 'LOST'");
        Assert.Empty(actions);
    }

    [Fact]
    public async Task WhilePostgresIsDownAValueReadOfAnActiveStoreIs503AndLeaksNothing()
    {
        var root = Path.Combine(Path.GetTempPath(), $"secretsstore-auditdown-{Guid.NewGuid():N}");
        var postgres = await EmbeddedPostgres.StartAsync(root);
        try
        {
            var settings = TestHostSettings.For(postgres.ConnectionStringFor("auditdown"), postgres.RuntimeConnectionStringFor("auditdown"));
            await DatabaseBootstrap.EnsureDatabaseExistsAsync(settings.ConnectionString);
            await using var app = await TestHost.StartAsync(settings);
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var api = new ApiClient(http);
            var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
            var consumer = (await AppFixture.NewServiceAsync(api, settings.AdminToken, ["workers"], [account.Id])).Token;
            var store = await api.CreateStoreAsync(account);
            var value = $"offline-{Guid.NewGuid():N}";
            var id = (await api.CreateSecretAsync(account, store, "OFFLINE", value)).GetProperty("id").GetString();
            var path = $"{TestService.Base(account.Id)}/stores/{store}/secrets/{id}/value";
            // The store's grain is active and holds the sealed value in memory: only the audit stands in the way.
            Assert.Equal(200, (await api.GetAsync(path, consumer)).Status);

            await postgres.StopAsync();
            for (var i = 0; i < 3; i++)
            {
                var response = await api.GetAsync(path, consumer);
                Assert.Equal((503, 10002), (response.Status, response.ErrorCode));
                Assert.DoesNotContain(value, response.Body.GetRawText(), StringComparison.Ordinal);
            }

            postgres = await EmbeddedPostgres.StartAsync(root);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            ApiResponse again;
            do
            {
                again = await api.GetAsync(path, consumer);
            }
            while (again.Status != 200 && DateTime.UtcNow < deadline && await Delay());
            Assert.Equal(value, again.Result.GetProperty("value").GetString());
        }
        finally
        {
            await postgres.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(500);
        return true;
    }

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
