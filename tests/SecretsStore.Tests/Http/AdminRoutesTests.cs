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

    private static (int Quota, int Usage, int? Override) Counter(ApiResponse response, string half)
    {
        var counter = response.Result.GetProperty(half);
        var own = counter.GetProperty("override");
        return (counter.GetProperty("quota").GetInt32(), counter.GetProperty("usage").GetInt32(), own.ValueKind == JsonValueKind.Null ? null : own.GetInt32());
    }

    [Fact]
    public async Task TheOperatorReadsAnAccountsQuotaWithItsOwnLimits()
    {
        var account = await app.NewAccountAsync();
        await Api.CreateStoreAsync(account);
        var quota = await Api.GetAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken);
        Assert.Equal(200, quota.Status);
        Assert.Equal((100, 0, (int?)null), Counter(quota, "secrets"));
        Assert.Equal((1, 1, (int?)null), Counter(quota, "stores"));
        Assert.Equal(404, (await Api.GetAsync($"/admin/v1/accounts/{Guid.NewGuid():N}/quota", app.AdminToken)).Status);
    }

    [Fact]
    public async Task PatchChangesOnlyTheLimitsGivenAndNullRestoresTheDefault()
    {
        var account = await app.NewAccountAsync();
        var quota = $"/admin/v1/accounts/{account.Id}/quota";
        await Api.PutAsync(quota, app.AdminToken, new { secrets = 7, stores = 3 });

        var stores = await Api.PatchAsync(quota, app.AdminToken, new { stores = 5 });
        Assert.Equal(200, stores.Status);
        Assert.Equal(((7, 0, (int?)7), (5, 0, (int?)5)), (Counter(stores, "secrets"), Counter(stores, "stores")));

        var restored = await Api.PatchAsync(quota, app.AdminToken, new { secrets = (int?)null });
        Assert.Equal(((100, 0, (int?)null), (5, 0, (int?)5)), (Counter(restored, "secrets"), Counter(restored, "stores")));

        var nothing = await Api.PatchAsync(quota, app.AdminToken, new { });
        Assert.Equal(((100, 0, (int?)null), (5, 0, (int?)5)), (Counter(nothing, "secrets"), Counter(nothing, "stores")));

        var bad = await Api.PatchAsync(quota, app.AdminToken, new { stores = "many" });
        Assert.Equal((400, "/stores"), (bad.Status, bad.ErrorPointer));
        Assert.Equal(5, Counter(await Api.GetAsync(quota, app.AdminToken), "stores").Quota);
        Assert.Equal(5, (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result.GetProperty("stores").GetProperty("quota").GetInt32());
    }

    [Fact]
    public async Task PutSetsBothLimitsAndRefusesABodyThatLeavesOneOut()
    {
        var account = await app.NewAccountAsync();
        var quota = $"/admin/v1/accounts/{account.Id}/quota";
        await Api.PutAsync(quota, app.AdminToken, new { secrets = 7, stores = 3 });

        var partial = await Api.PutAsync(quota, app.AdminToken, new { secrets = (int?)null });
        Assert.Equal((400, 1001, "invalid_json_body", "/stores"), (partial.Status, partial.ErrorCode, partial.ErrorToken, partial.ErrorPointer));
        Assert.Contains("\"stores\": null", partial.ErrorMessage, StringComparison.Ordinal);
        var kept = await Api.GetAsync(quota, app.AdminToken);
        Assert.Equal(((7, 0, (int?)7), (3, 0, (int?)3)), (Counter(kept, "secrets"), Counter(kept, "stores")));

        var both = await Api.PutAsync(quota, app.AdminToken, new { secrets = (int?)null, stores = 2 });
        Assert.Equal(((100, 0, (int?)null), (2, 0, (int?)2)), (Counter(both, "secrets"), Counter(both, "stores")));
    }

    [Fact]
    public async Task TheOperatorReadsAnAccount()
    {
        var account = await app.NewAccountAsync();
        var read = await Api.GetAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken);
        Assert.Equal(200, read.Status);
        Assert.Equal(["created", "id", "name"], read.Result.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal((account.Id, "test"), (read.Result.GetProperty("id").GetString(), read.Result.GetProperty("name").GetString()));
        var missing = await Api.GetAsync($"/admin/v1/accounts/{Guid.NewGuid():N}", app.AdminToken);
        Assert.Equal((404, 1001, "account_not_found"), (missing.Status, missing.ErrorCode, missing.ErrorToken));
        Assert.Equal(403, (await Api.GetAsync($"/admin/v1/accounts/{account.Id}", account.WriteToken)).Status);
    }

    [Fact]
    public async Task TokensAndKeysAreListedAsIdsAndEmailsOnly()
    {
        var account = await app.NewAccountAsync();
        var (email, key) = await app.NewKeyAsync(account.Id);
        var tokens = await Api.GetAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken);
        Assert.All(tokens.Result.EnumerateArray(), t =>
            Assert.Equal(["created", "id", "name", "permission"], t.EnumerateObject().Select(p => p.Name).Order().ToArray()));
        var keys = await Api.GetAsync($"/admin/v1/accounts/{account.Id}/keys", app.AdminToken);
        Assert.Equal(200, keys.Status);
        var listed = Assert.Single(keys.Result.EnumerateArray());
        Assert.Equal(["created", "email"], listed.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(email, listed.GetProperty("email").GetString());
        foreach (var secret in new[] { key, account.WriteToken, account.ReadToken })
        {
            Assert.DoesNotContain(secret, tokens.Body.GetRawText() + keys.Body.GetRawText());
        }
    }

    [Fact]
    public async Task DeletingAnAccountWithStoresIsAConflictThatNamesForce()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "KEEP");
        var refused = await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken);
        Assert.Equal((409, 1003, "account_not_empty"), (refused.Status, refused.ErrorCode, refused.ErrorToken));
        Assert.Contains("1 store (0 managed by services) holding 1 secret", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("?force=true", refused.ErrorMessage, StringComparison.Ordinal);

        Assert.Equal(200, (await Api.GetAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken)).Status);
        Assert.Equal(["KEEP"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Fact]
    public async Task AnEmptyAccountIsDeletedWithoutForce()
    {
        var account = await app.NewAccountAsync();
        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken)).Status);
        Assert.Equal(404, (await Api.GetAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken)).Status);
        Assert.Equal(404, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken)).Status);
    }

    [Fact]
    public async Task ForceDeletesAnAccountWithEverythingInItAndRecordsIt()
    {
        var account = await app.NewAccountAsync();
        var (email, key) = await app.NewKeyAsync(account.Id);
        var owner = await app.NewServiceAsync();
        await app.SetQuotaAsync(account, secrets: 50, stores: 2);
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "GONE");
        var managed = await Api.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, new { name = "managed", account_id = 99 });
        var managedId = managed.Result.GetProperty("id").GetString();

        var deleted = await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}?force=true", app.AdminToken);
        Assert.Equal(200, deleted.Status);

        // The account, its credentials and everything in it are gone.
        Assert.Equal(404, (await Api.GetAsync($"/admin/v1/accounts/{account.Id}", app.AdminToken)).Status);
        Assert.DoesNotContain((await Api.GetAsync("/admin/v1/accounts", app.AdminToken)).Result.EnumerateArray(), a => a.GetProperty("id").GetString() == account.Id);
        Assert.Equal(401, (await Api.GetAsync($"{account.Base}/stores", account.WriteToken)).Status);
        Assert.Equal(401, (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Status);
        var keyed = new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key };
        Assert.Equal(401, (await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", null, headers: keyed)).Status);
        Assert.Equal(404, (await Api.GetAsync($"{TestService.Base(account.Id)}/stores/{managedId}", owner.Token)).Status);
        Assert.Equal(404, (await Api.GetAsync($"{TestService.Base(account.Id)}/stores", owner.Token)).Status);

        // The audit trail keeps the delete, and the store deletes it made.
        var trail = await Api.GetAsync($"/admin/v1/audit?account_id={account.Id}&per_page=100", app.AdminToken);
        var actions = trail.Result.EnumerateArray()
            .Where(r => r.GetProperty("principal").GetString() == "operator")
            .Select(r => (r.GetProperty("action").GetString(), r.GetProperty("status").GetInt32())).ToList();
        Assert.Contains(("account.delete", 200), actions);
        Assert.Equal(2, actions.Count(a => a == ("store.delete", 200)));
    }

    [Fact]
    public async Task NothingOfADeletedAccountIsLeftInItsGrains()
    {
        // An account made again under a deleted one's id (as an operator adopting old stores would) starts empty.
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, secrets: 9, stores: 3);
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "GONE");
        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}?force=true", app.AdminToken)).Status);

        await using (var db = Npgsql.NpgsqlDataSource.Create(app.Settings.ConnectionString))
        {
            await using var insert = db.CreateCommand("insert into accounts (id, name) values ($1, 'again')");
            insert.Parameters.AddWithValue(account.Id);
            await insert.ExecuteNonQueryAsync();
        }

        var quota = await Api.GetAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken);
        Assert.Equal(((100, 0, (int?)null), (1, 0, (int?)null)), (Counter(quota, "secrets"), Counter(quota, "stores")));
        var token = await Api.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "w", permission = "write" });
        var again = new TestAccount(account.Id, token.Result.GetProperty("token").GetString()!, token.Result.GetProperty("token").GetString()!);
        Assert.Empty((await Api.GetAsync($"{again.Base}/stores", again.ReadToken)).Result.EnumerateArray());
        Assert.Equal(404, (await Api.GetAsync($"{again.Base}/stores/{store}", again.ReadToken)).Status);
        await Api.CreateStoreAsync(again, "fresh");
    }

    [Fact]
    public async Task SystemRoutesRefuseAnAccountTagThatNamesNoAccount()
    {
        var owner = await app.NewServiceAsync();
        var nobody = TestService.Base(Guid.NewGuid().ToString("N"));
        var create = await Api.PostAsync($"{nobody}/stores", owner.Token, new { name = "orphan", account_id = 1 });
        Assert.Equal((404, 1001, "account_not_found"), (create.Status, create.ErrorCode, create.ErrorToken));
        Assert.Equal("false", create.Header("x-should-retry"));
        Assert.Equal(404, (await Api.GetAsync($"{nobody}/stores", owner.Token)).Status);

        // Credentials and permission are still checked first.
        Assert.Equal(401, (await Api.GetAsync($"{nobody}/stores", "wrong")).Status);
        var account = await app.NewAccountAsync();
        Assert.Equal(403, (await Api.GetAsync($"{nobody}/stores", account.WriteToken)).Status);
    }

    [Fact]
    public async Task AdminRoutesNeedCredentials()
    {
        Assert.Equal(9106, (await Api.GetAsync("/admin/v1/accounts", null)).ErrorCode);
        Assert.Equal(10000, (await Api.GetAsync("/admin/v1/accounts", "wrong")).ErrorCode);
    }
}
