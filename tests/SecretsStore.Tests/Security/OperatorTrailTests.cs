using Npgsql;
using SecretsStore.Persistence.Keys;
using SecretsStore.Tests.Infrastructure;
using static SecretsStore.Tests.Keys.RotationWorld;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 8: master-key rotation and account creation left no record. Both are now in the operator's trail, a
/// rotation in the same transaction that makes the new key current, so a recorded rotation is one that happened.
/// </summary>
public sealed class OperatorTrailTests
{
    [Fact]
    public async Task ARotationAndItsRefusalAndAnAccountsCreationAreInTheOperatorsTrail()
    {
        var (oldKey, newKey) = (NewKey(), NewKey());
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("operator_trail")) with { MasterKey = newKey };
        // The database knows the old key as current, as after a deployment that ran on it; the new one is configured last.
        await using (var db = NpgsqlDataSource.Create(settings.ConnectionString))
        {
            await new MasterKeyCatalog(db).EnsureCurrentAsync(FingerprintOf(oldKey));
        }

        await using var app = await TestHost.StartAsync(settings, $"--SecretsStore:MasterKeys:0={oldKey}");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);

        var created = await api.PostAsync("/admin/v1/accounts", settings.AdminToken, new { name = "recorded" });
        var rotated = await api.PostAsync("/admin/v1/keys/rotate", settings.AdminToken, null);
        var again = await api.PostAsync("/admin/v1/keys/rotate", settings.AdminToken, null);
        Assert.Equal((200, 200, 409), (created.Status, rotated.Status, again.Status));

        var trail = (await api.GetAsync("/admin/v1/audit?per_page=100", settings.AdminToken)).Result.EnumerateArray()
            .ToDictionary(r => r.GetProperty("request_id").GetString()!);
        var accountId = created.Result.GetProperty("id").GetString();
        Assert.Equal(
            ("account.create", "allowed", "operator", accountId, $"account:{accountId}"),
            Summary(trail[created.Header("x-request-id")!]));
        Assert.Equal(
            ("master_key.rotate", "allowed", "operator", null, $"master_key:{FingerprintOf(newKey)}"),
            Summary(trail[rotated.Header("x-request-id")!]));
        Assert.Equal(
            ("master_key.rotate", "refused", "operator", null, null),
            Summary(trail[again.Header("x-request-id")!]));
        Assert.Equal("no_new_master_key", trail[again.Header("x-request-id")!].GetProperty("error").GetString());
    }

    private static (string?, string?, string?, string?, string?) Summary(System.Text.Json.JsonElement record) =>
        (record.GetProperty("action").GetString(), record.GetProperty("outcome").GetString(), record.GetProperty("principal").GetString(),
         record.GetProperty("account_id").GetString(), record.GetProperty("subject").GetString());
}
