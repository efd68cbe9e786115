using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>docs/api.md, "System routes": services manage stores on an account's behalf; the store records who manages it.</summary>
[Collection(AppCollection.Name)]
public sealed class SystemRoutesTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private async Task<string> CreateManagedStoreAsync(TestService owner, string accountId, string? name = null, long accountNumber = 4242)
    {
        var created = await Api.PostAsync($"{TestService.Base(accountId)}/stores", owner.Token,
            new { name = name ?? $"managed_{Guid.NewGuid():N}", account_id = accountNumber });
        Assert.True(created.Status == 200, $"managed store create answered {created.Status}: {created.Body}");
        return created.Result.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task AServiceCreatesAStoreItManagesAndTheAccountSeesIt()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        var created = await Api.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, new { name = "gateway_keys", account_id = 7 });
        Assert.Equal(200, created.Status);
        Assert.Equal(owner.Name, created.Result.GetProperty("managed_by").GetString());
        Assert.Equal(account.Id, created.Result.GetProperty("account_id").GetString());

        var seenByAccount = await Api.GetAsync($"{account.Base}/stores", account.ReadToken);
        Assert.Equal(owner.Name, seenByAccount.Result[0].GetProperty("managed_by").GetString());
    }

    [Theory]
    [InlineData("{\"name\":\"x\"}", "invalid_json_body: account_id must be an integer", "/account_id")]
    [InlineData("{\"name\":\"x\",\"account_id\":\"7\"}", "invalid_json_body: account_id must be an integer", "/account_id")]
    [InlineData("{\"name\":\"x\",\"account_id\":1.5}", "invalid_json_body: account_id must be an integer", "/account_id")]
    [InlineData("{\"account_id\":7}", "store_name_empty", "/name")]
    public async Task NameAndAccountIdAreBothRequired(string body, string message, string pointer)
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        var response = await Api.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, body);
        Assert.Equal((400, message, pointer), (response.Status, response.ErrorMessageStarting(message), response.ErrorPointer));
    }

    [Fact]
    public async Task TheFirstAccountIdAServiceUsesIsKeptAndADifferentOneIsRefused()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        await CreateManagedStoreAsync(owner, account.Id, accountNumber: 1001);
        await CreateManagedStoreAsync(owner, account.Id, accountNumber: 1001);
        var mismatch = await Api.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, new { name = "third", account_id = 1002 });
        Assert.Equal((400, 1001, "account_id_mismatch", "/account_id"), (mismatch.Status, mismatch.ErrorCode, mismatch.ErrorMessage, mismatch.ErrorPointer));
    }

    [Fact]
    public async Task AServiceListsOnlyItsOwnStores()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        var other = await app.NewServiceAsync();
        var mine = await CreateManagedStoreAsync(owner, account.Id);
        await CreateManagedStoreAsync(other, account.Id);
        await Api.CreateStoreAsync(account);

        var listed = await Api.GetAsync($"{TestService.Base(account.Id)}/stores", owner.Token);
        Assert.Equal([mine], listed.Result.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(1, listed.Body.GetProperty("result_info").GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task ManagedStoresDoNotCountTowardTheStoreQuotaButTheirSecretsCount()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        var managed = await CreateManagedStoreAsync(owner, account.Id);
        await CreateManagedStoreAsync(owner, account.Id);
        await Api.CreateStoreAsync(account); // the account's one store still fits

        var secrets = await Api.PostAsync($"{TestService.Base(account.Id)}/stores/{managed}/secrets", owner.Token,
            new[] { new { name = "A", value = "v", scopes = new[] { "workers" } }, new { name = "B", value = "v", scopes = new[] { "workers" } } });
        Assert.Equal(200, secrets.Status);

        var quota = (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result;
        Assert.Equal(1, quota.GetProperty("stores").GetProperty("usage").GetInt32());
        Assert.Equal(2, quota.GetProperty("secrets").GetProperty("usage").GetInt32());
    }

    [Fact]
    public async Task EverySecretRouteWorksForTheOwningService()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        var store = await CreateManagedStoreAsync(owner, account.Id);
        var secrets = $"{TestService.Base(account.Id)}/stores/{store}/secrets";

        var created = await Api.PostAsync(secrets, owner.Token, new[] { new { name = "A", value = "v", scopes = new[] { "workers" } } });
        var id = created.Result[0].GetProperty("id").GetString();
        Assert.Equal(200, (await Api.GetAsync($"{secrets}/{id}", owner.Token)).Status);
        Assert.Equal(["A"], (await Api.GetAsync(secrets, owner.Token)).Names());
        Assert.Equal("dex", (await Api.PatchAsync($"{secrets}/{id}", owner.Token, new { scopes = new[] { "dex" } })).Result.GetProperty("scopes")[0].GetString());
        var copy = await Api.PostAsync($"{secrets}/{id}/duplicate", owner.Token, new { name = "B", scopes = new[] { "workers" } });
        Assert.Equal(200, copy.Status);
        Assert.Equal(202, (await Api.DeleteAsync($"{secrets}/{id}", owner.Token)).Status);
        Assert.Equal(202, (await Api.DeleteAsync(secrets, owner.Token, new { ids = new[] { copy.Result.GetProperty("id").GetString() } })).Status);
        Assert.Equal(200, (await Api.DeleteAsync($"{TestService.Base(account.Id)}/stores/{store}", owner.Token)).Status);
        Assert.Equal(404, (await Api.GetAsync($"{TestService.Base(account.Id)}/stores/{store}", owner.Token)).Status);
    }

    [Fact]
    public async Task AStoreNobodyManagesIsNotFoundOnTheSystemRoutes()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync();
        var store = await Api.CreateStoreAsync(account);
        var response = await Api.GetAsync($"{TestService.Base(account.Id)}/stores/{store}", owner.Token);
        Assert.Equal((404, "store_not_found"), (response.Status, response.ErrorMessage));
    }

    [Fact]
    public async Task AMalformedAccountTagIs7003()
    {
        var owner = await app.NewServiceAsync();
        Assert.Equal(7003, (await Api.GetAsync($"{TestService.Base("nope")}/stores", owner.Token)).ErrorCode);
    }
}
