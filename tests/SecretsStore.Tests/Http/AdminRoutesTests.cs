using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

[Collection(AppCollection.Name)]
public sealed class AdminRoutesTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task AccountsAreCreatedAndListed()
    {
        var created = await Api.PostAsync("/admin/v1/accounts", app.AdminToken, new { name = "Acme" });
        Assert.Equal(200, created.Status);
        var id = created.Result.GetProperty("id").GetString();
        Assert.Equal("Acme", created.Result.GetProperty("name").GetString());

        var list = await Api.GetAsync("/admin/v1/accounts", app.AdminToken);
        Assert.Contains(list.Result.EnumerateArray(), a => a.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task TokensAreListedWithoutValuesAndARevokedTokenStopsWorking()
    {
        var account = await app.NewAccountAsync();
        var tokens = await Api.GetAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken);
        Assert.Equal(2, tokens.Result.GetArrayLength());
        Assert.DoesNotContain(account.WriteToken, tokens.Body.GetRawText());
        Assert.All(tokens.Result.EnumerateArray(), t => Assert.False(t.TryGetProperty("token", out _)));

        var readTokenId = tokens.Result.EnumerateArray().Single(t => t.GetProperty("permission").GetString() == "read").GetProperty("id").GetString();
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Status);
        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{readTokenId}", app.AdminToken)).Status);
        var afterRevoke = await Api.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal((401, 10000), (afterRevoke.Status, afterRevoke.ErrorCode));
        Assert.Equal(404, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{readTokenId}", app.AdminToken)).Status);
    }

    [Fact]
    public async Task ATokenNeedsAKnownPermissionAndAKnownAccount()
    {
        var account = await app.NewAccountAsync();
        var badPermission = await Api.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "x", permission = "admin" });
        Assert.Equal((400, "/permission"), (badPermission.Status, badPermission.ErrorPointer));
        var unknownAccount = await Api.PostAsync($"/admin/v1/accounts/{Guid.NewGuid():N}/tokens", app.AdminToken, new { name = "x", permission = "read" });
        Assert.Equal((404, "account_not_found"), (unknownAccount.Status, unknownAccount.ErrorMessage));
    }

    [Fact]
    public async Task AnAccountKeyWithItsEmailOpensTheAccountUntilDeleted()
    {
        var account = await app.NewAccountAsync();
        var created = await Api.PostAsync($"/admin/v1/accounts/{account.Id}/keys", app.AdminToken, new { email = "Ops@Example.com" });
        var key = created.Result.GetProperty("key").GetString()!;
        var headers = new Dictionary<string, string> { ["X-Auth-Email"] = "ops@example.com", ["X-Auth-Key"] = key };

        var store = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", null, new { name = "by_key" }, headers: headers);
        Assert.Equal(200, store.Status);

        var wrongEmail = new Dictionary<string, string> { ["X-Auth-Email"] = "other@example.com", ["X-Auth-Key"] = key };
        Assert.Equal(401, (await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", null, headers: wrongEmail)).Status);

        var other = await app.NewAccountAsync();
        Assert.Equal(403, (await Api.SendAsync(HttpMethod.Get, $"{other.Base}/stores", null, headers: headers)).Status);

        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}/keys/ops@example.com", app.AdminToken)).Status);
        Assert.Equal(401, (await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", null, headers: headers)).Status);
    }

    [Fact]
    public async Task QuotaOverridesShowInTheQuotaRouteAndNullRestoresTheDefault()
    {
        var account = await app.NewAccountAsync();
        var set = await Api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { secrets = 7, stores = 2 });
        Assert.Equal(7, set.Result.GetProperty("secrets").GetProperty("quota").GetInt32());
        var quota = (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result;
        Assert.Equal((7, 2), (quota.GetProperty("secrets").GetProperty("quota").GetInt32(), quota.GetProperty("stores").GetProperty("quota").GetInt32()));

        await Api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { secrets = (int?)null, stores = (int?)null });
        quota = (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result;
        Assert.Equal((100, 1), (quota.GetProperty("secrets").GetProperty("quota").GetInt32(), quota.GetProperty("stores").GetProperty("quota").GetInt32()));

        var bad = await Api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { secrets = -1 });
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task AdminRoutesNeedCredentials()
    {
        Assert.Equal(9106, (await Api.GetAsync("/admin/v1/accounts", null)).ErrorCode);
        Assert.Equal(10000, (await Api.GetAsync("/admin/v1/accounts", "wrong")).ErrorCode);
    }
}
