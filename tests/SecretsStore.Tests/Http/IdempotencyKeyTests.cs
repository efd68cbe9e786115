using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Api.Idempotency;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// docs/api.md, "Idempotency-Key": a bad key is refused with the error envelope and its hint before anything is
/// written; a read with a key is served as usual; and every audit record of a keyed write (a store grain's, the account
/// grain's, the gateway's own) carries the hashes of the principal's key and of the request, committed with the change.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class IdempotencyKeyTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private NpgsqlDataSource Trail => app.App.Web.Services.GetRequiredService<NpgsqlDataSource>();

    private static Dictionary<string, string> Key(string key) => new() { [IdempotencyKeyHeader.Name] = key };

    private static string Secrets(params string[] names) =>
        JsonSerializer.Serialize(names.Select(n => new { name = n, value = "v", scopes = new[] { "workers" } }));

    [Fact]
    public async Task AKeyOver255CharactersIsRefusedWithItsHintAndWritesNothing()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";

        var refused = await Api.SendAsync(HttpMethod.Post, secrets, account.WriteToken, Secrets("LONG_KEY"), headers: Key(new string('k', 256)));

        Assert.Equal((400, 1001, "idempotency_key_invalid: the key has 256 characters; send 1 to 255"), (refused.Status, refused.ErrorCode, refused.ErrorMessage));
        Assert.Empty((await Api.GetAsync(secrets, account.ReadToken)).Names());
        var taken = await Api.SendAsync(HttpMethod.Post, secrets, account.WriteToken, Secrets("LONG_KEY"), headers: Key(new string('k', 255)));
        Assert.Equal(200, taken.Status);
    }

    [Fact]
    public async Task AnEmptyKeyIsRefusedOnEveryRouteFamily()
    {
        var account = await app.NewAccountAsync();
        var onAccount = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.WriteToken, new { name = "s" }, headers: Key(""));
        var onAdmin = await Api.SendAsync(HttpMethod.Post, $"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "t", permission = "read" }, headers: Key(""));

        foreach (var refused in new[] { onAccount, onAdmin })
        {
            Assert.Equal((400, 1001, "idempotency_key_invalid: the key is empty; send 1 to 255 characters"), (refused.Status, refused.ErrorCode, refused.ErrorMessage));
        }

        Assert.Empty((await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.EnumerateArray());
    }

    [Fact]
    public async Task AReadWithAKeyIsServedAsUsual()
    {
        var account = await app.NewAccountAsync();
        var read = await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", account.ReadToken, headers: Key(new string('k', 300)));
        Assert.Equal(200, read.Status);
    }

    [Fact]
    public async Task EveryRecordOfAKeyedSecretCreateCarriesTheKeyAndTheRequestsHash()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var body = Secrets("ONE", "TWO");

        var created = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, body, headers: Key("create-1"));

        Assert.Equal(200, created.Status);
        var rows = await RecordsOfAsync(created);
        Assert.Equal(2, rows.Count);
        var principal = rows[0].Principal;
        var expected = (
            Convert.ToHexString(IdempotencyFingerprint.KeyHash(principal, "create-1")),
            Convert.ToHexString(IdempotencyFingerprint.WithBody(IdempotencyFingerprint.RequestHash("POST", path), Encoding.UTF8.GetBytes(body))));
        Assert.All(rows, row => Assert.Equal(expected, (row.Key, row.Request)));
    }

    [Fact]
    public async Task TheAccountGrainsAndTheGatewaysOwnRecordsCarryTheKeyToo()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.WriteToken, new { name = "keyed" }, headers: Key("store-1"));
        var token = await Api.SendAsync(
            HttpMethod.Post, $"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "keyed", permission = "read" }, headers: Key("token-1"));

        Assert.Equal((200, 200), (store.Status, token.Status));
        var storeRecord = Assert.Single(await RecordsOfAsync(store));
        var tokenRecord = Assert.Single(await RecordsOfAsync(token));
        Assert.Equal(Convert.ToHexString(IdempotencyFingerprint.KeyHash(storeRecord.Principal, "store-1")), storeRecord.Key);
        Assert.Equal(Convert.ToHexString(IdempotencyFingerprint.KeyHash("operator", "token-1")), tokenRecord.Key);
    }

    [Fact]
    public async Task ARefusedKeyedWriteIsRecordedWithItsKeyAndAnUnkeyedOneWithout()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        await Api.PostAsync(path, account.WriteToken, JsonSerializer.Deserialize<JsonElement>(Secrets("TAKEN")));

        var refused = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("TAKEN"), headers: Key("taken-1"));
        var unkeyed = await Api.PostAsync(path, account.WriteToken, JsonSerializer.Deserialize<JsonElement>(Secrets("FREE")));

        Assert.Equal((409, 200), (refused.Status, unkeyed.Status));
        var refusal = Assert.Single(await RecordsOfAsync(refused));
        Assert.Equal(Convert.ToHexString(IdempotencyFingerprint.KeyHash(refusal.Principal, "taken-1")), refusal.Key);
        Assert.Equal((null, null), (Assert.Single(await RecordsOfAsync(unkeyed)).Key, Assert.Single(await RecordsOfAsync(unkeyed)).Request));
    }

    [Fact]
    public async Task AnotherPrincipalsSameKeyIsAnotherKey()
    {
        var first = await app.NewAccountAsync();
        var second = await app.NewAccountAsync();

        var one = await Api.SendAsync(HttpMethod.Post, $"{first.Base}/stores", first.WriteToken, new { name = "same" }, headers: Key("shared-key"));
        var other = await Api.SendAsync(HttpMethod.Post, $"{second.Base}/stores", second.WriteToken, new { name = "same" }, headers: Key("shared-key"));

        Assert.Equal((200, 200), (one.Status, other.Status));
        Assert.NotEqual(Assert.Single(await RecordsOfAsync(one)).Key, Assert.Single(await RecordsOfAsync(other)).Key);
    }

    private async Task<List<(string Principal, string? Key, string? Request)>> RecordsOfAsync(ApiResponse answer)
    {
        await using var select = Trail.CreateCommand("SELECT principal, idempotency_key, idempotency_request FROM audit_log WHERE request_id = $1 ORDER BY seq");
        select.Parameters.Add(new NpgsqlParameter { Value = answer.Header("x-request-id") });
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(string, string?, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : Convert.ToHexString((byte[])reader[1]), reader.IsDBNull(2) ? null : Convert.ToHexString((byte[])reader[2])));
        }

        return rows;
    }
}
