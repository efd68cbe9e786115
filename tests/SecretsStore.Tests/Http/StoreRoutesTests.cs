using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

[Collection(AppCollection.Name)]
public sealed class StoreRoutesTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task TheOlderArrayFormCreatesAStoreAndAnswersAnArray()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new[] { new { name = "legacy" } });
        Assert.Equal(200, response.Status);
        Assert.Equal(JsonValueKind.Array, response.Result.ValueKind);
        Assert.Equal("legacy", response.Result[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("{}", "store_name_empty", "/name")]
    [InlineData("{\"name\":\"\"}", "store_name_empty", "/name")]
    [InlineData("{\"name\":\"bad name\"}", "store_name_invalid", "/name")]
    [InlineData("{\"name\":42}", "store_name_invalid", "/name")]
    [InlineData("[{\"name\":\"bad name\"}]", "store_name_invalid", "/0/name")]
    public async Task BadStoreNamesAreRefusedAndCreateNothing(string body, string message, string pointer)
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, body);
        Assert.Equal((400, 1001, message, pointer), (response.Status, response.ErrorCode, response.ErrorToken, response.ErrorPointer));
        Assert.Equal(0, (await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.GetArrayLength());
    }

    [Fact]
    public async Task AStoreNameIsUniquePerAccount()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, null, 5);
        await Api.CreateStoreAsync(account, "twice");
        var response = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "twice" });
        Assert.Equal((409, 1003, "store_name_already_exists: twice"), (response.Status, response.ErrorCode, response.ErrorMessage));
        Assert.Equal("false", response.Header("x-should-retry"));

        var other = await app.NewAccountAsync();
        await Api.CreateStoreAsync(other, "twice");
    }

    [Fact]
    public async Task TheDefaultQuotaIsOneStore()
    {
        var account = await app.NewAccountAsync();
        await Api.CreateStoreAsync(account);
        var response = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "second" });
        Assert.Equal((400, 1003, "maximum_stores_exceeded"), (response.Status, response.ErrorCode, response.ErrorToken));
    }

    [Fact]
    public async Task GetAnswersTheStoreAndUnknownIdsAreNotFound()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account, "findme");
        var found = await Api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken);
        Assert.Equal("findme", found.Result.GetProperty("name").GetString());

        foreach (var id in new[] { Guid.NewGuid().ToString("N"), "not-hex", "abc" })
        {
            var missing = await Api.GetAsync($"{account.Base}/stores/{id}", account.ReadToken);
            Assert.Equal((404, 1001, "store_not_found"), (missing.Status, missing.ErrorCode, missing.ErrorMessage));
        }
    }

    [Fact]
    public async Task AStoreOfAnotherAccountIsNotFound()
    {
        var owner = await app.NewAccountAsync();
        var other = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(owner);
        Assert.Equal(404, (await Api.GetAsync($"{other.Base}/stores/{store}", other.ReadToken)).Status);
        Assert.Equal(404, (await Api.DeleteAsync($"{other.Base}/stores/{store}", other.WriteToken)).Status);
        Assert.Equal(404, (await Api.GetAsync($"{other.Base}/stores/{store}/secrets", other.ReadToken)).Status);
    }

    [Fact]
    public async Task DeletingANonEmptyStoreWithoutForceIsAConflict()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "kept");

        var refused = await Api.DeleteAsync($"{account.Base}/stores/{store}", account.WriteToken);
        Assert.Equal((409, 1003, "store_not_empty"), (refused.Status, refused.ErrorCode, refused.ErrorToken));
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken)).Status);

        var forced = await Api.DeleteAsync($"{account.Base}/stores/{store}?force=true", account.WriteToken);
        Assert.Equal(200, forced.Status);
        Assert.Equal(JsonValueKind.Null, forced.Result.ValueKind);
        Assert.Equal(404, (await Api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken)).Status);

        var quota = await Api.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(0, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
        Assert.Equal(0, quota.Result.GetProperty("stores").GetProperty("usage").GetInt32());
    }

    [Fact]
    public async Task DeletingAnEmptyStoreFreesItsQuotaSlot()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        Assert.Equal(200, (await Api.DeleteAsync($"{account.Base}/stores/{store}", account.WriteToken)).Status);
        await Api.CreateStoreAsync(account);
    }

    [Fact]
    public async Task StoresPageByNameWithCountsAndAnEmptyPagePastTheEnd()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, null, 10);
        foreach (var name in new[] { "c", "a", "e", "b", "d" })
        {
            await Api.CreateStoreAsync(account, name);
        }

        var first = await Api.GetAsync($"{account.Base}/stores?order=name&direction=asc&per_page=2", account.ReadToken);
        Assert.Equal(["a", "b"], first.Names());
        var info = first.Body.GetProperty("result_info");
        Assert.Equal((1, 2, 2, 5, 3), (info.GetProperty("page").GetInt32(), info.GetProperty("per_page").GetInt32(),
            info.GetProperty("count").GetInt32(), info.GetProperty("total_count").GetInt32(), info.GetProperty("total_pages").GetInt32()));

        var last = await Api.GetAsync($"{account.Base}/stores?order=name&direction=asc&per_page=2&page=3", account.ReadToken);
        Assert.Equal(["e"], last.Names());

        var past = await Api.GetAsync($"{account.Base}/stores?order=name&direction=asc&per_page=2&page=4", account.ReadToken);
        Assert.Equal(200, past.Status);
        Assert.Empty(past.Names());
        Assert.Equal(0, past.Body.GetProperty("result_info").GetProperty("count").GetInt32());

        var newestFirst = await Api.GetAsync($"{account.Base}/stores", account.ReadToken);
        Assert.Equal(["d", "b", "e", "a", "c"], newestFirst.Names());
    }

    [Theory]
    [InlineData("per_page=101", "invalid_paging")]
    [InlineData("per_page=-1", "invalid_paging")]
    [InlineData("page=x", "invalid_paging")]
    [InlineData("order=size", "invalid_order")]
    [InlineData("direction=sideways", "invalid_direction")]
    public async Task BadListQueriesAre400(string query, string token)
    {
        var account = await app.NewAccountAsync();
        var response = await Api.GetAsync($"{account.Base}/stores?{query}", account.ReadToken);
        Assert.Equal((400, 1001), (response.Status, response.ErrorCode));
        Assert.StartsWith(token, response.ErrorMessage);
    }

    [Fact]
    public async Task PerPageOf100IsAllowed()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.GetAsync($"{account.Base}/stores?per_page=100", account.ReadToken);
        Assert.Equal(100, response.Body.GetProperty("result_info").GetProperty("per_page").GetInt32());
    }

    [Fact]
    public async Task QuotaReportsLimitsAndUsage()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "one");
        var quota = (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result;
        Assert.Equal(100, quota.GetProperty("secrets").GetProperty("quota").GetInt32());
        Assert.Equal(1, quota.GetProperty("secrets").GetProperty("usage").GetInt32());
        Assert.Equal(1, quota.GetProperty("stores").GetProperty("quota").GetInt32());
        Assert.Equal(1, quota.GetProperty("stores").GetProperty("usage").GetInt32());
    }
}
